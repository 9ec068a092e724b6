"""The app over HTTP semantics: every corpus post at its Jekyll URL, methods, redirects, caching."""

from __future__ import annotations

import gc
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from urllib.parse import quote

import pytest
from conftest import api_event, call
from fastapi.testclient import TestClient

from handler.app import build_app, make_handler
from handler.site import Site
from handler.store.local import LocalStore
from handler.web import create_app

ROOT = Path(__file__).parents[1]
CORPUS = ROOT / "tests" / "fixtures" / "jekyll-corpus"
SEED_URL = "/posts/2023/06/journey/"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(build_app({"CONTENT_DIR": str(ROOT / "content")})) as c:
        yield c


def test_seed_post(client: TestClient) -> None:
    r = client.get(SEED_URL)
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    html = r.text
    assert "<title>From sci-fi writer to AI engineer: a strange journey" in html
    assert '<time datetime="2023-06-07T00:00:00-07:00">June 7, 2023</time>' in html
    assert (
        ">p.s. my advice for anyone trying to break into a field with very low initial capital:</h2>"
        in html
    )
    assert "Be nice – even to the gatekeepers." in html  # `--` is an en dash
    assert (
        '<link rel="canonical" href="https://academicpages.github.io/posts/2023/06/journey/">'
        in html
    )
    assert "4 minute read" in html


@pytest.mark.parametrize("path", [SEED_URL + "index.html", "/posts/2023/06/journey/index.html"])
def test_index_html_alias(client: TestClient, path: str) -> None:
    assert client.get(path).text == client.get(SEED_URL).text


def test_missing_slash_redirects(client: TestClient) -> None:
    r = client.get(SEED_URL.rstrip("/"), follow_redirects=False)
    assert r.status_code == 301
    assert r.headers["location"] == SEED_URL


def test_head_has_headers_and_no_body(client: TestClient) -> None:
    get, head = client.get(SEED_URL), client.head(SEED_URL)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(get.content))
    assert head.headers["etag"] == get.headers["etag"]


@pytest.mark.parametrize("path", [SEED_URL, "/", "/feed.xml", "/robots.txt"])
def test_a_hit_has_the_headers_the_general_path_makes(client: TestClient, path: str) -> None:
    """A GET of a cached page takes the prepared path (header lines made once per page); HEAD
    and a conditional GET take the general one: the same headers either way."""
    client.get(path)  # now cached
    hit, head = client.get(path), client.head(path)
    stale = client.get(path, headers={"If-None-Match": '"not-this-one"'})
    for other in (head, stale):
        assert other.status_code == hit.status_code == 200
        mine = {k: v for k, v in hit.headers.items() if k != "server-timing"}
        theirs = {k: v for k, v in other.headers.items() if k != "server-timing"}
        assert mine == theirs
    assert hit.content == stale.content and len(hit.content) == int(hit.headers["content-length"])
    assert client.get(path, headers={"If-None-Match": hit.headers["etag"]}).status_code == 304


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
def test_other_methods_are_405_with_allow(client: TestClient, method: str) -> None:
    r = client.request(method, SEED_URL)
    assert r.status_code == 405
    assert r.headers["allow"] == "GET, HEAD"
    assert "text/html" in r.headers["content-type"]


