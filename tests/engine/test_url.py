"""handler.engine.url: Jekyll's URL cleaning and escaping, ``Utils.slugify`` and destinations."""

from __future__ import annotations

import pytest

from handler.engine.url import (
    UnknownPlaceholder,
    destination,
    document_url,
    escape_path,
    page_url,
    sanitize_url,
    slugify,
)


def test_urls_are_cleaned_and_escaped_like_jekyll() -> None:
    assert document_url("/%2e%2e/%2e%2e/baddie.html", None, {}) == "/%2e%2e/%2e%2e/baddie.html"
    assert document_url("/../../x.html", None, {}) == "/x.html"
    assert document_url("//a///b/", None, {}) == "/a/b/"
    assert sanitize_url("a/./b/../c") == "/a/b/c"
    assert escape_path("edge case") == "edge%20case"
    assert escape_path("café") == "caf%C3%A9"
    assert escape_path("a+b(c)") == "a+b(c)"
    assert escape_path("hash#1") == "hash%231"


def test_placeholders_are_filled_and_escaped() -> None:
    placeholders = {"categories": "edge case", "title": "post", "output_ext": ".html"}
    assert document_url("/:categories/:title:output_ext", None, placeholders) == (
        "/edge%20case/post.html"
    )
    # A permalink wins over the template; `:title_` is `:title` followed by `_`.
    assert document_url("/:title/", "/x/:title_:categories/", placeholders) == (
        "/x/post_edge%20case/"
    )


def test_an_unknown_placeholder_is_named() -> None:
    with pytest.raises(UnknownPlaceholder) as caught:
        document_url("/:nope/", None, {"title": "x"})
    assert caught.value.args[0] == "nope"


def test_page_urls_replace_placeholders_as_text() -> None:
    hash_ = [("path", "/docs"), ("basename", "about"), ("output_ext", ".html")]
    assert page_url("/:path/:basename:output_ext", None, hash_) == "/docs/about.html"
    assert page_url("/:path/:basename:output_ext", "/about/", hash_) == "/about/"


@pytest.mark.parametrize(
    ("text", "mode", "cased", "slug"),
    [
        ("Hello, World!", "default", False, "hello-world"),
        ("escape-+ %20[]", "pretty", True, "escape-+-20"),
        ("special-chars-(+)", "pretty", True, "special-chars-(+)"),
        ("hash-#1", "pretty", True, "hash-1"),
        ("Café au lait", "default", False, "café-au-lait"),
        ("Café au lait", "ascii", False, "caf-au-lait"),
        ("Café au lait", "latin", False, "cafe-au-lait"),
        ("The _config.yml file", "raw", False, "the-_config.yml-file"),
        ("Keep As Is!", "none", False, "Keep As Is!"),
    ],
)
def test_slugify(text: str, mode: str, cased: bool, slug: str) -> None:
    assert slugify(text, mode=mode, cased=cased) == slug


@pytest.mark.parametrize(
    ("url", "output_ext", "page", "written"),
    [
        ("/2009/04/05/post.html", ".html", False, "2009/04/05/post.html"),
        ("/posts/journey/", ".html", False, "posts/journey/index.html"),
        ("/edge%20case/x/", ".html", False, "edge case/x/index.html"),
        ("/cat/my-post", ".html", False, "cat/my-post.html"),
        ("/about/", ".html", True, "about/index.html"),
        ("/feed/", ".xml", True, "feed/index.xml"),
        ("/assets/main.css", ".css", True, "assets/main.css"),
    ],
)
def test_destination_is_the_file_jekyll_writes(
    url: str, output_ext: str, page: bool, written: str
) -> None:
    assert destination(url, output_ext, page=page) == written
