"""Security headers on every kind of response, through uvicorn's app and the Lambda entry alike;
error pages that say what happened without a stack trace, an exception's text or a file path."""

from __future__ import annotations

import re
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import api_event, body_bytes, call
from fastapi import FastAPI
from fastapi.testclient import TestClient

from handler.app import make_handler
from handler.site import Site
from handler.store import ObjectInfo, StoredObject
from handler.store.local import LocalStore
from handler.store.s3 import S3Store, make_s3_client
from handler.web import create_app

ROOT = Path(__file__).parents[2]
SEED_URL = "/posts/2023/06/journey/"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))
LEAKS = ("Traceback", 'File "', ".py", "_posts/", "no_such_tag", "botocore", "RuntimeError")


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("headers") / "site"
    shutil.copytree(ROOT / "content", root)
    (root / "images").mkdir()
    (root / "images" / "dot.png").write_bytes(PNG)
    return root


@pytest.fixture(scope="module")
def broken_dir(site_dir: Path) -> Path:
    """The same site plus a post whose Liquid fails (a 500 of its own)."""
    root = site_dir.parent / "broken"
    shutil.copytree(site_dir, root)
    (root / "_posts" / "2024-01-01-broken-liquid.md").write_text(
        "---\ntitle: Broken\n---\n{% include missing.html %}\n", encoding="utf-8"
    )
    return root


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port  # nothing listens here once the socket is closed


class ExplodingStore:
    """A store (the Protocol, nothing inherited) whose every call fails with an unexpected error
    carrying a path, as a bug in a backend would."""

    def describe(self) -> str:
        return "exploding"

    def get(self, key: str, *, max_bytes: int | None = None) -> StoredObject:
        raise RuntimeError(f"/srv/secret/{key} exploded")

    def head(self, key: str, size: int) -> bytes:
        raise RuntimeError(f"/srv/secret/{key} exploded")

    def get_if_changed(self, key: str, version: str) -> StoredObject | None:
        raise RuntimeError(f"/srv/secret/{key} exploded")

    def list(self, prefix: str = "") -> Iterator[ObjectInfo]:
        raise RuntimeError("/srv/secret exploded")


@pytest.fixture(scope="module")
def apps(site_dir: Path, broken_dir: Path, aws_sandbox: None) -> dict[str, FastAPI]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{closed_port()}")
        s3_down = S3Store(make_s3_client("us-east-1"), "no-such-bucket", "site")
    return {
        "site": create_app(Site(LocalStore(site_dir))),
        "broken": create_app(Site(LocalStore(broken_dir))),
        "down": create_app(Site(s3_down, manifest_key="_broadsheet/index.json")),
        "crash": create_app(Site(ExplodingStore())),
    }


def stylesheet_path(app: FastAPI) -> str:
    html = TestClient(app).get("/").text
    match = re.search(r'<link rel="stylesheet" href="([^"?]+)', html)
    assert match is not None
    return match.group(1)


def cases(apps: dict[str, FastAPI]) -> list[tuple[str, str, str, dict[str, str], int]]:
    """(label, app, method + path, request headers, expected status)."""
    seed_etag = TestClient(apps["site"]).get(SEED_URL).headers["etag"]
    return [
        ("post", "site", f"GET {SEED_URL}", {}, 200),
        ("home", "site", "GET /", {}, 200),
        ("head", "site", f"HEAD {SEED_URL}", {}, 200),
        ("redirect", "site", f"GET {SEED_URL.rstrip('/')}", {}, 301),
        ("not-modified", "site", f"GET {SEED_URL}", {"if-none-match": seed_etag}, 304),
        ("not-found", "site", "GET /no/such/page/", {}, 404),
        ("method", "site", f"POST {SEED_URL}", {}, 405),
        ("liquid-500", "broken", "GET /broken-liquid/", {}, 500),
        ("crash-500", "crash", "GET /", {}, 500),
        ("store-503", "down", f"GET {SEED_URL}", {}, 503),
        ("static", "site", "GET /images/dot.png", {}, 200),
        ("stylesheet", "site", f"GET {stylesheet_path(apps['site'])}", {}, 200),
        ("feed", "site", "GET /feed.xml", {}, 200),
        ("sitemap", "site", "GET /sitemap.xml", {}, 200),
        ("robots", "site", "GET /robots.txt", {}, 200),
        ("head-404", "site", "HEAD /nothing-here/", {}, 404),
    ]


def via_asgi(app: FastAPI, request: str, headers: dict[str, str]) -> tuple[int, Any, bytes]:
    method, path = request.split(" ", 1)
    client = TestClient(app, raise_server_exceptions=False)
    r = client.request(method, path, headers=headers, follow_redirects=False)
    return r.status_code, {k.lower(): v for k, v in r.headers.items()}, r.content


def via_lambda(app: FastAPI, request: str, headers: dict[str, str]) -> tuple[int, Any, bytes]:
    method, path = request.split(" ", 1)
    response = call(make_handler(app), api_event("2.0", method, path, headers=headers))
    return response["statusCode"], response["headers"], body_bytes(response)


def csp_directives(value: str) -> dict[str, list[str]]:
    directives = {}
    for part in value.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def assert_security_headers(headers: dict[str, str]) -> None:
    csp = csp_directives(headers["content-security-policy"])
    scripts = csp.get("script-src", csp.get("default-src"))
    assert scripts is not None
    assert not {"'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"} & set(scripts)
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in csp.get("default-src", [])
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] in (
        "no-referrer",
        "strict-origin-when-cross-origin",
        "same-origin",
    )
    assert "camera=()" in headers["permissions-policy"]


@pytest.mark.parametrize("entry", ["asgi", "lambda"])
def test_every_response_carries_the_security_headers(apps: dict[str, FastAPI], entry: str) -> None:
    send = via_asgi if entry == "asgi" else via_lambda
    seen = set()
    for label, app, request, headers, expected in cases(apps):
        status, got, body = send(apps[app], request, headers)
        assert status == expected, (label, status)
        assert_security_headers(got)
        if status >= 400:
            text = body.decode("utf-8", "replace")
            assert not [leak for leak in LEAKS if leak in text], (label, text[:200])
            assert "/srv/secret" not in text and "127.0.0.1" not in text
            if request.startswith("GET"):
                assert '<link rel="stylesheet"' in text  # a themed page, not a bare error
        seen.add(status)
    assert seen == {200, 301, 304, 404, 405, 500, 503}


def test_503_says_when_to_retry_and_is_never_cached(apps: dict[str, FastAPI]) -> None:
    for send in (via_asgi, via_lambda):
        status, headers, body = send(apps["down"], f"GET {SEED_URL}", {})
        assert status == 503
        assert headers["retry-after"].isdigit()
        assert headers["cache-control"] == "no-store"
        assert b"briefly unavailable" in body


def test_500s_are_never_cached_and_say_what_happened(apps: dict[str, FastAPI]) -> None:
    for app, text in (("broken", b"could not be rendered"), ("crash", b"went wrong on our side")):
        for send in (via_asgi, via_lambda):
            path = "/broken-liquid/" if app == "broken" else "/"
            status, headers, body = send(apps[app], f"GET {path}", {})
            assert status == 500
            assert headers["cache-control"] == "no-store"
            assert text in body


def test_head_of_an_error_has_headers_and_no_body(apps: dict[str, FastAPI]) -> None:
    for send in (via_asgi, via_lambda):
        status, headers, body = send(apps["broken"], "HEAD /broken-liquid/", {})
        assert (status, body) == (500, b"")
        assert_security_headers(headers)
