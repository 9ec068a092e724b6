"""handler.engine.plugins.sitemap: the sitemap (sitemaps.org protocol) and robots.txt, for real
listings built from corpus posts, and the jekyll-sitemap plugin on a real site."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

import pytest
from reference import reference_documents

from handler.engine.plugins.sitemap import SITEMAP_NS, encode_url, robots_txt, sitemap_xml
from handler.site import Site
from handler.store.local import LocalStore
from handler.theme.listings import listing_pages

S = f"{{{SITEMAP_NS}}}"
W3C_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})")
BASE = "https://academicpages.github.io"


def urls_of(body: bytes) -> list[tuple[str, str | None]]:
    root = ET.fromstring(body)
    assert root.tag == f"{S}urlset"
    found = []
    for url in root.findall(f"{S}url"):
        assert [child.tag for child in url][:1] == [f"{S}loc"]
        assert {child.tag for child in url} <= {f"{S}loc", f"{S}lastmod"}
        found.append((url.findtext(f"{S}loc") or "", url.findtext(f"{S}lastmod")))
    return found


def test_sitemap_lists_posts_and_listings_with_lastmod() -> None:
    entries = reference_documents("mmistakes__minimal-mistakes")
    pages: list[tuple[str, datetime | None]] = [(BASE + e.url, e.modified) for e in entries]
    pages += [(BASE + path, modified) for path, modified in listing_pages(entries, 5, "/page:num/")]

    body = sitemap_xml(pages)
    found = urls_of(body)

    assert body.startswith(b"<?xml version='1.0' encoding='utf-8'?>\n<urlset xmlns=")
    assert len(found) == len(pages)
    locs = [loc for loc, _ in found]
    assert len(set(locs)) == len(locs)
    assert locs[0] == BASE + "/jekyll/welcome-to-jekyll/"
    assert BASE + "/edge%20case/edge-case-many-tags/" in locs
    assert {BASE + "/", BASE + "/page2/", BASE + "/tags/", BASE + "/year-archive/"} <= set(locs)
    for loc, lastmod in found:
        parts = urlsplit(loc)
        assert (parts.scheme, parts.netloc) == ("https", "academicpages.github.io")
        assert " " not in loc and loc.isascii()
        assert lastmod is not None and W3C_DATETIME.fullmatch(lastmod), lastmod
    assert found[0][1] == "2016-02-24T00:00:00-05:00"


def test_locs_are_escaped_encoded_and_listed_once() -> None:
    when = datetime(2024, 5, 6, 7, 8, 9, 999, tzinfo=timezone(timedelta(hours=-7)))
    body = sitemap_xml(
        [
            ("https://example.com/search?q=a&b=<c>", when),
            ("https://example.com/tags/日本語/", None),
            ("https://example.com/edge case/x/", None),
            ("https://example.com/edge%20case/x/", None),
            ("https://bücher.example/b/", None),
        ]
    )

    assert b"&amp;b=" in body and b"<c>" not in body
    assert urls_of(body) == [
        ("https://example.com/search?q=a&b=%3Cc%3E", "2024-05-06T07:08:09-07:00"),
        ("https://example.com/tags/%E6%97%A5%E6%9C%AC%E8%AA%9E/", None),
        ("https://example.com/edge%20case/x/", None),
        ("https://xn--bcher-kva.example/b/", None),
    ]


@pytest.mark.parametrize(
    "url", ["example.com/x/", "ftp://example.com/x", "", "javascript:alert(1)/x/"]
)
def test_sitemap_urls_must_be_absolute_http_or_site_paths(url: str) -> None:
    with pytest.raises(ValueError, match="absolute"):
        sitemap_xml([(url, None)])


def test_a_site_without_an_absolute_url_lists_site_paths_as_jekyll_does() -> None:
    body = sitemap_xml([("/relative/caf\u00e9/", None), ("//host/x/", None)])
    assert urls_of(body) == [("/relative/caf%C3%A9/", None), ("/host/x/", None)]


def test_an_empty_sitemap_is_an_empty_urlset() -> None:
    assert urls_of(sitemap_xml([])) == []


def test_lastmod_needs_a_time_zone() -> None:
    with pytest.raises(ValueError, match="time zone"):
        sitemap_xml([("https://example.com/", datetime(2024, 1, 1))])


def test_more_than_fifty_thousand_urls_is_refused() -> None:
    urls = ((f"https://example.com/{n}/", None) for n in range(50_001))
    with pytest.raises(ValueError, match="50,000"):
        sitemap_xml(urls)


def test_robots_txt_allows_everything_and_names_the_sitemap() -> None:
    text = robots_txt("https://academicpages.github.io/sitemap.xml").decode()

    assert text == (
        "User-agent: *\nDisallow:\n\nSitemap: https://academicpages.github.io/sitemap.xml\n"
    )
    assert encode_url("https://example.com/a b/") == "https://example.com/a%20b/"
    # Without an absolute URL there is no Sitemap: line (the protocol wants one), never an error.
    assert robots_txt("/sitemap.xml").decode() == "User-agent: *\nDisallow:\n"


# ---- the jekyll-sitemap plugin on a site with its own layouts ------------------------------------

PLUGIN_SITE = {
    "_config.yml": "url: https://example.com\ntimezone: UTC\nplugins: [jekyll-sitemap]\n"
    "collections:\n  recipes: {output: true}\n  notes: {}\n",
    "_layouts/default.html": "{{ content }}",
    "index.md": "---\nlayout: default\n---\nHome\n",
    "about.md": "---\nsitemap: false\n---\nAbout\n",
    "404.html": "---\npermalink: /404.html\n---\nNot found\n",
    "feed.xml": "---\n---\n<feed/>\n",
    "_posts/2024-01-02-a.md": "---\ntitle: A\n---\nA\n",
    "_posts/2024-01-03-b.md": "---\ntitle: B\nlast_modified_at: 2024-02-03 04:05:06\n---\nB\n",
    "_posts/2024-01-04-c.md": "---\ntitle: C\nsitemap: false\n---\nC\n",
    "_recipes/soup.md": "---\ntitle: Soup\n---\nSoup\n",
    "_notes/n.md": "---\ntitle: N\n---\nN\n",
    "assets/doc.pdf": "%PDF-1.4 x",
    "assets/static.html": "<p>static</p>",
    "assets/style.css": "body{}",
}
FILE_TIME = datetime(2024, 3, 1, tzinfo=UTC)
BUILD_TIME = datetime(2024, 6, 1, 12, tzinfo=UTC)


def test_plugin_lists_what_jekyll_sitemap_lists(tmp_path: Path) -> None:
    for key, text in PLUGIN_SITE.items():
        path = tmp_path / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        os.utime(path, (FILE_TIME.timestamp(), FILE_TIME.timestamp()))
    site = Site(LocalStore(tmp_path), now=lambda: BUILD_TIME)

    # What Jekyll 4.3.1 with jekyll-sitemap wrote for this site, in its order (a collection
    # document without a date is dated when the site is built: site.time).
    assert urls_of(site.page("/sitemap.xml").body) == [
        ("https://example.com/2024/01/02/a.html", "2024-01-02T00:00:00+00:00"),
        ("https://example.com/2024/01/03/b.html", "2024-02-03T04:05:06+00:00"),
        ("https://example.com/recipes/soup.html", "2024-06-01T12:00:00+00:00"),
        ("https://example.com/", None),
        ("https://example.com/assets/doc.pdf", "2024-03-01T00:00:00+00:00"),
        ("https://example.com/assets/static.html", "2024-03-01T00:00:00+00:00"),
    ]
    assert site.page("/robots.txt").body == b"Sitemap: https://example.com/sitemap.xml\n"
