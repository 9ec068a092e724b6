"""jekyll-relative-links 0.7.0 against the gem: sites built by Jekyll 4.3.1 with the plugin
(Debian's ruby-jekyll-relative-links), served by Broadsheet, every HTML file compared byte for
byte; and the gem's own spec expectations (spec/jekyll-relative-links/generator_spec.rb) for the
rewritten markdown.

Covered: inline links and images, reference definitions (indented, trailing spaces, with and
without a blank line before them), fragments, titles, nested folders and ``../``, paths from the
root (``/x.md``), percent-escapes, links to pages with permalinks, to posts, to static files and
to collection documents; collection documents and their excerpts with ``collections: true``;
``exclude``; ``enabled: false``; ``baseurl``; absolute URLs, ``#fragments``, missing files and
paths above the site left alone; links in code rewritten too, as the gem does.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from compare.environment import write_files

from handler.engine.plugins.relative_links import MAX_LINK_SCAN, rewrite

from .jekyll_reference import assert_same, built, require_gem, serve

LAYOUT = {
    "_layouts/default.html": "<html><body>{{ content }}</body></html>\n",
    "_layouts/list.html": (
        "<html><body>{{ content }}{% for post in site.posts %}<section>{{ post.excerpt }}"
        "</section>{% endfor %}</body></html>\n"
    ),
}
DEFAULTS = "defaults:\n  - scope: {path: ''}\n    values: {layout: default}\n"
PAGES = {
    "index.md": (
        "---\n---\n# Home\n\n"
        '[Another page](another-page.md) and [nested](dir/sub/deep.md#part "Deep title").\n\n'
        "[From the root](/another-page.md), [with permalink](permalink.md#top), "
        "[spaced](with%20space.md).\n\n"
        "![Logo](images/logo.png) [HTML](plain.html) [A post](_posts/2024-01-02-hello.md)\n\n"
        "[Ghost](ghost.md) [Absolute](https://example.com/x.md) [Fragment](#here) "
        "[Above](../outside.md) [Mail](mailto:a@example.com)\n\n"
        "[Ref one][one], [Ref two][two] and [Ref three][three].\n"
        "[one]: another-page.md\n\n"
        "[two]: dir/sub/deep.md#frag 'Single quoted'\n"
        "   [three]: /permalink.md   \n\n"
        "    [in code](another-page.md)\n\n"
        "`[in span](another-page.md)`\n"
    ),
    "another-page.md": "---\n---\nAnother page, [back home](index.md).\n",
    "permalink.md": "---\npermalink: /pretty/url/\n---\n[Up](dir/sub/deep.md)\n",
    "with space.md": "---\n---\nA page with a space.\n",
    "plain.html": "---\n---\n<p>[Not markdown](another-page.md)</p>\n",
    "dir/sub/deep.md": (
        "---\n---\nDeep: [up two](../../another-page.md), [sibling](./sibling.md), "
        "[dir index](../index.md), [image](../../images/logo.png).\n"
    ),
    "dir/sub/sibling.md": "---\n---\n[Back](deep.md)\n",
    "dir/index.md": "---\n---\n[Deep](sub/deep.md)\n",
    "images/logo.png": "not really a png\n",
    "_posts/2024-01-02-hello.md": "---\ntitle: Hello\n---\n[Home](../index.md) from a post.\n",
}


@pytest.mark.slow
def test_pages_links_are_the_gems(tmp_path: Path) -> None:
    require_gem("jekyll-relative-links")
    config = "plugins: [jekyll-relative-links]\n" + DEFAULTS
    site, reference = built(tmp_path, {"_config.yml": config, **LAYOUT, **PAGES})
    pages = sorted(p.relative_to(reference).as_posix() for p in reference.rglob("*.html"))
    assert len(pages) == 9
    for relative in pages:
        assert_same(site, reference, relative)


COLLECTIONS = {
    **PAGES,
    "_config.yml": (
        "plugins: [jekyll-relative-links]\nbaseurl: /base\n"
        "relative_links:\n  collections: true\n  exclude: [excluded.md, _items/skip.md]\n"
        "collections:\n  items:\n    output: true\n    permalink: /items/:name/\n  notes: {}\n"
        + DEFAULTS
    ),
    "listing.md": "---\nlayout: list\n---\n[An item](_items/one.md) [A note](_notes/hidden.md)\n",
    "excluded.md": "---\n---\n[Left alone](another-page.md)\n",
    "_posts/2024-01-02-hello.md": (
        "---\ntitle: Hello\n---\n[Home](../index.md) and [item](../_items/one.md) "
        "in the excerpt.\n\nThen [the other post](2024-02-03-second.md).\n"
    ),
    "_posts/2024-02-03-second.md": "---\ntitle: Second\n---\n[First](2024-01-02-hello.md#top)\n",
    "_items/one.md": "---\n---\n[Two](sub/two.md) and [home](../index.md)\n",
    "_items/sub/two.md": "---\n---\n[One](../one.md) [post](../../_posts/2024-01-02-hello.md)\n",
    "_items/skip.md": "---\n---\n[Not rewritten](one.md)\n",
    "_notes/hidden.md": "---\n---\n[Home](../index.md)\n",
}


@pytest.mark.slow
def test_collections_links_are_the_gems(tmp_path: Path) -> None:
    require_gem("jekyll-relative-links")
    site, reference = built(tmp_path, {**LAYOUT, **COLLECTIONS})
    pages = sorted(p.relative_to(reference).as_posix() for p in reference.rglob("*.html"))
    assert "items/two/index.html" in pages and "listing.html" in pages
    for relative in pages:
        assert_same(site, reference, relative)


@pytest.mark.slow
def test_disabled_changes_nothing(tmp_path: Path) -> None:
    require_gem("jekyll-relative-links")
    config = "plugins: [jekyll-relative-links]\nrelative_links:\n  enabled: false\n" + DEFAULTS
    site, reference = built(tmp_path, {"_config.yml": config, **LAYOUT, **PAGES})
    for relative in ("another-page.html", "dir/sub/deep.html", "pretty/url/index.html"):
        assert_same(site, reference, relative)
    assert 'href="../../another-page.md"' in (reference / "dir/sub/deep.html").read_text()


# --- the gem's spec ------------------------------------------------------------------------------

SPEC_PAGE = """# Page

