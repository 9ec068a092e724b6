"""The theme: templates render the context the web layer passes, overrides win, the CSS is AA."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag
from jinja2 import FileSystemLoader

from handler.errors import RenderError
from handler.theme import DARK_CODE, LIGHT_CODE, Theme, contrast_ratio, readable

CORPUS = Path(__file__).parent / "fixtures" / "jekyll-corpus"
TEMPLATES = ("post.html", "home.html", "404.html", "error.html")

SITE = {
    "title": "Your Name / Site Title",
    "description": "personal description",
    "author": {"name": "Your Sidebar Name"},
    "lang": "en-US",
    "url": "https://academicpages.github.io",
}


def corpus_post(set_name: str, file: str) -> dict[str, Any]:
    """One post as Jekyll 4.3.1 rendered it (title, url, date, html, excerpt...)."""
    for line in (CORPUS / set_name / "reference.jsonl").read_text(encoding="utf-8").splitlines():
        record: dict[str, Any] = json.loads(line)
        if record["file"] == file:
            return record
    raise LookupError(file)


TYPOGRAPHY = corpus_post(
    "cotes2020__jekyll-theme-chirpy", "_posts/2019-08-08-text-and-typography.md"
)


def page_context(**changes: Any) -> dict[str, Any]:
    date = datetime.fromisoformat(TYPOGRAPHY["date"])
    page: dict[str, Any] = {
        "title": TYPOGRAPHY["title"],
        "url": TYPOGRAPHY["url"],
        "canonical": "https://academicpages.github.io" + TYPOGRAPHY["url"],
        "date": date,
        "date_iso": date.isoformat(),
        "date_display": "August 8, 2019",
        "read_minutes": 4,
        "tags": [{"name": "typography", "url": "/tags/typography/"}],
        "categories": [
            {"name": "Blogging", "url": "/categories/blogging/"},
            {"name": "Demo", "url": "/categories/demo/"},
        ],
        "html": TYPOGRAPHY["html"],
        "excerpt_text": "Examples of text, typography, math equations, diagrams and more.",
        "previous": {"title": "Getting Started", "url": "/posts/getting-started/"},
        "next": {"title": "Writing a New Post", "url": "/posts/write-a-new-post/"},
    }
    page.update(changes)
    return page


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def one(document: BeautifulSoup | Tag, selector: str) -> Tag:
    found = document.select_one(selector)
    assert found is not None, f"nothing matches {selector!r}"
    return found


def meta(document: BeautifulSoup, key: str) -> str:
    tag = document.find("meta", attrs={"property": key}) or document.find(
        "meta", attrs={"name": key}
    )
    assert isinstance(tag, Tag), f"no meta {key}"
    return str(tag["content"])


@pytest.fixture(scope="module")
def theme() -> Theme:
    return Theme()


def render_all(theme: Theme) -> dict[str, str]:
    posts = [
        {
            "title": TYPOGRAPHY["title"],
            "url": TYPOGRAPHY["url"],
            "date_iso": "2019-08-08T03:33:00+00:00",
            "date_display": "August 8, 2019",
            "excerpt_html": TYPOGRAPHY["excerpt_html"],
        }
    ]
    return {
        "post.html": theme.render("post.html", site=SITE, page=page_context()),
        "home.html": theme.render(
            "home.html", site=SITE, posts=posts, newer_url="/", older_url="/page3/"
        ),
        "404.html": theme.render("404.html", site=SITE, posts=posts),
        "error.html": theme.render("error.html", site=SITE, status=503, message="Try again soon"),
    }


# ---- post.html ---------------------------------------------------------------------------------


def test_post_has_landmarks_title_date_and_read_time(theme: Theme) -> None:
    document = soup(theme.render("post.html", site=SITE, page=page_context()))

    assert one(document, "html")["lang"] == "en-US"
    assert one(document, "a.skip-link")["href"] == "#content"
    assert one(document, "body > header .site-title a").get_text() == SITE["title"]
    assert one(document, "body > header .site-description").get_text() == SITE["description"]
    assert one(document, "main#content article h1").get_text() == "Text and Typography"
    time = one(document, "article header time")
    assert time["datetime"] == "2019-08-08T03:33:00+00:00"
    assert time.get_text() == "August 8, 2019"
    assert one(document, ".read-time").get_text() == "4 minute read"
    assert "Your Sidebar Name" in one(document, "body > footer").get_text()


def test_post_body_is_the_rendered_html_unescaped(theme: Theme) -> None:
    document = soup(theme.render("post.html", site=SITE, page=page_context()))

    prose = one(document, "article .prose")
    assert one(prose, "h2#headings").get_text() == "Headings"
    assert len(prose.select("div.highlighter-rouge pre.highlight code")) == 3
    assert prose.select("div.footnotes li[id='fn:footnote']")


def test_post_head_carries_description_canonical_open_graph_and_twitter(theme: Theme) -> None:
    page = page_context()
    document = soup(theme.render("post.html", site=SITE, page=page))

    assert one(document, "title").get_text() == "Text and Typography - Your Name / Site Title"
    assert one(document, "link[rel=canonical]")["href"] == page["canonical"]
    assert meta(document, "description") == page["excerpt_text"]
    assert meta(document, "og:title") == "Text and Typography"
    assert meta(document, "og:description") == page["excerpt_text"]
    assert meta(document, "og:url") == page["canonical"]
    assert meta(document, "og:type") == "article"
    assert meta(document, "og:site_name") == SITE["title"]
    assert meta(document, "article:published_time") == page["date_iso"]
    assert meta(document, "twitter:card") == "summary"
    assert meta(document, "twitter:title") == "Text and Typography"


def test_post_links_stylesheet_with_its_content_version(theme: Theme) -> None:
    document = soup(theme.render("post.html", site=SITE, page=page_context()))

    href = one(document, "link[rel=stylesheet]")["href"]
    assert href == f"/_broadsheet/broadsheet.css?v={theme.css_version}"
    assert re.fullmatch(r"[0-9a-f]{12}", theme.css_version)


def test_post_lists_tags_categories_and_previous_next(theme: Theme) -> None:
    document = soup(theme.render("post.html", site=SITE, page=page_context()))

    terms = [(a.get_text(), a["href"]) for a in document.select(".post-footer a.term")]
    assert terms == [
        ("typography", "/tags/typography/"),
        ("Blogging", "/categories/blogging/"),
        ("Demo", "/categories/demo/"),
    ]
    pager = one(document, "nav.pager")
    assert one(pager, "a[rel=prev]")["href"] == "/posts/getting-started/"
    assert one(pager, "a[rel=next]")["href"] == "/posts/write-a-new-post/"
    assert "Writing a New Post" in one(pager, "a[rel=next]").get_text()


def test_post_without_neighbours_tags_or_categories_leaves_them_out(theme: Theme) -> None:
    page = page_context(previous=None, next=None, tags=[], categories=[], read_minutes=0)
    document = soup(theme.render("post.html", site=SITE, page=page))

    assert document.select("nav.pager, .post-footer") == []
    assert one(document, ".read-time").get_text() == "less than 1 minute read"


def test_post_text_fields_are_escaped(theme: Theme) -> None:
    hostile = '<script>alert("x")</script>'
    page = page_context(title=hostile, excerpt_text=hostile, tags=[{"name": hostile, "url": "/t/"}])
    html = theme.render("post.html", site=dict(SITE, title=hostile), page=page)

    assert "<script>" not in html
    assert one(soup(html), "article h1").get_text() == hostile


# ---- home.html, 404.html, error.html ----------------------------------------------------------


def test_home_lists_posts_in_the_order_given_with_excerpts_and_pagination(theme: Theme) -> None:
    posts = [
        {
            "title": f"Post {n}",
            "url": f"/p/{n}/",
            "date_iso": f"2024-0{n}-01",
            "date_display": f"{n} Jan",
            "excerpt_html": f"<p>Excerpt <em>{n}</em></p>",
        }
        for n in (3, 2, 1)
    ]
    document = soup(
        theme.render("home.html", site=SITE, posts=posts, newer_url=None, older_url="/page2/")
    )

    items = document.select("main ol.post-list > li")
    assert [one(li, "h2 a").get_text() for li in items] == ["Post 3", "Post 2", "Post 1"]
    assert [one(li, "time")["datetime"] for li in items] == [
        "2024-03-01",
        "2024-02-01",
        "2024-01-01",
    ]
    assert one(items[0], ".excerpt em").get_text() == "3"
    assert one(document, "nav.pager a[rel=next]")["href"] == "/page2/"
    assert document.select("nav.pager a[rel=prev]") == []
    assert meta(document, "og:type") == "website"


def test_home_without_posts_or_pages_says_so(theme: Theme) -> None:
    document = soup(theme.render("home.html", site=SITE, posts=[], newer_url=None, older_url=None))

    assert one(document, "main .empty").get_text() == "No posts yet."
    assert document.select("nav.pager") == []


def test_not_found_page_links_home_and_is_not_indexed(theme: Theme) -> None:
    document = soup(theme.render("404.html", site=SITE))

    assert one(document, "main h1").get_text() == "Page not found"
    assert one(document, "main a[href='/']")
    assert meta(document, "robots") == "noindex"


def test_error_page_shows_status_and_message_only(theme: Theme) -> None:
    document = soup(
        theme.render("error.html", site=SITE, status=503, message="The content store is busy")
    )

    assert one(document, "main .notice-status").get_text() == "503"
    assert one(document, "main h1").get_text() == "The content store is busy"
    assert one(document, "title").get_text() == "Error 503 - Your Name / Site Title"


def test_pages_render_without_a_site_config(theme: Theme) -> None:
    document = soup(theme.render("error.html", site={}, status=500, message=""))

    assert one(document, "html")["lang"] == "en"
    assert one(document, "main h1").get_text() == "Something went wrong"


@pytest.mark.parametrize("template", TEMPLATES)
def test_pages_need_nothing_a_strict_csp_would_block(theme: Theme, template: str) -> None:
    """``default-src 'self'``: no scripts, no inline style, nothing fetched from elsewhere."""
    html = render_all(theme)[template]
    document = soup(html)
    chrome = [tag for tag in document.find_all(True) if not tag.find_parent(class_="prose")]

    assert document.find_all(["script", "style", "iframe"]) == []
    assert [tag.name for tag in chrome if tag.has_attr("style")] == []
    assert [tag.name for tag in chrome if any(a.startswith("on") for a in tag.attrs)] == []
    links = document.select("link, img, source")
    fetched = [str(tag.get("href") or tag.get("src") or "") for tag in links]
    fetched = [url for url in fetched if not url.startswith("https://academicpages.github.io/")]
    assert fetched and all(url.startswith("/") for url in fetched), fetched
    assert one(document, "main#content")
    assert one(document, "html")["lang"] == "en-US"


# ---- overrides ---------------------------------------------------------------------------------


def test_site_templates_override_the_built_in_ones(tmp_path: Path) -> None:
    (tmp_path / "post.html").write_text(
        '{% extends "base.html" %}{% block content %}<p id="mine">{{ page.title }}</p>'
        "{% endblock %}",
        encoding="utf-8",
    )
    theme = Theme(FileSystemLoader(tmp_path))

    document = soup(theme.render("post.html", site=SITE, page=page_context()))
    assert one(document, "main p#mine").get_text() == "Text and Typography"
    assert one(document, "header .site-title").get_text() == SITE["title"]
    home = soup(theme.render("home.html", site=SITE, posts=[]))
    assert one(home, "main h1").get_text() == "Posts"


def test_a_broken_override_names_its_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "post.html").write_text(
        "<p>ok</p>\n\n<p>{{ page.title ) }}</p>\n", encoding="utf-8"
    )
    theme = Theme(FileSystemLoader(tmp_path))

    with pytest.raises(RenderError) as caught:
        theme.render("post.html", site=SITE, page=page_context())
    assert caught.value.path == str(tmp_path / "post.html")
    assert caught.value.line == 3


def test_a_failing_expression_names_its_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "home.html").write_text("<ul>\n<li>{{ posts.first.title.upper() }}\n", "utf-8")
    theme = Theme(FileSystemLoader(tmp_path))

    with pytest.raises(RenderError) as caught:
        theme.render("home.html", site=SITE, posts=[])
    assert caught.value.path == str(tmp_path / "home.html")
    assert caught.value.line == 2
    assert "has no attribute 'first'" in caught.value.message


def test_an_unknown_template_says_where_templates_come_from(theme: Theme) -> None:
    with pytest.raises(RenderError, match="_theme/") as caught:
        theme.render("archive.html", site=SITE)
    assert caught.value.path == "archive.html"


# ---- stylesheet --------------------------------------------------------------------------------


def custom_properties(css: str) -> list[dict[str, str]]:
    """The ``--name: #colour`` pairs of each ``:root`` block: light first, then dark."""
    blocks = re.findall(r":root\s*\{([^}]*)\}", css)
    return [dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{3,6})\s*;", block)) for block in blocks]


