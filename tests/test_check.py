"""``check``: a site of broken posts, each problem reported at its exact file, line and column."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from handler.app import build_app
from handler.store.local import LocalStore
from handler.tools.check import (
    CheckReport,
    Diagnostic,
    check,
    check_site,
    format_json,
    format_text,
    reserved_route,
    summary,
)

NOW = datetime(2025, 1, 1, tzinfo=UTC)
LIMIT = 4096
ROOT = Path(__file__).resolve().parent.parent
JOURNEY = ROOT / "content" / "_posts" / "2023-06-07-journey.md"

CONFIG = """\
title: Broken on purpose
permalink: /:year/:title/
paginate_path: /page:num/
"""

# file -> text (or bytes). Line numbers in EXPECTED refer to these texts.
FILES: dict[str, str | bytes] = {
    "_posts/2024-01-01-good.md": (
        "---\n"
        "title: Good\n"
        "---\n"
        "See [the other]({% post_url 2024-01-02-also-good %}) and "
        "[the file]({% link _posts/2024-01-02-also-good.md %}).\n"
    ),
    "_posts/2024-01-02-also-good.md": "---\ntitle: Also good\n---\nFine.\n",
    "_posts/2024-01-03-bad-yaml.md": "---\ntitle: Bad\ntags: [a, b\nx: 1\n---\nBody\n",
    "_posts/2024-01-04-a-list.md": "---\n- one\n- two\n---\nBody\n",
    "_posts/2024-01-05-unclosed.md": "---\ntitle: Open\nBody without an end\n",
    "_posts/2024-01-06-bad-date.md": "---\ntitle: When\ndate: not a date at all\n---\nBody\n",
    "_posts/2024-01-07-untitled.md": "---\ntags: [x]\n---\nBody\n",
    "_posts/2024-01-08-dup-a.md": "---\ntitle: A\npermalink: /same/\n---\nA\n",
    "_posts/2024-01-08-dup-b.md": "---\ntitle: B\n\npermalink: /same/\n---\nB\n",
    "_posts/2024-01-09-feed.md": "---\ntitle: Feed\npermalink: /feed.xml\n---\nx\n",
    "_posts/2024-01-09-page.md": "---\ntitle: Page\npermalink: /page2/\n---\nx\n",
    "_posts/2024-01-09-tags.md": "---\ntitle: Tags\npermalink: /tags/python/\n---\nx\n",
    "_posts/2024-01-10-redirects.md": (
        "---\ntitle: Moves\nredirect_from:\n  - /sitemap.xml\n  - /old/\n  - /2024/good/\n---\nx\n"
    ),
    "_posts/2024-01-11-redirect-again.md": "---\ntitle: Again\nredirect_from: /old/\n---\nx\n",
    "_posts/2024-01-12-latin1.md": "---\ntitle: Latin\n---\nCaf\xe9 au lait\n".encode("latin-1"),
    "_posts/2024-01-13-nul.md": b"---\ntitle: Nul\n---\nab\x00cd\n",
    "_posts/2024-01-14-huge.md": "---\ntitle: Huge\n---\n" + "word " * 1000,
    "_posts/notes.md": "---\ntitle: Not a post\n---\n",
    "_posts/2024-01-14-photo.png": b"\x89PNG\r\n",
    "_posts/2024-01-15-mojibake.md": "---\ntitle: Encoding\n---\n\nIt\u00e2\u20ac\u2122s broken.\n",
    "_posts/2024-01-15-mojibake.md.bak": "a backup is not a post\n",
    "_posts/2024-01-16-liquid.md": (
        "---\ntitle: Tags\n---\nIntro.\n\n  {% youtube dQw4w9WgXcQ %}\n"
    ),
    "_posts/2024-01-17-links.md": (
        "---\n"
        "title: Links\n"
        "---\n"
        "One {% post_url 2023-01-01-gone %}.\n"
        "Two {% link _posts/missing.md %}.\n"
    ),
    "_posts/2024-01-18-future.md": "---\ntitle: Later\ndate: 2030-05-06 07:08:09 +0000\n---\nx\n",
}

# (file, line, column, level, words the message contains)
EXPECTED = [
    # No url: the sitemap and the feed list site paths, robots.txt names no sitemap.
    ("_config.yml", None, None, "warning", "the site has no absolute URL (no url)"),
    ("_posts/2024-01-03-bad-yaml.md", 4, 2, "error", "invalid YAML"),
    ("_posts/2024-01-04-a-list.md", 2, None, "error", "must be a mapping"),
    ("_posts/2024-01-05-unclosed.md", 1, None, "error", "never closes"),
    ("_posts/2024-01-06-bad-date.md", 3, None, "error", "invalid date 'not a date at all'"),
    ("_posts/2024-01-07-untitled.md", 1, None, "warning", "no title: it will be 'Untitled'"),
    # Two files at one URL: Jekyll warns and writes the last; a site with such a pair still
    # publishes (the stock academicpages repository has two).
    (
        "_posts/2024-01-08-dup-a.md",
        3,
        None,
        "warning",
        "dup-a.md and _posts/2024-01-08-dup-b.md are both written to /same/index.html",
    ),
    (
        "_posts/2024-01-08-dup-b.md",
        4,
        None,
        "warning",
        "dup-a.md and _posts/2024-01-08-dup-b.md are both written to /same/index.html",
    ),
    ("_posts/2024-01-09-feed.md", 3, None, "error", "/feed.xml is the feed"),
    ("_posts/2024-01-09-page.md", 3, None, "error", "/page2/ is a page of the post listing"),
    ("_posts/2024-01-09-tags.md", 3, None, "error", "/tags/python/ is the tag pages"),
    ("_posts/2024-01-10-redirects.md", 4, None, "error", "/sitemap.xml is the sitemap"),
    ("_posts/2024-01-10-redirects.md", 6, None, "error", "/2024/good/ is the URL of"),
    ("_posts/2024-01-11-redirect-again.md", 3, None, "error", "also a redirect in _posts/2024"),
    ("_posts/2024-01-12-latin1.md", 4, 4, "error", "byte 0xe9 is not valid UTF-8"),
    ("_posts/2024-01-13-nul.md", 4, 3, "error", "NUL byte"),
    ("_posts/2024-01-14-huge.md", None, None, "error", "over the 4,096-byte limit"),
    ("_posts/2024-01-14-photo.png", None, None, "warning", "only markdown posts"),
    (
        "_posts/2024-01-15-mojibake.md",
        5,
        3,
        "warning",
        "mojibake '\u00e2\u20ac\u2122': it reads '\u2019'",
    ),
    # An unknown tag leaves its spot empty and the page renders (Jekyll would stop the build).
    ("_posts/2024-01-16-liquid.md", 6, None, "warning", "Liquid tag 'youtube'"),
    ("_posts/2024-01-17-links.md", 4, 5, "error", "post_url: no post '2023-01-01-gone'"),
    ("_posts/2024-01-17-links.md", 5, 5, "error", "link: no file '_posts/missing.md'"),
    ("_posts/2024-01-18-future.md", 3, None, "info", "goes live at 2030-05-06T07:08:09+00:00"),
    ("_posts/notes.md", None, None, "warning", "its name does not start with a date"),
]


def write_site(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "_config.yml").write_text(CONFIG, encoding="utf-8")
    for key, content in FILES.items():
        path = root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    return write_site(tmp_path / "site")


@pytest.fixture
def report(broken: Path) -> CheckReport:
    return check(LocalStore(broken), now=NOW, max_post_bytes=LIMIT)


def test_every_problem_is_reported_at_its_file_line_and_column(report: CheckReport) -> None:
    found = [(d.path, d.line, d.column, d.level) for d in report.diagnostics]
    assert found == sorted(
        [(p, line, col, level) for p, line, col, level, _ in EXPECTED],
        key=lambda t: (t[0], t[1] or 0, t[2] or 0),
    )
    for path, line, column, level, words in EXPECTED:
        matching = [
            d
            for d in report.diagnostics
            if (d.path, d.line, d.column, d.level) == (path, line, column, level)
        ]
        assert len(matching) == 1, (path, line)
        assert words in matching[0].message, matching[0]


def test_the_good_posts_and_the_backup_say_nothing(report: CheckReport) -> None:
    paths = {d.path for d in report.diagnostics}
    assert "_posts/2024-01-01-good.md" not in paths
    assert "_posts/2024-01-02-also-good.md" not in paths
    assert "_posts/2024-01-15-mojibake.md.bak" not in paths


def test_errors_name_what_to_do(report: CheckReport) -> None:
    mojibake = next(d for d in report.diagnostics if "mojibake" in d.message)
    assert mojibake.hint is not None and "--fix" in mojibake.hint
    assert all(d.hint for d in report.diagnostics if d.path.endswith(("feed.md", "links.md")))


def test_check_site_returns_the_same_list(broken: Path, report: CheckReport) -> None:
    assert check_site(LocalStore(broken), now=NOW, max_post_bytes=LIMIT) == report.diagnostics


def test_text_format_is_file_line_col_level_message(report: CheckReport) -> None:
    text = format_text(report.diagnostics, "site")
    assert "site/_posts/2024-01-03-bad-yaml.md:4:2: error: invalid YAML" in text
    assert "site/_posts/2024-01-14-huge.md: error: the file is" in text
    assert "\n    hint: " in text


def test_json_format_carries_every_field_and_the_counts(report: CheckReport) -> None:
    document = json.loads(format_json(report, "site"))
    assert document["summary"] == {
        "posts": 21, "pages": 0, "documents": 0, "errors": 15, "warnings": 8, "info": 1
    }  # fmt: skip
    first = document["diagnostics"][0]
    assert set(first) == {"path", "line", "column", "level", "message", "hint"}
    assert len(document["diagnostics"]) == len(EXPECTED)


def test_summary_line_counts_by_level(report: CheckReport) -> None:
    assert summary(report) == "checked 21 posts: 15 errors, 8 warnings, 1 note"
    empty = CheckReport([], 3)
    assert summary(empty) == "checked 3 posts: no problems"


def test_the_future_is_not_reported_once_it_has_come(broken: Path) -> None:
    later = check_site(
        LocalStore(broken), now=datetime(2031, 1, 1, tzinfo=UTC), max_post_bytes=LIMIT
    )
    assert not [d for d in later if d.level == "info"]


def test_the_server_keeps_serving_the_good_posts_of_the_broken_site(broken: Path) -> None:
    with TestClient(build_app({"CONTENT_DIR": str(broken), "MAX_POST_BYTES": "4096"})) as client:
        good = client.get("/2024/good/")
        assert good.status_code == 200
        assert 'href="/2024/also-good/"' in good.text
        assert client.get("/2024/also-good/").status_code == 200
        assert client.get("/").status_code == 200


def test_the_seed_post_warns_about_its_mojibake_at_its_line_and_column() -> None:
    diagnostics = check_site(LocalStore(ROOT / "content"), now=NOW, max_post_bytes=2**21)
    assert diagnostics == [
        Diagnostic(
            "_posts/2023-06-07-journey.md",
            9,
            444,
            "warning",
            "suspected mojibake '\u00e2\u20ac\u2122': it reads '\u2019' decoded as UTF-8",
            "run `broadsheet check --fix` to repair it (a .bak copy is kept)",
        )
    ]
    line = JOURNEY.read_text(encoding="utf-8").split("\n")[8]
    assert line[443:].startswith("â€™s creation")


@pytest.mark.parametrize(
    ("url", "route"),
    [
        ("/feed.xml", "the feed"),
        ("/sitemap.xml", "the sitemap"),
        ("/robots.txt", "robots.txt"),
        ("/tags/", "the tag pages"),
        ("/tags", "the tag pages"),
        ("/categories/ml/", "the category pages"),
        ("/year-archive", "the year archive"),
        ("/page3/", "a page of the post listing"),
        ("/page3/index.html", "a page of the post listing"),
        ("/_broadsheet/broadsheet.css", "the theme's stylesheet"),
        ("/", "the home page"),
        ("/posts/2023/06/journey/", None),
        ("/tagsoup/", None),
        ("/pages/", None),
    ],
)
def test_reserved_routes(url: str, route: str | None) -> None:
    assert reserved_route(url) == route


def test_a_custom_paginate_path_is_reserved() -> None:
    assert reserved_route("/blog/page/4/", "/blog/page/:num/") == "a page of the post listing"
    assert reserved_route("/page4/", "/blog/page/:num/") is None


# --- whole sites: what will differ from GitHub Pages -----------------------------------------------

THEMED: dict[str, str] = {
    "_config.yml": (
        "title: Themed\nurl: https://example.org\nplugins:\n  - jekyll-feed\n  - jekyll-scholar\n"
    ),
    "_layouts/default.html": (
        "<html>\n"
        "<body>{{ content | frobnicate }}\n"
        "{% if page.video %}{% youtube page.video %}{% endif %}\n"
        '<a href="{{ site.github.repository_url }}">source</a>\n'
        "</body></html>\n"
    ),
    # feed_meta runs (jekyll-feed is listed); seo does not (jekyll-seo-tag is not)
    "_includes/unused.html": "<p>\n{% tweet 123 %}\n{% feed_meta %}\n{% seo %}\n</p>\n",
    "about.md": "---\nlayout: default\nvideo: abc\n---\n# About\n\n{{ 'x' | shout }}\n",
    "assets/app.coffee": "---\n---\nalert 'hi'\n",
}
# (file, line, words the message contains)
THEMED_EXPECTED = [
    ("_config.yml", 5, "the plugin 'jekyll-scholar' is not one Broadsheet runs"),
    ("_includes/unused.html", 2, "Liquid tag 'tweet' is not one Broadsheet knows"),
    ("_includes/unused.html", 4, "Liquid tag 'seo' is not one Broadsheet knows"),
    ("_layouts/default.html", 2, "Liquid filter 'frobnicate'"),
    ("_layouts/default.html", 3, "Liquid tag 'youtube' is not one Broadsheet knows"),
    ("_layouts/default.html", 4, "site.github (jekyll-github-metadata)"),
    ("about.md", 7, "Liquid filter 'shout' is not one Broadsheet knows: the value passes through"),
    ("assets/app.coffee", None, "CoffeeScript is not compiled here"),
]


def _write(root: Path, files: dict[str, str]) -> Path:
    for key, text in files.items():
        path = root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_a_themed_site_is_told_what_will_differ_from_github_pages(tmp_path: Path) -> None:
    report = check(LocalStore(_write(tmp_path, THEMED)), now=NOW, max_post_bytes=LIMIT)
    found = [(d.path, d.line, d.message) for d in report.diagnostics]
    assert len(found) == len(THEMED_EXPECTED), format_text(report.diagnostics)
    for (path, line, message), (want_path, want_line, words) in zip(
        found, THEMED_EXPECTED, strict=True
    ):
        assert (path, line) == (want_path, want_line)
        assert words in message
    assert all(d.level == "warning" for d in report.diagnostics)
    # ...and the page still renders, without what is unknown.
    client = TestClient(build_app(env={"CONTENT_DIR": str(tmp_path)}))
    about = client.get("/about.html")
    assert about.status_code == 200
    assert '<h1 id="about">About</h1>' in about.text
    assert "youtube" not in about.text


@pytest.mark.parametrize(
    ("body", "level", "words"),
    [
        # jekyll new's index.markdown: `layout: home` and nothing else stands for the post list
        ("", "info", "the built-in theme serves the home page at / for this page"),
        ("Hello\n", "warning", "this page's own content is not shown"),
    ],
)
def test_a_theme_that_is_not_in_the_repository_is_named(
    tmp_path: Path, body: str, level: str, words: str
) -> None:
    site = _write(
        tmp_path,
        {
            "_config.yml": "title: Remote\nremote_theme: mmistakes/minimal-mistakes\n",
            "index.md": "---\nlayout: home\n---\n" + body,
        },
    )
    report = check(LocalStore(site), now=NOW, max_post_bytes=LIMIT)
    assert [(d.path, d.line, d.level) for d in report.diagnostics] == [
        ("_config.yml", 2, "warning"),
        ("index.md", None, level),
    ]
    assert "remote_theme 'mmistakes/minimal-mistakes'" in report.diagnostics[0].message
    assert "copy the theme's _layouts" in (report.diagnostics[0].hint or "")
    assert words in report.diagnostics[1].message
    assert not report.errors  # it publishes


ACADEMICPAGES = ROOT / "tests" / "fixtures" / "academicpages" / "src"


def test_the_academicpages_site_checks_with_warnings_only() -> None:
    report = check(LocalStore(ACADEMICPAGES), now=NOW, max_post_bytes=2**21)
    assert report.count("error") == 0, format_text(report.diagnostics)
    found = {(d.path, d.line, d.message.split(":")[0]) for d in report.diagnostics}
    assert found == {
        # Liquid Ruby tolerates and ignores (an unknown filter, a string used as one)
        ("_includes/comments-providers/discourse.html", 3, "Liquid filter 'strip_slash' is not one Broadsheet knows"),
        ("_includes/read-time.html", 16, "Liquid filter 'Undefined' is not one Broadsheet knows"),
        # site.github, in branches taken only when _config.yml has no url
        ("_includes/base_path", 4, "site.github (jekyll-github-metadata) comes from GitHub's API when GitHub Pages builds"),
        ("_includes/seo.html", 7, "site.github (jekyll-github-metadata) comes from GitHub's API when GitHub Pages builds"),
        # the stock repository's two URL conflicts, each named from both sides
        ("_posts/2015-08-14-blog-post-4.md", 4, "_posts/2015-08-14-blog-post-4.md and _posts/2199-01-01-future-post.md are both written to /posts/2012/08/blog-post-4/index.html"),
        ("_posts/2199-01-01-future-post.md", 4, "_posts/2015-08-14-blog-post-4.md and _posts/2199-01-01-future-post.md are both written to /posts/2012/08/blog-post-4/index.html"),
        ("_publications/2024-02-17-paper-title-number-4.md", 5, "_publications/2024-02-17-paper-title-number-4.md and _publications/2025-06-08-paper-title-number-5.md are both written to /publication/2024-02-17-paper-title-number-4.html"),
        ("_publications/2025-06-08-paper-title-number-5.md", 5, "_publications/2024-02-17-paper-title-number-4.md and _publications/2025-06-08-paper-title-number-5.md are both written to /publication/2024-02-17-paper-title-number-4.html"),
        # the first user's post
        ("_posts/2023-06-07-journey.md", 9, "suspected mojibake 'â€™'"),
    }  # fmt: skip
    assert (report.posts, report.pages, report.documents) == (7, 22, 13)
