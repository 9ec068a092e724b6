"""jekyll-gist 1.5.0's ``{% gist %}`` against the gem: a site built by Jekyll 4.3.1 with the
plugin and ``gist: noscript: false`` (the gem then fetches nothing, so its output is the script
alone), served by Broadsheet and compared byte for byte; ids with and without a user, file
names, ids and files from variables, and markup the gem reads oddly.

Without ``noscript: false`` the gem fetches the gist's code for a ``<noscript>`` (and writes the
logger's ``true`` before the script when the fetch fails); Broadsheet never fetches, so its
output is the same script alone (tested here against the gem's script tag, not Jekyll's build).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from compare.environment import write_files

from handler.engine.plugins.gist import GistSyntaxError, gist_arguments, gist_script
from handler.engine.renderer import Notes
from handler.errors import LiquidError

from .jekyll_reference import assert_same, built, require_gem, serve

LAYOUT = {"_layouts/default.html": "<html><body>{{ content }}</body></html>\n"}
GISTS = (
    "{% gist 1234567 %}\n"
    "{% gist user/1234567 %}\n"
    "{% gist user/1234567 file.rb %}\n"
    "{% gist 28949e1d5ee2273f9fd3 best.md %}\n"
    "{%gist   spaced/42    x.py   %}\n"
    "{% gist 0123 %}\n"
    '{% gist "quoted/7" %}\n'
    "{% gist user/a b c %}\n"
    "{% assign g = 'var/99' %}{% assign f = 'from-var.js' %}{% gist g f %}\n"
    "{% gist page.gist page.file %}\n"
    "{% gist page.missing page.nothing %}\n"
)
SITE = {
    "_config.yml": "plugins: [jekyll-gist]\ngist:\n  noscript: false\n",
    **LAYOUT,
    "index.html": f"---\nlayout: default\ngist: front/5\nfile: matter.txt\n---\n{GISTS}",
    "post.md": "---\nlayout: default\n---\nA gist in markdown:\n\n{% gist md/1 a.md %}\n",
}


@pytest.mark.slow
def test_the_script_tags_are_the_gems(tmp_path: Path) -> None:
    require_gem("jekyll-gist")
    site, reference = built(tmp_path, SITE)
    for relative in ("index.html", "post.html"):
        assert_same(site, reference, relative)


def test_arguments_split_as_the_gem_splits_them() -> None:
    assert gist_arguments(" user/1234567 file.rb ") == ("user/1234567", "file.rb")
    # Two spaces: the first pattern fails, the second takes it all as the id (as the gem does).
    assert gist_arguments("user/1234567  file.rb") == ("user/1234567  file.rb", "")
    assert gist_arguments("28949e1d5ee2273f9fd3") == ("28949e1d5ee2273f9fd3", "")
    assert gist_arguments("user/a b c") == ("user/a b c", "")  # the second pattern
    for bad in ("", "   ", "a b c"):
        with pytest.raises(GistSyntaxError, match="Syntax error in tag 'gist'"):
            gist_arguments(bad)
    assert gist_script("u/1", "") == '<script src="https://gist.github.com/u/1.js"> </script>'
    assert gist_script("u/1", "f.rb") == (
        '<script src="https://gist.github.com/u/1.js?file=f.rb"> </script>'
    )


def test_without_noscript_false_no_noscript_is_written(tmp_path: Path) -> None:
    """The gem would fetch the code (network); Broadsheet writes the script alone."""
    write_files(tmp_path, {**SITE, "_config.yml": "plugins: [jekyll-gist]\n"})
    body = serve(tmp_path).page("/post.html").body.decode()
    assert '<script src="https://gist.github.com/md/1.js?file=a.md"> </script>' in body
    assert "noscript" not in body and "true<script" not in body


def test_a_gist_tag_without_an_id_stops_the_page(tmp_path: Path) -> None:
    write_files(tmp_path, {**SITE, "post.md": "---\nlayout: default\n---\n{% gist %}\n"})
    with pytest.raises(LiquidError, match="Syntax error in tag 'gist'"):
        serve(tmp_path).page("/post.html")


def test_github_pages_runs_the_plugin_unlisted(tmp_path: Path) -> None:
    write_files(tmp_path, {**SITE, "_config.yml": "title: x\n"})
    site = serve(tmp_path, github_pages=True)
    assert "jekyll-gist" in site.view().plugins
    assert "https://gist.github.com/md/1.js" in site.page("/post.html").body.decode()


def test_unlisted_without_github_pages_gist_is_an_unknown_tag(tmp_path: Path) -> None:
    write_files(tmp_path, {**SITE, "_config.yml": "title: x\n"})
    site = serve(tmp_path)
    view = site.view()
    notes = Notes()
    body = site.render(view, view.by_key["post.md"], notes=notes)
    assert "gist.github.com" not in body
    assert ("tag", "gist", "post.md", 6) in notes.unsupported