[Another Page](another-page.md)

[Page with permalink](page-with-permalink.md)

[Page with leading slash](/another-page.md)

[Page with leading slash multi level](/subdir/page.md)

[Reference link][reference]

[Subdir Page](subdir/page.md)

[HTML Page](html-page.html)

[Ghost page](ghost-page.md)

[Fragment](another-page.md#foo)

[Fragment with permalink](page-with-permalink.md#foo)

[A first fragment inline](another-page.md#foo) and [a second fragment in the same line](page-with-permalink.md#bar)

[A post](_posts/2016-01-01-test.md)

[An item](_items/some-item.md)

[[A link with square brackets]](another-page.md)

[\\[A link with escaped square brackets\\]](/another-page.md)

[A link with a title](another-page.md "This is a link with a \\"title\\"")

[Quotes in url & title](/another-page.md#'apostrophe' 'Quotes in url & title')

Content end

[reference]: another-page.md

[reference-with-fragment]: another-page.md#foo

[reference-brackets]: another-page.md#(bar)

  [indented-reference]: another-page.md

[reference-with-whitespace]: another-page.md  \n
[reference-with-title]: another-page.md "This is a reference with a title"
"""
SPEC_SITE = {
    "_config.yml": (
        "plugins: [jekyll-relative-links]\nbaseurl: /foo\nrelative_links:\n  collections: true\n"
        "collections:\n  items:\n    permalink: /items/:name/\n    output: true\n"
    ),
    "_layouts/default.html": "{{ content }}",
    "page.md": "---\n---\n" + SPEC_PAGE,
    "another-page.md": "---\n---\n[Page](page.md)\n",
    "page-with-permalink.md": "---\npermalink: /page-with-permalink/\n---\n",
    "html-page.html": "---\n---\n",
    "subdir/page.md": (
        "---\n---\n[Dir traversal](../page.md)\n\n![image](../jekyll-logo.png)\n"
        "[Relative subdir page](./another-subdir-page.md)\n"
    ),
    "subdir/another-subdir-page.md": "---\n---\n",
    "jekyll-logo.png": "png",
    "_posts/2016-01-01-test.md": "---\n---\n[Another Page](../another-page.md)\n",
    "_items/some-item.md": "---\n---\n[A post](../_posts/2016-01-01-test.md)\n",
}
SPEC_EXPECTED = {
    "page.md": [
        "[Another Page](/foo/another-page.html)",
        "[Page with permalink](/foo/page-with-permalink/)",
        "[Page with leading slash](/foo/another-page.html)",
        "[Page with leading slash multi level](/foo/subdir/page.html)",
        "[Subdir Page](/foo/subdir/page.html)",
        "[HTML Page](/foo/html-page.html)",
        "[Ghost page](ghost-page.md)",
        "[Fragment](/foo/another-page.html#foo)",
        "[Fragment with permalink](/foo/page-with-permalink/#foo)",
        "[A first fragment inline](/foo/another-page.html#foo)",
        "[a second fragment in the same line](/foo/page-with-permalink/#bar)",
        "[A post](/foo/2016/01/01/test.html)",
        "[An item](/foo/items/some-item/)",
        "[[A link with square brackets]](/foo/another-page.html)",
        "[\\[A link with escaped square brackets\\]](/foo/another-page.html)",
        '[A link with a title](/foo/another-page.html "This is a link with a \\"title\\"")',
        "[Quotes in url & title](/foo/another-page.html#'apostrophe' 'Quotes in url & title')",
        "\n\nContent end\n\n[reference]: /foo/another-page.html\n\n",
        "[reference-with-fragment]: /foo/another-page.html#foo",
        "[reference-brackets]: /foo/another-page.html#(bar)",
        "[indented-reference]: /foo/another-page.html",
        "[reference-with-whitespace]: /foo/another-page.html",
        '[reference-with-title]: /foo/another-page.html "This is a reference with a title"',
    ],
    "subdir/page.md": [
        "[Dir traversal](/foo/page.html)",
        "![image](/foo/jekyll-logo.png)",
        "[Relative subdir page](/foo/subdir/another-subdir-page.html)",
    ],
    "_posts/2016-01-01-test.md": ["[Another Page](/foo/another-page.html)"],
    "_items/some-item.md": ["[A post](/foo/2016/01/01/test.html)"],
}


@pytest.mark.parametrize("key", sorted(SPEC_EXPECTED))
def test_the_gems_spec_expectations(key: str, tmp_path: Path) -> None:
    write_files(tmp_path, SPEC_SITE)
    site = serve(tmp_path)
    view = site.view()
    document = view.by_key[key]
    text = rewrite(view, document, site.renderer.raw(document))
    for expected in SPEC_EXPECTED[key]:
        assert expected in text


def test_not_listed_or_disabled_means_untouched(tmp_path: Path) -> None:
    write_files(tmp_path, {**SPEC_SITE, "_config.yml": "title: x\n"})
    view = serve(tmp_path).view()
    document = view.by_key["page.md"]
    assert rewrite(view, document, "[a](another-page.md)") == "[a](another-page.md)"
    github = serve(tmp_path, github_pages=True).view()  # a GitHub Pages default
    assert rewrite(github, document, "[a](another-page.md)") == "[a](/another-page.html)"


def test_pathological_brackets_are_refused_not_scanned(tmp_path: Path) -> None:
    write_files(tmp_path, SPEC_SITE)
    view = serve(tmp_path).view()
    text = "[" * (MAX_LINK_SCAN // 1000) + "x" * 2000 + "](another-page.md"
    assert rewrite(view, view.by_key["page.md"], text) == text