TEXT_PAIRS = [
    ("fg", "bg"),
    ("muted", "bg"),
    ("link", "bg"),
    ("link-hover", "bg"),
    ("code-fg", "code-bg"),
    ("muted", "code-bg"),
    ("link", "code-bg"),
    ("fg", "mark"),
    ("link", "mark"),
    ("muted", "mark"),
]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_theme_colours_meet_wcag_aa_in_both_schemes(theme: Theme, scheme: str) -> None:
    light, dark = custom_properties(theme.stylesheet())
    colours = light if scheme == "light" else dark

    low = {
        f"{text} on {background}": round(contrast_ratio(colours[text], colours[background]), 2)
        for text, background in TEXT_PAIRS
        if contrast_ratio(colours[text], colours[background]) < 4.5
    }
    assert low == {}
    assert contrast_ratio(colours["focus"], colours["bg"]) >= 3.0  # non-text contrast


def test_code_backgrounds_match_the_css(theme: Theme) -> None:
    light, dark = custom_properties(theme.stylesheet())

    assert (light["code-bg"], dark["code-bg"]) == (LIGHT_CODE.background, DARK_CODE.background)
    assert (light["code-fg"], dark["code-fg"]) == (LIGHT_CODE.foreground, DARK_CODE.foreground)


def test_highlight_colours_meet_wcag_aa_light_and_dark(theme: Theme) -> None:
    css = theme.stylesheet()
    light_rules, dark_rules = css.split("@media (prefers-color-scheme: dark) {\n  .highlight")

    for rules, background in (
        (light_rules, LIGHT_CODE.background),
        (dark_rules, DARK_CODE.background),
    ):
        colours = re.findall(r"\.highlight \.\w+ \{ color: (#[0-9a-f]{6})", rules)
        assert len(colours) > 40
        assert min(contrast_ratio(c, background) for c in colours) >= 4.5


