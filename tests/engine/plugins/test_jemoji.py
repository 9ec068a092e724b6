"""jemoji 0.13.0 (html-pipeline 2.14's EmojiFilter, gemoji 4.1.0): there is no Jekyll reference
for it here, so its output is checked against the gem's own spec (``spec/jemoji_spec.rb`` and
its fixtures, reproduced below) and what the gem and the filter document: the image tag and its
attribute order, ``emoji.src``, only the ``<body>`` processed, ``pre``/``code``/``tt`` skipped,
gemoji's file names (``fe0f`` and ``200d`` dropped), no custom emoji in gemoji 4, and which
documents are touched."""

from __future__ import annotations

from pathlib import Path

import pytest
from compare.environment import write_files

from handler.engine.plugins.jemoji import emoji_files, filter_html
from handler.site import Site

from .jekyll_reference import serve

SRC = "https://github.githubassets.com/images/icons/"
PLUS_ONE = (
    '<img class="emoji" title=":+1:" alt=":+1:" '
    f'src="{SRC}emoji/unicode/1f44d.png" height="20" width="20">'
)


def img(name: str, file: str, src: str = SRC) -> str:
    return (
        f'<img class="emoji" title=":{name}:" alt=":{name}:" src="{src}emoji/{file}" '
        'height="20" width="20">'
    )


