"""Values from front matter and ``_config.yml`` that Python cannot represent, config typos, and a
site without an absolute URL: each is its own file's error (at its line), never the site's.

Readers meet these through the Lambda entry (``make_handler`` with API Gateway v2 events); authors
through ``broadsheet check`` (exit 1 with ``file:line``). A bad post fails only its own URL, a bad
``_config.yml`` keeps the last good one (warm, and in the manifest a cold start reads), and with
none before it the site answers a themed 503 with our headers rather than a bare 500.
"""

from __future__ import annotations

import json
import logging
import shutil
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import S3Bucket, api_event, body_bytes, call, upload_tree
from mangum import Mangum

from handler import cli
from handler.app import build_app, make_handler
from handler.engine import document as document_module
from handler.engine import index as index_module
from handler.engine.config import CONFIG_KEY, ConfigError, SiteConfig
from handler.engine.config_rules import validate
from handler.engine.index import scan
from handler.site import Site
from handler.site.bucket import apply_changes, write_index
from handler.store.local import LocalStore
from handler.store.s3 import S3Store
from handler.tools.check import check
from handler.web import create_app

ROOT = Path(__file__).parents[2]
SEED_URL = "/posts/2023/06/journey/"
GOOD_URLS = ("/", SEED_URL, "/good/", "/feed.xml", "/sitemap.xml", "/robots.txt", "/tags/")
NOW = datetime(2026, 1, 1, tzinfo=UTC)
CONFIG = (ROOT / "content" / "_config.yml").read_text(encoding="utf-8")


def write_site(root: Path, posts: dict[str, str] | None = None, config: str = CONFIG) -> Path:
    shutil.copytree(ROOT / "content", root)
    (root / "_config.yml").write_text(config, encoding="utf-8")
    (root / "_posts" / "2024-01-10-good.md").write_text(
        "---\ntitle: Good\npermalink: /good/\n---\nStill here.\n", encoding="utf-8"
    )
    for key, text in (posts or {}).items():
        path = root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def lambda_entry(root: Path, **site: Any) -> Mangum:
    return make_handler(create_app(Site(LocalStore(root), **site)))