def test_dark_rules_replace_every_light_highlight_rule(theme: Theme) -> None:
    css = theme.stylesheet()
    dark_block = css[css.index("@media (prefers-color-scheme: dark) {\n  .highlight") :]
    light_block = css[css.index("/* Code highlighting") : css.index(dark_block)]

    light_classes = set(re.findall(r"^\.highlight \.(\w+) \{", light_block, re.MULTILINE))
    dark_classes = set(re.findall(r"^  \.highlight \.(\w+) \{", dark_block, re.MULTILINE))
    assert {"k", "s2", "nv", "c1", "nt"} <= light_classes
    assert light_classes == dark_classes


def test_readable_keeps_good_colours_and_fixes_faint_ones() -> None:
    assert readable("#1d5192", "#ffffff", "#000000") == "#1d5192"
    fixed = readable("#bbbbbb", "#ffffff", "#000000")
    assert contrast_ratio(fixed, "#ffffff") >= 4.5
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)


def test_stylesheet_is_self_contained_and_covers_kramdown_output(theme: Theme) -> None:
    css = theme.stylesheet()

    assert "@import" not in css
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", css)
    for selector in (
        "prefers-color-scheme: dark",
        ":focus-visible",
        ".highlighter-rouge",
        "figure.highlight",
        ".footnotes",
        ".prose blockquote",
        ".prose table",
        "overflow-wrap: anywhere",
        "overflow-x: auto",
    ):
        assert selector in css, selector


def test_assets_serve_the_stylesheet_and_icon_only(theme: Theme) -> None:
    css = theme.asset("broadsheet.css")
    icon = theme.asset("favicon.svg")

    assert css is not None and css.body.decode() == theme.stylesheet()
    assert css.media_type == "text/css; charset=utf-8"
    assert css.version == theme.css_version
    assert icon is not None and icon.body.startswith(b"<svg")
    assert icon.media_type == "image/svg+xml"
    assert theme.asset("../theme.py") is None
    assert theme.asset("templates/base.html") is None


def test_css_version_is_stable_across_instances(theme: Theme) -> None:
    assert Theme().css_version == theme.css_version
