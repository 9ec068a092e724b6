"""Every page a blog reader and a search engine expect, through the Lambda entry, on moto's S3.

A site of twelve posts (tags, categories, a draft, an unpublished post, redirects, a post kept
out of the sitemap) is uploaded to a bucket and indexed; requests are API Gateway events from
``sam local generate-event``. Listings must change when a post is added or removed.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import feedparser  # type: ignore[import-untyped]
import pytest
from conftest import S3Bucket, api_event, call, sam_event, upload_tree
from mangum import Mangum
from sites import write_site

from handler import indexer
from handler.app import build_app, make_handler
from handler.site import preview
from handler.site.bucket import apply_changes, write_index
from handler.store.s3 import S3Store

ROOT = Path(__file__).parents[1]
SECRET = "a-long-enough-preview-secret"
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def site(
    moto_endpoint: str, s3_client: Any, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Mangum, S3Bucket, S3Store]:
    root = tmp_path_factory.mktemp("routes") / "site"
    write_site(root)
    bucket = S3Bucket(s3_client, "broadsheet-routes")
    s3_client.create_bucket(Bucket=bucket.name)
    upload_tree(s3_client, bucket.name, root)
    store = S3Store(s3_client, bucket.name)
    write_index(store)
    env = {"CONTENT_BUCKET": bucket.name, "INDEX_TTL": "0", "PREVIEW_SECRET": SECRET}
    return make_handler(build_app(env)), bucket, store


def get(site: Any, path: str, query: str = "", version: str = "2.0") -> dict[str, Any]:
    return call(site[0], api_event(version, "GET", path, query))


def links(html: str) -> list[str]:
    return re.findall(r'<a [^>]*href="([^"]+)"', html)


def test_home_paginates_like_jekyll_paginate(site: Any) -> None:
    first = get(site, "/")["body"]  # academicpages' paginate: 5
    assert first.count('class="post-summary"') == 5
    assert 'href="/page2/"' in first
    second = get(site, "/page2/")
    assert second["statusCode"] == 200
    assert 'href="/"' in second["body"] and 'href="/page3/"' in second["body"]
    assert get(site, "/page2")["headers"]["location"] == "/page2/"
    assert get(site, "/page99/")["statusCode"] == 404
    assert get(site, "/page1/")["statusCode"] == 404  # Jekyll never writes /page1/


def test_tags_categories_and_year_archive(site: Any) -> None:
    tags = get(site, "/tags/")
    assert tags["statusCode"] == 200
    assert '<h2 id="python">' in tags["body"] and '<h2 id="research">' in tags["body"]
    python = get(site, "/tags/python/")
    assert python["statusCode"] == 200
    assert python["body"].count("Post ") >= 6
    categories = get(site, "/categories/")["body"]
    assert 'id="notes"' in categories and 'id="papers"' in categories
    assert get(site, "/categories/papers/")["statusCode"] == 200
    assert get(site, "/tags/no-such-tag/")["statusCode"] == 404
    archive = get(site, "/year-archive/")["body"]
    assert '<h2 id="2024">' in archive and '<h2 id="2023">' in archive


def test_post_links_to_its_tag_pages_and_related_posts(site: Any) -> None:
    assert get(site, "/post-5/")["statusCode"] == 404  # academicpages: /:categories/:title/
    html = get(site, "/notes/post-5/")["body"]
    assert 'href="/tags/python/"' in html and 'href="/categories/notes/"' in html
    related = html[html.index("Related posts") :]
    assert len(re.findall(r'<li><a href="/[^"]+/">Post \d+</a>', related)) == 4
    for target in ("/tags/python/", "/categories/notes/"):
        assert get(site, target)["statusCode"] == 200


def test_feed(site: Any) -> None:
    r = get(site, "/feed.xml")
    assert r["headers"]["content-type"].startswith("application/atom+xml")
    parsed = feedparser.parse(r["body"])
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert len(parsed.entries) == 10
    assert parsed.feed.title == "Your Name / Site Title"
    assert parsed.feed.id == "https://academicpages.github.io/"
    newest = parsed.entries[0]
    assert newest.link.startswith("https://academicpages.github.io/")
    assert newest.updated_parsed and newest.summary and newest.content[0].value
    hostile = next(e for e in parsed.entries if "script" in e.title)
    assert hostile.title == 'Why <script>alert(1)</script> & "quotes" matter'
    assert {t.term for t in hostile.tags} == {"<b>bold</b>", "a&b"}
    assert "<script>" not in r["body"]  # escaped in the XML itself
    titles = [e.title for e in parsed.entries]
    assert "Not yet" not in titles and "A draft idea" not in titles


def test_sitemap_and_robots(site: Any) -> None:
    r = get(site, "/sitemap.xml")
    assert r["headers"]["content-type"].startswith("application/xml")
    tree = ET.fromstring(r["body"].encode())
    locs = {u.findtext(f"{SITEMAP_NS}loc") for u in tree.iter(f"{SITEMAP_NS}url")}
    base = "https://academicpages.github.io"
    assert base + "/posts/2023/06/journey/" in locs
    assert base + "/" in locs and base + "/page2/" in locs and base + "/tags/python/" in locs
    assert base + "/hidden-from-sitemap/" not in locs  # sitemap: false
    assert not any("unpublished" in (loc or "") or "idea" in (loc or "") for loc in locs)
    assert all(u.findtext(f"{SITEMAP_NS}lastmod") for u in tree.iter(f"{SITEMAP_NS}url"))
    robots = get(site, "/robots.txt")
    assert robots["headers"]["content-type"].startswith("text/plain")
    assert "Sitemap: https://academicpages.github.io/sitemap.xml" in robots["body"]


def test_robots_from_the_content_root_wins(site: Any) -> None:
    _, bucket, store = site
    bucket.client.put_object(
        Bucket=bucket.name, Key="robots.txt", Body=b"User-agent: *\nDisallow: /\n"
    )
    apply_changes(store, ["robots.txt"])  # as the S3 event would
    try:
        assert get(site, "/robots.txt")["body"] == "User-agent: *\nDisallow: /\n"
    finally:
        bucket.client.delete_object(Bucket=bucket.name, Key="robots.txt")
        apply_changes(store, ["robots.txt"])


@pytest.mark.parametrize("old", ["/old/moved.html", "/2019/moved/", "/2019/moved"])
def test_redirect_from(site: Any, old: str) -> None:
    r = get(site, old)
    assert r["statusCode"] == 301
    assert r["headers"]["location"] == "/moved/"


def test_redirect_to(site: Any) -> None:
    r = get(site, "/elsewhere/")
    assert (r["statusCode"], r["headers"]["location"]) == (301, "https://example.org/elsewhere")


def test_drafts_and_unpublished_are_never_public(site: Any) -> None:
    for path in ("/unpublished/", "/idea/"):
        assert get(site, path)["statusCode"] == 404
    for path in ("/", "/tags/", "/year-archive/", "/feed.xml", "/sitemap.xml"):
        body = get(site, path)["body"]
        assert "Not yet" not in body and "A draft idea" not in body


@pytest.mark.parametrize("path", ["/unpublished/", "/idea/"])
def test_signed_preview(site: Any, path: str) -> None:
    link = preview.sign(path, SECRET, datetime.now(UTC) + timedelta(hours=1))
    query = link.split("?", 1)[1]
    r = get(site, path, query)
    assert r["statusCode"] == 200
    assert r["headers"]["cache-control"] == "private, no-store"
    assert r["headers"]["x-robots-tag"] == "noindex, nofollow"
    assert "Secret." in r["body"] or "Draft body." in r["body"]
    assert get(site, path)["statusCode"] == 404  # the preview was not kept for anyone else
    tampered = query[:-2] + ("AA" if not query.endswith("AA") else "BB")
    assert get(site, path, tampered)["statusCode"] == 404
    expired = preview.sign(path, SECRET, datetime.now(UTC) - timedelta(seconds=1))
    assert get(site, path, expired.split("?", 1)[1])["statusCode"] == 404
    other = preview.sign("/some/other/", SECRET, datetime.now(UTC) + timedelta(hours=1))
    assert get(site, path, other.split("?", 1)[1])["statusCode"] == 404


def test_hostile_titles_are_escaped_in_html(site: Any) -> None:
    for path in ("/hostile/", "/", "/tags/", "/year-archive/"):
        body = get(site, path)["body"]
        assert "<script>alert(1)" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in get(site, "/hostile/")["body"]


def test_listings_change_when_posts_come_and_go(site: Any) -> None:
    _, bucket, store = site
    key = "_posts/2025-01-01-brand-new.md"
    bucket.client.put_object(
        Bucket=bucket.name, Key=key, Body=b"---\ntitle: Brand new\ntags: [fresh]\n---\nHi.\n"
    )
    event = sam_event("s3", "put", "--bucket", bucket.name, "--key", key)
    apply_changes(store, indexer.keys_from_event(event))
    for path in ("/", "/tags/", "/tags/fresh/", "/year-archive/", "/feed.xml", "/sitemap.xml"):
        assert "rand" in get(site, path)["body"], path  # "Brand new" / "brand-new"
    bucket.client.delete_object(Bucket=bucket.name, Key=key)
    event = sam_event("s3", "delete", "--bucket", bucket.name, "--key", key)
    apply_changes(store, indexer.keys_from_event(event))
    assert get(site, "/tags/fresh/")["statusCode"] == 404
    for path in ("/", "/tags/", "/year-archive/", "/feed.xml", "/sitemap.xml"):
        assert "Brand new" not in get(site, path)["body"], path


def test_every_internal_link_on_the_main_pages_resolves(site: Any) -> None:
    seen: set[str] = set()
    for page in ("/", "/page2/", "/tags/", "/categories/", "/year-archive/", "/notes/post-5/"):
        for href in links(get(site, page)["body"]):
            target = href.split("#", 1)[0]
            if not target.startswith("/") or target in seen:
                continue
            seen.add(target)
            assert get(site, target)["statusCode"] in (200, 301), (page, href)
    assert len(seen) > 20