def get(
    handler: Mangum, path: str, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    response = call(handler, api_event("2.0", "GET", path, headers=headers))
    return response["statusCode"], response["headers"], body_bytes(response)


def assert_site_serves(handler: Mangum) -> None:
    for url in GOOD_URLS:
        status, _, body = get(handler, url)
        assert (url, status) == (url, 200), body[:300]


def errors_of(root: Path, **kwargs: Any) -> list[str]:
    report = check(LocalStore(root), now=NOW, max_post_bytes=512 * 1024, **kwargs)
    return [f"{d.location}: {d.message}" for d in report.errors]


# --- 1. dates Python cannot hold ------------------------------------------------------------------


BAD_DATES = {
    # name: (front matter line 2, where check and the log name it, words)
    "date-9999-west": ("date: 9999-12-31 23:00:00 -12:00", ":2:7:", "outside the years 1 to 9999"),
    "date-quoted": ("date: '9999-12-31 23:00:00 -12:00'", ":2:", "outside the years 1 to 9999"),
    "year-1-east": ("date: 0001-01-01 00:30:00 +05:00", ":2:7:", "outside the years 1 to 9999"),
    "year-1-quoted": ('date: "0001-01-01 00:30:00 +05:00"', ":2:", "outside the years 1 to 9999"),
    # A wall-clock time in the site's zone (Los Angeles) that is year 10000 in UTC.
    "naive-in-zone": ("date: 9999-12-31 23:00:00", ":2:", "outside the years 1 to 9999"),
    "last-modified": (
        "last_modified_at: 9999-12-31 23:00:00 -12:00",
        ":2:19:",
        "outside the years 1 to 9999",
    ),
    "last-modified-quoted": (
        "last_modified_at: '9999-12-31 23:00:00 -12:00'",
        ":2:",
        "outside the years 1 to 9999",
    ),
    "other-field": ("updated: 0001-01-01 00:30:00 +05:00", ":2:10:", "outside the years 1"),
}


@pytest.mark.parametrize("name", sorted(BAD_DATES))
def test_a_date_python_cannot_hold_fails_only_its_own_post(
    name: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    line, where, words = BAD_DATES[name]
    key = f"_posts/2024-02-01-{name}.md"
    root = write_site(tmp_path / "site", {key: f"---\n{line}\ntitle: Bad\n---\nBody.\n"})
    handler = lambda_entry(root)
    with caplog.at_level(logging.WARNING):
        assert_site_serves(handler)
        status, headers, _ = get(handler, f"/{name}/")
    assert status == 404  # refused when the index is read: not a post at all
    assert headers["cache-control"]
    logged = [r.getMessage() for r in caplog.records if key in r.getMessage()]
    assert any(key + where in m and words in m for m in logged), logged
    assert any(e.startswith(key + where) and words in e for e in errors_of(root))


def test_cached_pages_and_the_indexer_survive_a_bad_date_arriving_later(
    tmp_path: Path,
) -> None:
    """The issue's worst case: a warm site (pages cached) meets the bad post on its next
    refresh; every page keeps answering, and the index is still built (check, index, publish)."""
    root = write_site(tmp_path / "site")
    handler = lambda_entry(root, index_ttl=0)
    assert_site_serves(handler)
    key = root / "_posts" / "2024-02-02-late.md"
    key.write_text("---\ndate: 9999-12-31 23:00:00 -12:00\n---\nx\n", encoding="utf-8")
    assert_site_serves(handler)
    index = scan(LocalStore(root))
    assert "_posts/2024-02-02-late.md" in index.problems
    assert cli.main(["check", "--content", str(root)], env={}) == 1


def test_a_liquid_date_past_9999_is_that_pages_error_at_its_line(tmp_path: Path) -> None:
    key = "_posts/2024-02-03-liquid-date.md"
    body = "Before.\n\n{{ '9999-12-31 23:00:00 -12:00' | date_to_xmlschema }}\n"
    root = write_site(tmp_path / "site", {key: "---\ntitle: Liquid date\n---\n" + body})
    handler = lambda_entry(root)
    assert_site_serves(handler)
    status, headers, page = get(handler, "/liquid-date/")
    assert status == 500 and b"This page could not be rendered." in page
    assert headers["x-content-type-options"] == "nosniff"
    assert any(
        e.startswith(key + ":6") and "outside the years 1 to 9999" in e for e in errors_of(root)
    )


def test_an_unforeseen_error_reading_one_file_is_that_files_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reader's net for what no check foresaw: one file's exception is its own problem."""
    root = write_site(tmp_path / "site", {"_posts/2024-02-04-odd.md": "---\ntitle: Odd\n---\nx\n"})
    real = document_module.read_document

    def read_document(key: str, *args: Any, **kwargs: Any) -> Any:
        if key.endswith("-odd.md"):
            raise ArithmeticError("a value no rule foresaw")
        return real(key, *args, **kwargs)

    monkeypatch.setattr(index_module, "read_document", read_document)
    index = scan(LocalStore(root))
    assert "ArithmeticError" in index.problems["_posts/2024-02-04-odd.md"].message
    assert_site_serves(lambda_entry(root))


# --- 4. _config.yml, validated once, as a whole ----------------------------------------------------

CONFIG_TYPOS = {
    # name: (replace this, with this, line of _config.yml, words)
    "smart-quotes": (
        "smart_quotes: lsquo,rsquo,ldquo,rdquo",
        "smart_quotes: '9999999,rsquo,ldquo,rdquo'",
        35,
        "9999999 is not a Unicode character",
    ),
    "smart-quotes-surrogate": (
        "smart_quotes: lsquo,rsquo,ldquo,rdquo",
        "smart_quotes: '55296,rsquo,ldquo,rdquo'",
        35,
        "is not a Unicode character",
    ),
    "smart-quotes-name": (
        "smart_quotes: lsquo,rsquo,ldquo,rdquo",
        "smart_quotes: 'nosuch,rsquo,ldquo,rdquo'",
        35,
        "not an HTML entity name",
    ),
    "toc-levels": ("toc_levels: 1..6", "toc_levels: [1, a]", 34, "'a' is not a heading level"),
    "toc-levels-range": ("toc_levels: 1..6", "toc_levels: 1..99", 34, "not a heading level"),
    "footnote-nr": ("footnote_nr: 1", "footnote_nr: .inf", 32, "footnote_nr should be"),
    "timezone-folder": (
        'timezone: "America/Los_Angeles"',
        "timezone: Europe",
        21,
        "unknown timezone 'Europe'",
    ),
    "timezone-long": (
        'timezone: "America/Los_Angeles"',
        "timezone: " + "Europe/" * 40 + "London",
        21,
        "unknown timezone",
    ),
    "timezone-escape": (
        'timezone: "America/Los_Angeles"',
        "timezone: ../../../etc/passwd",
        21,
        "unknown timezone",
    ),
    "timezone-data-file": (
        'timezone: "America/Los_Angeles"',
        "timezone: zone1970.tab",
        21,
        "unknown timezone",
    ),
    "paginate-inf": ("paginate: 5", "paginate: .inf", 24, "paginate should be"),
    "paginate-negative": ("paginate: 5", "paginate: -3", 24, "paginate should be"),
    "paginate-path": (
        "paginate_path: /page:num/",
        "paginate_path: /page/",
        25,
        "paginate_path should be a path with :num",
    ),
    "permalink-placeholder": (
        "permalink: /:categories/:title/",
        "permalink: /:categories/:nonsense/",
        22,
        "unknown placeholder :nonsense",
    ),
    "limit-posts": ("future: false", "future: false\nlimit_posts: -1", 28, "limit_posts should"),
    "collections-metadata": (
        "future: false",
        "future: false\ncollections:\n  posts: [1, 2]",
        29,
        "collection 'posts' should be a mapping",
    ),
    "collection-permalink": (
        "future: false",
        "future: false\ncollections:\n  talks:\n    permalink: /:bogus/",
        30,
        "unknown placeholder :bogus",
    ),
    "defaults-date": (
        "      layout: single",
        "      layout: single\n      date: 9999-12-31 23:00:00",
        44,
        "outside the years 1 to 9999",
    ),
    "include-not-list": ("future: false", "future: false\ninclude: _pages", 28, "should be a list"),
    "sass-precision": (
        "future: false",
        "future: false\nsass:\n  precision: 99999999999999999999",
        29,
        "sass.precision should be",
    ),
    "sass-glob": (
        "future: false",
        "future: false\nsass:\n  load_paths: ['_sass/*']",
        29,
        "glob pattern",
    ),
    "kramdown-not-mapping": (
        "kramdown:\n  input: GFM",
        "kramdown: GFM\nold:\n  input: GFM",
        29,
        "kramdown should be a mapping",
    ),
}


def broken_config(name: str) -> str:
    old, new, _, _ = CONFIG_TYPOS[name]
    assert old in CONFIG
    return CONFIG.replace(old, new, 1)


@pytest.mark.parametrize("name", sorted(CONFIG_TYPOS))
def test_each_config_typo_is_an_error_at_its_line(name: str) -> None:
    _, _, line, words = CONFIG_TYPOS[name]
    with pytest.raises(ConfigError) as caught:
        SiteConfig.parse(broken_config(name))
    errors = [f"{e.location}: {e.message}" for e in caught.value.errors]
    assert any(e.startswith(f"{CONFIG_KEY}:{line}: ") and words in e for e in errors), errors


@pytest.mark.parametrize("name", sorted(CONFIG_TYPOS))
def test_check_exits_1_naming_the_config_line(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, _, line, words = CONFIG_TYPOS[name]
    root = write_site(tmp_path / "site", config=broken_config(name))
    assert cli.main(["check", "--content", str(root)], env={}) == 1
    out = capsys.readouterr().out
    assert f"{CONFIG_KEY}:{line}: error: " in out and words in out, out
    assert "Traceback" not in out


@pytest.mark.parametrize("name", sorted(CONFIG_TYPOS))
def test_cold_start_with_a_broken_config_is_a_themed_503(name: str, tmp_path: Path) -> None:
    root = write_site(tmp_path / "site", config=broken_config(name))
    handler = lambda_entry(root)
    for url in ("/", SEED_URL, "/robots.txt", "/feed.xml"):
        status, headers, body = get(handler, url)
        assert status == 503, (url, body[:200])
        assert headers["retry-after"] and headers["cache-control"]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["content-type"] == "text/html; charset=utf-8"
        assert b'<link rel="stylesheet"' in body  # the themed page, not a bare error
        assert b"Traceback" not in body


@pytest.mark.parametrize("name", ["smart-quotes", "toc-levels", "timezone-folder", "paginate-inf"])
def test_a_warm_site_keeps_its_last_good_config_and_logs(
    name: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root = write_site(tmp_path / "site")
    handler = lambda_entry(root, index_ttl=0)
    assert_site_serves(handler)
    _, _, before = get(handler, SEED_URL)
    (root / CONFIG_KEY).write_text(broken_config(name), encoding="utf-8")
    with caplog.at_level(logging.ERROR):
        assert_site_serves(handler)
        _, _, after = get(handler, SEED_URL)
    assert after == before  # the same configuration: same time zone, quotes, pages
    assert any(f"{CONFIG_KEY}:{CONFIG_TYPOS[name][2]}" in r.getMessage() for r in caplog.records)
    (root / CONFIG_KEY).write_text(CONFIG.replace("Your Name / Site Title", "Fixed"), "utf-8")
    assert b"Fixed" in get(handler, "/")[2]  # a good one is taken again at once


def test_every_bad_value_is_listed_at_once() -> None:
    text = broken_config("paginate-inf").replace("toc_levels: 1..6", "toc_levels: [1, a]")
    with pytest.raises(ConfigError) as caught:
        SiteConfig.parse(text)
    assert sorted(e.line or 0 for e in caught.value.errors) == [24, 34]
    assert "(and 1 more)" in str(caught.value)


@pytest.mark.parametrize(
    "defaults",
    [
        "defaults: {path: x}",  # not a list: Jekyll uses none
        "defaults:\n  - scope: {path: ''}\n    values:\n  - scope: {path: ''}\n    values: {x: 1}",
        "defaults:\n  - just a string",
    ],
    ids=["not-a-list", "entry-without-values", "entry-not-a-mapping"],
)
def test_defaults_jekyll_skips_are_warnings_not_errors(defaults: str, tmp_path: Path) -> None:
    """Jekyll builds the site without such a `defaults` (it warns): so does Broadsheet, and
    `check` warns at its line rather than stopping a site Jekyll would publish."""
    text = CONFIG.replace("defaults:\n", "old_defaults:\n", 1) + "\n" + defaults + "\n"
    SiteConfig.parse(text)  # no ConfigError
    root = write_site(tmp_path / "site", config=text)
    report = check(LocalStore(root), now=NOW, max_post_bytes=512 * 1024)
    assert not [d for d in report.errors if d.path == CONFIG_KEY]
    line = text.splitlines().index(defaults.splitlines()[0]) + 1
    assert any(
        d.path == CONFIG_KEY and d.line == line and "Jekyll skips it" in d.message
        for d in report.diagnostics
        if d.level == "warning"
    ), [d.message for d in report.diagnostics]
    assert_site_serves(make_handler(build_app({"CONTENT_DIR": str(root)})))


def test_the_default_and_real_configs_are_valid() -> None:
    assert validate({})[0] == []
    for path in sorted((ROOT / "tests" / "fixtures").rglob("_config.yml")):
        SiteConfig.parse(path.read_text(encoding="utf-8"))  # raises on a finding


def test_the_indexer_keeps_the_good_config_in_the_manifest_for_cold_starts(
    s3_bucket: S3Bucket, tmp_path: Path
) -> None:
    """S3: a broken _config.yml upload (the S3 event) leaves the manifest's configuration the
    last good one, with the problem noted; a cold container serves the site from it."""
    client, name = s3_bucket
    upload_tree(client, name, write_site(tmp_path / "site"))
    store = S3Store(client, name)
    write_index(store)
    client.put_object(Bucket=name, Key=CONFIG_KEY, Body=broken_config("timezone-folder").encode())
    outcome = apply_changes(store, [CONFIG_KEY])  # raises nothing, on this event or any later
    assert outcome.rebuilt
    written = json.loads(store.get("_broadsheet/index.json").body)
    assert written["config"]["text"] == CONFIG
    assert any(p["key"] == CONFIG_KEY and p["line"] == 21 for p in written["problems"])
    apply_changes(store, ["_posts/2024-01-10-good.md"])  # a later event still works
    cold = make_handler(build_app({"CONTENT_BUCKET": name, "INDEX_TTL": "0"}))
    assert_site_serves(cold)


def test_a_bucket_whose_only_config_is_broken_answers_503(
    s3_bucket: S3Bucket, tmp_path: Path
) -> None:
    client, name = s3_bucket
    upload_tree(client, name, write_site(tmp_path / "site", config=broken_config("paginate-inf")))
    write_index(S3Store(client, name))
    cold = make_handler(build_app({"CONTENT_BUCKET": name, "INDEX_TTL": "0"}))
    for url in ("/", SEED_URL):
        status, headers, body = get(cold, url)
        assert status == 503 and headers["retry-after"] and b'<link rel="stylesheet"' in body


# --- 5. no absolute url ---------------------------------------------------------------------------

NO_ABSOLUTE_URL = {
    "empty": "url: ''",
    "relative": "url: /blog",
    "javascript": "url: 'javascript:alert(1)'",
    "protocol-relative": "url: //evil.example",
    "none": "",
}
LAYOUTS = {
    "_layouts/default.html": "<html><body>{{ content }}</body></html>\n",
    "_layouts/single.html": "---\nlayout: default\n---\n{{ content }}\n",
}


@pytest.mark.parametrize("theme", ["builtin", "own-layouts"])
@pytest.mark.parametrize("name", sorted(NO_ABSOLUTE_URL))
def test_without_an_absolute_url_robots_sitemap_and_feed_still_answer(
    name: str, theme: str, tmp_path: Path
) -> None:
    config = CONFIG.replace('url: "https://academicpages.github.io"', NO_ABSOLUTE_URL[name])
    if theme == "own-layouts":
        config += "plugins: [jekyll-sitemap, jekyll-feed]\n"
    root = write_site(tmp_path / "site", LAYOUTS if theme == "own-layouts" else {}, config=config)
    handler = lambda_entry(root)
    evil = {"host": "evil.example", "x-forwarded-host": "evil.example"}
    status, headers, robots = get(handler, "/robots.txt", evil)
    assert status == 200 and headers["content-type"].startswith("text/plain")
    assert b"Sitemap:" not in robots  # the protocol wants an absolute URL; there is none
    status, _, sitemap = get(handler, "/sitemap.xml", evil)
    assert status == 200
    locs = [el.text or "" for el in ET.fromstring(sitemap).iter() if el.tag.endswith("loc")]
    assert locs and all(loc.startswith("/") and not loc.startswith("//") for loc in locs), locs
    status, _, feed = get(handler, "/feed.xml", evil)
    assert status == 200 and ET.fromstring(feed).tag.endswith("feed")
    for body in (robots, sitemap, feed):
        assert b"evil.example" not in body and b"javascript:" not in body
    warnings = check(LocalStore(root), now=NOW, max_post_bytes=512 * 1024).diagnostics
    assert any(
        d.path == CONFIG_KEY and d.level == "warning" and "no absolute URL" in d.message
        for d in warnings
    )


def test_site_url_stands_for_url_and_names_the_sitemap(tmp_path: Path) -> None:
    config = CONFIG.replace('url: "https://academicpages.github.io"', "url: ''")
    root = write_site(tmp_path / "site", config=config)
    handler = lambda_entry(root, site_url="https://blog.example")
    _, _, robots = get(handler, "/robots.txt")
    assert robots.endswith(b"Sitemap: https://blog.example/sitemap.xml\n")
    report = check(
        LocalStore(root), now=NOW, max_post_bytes=512 * 1024, site_url="https://blog.example"
    )
    assert not [d for d in report.diagnostics if "no absolute URL" in d.message]
