"""jekyll-feed 0.17.0's ``{% feed_meta %}`` against the gem: sites built by Jekyll 4.3.1 with the
plugin, served by Broadsheet, the page holding the tag compared byte for byte. The link's
``href`` is ``feed: path`` (or ``feed.xml``) made absolute with ``url`` and ``baseurl``; its
``title`` is ``title`` (else ``name``, else none), escaped as an XML attribute."""

from __future__ import annotations

from pathlib import Path

import pytest
from compare.environment import write_files

from handler.engine.renderer import Notes

from .jekyll_reference import assert_same, built, require_gem, serve

PAGE = {
    "_layouts/default.html": "<html><head>{% feed_meta %}</head><body>{{ content }}</body></html>\n",
    "index.md": "---\nlayout: default\n---\nHome.\n",
}
CONFIGS = {
    "plain": "title: My feed\nurl: https://example.com\n",
    "baseurl": "title: A <b>\"quoted\"</b> & 'mixed' title\nurl: https://example.com\nbaseurl: /sub\n",
    "path": "name: Named\nurl: http://example.org\nfeed:\n  path: /atom/all.xml\n",
    "relative-path": "title: Rel\nurl: https://e.example\nbaseurl: /b/\nfeed:\n  path: news.xml\n",
    "no-url": "title: No URL\n",
    "no-title": "url: https://example.com\n",
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_the_link_is_the_gems(name: str, tmp_path: Path) -> None:
    require_gem("jekyll-feed")
    config = CONFIGS[name] + "plugins: [jekyll-feed]\n"
    site, reference = built(tmp_path, {"_config.yml": config, **PAGE})
    assert_same(site, reference, "index.html")


@pytest.mark.slow
@pytest.mark.xfail(
    strict=True,
    reason="absolute_url joins the host's url without its trailing slash; Jekyll keeps it "
    "(https://example.com//sub/feed.xml)",
)
def test_a_url_with_a_trailing_slash(tmp_path: Path) -> None:
    require_gem("jekyll-feed")
    config = "url: https://example.com/\nbaseurl: /sub\nplugins: [jekyll-feed]\n"
    site, reference = built(tmp_path, {"_config.yml": config, **PAGE})
    assert_same(site, reference, "index.html")


def test_unlisted_feed_meta_is_an_unknown_tag(tmp_path: Path) -> None:
    write_files(tmp_path, {"_config.yml": "title: x\n", **PAGE})
    site = serve(tmp_path, github_pages=True)  # jekyll-feed is not one of GitHub Pages' defaults
    view = site.view()
    notes = Notes()
    body = site.render(view, view.by_key["index.md"], notes=notes)
    assert "<head></head>" in body
    assert ("tag", "feed_meta", "_layouts/default.html", 1) in notes.unsupported
