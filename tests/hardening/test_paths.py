"""Path attacks, generated: the router (ASGI as uvicorn calls it, TestClient, Lambda) and both stores.

Secrets are planted where a traversal would land: a file beside the content folder, a sibling folder
whose name extends the root's (``site-secrets/`` beside ``site/``), a hidden file inside, a symlink
out; in S3, keys beside the prefix and under a longer look-alike prefix. No generated path may bring
one back in any body, nor answer 500.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator, MutableMapping
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import pytest
from conftest import S3Bucket, api_event, body_bytes, call, upload_tree
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from mangum import Mangum

from handler.app import make_handler
from handler.errors import NotFound
from handler.site import Site
from handler.store import Store
from handler.store.local import LocalStore
from handler.store.s3 import S3Store
from handler.web import create_app

ROOT = Path(__file__).parents[2]
SECRET = b"TOPSECRET"
# Segments an attacker reaches for: dot segments raw, encoded once and twice, in other scripts
# and normal forms; separators of other systems; NUL; names of the planted secrets.
SEGMENTS = [
    "..",
    ".",
    "...",
    "%2e%2e",
    "%2E%2E",
    "%252e%252e",
    ".%2e",
    "%2f",
    "%2F",
    "%5c",
    "%00",
    "\x00",
    "\\",
    "..\\..",
    "..;",
    "\uff0e\uff0e",  # fullwidth full stops
    "\u2025",  # two dot leader
    "%c0%ae%c0%ae",  # overlong UTF-8 for ..
    "\u2215",  # division slash
    "e\u0301",  # e + combining acute (NFD)
    "\u00e9",  # é (NFC)
    "\ufb01le",  # the fi ligature
    "",
    "secret.txt",
    "site-secrets",
    "key.txt",
    "outside",
    ".env",
    ".git",
    "config",
    "images",
    "link",
    "_config.yml",
    "_posts",
    "2023-06-07-journey.md",
    "posts",
    "2023",
    "06",
    "journey",
    "site",
    "feed.xml",
    "assets",
    "index.html",
]
segment = st.one_of(
    st.sampled_from(SEGMENTS),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=8),
)
paths = st.builds(
    lambda parts, lead, repeat, pad: lead + "/".join(parts * repeat) + pad,
    st.lists(segment, min_size=1, max_size=8),
    st.sampled_from(["/", "//", "/./", "/../"]),
    st.sampled_from([1, 1, 1, 2, 300]),  # sometimes thousands of characters long
    st.sampled_from(["", "/", "/index.html", "%00", "." * 3000]),
)
MAX_URL_LENGTH = 65_536  # httpx's limit on a URL it will send
EXAMPLES = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def plant(tmp: Path) -> Path:
    """A content folder at ``tmp/site`` with secrets around and inside it."""
    site = tmp / "site"
    (tmp / "secret.txt").write_bytes(SECRET + b"-beside")
    (tmp / "site-secrets").mkdir()
    (tmp / "site-secrets" / "key.txt").write_bytes(SECRET + b"-lookalike")
    (tmp / "outside").mkdir()
    (tmp / "outside" / "config").write_bytes(SECRET + b"-outside")
    content = ROOT / "content"
    for path in content.rglob("*"):
        target = site / path.relative_to(content)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    (site / ".env").write_bytes(SECRET + b"-hidden")
    (site / ".git").mkdir()
    (site / ".git" / "config").write_bytes(SECRET + b"-git")
    (site / "images").mkdir()
    (site / "images" / "ok.txt").write_bytes(b"public text")
    os.symlink(tmp / "secret.txt", site / "images" / "link")
    os.symlink(tmp / "outside", site / "outside")
    return site


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return plant(tmp_path_factory.mktemp("paths"))


@pytest.fixture(scope="module")
def app(site_dir: Path) -> FastAPI:
    return create_app(Site(LocalStore(site_dir)))


@pytest.fixture(scope="module")
def s3(s3_client: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Bucket]:
    bucket = S3Bucket(s3_client, "broadsheet-path-attacks")
    s3_client.create_bucket(Bucket=bucket.name)
    upload_tree(s3_client, bucket.name, ROOT / "content", prefix="site")
    for key in ("secret.txt", "site-secrets/key.txt", "sitekey.txt", "other/site/x", "site/.env"):
        s3_client.put_object(Bucket=bucket.name, Key=key, Body=SECRET + b"-" + key.encode())
    s3_client.put_object(Bucket=bucket.name, Key="site/images/ok.txt", Body=b"public text")
    yield bucket


def asgi_get(app: FastAPI, path: str) -> tuple[int, bytes]:
    """A GET as uvicorn hands it over: ``path`` percent-decoded once, ``raw_path`` as sent."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": quote(path, safe="/%").encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    status = 0
    body = bytearray()

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: MutableMapping[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            body.extend(message.get("body", b""))

    loop = asyncio.new_event_loop()  # not asyncio.run: that leaves no current loop for Mangum
    try:
        loop.run_until_complete(app(scope, receive, send))
    finally:
        loop.close()
    return status, bytes(body)


def assert_safe(status: int, body: bytes, path: str) -> None:
    assert status in (200, 301, 404), (status, path)
    assert SECRET not in body, path
    assert b"public text" not in body or status == 200


@EXAMPLES
@given(path=paths)
@example(path="/a%0A/")
def test_router_as_uvicorn_calls_it(app: FastAPI, path: str) -> None:
    assert_safe(*asgi_get(app, unquote(path)), path)  # decoded once, as uvicorn does


@EXAMPLES
@given(path=paths)
def test_router_through_an_http_client(app: FastAPI, path: str) -> None:
    sent = quote(path.replace("\x00", "%00"), safe="/%")
    # An HTTP client refuses URLs over 64 KiB (httpx's MAX_URL_LENGTH): none can reach a server.
    assume(len("http://testserver" + sent) <= MAX_URL_LENGTH)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("http://testserver" + sent, follow_redirects=False)
    assert_safe(response.status_code, response.content, sent)


@pytest.fixture(scope="module")
def lambda_entry(site_dir: Path) -> Mangum:
    return make_handler(create_app(Site(LocalStore(site_dir))))


@EXAMPLES
@given(path=paths)
@example(path="/.//\u00c4\n/")  # a newline once stopped the route's match: Starlette's 307
@example(path="/a%0A/")
@example(path="/a%0D%0A/b/")
def test_router_through_the_lambda_entry(lambda_entry: Mangum, path: str) -> None:
    decoded = unquote(path)  # API Gateway's requestContext.http.path is decoded
    response = call(lambda_entry, api_event("2.0", "GET", decoded))
    assert_safe(response["statusCode"], body_bytes(response), path)


def assert_store_safe(store: Store, key: str) -> None:
    try:
        obj = store.get(key)
    except NotFound:
        return
    assert SECRET not in obj.body, key
    assert obj.key == key


@EXAMPLES
@given(path=paths)
def test_local_store_never_reads_outside(site_dir: Path, path: str) -> None:
    store = LocalStore(site_dir)
    for key in {path, path.lstrip("/"), unquote(path).lstrip("/")}:
        assert_store_safe(store, key)
        assert all(SECRET not in store.get(i.key).body for i in store.list(key[:40]))


@EXAMPLES
@given(path=paths)
def test_s3_store_never_reads_outside_its_prefix(s3: S3Bucket, path: str) -> None:
    store = S3Store(s3.client, s3.name, "site")
    for key in {path, path.lstrip("/"), unquote(path).lstrip("/")}:
        assert_store_safe(store, key)
        assert all(not i.key.startswith(("..", "/")) for i in store.list(key[:40]))


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.txt",
        "/images/../../secret.txt",
        "/images/link",
        "/outside/config",
        "/.env",
        "/.git/config",
        "/../site-secrets/key.txt",
        "/images/%2e%2e/%2e%2e/secret.txt",
        "/images/..%2f..%2fsecret.txt",
        "/images\\..\\..\\secret.txt",
        "/images/ok.txt%00.html",
    ],
)
def test_named_traversals(app: FastAPI, lambda_entry: Mangum, path: str) -> None:
    status, body = asgi_get(app, unquote(path))
    assert status == 404 and SECRET not in body
    response = call(lambda_entry, api_event("2.0", "GET", unquote(path)))
    assert response["statusCode"] == 404 and SECRET not in body_bytes(response)


def test_the_planted_public_file_is_served(app: FastAPI) -> None:
    """The control: the same route does serve what it should, so the 404s above mean refusal."""
    assert asgi_get(app, "/images/ok.txt") == (200, b"public text")