BASE = (
    '<!DOCTYPE HTML>\n<html lang="en-US">\n  <head>\n    <meta charset="UTF-8">\n'
    "    <title>{{ page.title }}</title>\n"
    '    <meta name="viewport" content="width=device-width,initial-scale=1">\n'
    '    <link rel="stylesheet" href="/css/screen.css">\n  </head>\n  {{ content }}\n</html>\n'
)
BASE_MINIFIED = (
    '<!DOCTYPE HTML><html lang="en-US"><head><meta charset="UTF-8"><title>{{ page.title }}'
    '</title><meta name="viewport" content="width=device-width,initial-scale=1"><link '
    'rel="stylesheet" href="/css/screen.css"></head>{{ content }}</html>'
)
# The gem's spec/fixture_site.
SPEC_SITE = {
    "_config.yml": ("plugins: [jemoji]\ncollections:\n  docs:\n    output: true\n  secret: {}\n"),
    "_layouts/base.html": BASE,
    "_layouts/base_minified.html": BASE_MINIFIED,
    "_layouts/default.html": '---\nlayout: base\n---\n\n<body class="wrap">\n  {{ content }}\n</body>\n',
    "_layouts/default_minified.html": (
        '---\nlayout: base_minified\n---\n<body class="wrap">{{ content }}</body>'
    ),
    "_layouts/without_body_attributes.html": (
        "---\nlayout: base\n---\n\n<body>\n  {{ content }}\n</body>\n"
    ),
    "_layouts/without_body_attributes_minified.html": (
        "---\nlayout: base_minified\n---\n<body>{{ content }}</body>"
    ),
    "_layouts/multiline_body_tag.html": (
        '---\nlayout: base\n---\n\n<body\n  class="wrap"\n>\n  {{ content }}\n</body>\n'
    ),
    "index.md": "---\nlayout: default\ntitle: Jemoji\n---\n:+1:\n",
    "minified_index.md": "---\nlayout: default_minified\ntitle: Jemoji Minified\n---\n:+1:\n",
    "index_without_body_attributes.md": (
        "---\nlayout: without_body_attributes\ntitle: Plain Jemoji\n---\n:+1:\n"
    ),
    "minified_index_without_body_attributes.md": (
        "---\nlayout: without_body_attributes_minified\ntitle: Plain Jemoji Minified\n---\n:+1:\n"
    ),
    "multiline.md": "---\nlayout: multiline_body_tag\ntitle: Multi-line Body Tag\n---\n:+1:\n",
    "_posts/2014-03-08-code-block.md": (
        '---\n---\n\n```ruby\ndef i_am_ruby\n    puts YAML.dump(":smile: every day")\nend\n```\n\n'
        ":+1:\n"
    ),
    "_posts/2014-12-02-refactor.md": "---\n---\n:+1:\n",
    "_docs/file.md": "---\ntitle: File\n---\n:+1:\n",
    "_docs/with_liquid.md": (
        '---\ntitle: With Liquid\n---\n:+1: <a href="{{ page.url }}">{{ page.path }}</a>\n'
    ),
    "_docs/dont_touch_me.txt": "---\ntitle: Don't Touch Me\n---\n\n:+1:\n",
    "_secret/file.md": "---\n---\n:+1:\n",
}
HEAD = (
    '<!DOCTYPE HTML>\n<html lang="en-US">\n  <head>\n    <meta charset="UTF-8">\n'
    "    <title>{title}</title>\n"
    '    <meta name="viewport" content="width=device-width,initial-scale=1">\n'
    '    <link rel="stylesheet" href="/css/screen.css">\n  </head>\n  '
)
MINIFIED_HEAD = (
    '<!DOCTYPE HTML><html lang="en-US"><head><meta charset="UTF-8"><title>{title}</title>'
    '<meta name="viewport" content="width=device-width,initial-scale=1"><link rel="stylesheet" '
    'href="/css/screen.css"></head>'
)
# The gem's spec/fixtures: what each page must be, byte for byte.
SPEC_FIXTURES = {
    "/index.html": HEAD.format(title="Jemoji")
    + f'<body class="wrap">\n  <p>{PLUS_ONE}</p>\n\n</body>\n\n</html>\n',
    "/minified_index.html": MINIFIED_HEAD.format(title="Jemoji Minified")
    + f'<body class="wrap"><p>{PLUS_ONE}</p>\n</body></html>',
    "/index_without_body_attributes.html": HEAD.format(title="Plain Jemoji")
    + f"<body>\n  <p>{PLUS_ONE}</p>\n\n</body>\n\n</html>\n",
    "/minified_index_without_body_attributes.html": MINIFIED_HEAD.format(
        title="Plain Jemoji Minified"
    )
    + f"<body><p>{PLUS_ONE}</p>\n</body></html>",
    "/multiline.html": HEAD.format(title="Multi-line Body Tag")
    + f'<body\n  class="wrap"\n>\n  <p>{PLUS_ONE}</p>\n\n</body>\n\n</html>\n',
    "/2014/12/02/refactor.html": f"<p>{PLUS_ONE}</p>\n",
    "/docs/file.html": f"<p>{PLUS_ONE}</p>\n",
    "/docs/with_liquid.html": (
        f'<p>{PLUS_ONE} <a href="/docs/with_liquid.html">_docs/with_liquid.md</a></p>\n'
    ),
    "/docs/dont_touch_me.txt": ":+1:\n",
}


@pytest.fixture
def spec_site(tmp_path: Path) -> Site:
    write_files(tmp_path, SPEC_SITE)
    return serve(tmp_path)


@pytest.mark.parametrize("path", sorted(SPEC_FIXTURES))
def test_the_gems_spec_fixtures(spec_site: Site, path: str) -> None:
    assert spec_site.page(path).body.decode() == SPEC_FIXTURES[path]


def test_code_blocks_keep_their_shortcodes(spec_site: Site) -> None:
    body = spec_site.page("/2014/03/08/code-block.html").body.decode()
    assert '<span class="s2">":smile: every day"</span>' in body
    assert PLUS_ONE in body


def test_emoji_src_from_the_config(tmp_path: Path) -> None:
    config = SPEC_SITE["_config.yml"] + "emoji:\n  src: http://mine.club/\n"
    write_files(tmp_path, {**SPEC_SITE, "_config.yml": config})
    body = serve(tmp_path).page("/2014/12/02/refactor.html").body.decode()
    assert body == f"<p>{PLUS_ONE.replace(SRC, 'http://mine.club/')}</p>\n"