def test_home_lists_posts(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert (
        f'<a href="{SEED_URL}">From sci-fi writer to AI engineer: a strange journey</a>' in r.text
    )
    assert "This post tries to 1) explain" in r.text  # the excerpt


def test_404_is_themed(client: TestClient) -> None:
    r = client.get("/no/such/page/")
    assert r.status_code == 404
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert '<link rel="stylesheet" href="/_broadsheet/broadsheet.css' in r.text


@pytest.mark.parametrize("path", ["/docs", "/redoc", "/openapi.json"])
def test_api_pages_are_off(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 404


def test_conditional_requests(client: TestClient) -> None:
    first = client.get(SEED_URL)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert etag.startswith('"') and not etag.startswith("W/")
    again = client.get(SEED_URL, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    assert client.get(SEED_URL, headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get(SEED_URL, headers={"If-None-Match": '"other"'}).status_code == 200


def test_query_strings_do_not_change_the_page(client: TestClient) -> None:
    assert client.get(SEED_URL + "?utm_source=x").text == client.get(SEED_URL).text


def test_stylesheet(client: TestClient) -> None:
    r = client.get("/_broadsheet/broadsheet.css")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/css")
    assert "prefers-color-scheme: dark" in r.text


def test_static_files_with_types(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "content", tmp_path / "site")
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    (tmp_path / "site" / "images").mkdir()
    (tmp_path / "site" / "images" / "dot.png").write_bytes(png)
    (tmp_path / "site" / "files").mkdir()
    (tmp_path / "site" / "files" / "cv.pdf").write_bytes(b"%PDF-1.4\n")
    (tmp_path / "site" / "_drafts").mkdir()
    (tmp_path / "site" / "_drafts" / "secret.md").write_text("secret")
    c = TestClient(create_app(Site(LocalStore(tmp_path / "site"))))
    r = c.get("/images/dot.png")
    assert (r.status_code, r.headers["content-type"], r.content) == (200, "image/png", png)
    assert c.get("/files/cv.pdf").headers["content-type"] == "application/pdf"
    assert c.get("/_drafts/secret.md").status_code == 404
    assert c.get("/_config.yml").status_code == 404
    assert c.get("/_posts/2023-06-07-journey.md").status_code == 404


def corpus_refs() -> Iterator[tuple[str, dict[str, object]]]:
    for ref_file in sorted(CORPUS.glob("*/reference.jsonl")):
        for line in ref_file.read_text(encoding="utf-8").splitlines():
            ref = json.loads(line)
            if ref["url"] is not None:
                yield ref_file.parent.name, ref


@pytest.fixture(scope="module")
def corpus_clients(tmp_path_factory: pytest.TempPathFactory) -> dict[str, TestClient]:
    clients = {}
    for folder in sorted(CORPUS.glob("*/reference.jsonl")):
        root = tmp_path_factory.mktemp("site") / folder.parent.name
        shutil.copytree(folder.parent, root)
        # The corpus stubbed theme includes; give the test site the same empty stubs.
        (root / "_includes" / "embed").mkdir(parents=True)
        (root / "_includes" / "embed" / "youtube.html").write_text("")
        clients[folder.parent.name] = TestClient(create_app(Site(LocalStore(root))))
    return clients


def test_every_corpus_post_answers_at_its_jekyll_url(corpus_clients: dict[str, TestClient]) -> None:
    wrong = []
    served = 0
    for name, ref in corpus_refs():
        url = str(ref["url"])
        base = json.loads((CORPUS / name / "_config.yml").read_text()).get("baseurl", "")
        status = corpus_clients[name].get(quote(base + url, safe="/%+()!$&'*,;=:@")).status_code
        # A post whose Liquid needs includes Jekyll's tests carry is a 500 (a clear error page);
        # every other published post is 200, and every excluded post is 404.
        expected = {200, 500} if ref["published_in_build"] else {404}
        if status not in expected:
            wrong.append(f"{name} {url}: {status}")
        served += status == 200
    assert wrong == []
    assert served >= 114  # 118 published posts, of which 4 need Jekyll's test includes/plugins


@pytest.mark.parametrize(
    "path",
    [
        "/edge%20case/edge-case-nested-and-mixed-lists/",  # Jekyll's own (encoded) form
        "/edge case/edge-case-nested-and-mixed-lists/",  # decoded
        "/minimal-mistakes/edge%20case/edge-case-nested-and-mixed-lists/",  # under baseurl
    ],
)
def test_encoded_and_decoded_forms(corpus_clients: dict[str, TestClient], path: str) -> None:
    assert corpus_clients["mmistakes__minimal-mistakes"].get(path).status_code == 200


def test_a_404_leaves_no_reference_cycles() -> None:
    # 404s are never kept, so each one is built in the thread pool. NotFound raised across it
    # left its traceback, the worker's frames and its thread in reference cycles (~100 objects a
    # request) that only a full collection frees: the soak's RSS grew until one came.
    entry = make_handler(build_app({"CONTENT_DIR": str(ROOT / "content")}))
    event = api_event("2.0", "GET", "/no-such-page/")
    for _ in range(3):
        call(entry, event)
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        for _ in range(10):
            assert call(entry, event)["statusCode"] == 404
        gc.collect()
        ours = [
            o
            for o in gc.garbage
            if isinstance(o, FrameType) and "/handler/" in o.f_code.co_filename
        ]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert ours == []
