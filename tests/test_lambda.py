"""The Lambda entry, driven by API Gateway events from ``sam local generate-event``.

Both payload versions (HTTP API 2.0 and REST 1.0) go through the same ``Mangum`` handler that
``handler.app`` exports, over content in moto's S3 server, read through the manifest.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import feedparser  # type: ignore[import-untyped]
import pytest
from conftest import S3Bucket, api_event, body_bytes, call, upload_tree
from mangum import Mangum

from handler.app import build_app, make_handler
from handler.site.bucket import write_index
from handler.store.s3 import S3Store

ROOT = Path(__file__).parents[1]
SEED_URL = "/posts/2023/06/journey/"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(200))
VERSIONS = ["2.0", "1.0"]


@pytest.fixture(scope="module")
def lambda_handler(
    moto_endpoint: str, s3_client: Any, tmp_path_factory: pytest.TempPathFactory
) -> Mangum:
    bucket = S3Bucket(s3_client, "broadsheet-lambda-tests")
    s3_client.create_bucket(Bucket=bucket.name)
    upload_tree(s3_client, bucket.name, ROOT / "content", prefix="site")
    s3_client.put_object(Bucket=bucket.name, Key="site/images/pixel.png", Body=PNG)
    write_index(S3Store(s3_client, bucket.name, "site"))
    env = {"CONTENT_BUCKET": bucket.name, "CONTENT_PREFIX": "site", "INDEX_TTL": "60"}
    return make_handler(build_app(env))


@pytest.mark.parametrize("version", VERSIONS)
def test_post(lambda_handler: Mangum, version: str) -> None:
    r = call(lambda_handler, api_event(version, "GET", SEED_URL))
    assert r["statusCode"] == 200
    assert r["headers"]["content-type"] == "text/html; charset=utf-8"
    assert r["isBase64Encoded"] is False
    assert "p.s. my advice for anyone" in r["body"]
    assert r["headers"]["etag"].startswith('"')
    assert "default-src 'self'" in r["headers"]["content-security-policy"]
    assert 'cache;desc="' in r["headers"]["server-timing"]


@pytest.mark.parametrize("version", VERSIONS)
def test_home(lambda_handler: Mangum, version: str) -> None:
    r = call(lambda_handler, api_event(version, "GET", "/"))
    assert r["statusCode"] == 200
    assert f'href="{SEED_URL}"' in r["body"]


@pytest.mark.parametrize("version", VERSIONS)
def test_not_found(lambda_handler: Mangum, version: str) -> None:
    r = call(lambda_handler, api_event(version, "GET", "/no/such/post/"))
    assert r["statusCode"] == 404
    assert r["headers"]["content-type"] == "text/html; charset=utf-8"
    assert r["headers"]["cache-control"] == "public, max-age=10"
    assert "<html" in r["body"]


@pytest.mark.parametrize("version", VERSIONS)
def test_head(lambda_handler: Mangum, version: str) -> None:
    get = call(lambda_handler, api_event(version, "GET", SEED_URL))
    head = call(lambda_handler, api_event(version, "HEAD", SEED_URL))
    assert head["statusCode"] == 200
    assert head["body"] == ""
    assert head["headers"]["content-length"] == str(len(get["body"].encode()))


@pytest.mark.parametrize("version", VERSIONS)
def test_redirect_to_trailing_slash(lambda_handler: Mangum, version: str) -> None:
    r = call(lambda_handler, api_event(version, "GET", SEED_URL.rstrip("/")))
    assert r["statusCode"] == 301
    assert r["headers"]["location"] == SEED_URL


@pytest.mark.parametrize("version", VERSIONS)
def test_method_not_allowed(lambda_handler: Mangum, version: str) -> None:
    r = call(lambda_handler, api_event(version, "POST", SEED_URL))
    assert r["statusCode"] == 405
    assert r["headers"]["allow"] == "GET, HEAD"


@pytest.mark.parametrize("version", VERSIONS)
def test_binary_image_is_base64(lambda_handler: Mangum, version: str) -> None:
    r = call(lambda_handler, api_event(version, "GET", "/images/pixel.png"))
    assert r["statusCode"] == 200
    assert r["headers"]["content-type"] == "image/png"
    assert r["isBase64Encoded"] is True
    assert body_bytes(r) == PNG


@pytest.mark.parametrize("version", VERSIONS)
def test_feed_is_text(lambda_handler: Mangum, version: str) -> None:
    r = call(lambda_handler, api_event(version, "GET", "/feed.xml"))
    assert r["statusCode"] == 200
    assert r["headers"]["content-type"].startswith("application/atom+xml")
    assert r["isBase64Encoded"] is False
    parsed = feedparser.parse(r["body"])
    assert not parsed.bozo
    assert parsed.entries[0].link == "https://academicpages.github.io" + SEED_URL


@pytest.mark.parametrize("version", VERSIONS)
def test_conditional_get(lambda_handler: Mangum, version: str) -> None:
    etag = call(lambda_handler, api_event(version, "GET", SEED_URL))["headers"]["etag"]
    r = call(lambda_handler, api_event(version, "GET", SEED_URL, headers={"if-none-match": etag}))
    assert r["statusCode"] == 304
    assert not r.get("body")


@pytest.mark.parametrize("version", VERSIONS)
def test_query_string_is_ignored(lambda_handler: Mangum, version: str) -> None:
    plain = call(lambda_handler, api_event(version, "GET", SEED_URL))
    tracked = call(lambda_handler, api_event(version, "GET", SEED_URL, query="utm_source=feed"))
    assert tracked["body"] == plain["body"]


def test_access_log_carries_the_request_id(
    lambda_handler: Mangum, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("INFO", logger="broadsheet.access"):
        call(lambda_handler, api_event("2.0", "GET", SEED_URL))
    line = json.loads(caplog.records[-1].getMessage())
    assert line["request_id"] == "req-1234"
    assert line["path"] == SEED_URL and line["status"] == 200
    assert set(line) >= {"cache", "render_ms", "s3_ms", "ms"}


def test_renders_run_inline_under_lambda_and_in_the_threadpool_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One request at a time per execution environment: Lambda renders on the calling thread
    (no worker to start), with the page's CPU budget still enforced there; under a server the
    render goes to a worker thread so the event loop keeps serving."""
    import threading

    from fastapi.testclient import TestClient

    from handler.site import Site
    from handler.store.local import LocalStore
    from handler.web import create_app

    (tmp_path / "_posts").mkdir()
    (tmp_path / "_posts" / "2024-01-02-fine.md").write_text("---\ntitle: Fine\n---\nFine.\n")
    (tmp_path / "spin.md").write_text(
        "---\ntitle: Spin\n---\n"
        "{% for i in (1..200000) %}{% for j in (1..200000) %}{% endfor %}{% endfor %}\n"
    )
    (tmp_path / "other.md").write_text("---\ntitle: Other\n---\nOther.\n")
    site = Site(LocalStore(tmp_path), index_ttl=60)
    threads: list[threading.Thread] = []
    page = site.page

    def recorded(path: str) -> Any:
        threads.append(threading.current_thread())
        return page(path)

    monkeypatch.setattr(site, "page", recorded)
    app = create_app(site)

    r = call(make_handler(app), api_event("2.0", "GET", "/2024/01/02/fine.html"))
    assert r["statusCode"] == 200 and threads == [threading.current_thread()]
    spun = call(make_handler(app), api_event("2.0", "GET", "/spin.html"))
    assert spun["statusCode"] == 500 and "could not be rendered" in spun["body"]
    assert threads[-1] is threading.current_thread()

    threads.clear()
    assert TestClient(app).get("/other.html").status_code == 200
    assert threads and threads[0] is not threading.current_thread()
