"""static_server.py: a built site served on 127.0.0.1 the way GitHub Pages serves it."""

from __future__ import annotations

import http.client
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from .static_server import ServedSite, content_type, serve_site

FILES = {
    "index.html": "<p>home</p>",
    "about.html": "<p>about file</p>",
    "about/index.html": "<p>about folder</p>",
    "blog/index.html": "<p>blog</p>",
    "edge case/index.html": "<p>spaced</p>",
    "404.html": "<p>not here</p>",
    "assets/main.css": "body{}",
    "assets/main.js": "1",
    "assets/font.woff2": "w",
    "feed.xml": "<feed/>",
    "notes.ipynb": "{}",
    "CNAME": "example.com",
}


@pytest.fixture
def site(tmp_path: Path) -> Iterator[ServedSite]:
    root = tmp_path / "_site"
    for name, text in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    (tmp_path / "secret.txt").write_text("outside", encoding="utf-8")
    with serve_site(root) as served:
        yield served


def get(site: ServedSite, path: str, method: str = "GET") -> tuple[int, dict[str, str], str]:
    """One request without following redirects: status, headers, body."""
    connection = http.client.HTTPConnection("127.0.0.1", site.port, timeout=5)
    try:
        connection.request(method, path)
        response = connection.getresponse()
        body = response.read().decode("utf-8")
        return response.status, dict(response.getheaders()), body
    finally:
        connection.close()


def test_it_listens_on_loopback_only(site: ServedSite) -> None:
    assert site.base_url == f"http://127.0.0.1:{site.port}"
    assert site.url("/blog/") == site.base_url + "/blog/"
    assert site.url("blog/") == site.base_url + "/blog/"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/", "<p>home</p>"),
        ("/index.html", "<p>home</p>"),
        ("/about", "<p>about file</p>"),  # x.html wins over x/index.html
        ("/about.html", "<p>about file</p>"),
        ("/about/", "<p>about folder</p>"),
        ("/blog/", "<p>blog</p>"),
        ("/blog/index.html", "<p>blog</p>"),
        ("/edge%20case/", "<p>spaced</p>"),
        ("/blog/?page=2", "<p>blog</p>"),
        ("/assets/main.css", "body{}"),
    ],
)
def test_pages_and_files(site: ServedSite, path: str, body: str) -> None:
    status, _, text = get(site, path)
    assert (status, text) == (200, body)


def test_a_folder_without_its_slash_redirects(site: ServedSite) -> None:
    status, headers, _ = get(site, "/blog")
    assert (status, headers["Location"]) == (301, "/blog/")
    status, headers, _ = get(site, "/blog?x=1")
    assert (status, headers["Location"]) == (301, "/blog/?x=1")
    status, headers, _ = get(site, "/edge%20case")
    assert (status, headers["Location"]) == (301, "/edge%20case/")


@pytest.mark.parametrize(
    "path", ["/nope", "/nope/", "/assets/", "/assets", "/blog.html", "/../secret.txt",
             "/%2e%2e/secret.txt", "/about.html/", "/%00"]
)  # fmt: skip
def test_anything_else_is_the_sites_404_page(site: ServedSite, path: str) -> None:
    status, headers, text = get(site, path)
    assert (status, text) == (404, "<p>not here</p>")
    assert headers["Content-Type"] == "text/html; charset=utf-8"


def test_without_a_404_page_a_plain_404(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("x", encoding="utf-8")
    with serve_site(tmp_path) as site:
        status, headers, text = get(site, "/missing")
    assert (status, text) == (404, "Not Found\n")
    assert headers["Content-Type"] == "text/plain; charset=utf-8"


def test_head_sends_headers_only(site: ServedSite) -> None:
    status, headers, text = get(site, "/blog/", method="HEAD")
    assert (status, text) == (200, "")
    assert headers["Content-Length"] == str(len("<p>blog</p>"))


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/", "text/html; charset=utf-8"),
        ("/assets/main.css", "text/css; charset=utf-8"),
        ("/assets/main.js", "application/javascript; charset=utf-8"),
        ("/assets/font.woff2", "font/woff2"),
        ("/feed.xml", "application/xml"),
        ("/CNAME", "application/octet-stream"),
    ],
)
def test_content_types(site: ServedSite, path: str, expected: str) -> None:
    _, headers, _ = get(site, path)
    assert headers["Content-Type"] == expected
    assert headers["Access-Control-Allow-Origin"] == "*"


def test_content_types_do_not_depend_on_the_machine() -> None:
    assert content_type(Path("a.png")) == "image/png"
    assert content_type(Path("a.ICO")) == "image/x-icon"
    assert content_type(Path("a.pdf")) == "application/pdf"
    assert content_type(Path("a.csv")) == "text/csv; charset=utf-8"  # Python's own table
    assert content_type(Path("a.unknown")) == "application/octet-stream"


def test_it_stops_when_the_block_ends(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("x", encoding="utf-8")
    with serve_site(tmp_path) as site, urllib.request.urlopen(site.url("/"), timeout=5) as answer:
        assert answer.status == 200
    with pytest.raises(OSError):
        urllib.request.urlopen(site.url("/"), timeout=2)


def test_it_stops_by_itself_after_max_seconds(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("x", encoding="utf-8")
    with serve_site(tmp_path, max_seconds=0.3) as site:
        time.sleep(1.0)
        with pytest.raises(OSError):
            urllib.request.urlopen(site.url("/"), timeout=2)


def test_a_missing_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError), serve_site(tmp_path / "absent"):
        pass


def test_every_page_of_the_academicpages_build(jekyll_site: Path) -> None:
    pages = sorted(jekyll_site.rglob("*.html"))
    with serve_site(jekyll_site) as site:
        for page in pages:
            relative = page.relative_to(jekyll_site).as_posix()
            pretty = "/" + relative.removesuffix("index.html").removesuffix(".html")
            status, _, body = get(site, quote(pretty))
            assert status == 200, pretty
            assert body == page.read_text(encoding="utf-8"), pretty
        status, _, body = get(site, "/no/such/page/")
    assert status == 404
    assert "Page Not Found" in body