def test_unlisted_or_built_in_theme_leaves_shortcodes(tmp_path: Path) -> None:
    write_files(tmp_path / "unlisted", {**SPEC_SITE, "_config.yml": "title: x\n"})
    page = serve(tmp_path / "unlisted", github_pages=True).page("/2014/12/02/refactor.html")
    body = page.body.decode()  # jemoji is not one of GitHub Pages' defaults
    assert "<p>:+1:</p>" in body and 'class="emoji"' not in body
    write_files(
        tmp_path / "theme",
        {"_config.yml": "plugins: [jemoji]\n", "_posts/2024-01-01-a.md": ":+1:\n"},
    )
    themed = serve(tmp_path / "theme").page("/2024/01/01/a.html").body.decode()
    assert ":+1:" in themed and 'class="emoji"' not in themed


def test_which_documents_are_touched(tmp_path: Path) -> None:
    files = {
        "_config.yml": "plugins: [jemoji]\ncollections: [notes]\n",
        "_layouts/plain.html": "{{ content }}",
        "feed.xml": "---\n---\n<x>:smile:</x>\n",
        "slash.xml": "---\npermalink: /slash/\n---\n<x>:smile:</x>\n",
        "page.htm": "---\n---\n<p>:smile:</p>\n",
    }
    write_files(tmp_path, files)
    site = serve(tmp_path)
    assert site.page("/feed.xml").body.decode() == "<x>:smile:</x>\n"
    assert site.page("/page.htm").body.decode() == "<p>:smile:</p>\n"  # .htm is not .html
    assert (
        site.page("/slash/index.xml").body.decode()
        == f"<x>{img('smile', 'unicode/1f604.png')}</x>\n"
    )


def test_what_the_filter_skips_and_keeps() -> None:
    html = (
        '<!-- :smile: --><PRE><b>:smile:</b></PRE><p title=":smile:">&amp; :+1:: ::smile:</p>'
        "<div><code>a<span>:smile:</span></div> :smile: <tt>:smile:</tt> <script>x(':smile:')"
        "</script> :octocat: :not_an_emoji: :man_technologist: :family_man_woman_girl: :heart:"
    )
    smile = img("smile", "unicode/1f604.png")
    assert filter_html(html, SRC) == (
        '<!-- :smile: --><PRE><b>:smile:</b></PRE><p title=":smile:">&amp; '
        f"{PLUS_ONE}: :{smile}</p><div><code>a<span>:smile:</span></div> {smile} "
        f"<tt>:smile:</tt> <script>x('{smile}')</script> :octocat: :not_an_emoji: "
        f"{img('man_technologist', 'unicode/1f468-1f4bb.png')} "
        f"{img('family_man_woman_girl', 'unicode/1f468-1f469-1f467.png')} "
        f"{img('heart', 'unicode/2764.png')}"
    )


def test_only_the_body_and_nothing_after_it(tmp_path: Path) -> None:
    files = {
        "_config.yml": "plugins: [jemoji]\n",
        "_layouts/page.html": (
            "<html><head><title>:smile:</title></head><body>\n\n{{ content }}</body>:smile:</html>"
        ),
        "index.md": "---\nlayout: page\n---\n:tada:\n",
        "none.md": "---\nlayout: page\n---\nNo emoji.\n",
    }
    write_files(tmp_path, files)
    site = serve(tmp_path)
    assert site.page("/index.html").body.decode() == (
        "<html><head><title>:smile:</title></head><body>\n\n"
        f"<p>{img('tada', 'unicode/1f389.png')}</p>\n</body>:smile:</html>"
    )
    # The head's shortcode alone makes the gem look; the body has none to change.
    assert ":smile:</title>" in site.page("/none.html").body.decode()


def test_the_table_is_gemoji_4() -> None:
    files = emoji_files()
    assert len(files) == 1913
    assert files["+1"] == files["thumbsup"] == "unicode/1f44d.png"
    assert "octocat" not in files and "shipit" not in files  # gemoji 4 dropped custom emoji
    assert all(":" not in name and " " not in name for name in files)
