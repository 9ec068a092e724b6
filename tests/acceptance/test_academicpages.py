"""The first user's whole site through the Lambda entry, against Jekyll's own build of it.

Every file Jekyll writes answers at its URL: 200 with the same content, or a real 301 where Jekyll
wrote a redirect page. HTML pages match Jekyll's in title, main content, whole visible text and tag
sequence (at least 99%, with the excused pages and their reasons below); the stylesheet Jekyll
compiles from Sass, and every static file, byte for byte; the feed, the sitemap and redirects.json
list the same things.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from compare.html import compare_html
from conftest import S3Bucket, api_event, body_bytes, call, upload_tree
from mangum import Mangum

from acceptance.academicpages import SITE_URL, SOURCE, Reference, build_reference
from handler.app import make_handler
from handler.settings import DEFAULT_INDEX_KEY
from handler.site import Site
from handler.site.bucket import write_index
from handler.store.local import LocalStore
from handler.store.measured import MeasuredStore
from handler.store.s3 import S3Store
from handler.web import create_app

pytestmark = pytest.mark.slow
SIMILAR = 0.99
# Pages whose text may differ, and why. Keep this list short and honest.
EXCUSED: dict[str, str] = {
    "markdown/index.html": (
        "its code blocks are highlighted by Pygments, whose token spans are not rouge's (the "
        "visible text is identical); test_excused_pages_differ_only_in_highlighting holds it"
    ),
}


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Reference:
    return build_reference(tmp_path_factory.mktemp("jekyll") / "site")


@pytest.fixture(scope="module")
def lambda_entry(reference: Reference, s3_client: Any) -> Iterator[Mangum]:
    bucket = S3Bucket(s3_client, "broadsheet-academicpages")
    s3_client.create_bucket(Bucket=bucket.name)
    upload_tree(s3_client, bucket.name, SOURCE)
    store = S3Store(s3_client, bucket.name)
    write_index(store, environment="development")  # compiles the Sass, as the indexer does
    site = Site(
        MeasuredStore(store),
        manifest_key=DEFAULT_INDEX_KEY,
        environment="development",
        github_pages=False,
        now=lambda: reference.built_at,
    )
    yield make_handler(create_app(site))


def get(entry: Mangum, path: str) -> dict[str, Any]:
    return call(entry, api_event("2.0", "GET", path))


def test_every_file_jekyll_writes_answers_at_its_url(
    reference: Reference, lambda_entry: Mangum
) -> None:
    wrong = []
    for relative in reference.files:
        response = get(lambda_entry, "/" + relative)
        expected = 301 if reference.is_redirect(relative) else 200
        if response["statusCode"] != expected:
            wrong.append(f"/{relative}: {response['statusCode']} (Jekyll: {expected})")
    assert len(reference.files) == 116
    assert wrong == []


def test_redirect_pages_are_real_301s_to_where_jekyll_points(
    reference: Reference, lambda_entry: Mangum
) -> None:
    redirects = [r for r in reference.files if reference.is_redirect(r)]
    assert len(redirects) == 9
    for relative in redirects:
        target = _meta_refresh(reference.read(relative))
        response = get(lambda_entry, "/" + relative)
        assert SITE_URL + response["headers"]["location"] == target, relative


def _meta_refresh(html: bytes) -> str:
    import re

    match = re.search(rb'http-equiv="refresh" content="0; url=([^"]+)"', html)
    assert match is not None
    return match.group(1).decode()


def test_html_pages_match_jekylls(
    reference: Reference, lambda_entry: Mangum, capsys: pytest.CaptureFixture[str]
) -> None:
    rows, wrong = [], []
    for relative in reference.files:
        if not relative.endswith(".html") or reference.is_redirect(relative):
            continue
        response = get(lambda_entry, "/" + relative)
        ours, theirs = body_bytes(response).decode(), reference.read(relative).decode()
        comparison = compare_html(ours, theirs)
        rows.append((relative, comparison.text, comparison.tags, comparison.main))
        good = (
            comparison.titles_equal
            and comparison.main >= SIMILAR
            and comparison.text >= SIMILAR
            and comparison.tags >= SIMILAR
        )
        if not good and relative not in EXCUSED:
            wrong.append(f"{relative}:\n{comparison.report()}")
    with capsys.disabled():
        worst = sorted(rows, key=lambda row: min(row[1:]))[:5]
        print(f"\nacademicpages: {len(rows)} HTML pages; lowest text/tags/main:")
        for relative, text, tags, main in worst:
            print(f"    {text:.4f} {tags:.4f} {main:.4f} {relative}")
    assert wrong == [], "\n\n".join(wrong)
    assert len(rows) == 37  # 46 HTML files less the 9 redirect pages


def test_excused_pages_differ_only_in_highlighting(
    reference: Reference, lambda_entry: Mangum
) -> None:
    import re

    spans = re.compile(r"</?span[^>]*>")
    for relative in EXCUSED:
        ours = body_bytes(get(lambda_entry, "/" + relative)).decode()
        comparison = compare_html(
            spans.sub("", ours), spans.sub("", reference.read(relative).decode())
        )
        assert comparison.text == 1.0 and comparison.tags >= SIMILAR, comparison.report()


def test_the_stylesheet_and_every_static_file_are_byte_identical(
    reference: Reference, lambda_entry: Mangum
) -> None:
    generated = {"feed.xml", "sitemap.xml", "redirects.json", "robots.txt"}
    checked = []
    for relative in reference.files:
        if relative.endswith(".html") or relative in generated:
            continue
        response = get(lambda_entry, "/" + relative)
        assert body_bytes(response) == reference.read(relative), relative
        checked.append(relative)
    assert {"assets/css/main.css", "assets/css/main.css.map"} <= set(checked)


def test_feed_sitemap_robots_and_redirects_list_what_jekylls_do(
    reference: Reference, lambda_entry: Mangum
) -> None:
    atom = "{http://www.w3.org/2005/Atom}"

    def entries(body: bytes) -> list[tuple[str, str]]:
        root = ET.fromstring(body)
        return [
            (e.findtext(f"{atom}title") or "", e.find(f"{atom}link").get("href", ""))  # type: ignore[union-attr]
            for e in root.iter(f"{atom}entry")
        ]

    ours = get(lambda_entry, "/feed.xml")
    assert ours["headers"]["content-type"].startswith("application/atom+xml")
    assert entries(body_bytes(ours)) == entries(reference.read("feed.xml"))

    sm = "{http://www.sitemaps.org/schemas/sitemap/0.9}"

    def locations(body: bytes) -> list[str]:
        return [u.findtext(f"{sm}loc") or "" for u in ET.fromstring(body).iter(f"{sm}url")]

    assert locations(body_bytes(get(lambda_entry, "/sitemap.xml"))) == locations(
        reference.read("sitemap.xml")
    )
    assert body_bytes(get(lambda_entry, "/robots.txt")) == reference.read("robots.txt")
    ours_redirects = json.loads(body_bytes(get(lambda_entry, "/redirects.json")))
    assert ours_redirects == json.loads(reference.read("redirects.json"))


def test_links_without_the_extension_answer_as_on_github_pages(lambda_entry: Mangum) -> None:
    # academicpages links collection items without .html, as GitHub Pages serves them.
    assert get(lambda_entry, "/talks/2012-03-01-talk-1")["statusCode"] == 200
    assert get(lambda_entry, "/publication/2009-10-01-paper-title-number-1")["statusCode"] == 200
    assert get(lambda_entry, "/cv")["statusCode"] == 301  # a folder: to /cv/
    missing = get(lambda_entry, "/no/such/page/")
    assert missing["statusCode"] == 404
    assert b"Page Not Found" in body_bytes(missing)  # the site's own 404 page


def test_the_reference_is_the_shared_one(reference: Reference) -> None:
    """Our session's build of the vendored source writes the same files as the shared build."""
    shared = (
        Path(__file__).resolve().parents[3] / "shared" / "sites" / "academicpages" / "jekyll-site"
    )
    if not shared.is_dir():
        pytest.skip("the shared reference build is not on this machine")
    files = sorted(p.relative_to(shared).as_posix() for p in shared.rglob("*") if p.is_file())
    assert tuple(files) == reference.files


def test_as_github_pages_builds_it_every_page_is_byte_identical(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """JEKYLL_ENV=production, as GitHub Pages builds: the theme's `compress` layout (a
    Liquid-only HTML minifier) runs on every page, and the result is Jekyll's, byte for byte."""
    production = build_reference(
        tmp_path_factory.mktemp("production") / "site", environment="production"
    )
    site = Site(
        LocalStore(SOURCE),
        environment="production",
        github_pages=False,
        now=lambda: production.built_at,
    )
    different = []
    pages = [f for f in production.files if f.endswith(".html") and not production.is_redirect(f)]
    for relative in pages:
        if site.page("/" + relative).body != production.read(relative) and relative not in EXCUSED:
            different.append(relative)
    assert len(pages) == 37
    assert different == []
