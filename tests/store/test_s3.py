"""What only S3 has: prefixes, folder markers, pagination, and failures of the endpoint itself.

Failures are real sockets on 127.0.0.1: a closed port, and a tiny server that answers every request
with canned bytes (a 403, a 500, headers then silence, or nothing at all).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import boto3
import pytest
from botocore.config import Config
from conftest import REGION, S3Bucket, upload_tree

from handler.errors import NotFound, StoreUnavailable
from handler.store.local import LocalStore
from handler.store.s3 import S3Store, make_s3_client

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "tests" / "fixtures" / "jekyll-corpus"


# -- prefixes and listings ---------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["site", "site/", "/site/", "site//"])
def test_prefix_is_normalised(s3_bucket: S3Bucket, prefix: str) -> None:
    client, bucket = s3_bucket
    store = S3Store(client, bucket, prefix)

    assert store.prefix == "site/"
    assert store.describe() == f"s3://{bucket}/site/"


@pytest.mark.parametrize("prefix", ["../site", "a/../b", "a\\b", "a//b"])
def test_an_unsafe_prefix_is_refused(s3_bucket: S3Bucket, prefix: str) -> None:
    client, bucket = s3_bucket

    with pytest.raises(ValueError, match="CONTENT_PREFIX"):
        S3Store(client, bucket, prefix)


def test_list_skips_folder_markers_siblings_and_unreadable_keys(s3_bucket: S3Bucket) -> None:
    client, bucket = s3_bucket
    for key in ("site/", "site/_posts/", "site//x.md", "site/a/../b.md", "sitemap.xml",
                "site-private/secret.md", "site/_posts/2023-06-07-journey.md"):  # fmt: skip
        client.put_object(Bucket=bucket, Key=key, Body=b"x")

    store = S3Store(client, bucket, "site")

    assert [info.key for info in store.list()] == ["_posts/2023-06-07-journey.md"]


def test_list_follows_every_page(s3_bucket: S3Bucket) -> None:
    client, bucket = s3_bucket
    keys = [f"_posts/2020-01-0{n}-post.md" for n in range(1, 8)]
    for key in reversed(keys):
        client.put_object(Bucket=bucket, Key=key, Body=b"x")
    client.put_object(Bucket=bucket, Key="about.md", Body=b"x")

    store = S3Store(client, bucket, page_size=2)

    assert [info.key for info in store.list("_posts/")] == keys
    assert [info.key for info in store.list()] == [*keys, "about.md"]


@pytest.mark.parametrize("folder", ["content", *sorted(p.name for p in CORPUS.glob("*__*"))])
def test_an_uploaded_tree_reads_like_the_folder(s3_bucket: S3Bucket, folder: str) -> None:
    client, bucket = s3_bucket
    source = REPO / folder if folder == "content" else CORPUS / folder
    local = LocalStore(source)

    uploaded = upload_tree(client, bucket, source, prefix="site")
    remote = S3Store(client, bucket, "site")

    assert [i.key for i in remote.list()] == [i.key for i in local.list()] == uploaded
    for key in uploaded:
        here, there = local.get(key), remote.get(key)
        assert (there.body, there.content_type) == (here.body, here.content_type)


# -- failures ----------------------------------------------------------------------------------


def test_a_missing_bucket_is_unavailable_and_names_the_setting(s3_client: S3Client) -> None:
    with pytest.raises(StoreUnavailable, match="CONTENT_BUCKET"):
        S3Store(s3_client, "no-such-bucket-broadsheet").get("_config.yml")
    with pytest.raises(StoreUnavailable, match="CONTENT_BUCKET"):
        list(S3Store(s3_client, "no-such-bucket-broadsheet").list())


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_a_dead_endpoint_is_unavailable_quickly(monkeypatch: pytest.MonkeyPatch) -> None:
    endpoint = f"http://127.0.0.1:{_closed_port()}"
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    client = make_s3_client(REGION)
    assert client.meta.endpoint_url == endpoint
    store = S3Store(client, "content")

    started = time.monotonic()
    with pytest.raises(StoreUnavailable, match="endpoint is reachable"):
        store.get("_config.yml")
    with pytest.raises(StoreUnavailable):
        list(store.list())
    with pytest.raises(StoreUnavailable):
        store.put("_broadsheet/index.json", b"{}")
    elapsed = time.monotonic() - started

    assert elapsed < 3.0, f"three refused calls with retries took {elapsed:.2f}s"


def test_no_credentials_is_unavailable_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{_closed_port()}")

    with pytest.raises(StoreUnavailable, match="credentials"):
        S3Store(make_s3_client(REGION), "content").get("_config.yml")


@contextmanager
def canned_http(response: bytes | None) -> Iterator[str]:
    """A server on 127.0.0.1 that reads each request and sends ``response`` (or nothing) back.

    Connections stay open until the server stops, so a response without its promised body stalls.
    """
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.05)
    stop = threading.Event()
    open_conns: list[socket.socket] = []

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            open_conns.append(conn)
            try:
                answer(conn)
            except OSError:
                continue  # the client gave up first: nothing to answer

    def answer(conn: socket.socket) -> None:
        conn.settimeout(2)
        request = b""
        while b"\r\n\r\n" not in request and (chunk := conn.recv(65536)):
            request += chunk
        if response is not None:
            conn.sendall(response)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=5)
        for conn in open_conns:
            conn.close()
        listener.close()


def _client(endpoint: str, read_timeout: float = 0.3) -> S3Client:
    config = Config(
        connect_timeout=0.5,
        read_timeout=read_timeout,
        retries={"mode": "standard", "max_attempts": 2},
    )
    return boto3.client("s3", endpoint_url=endpoint, region_name=REGION, config=config)


def _http(status: str, body: bytes, *headers: str) -> bytes:
    head = [f"HTTP/1.1 {status}", f"Content-Length: {len(body)}", *headers]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


def _error(code: str) -> bytes:
    return f"<?xml version='1.0'?><Error><Code>{code}</Code><Message>m</Message></Error>".encode()


def test_access_denied_on_a_key_reads_as_not_found() -> None:
    # S3 answers 403 for a missing key when the role may not s3:ListBucket.
    denied = _http("403 Forbidden", _error("AccessDenied"))
    with canned_http(denied) as endpoint, pytest.raises(NotFound):
        S3Store(_client(endpoint), "content").get("missing.md")


def test_a_server_error_after_retries_is_unavailable() -> None:
    failing = _http("500 Internal Server Error", _error("InternalError"))
    with canned_http(failing) as endpoint, pytest.raises(StoreUnavailable, match="InternalError"):
        S3Store(_client(endpoint), "content").get("_config.yml")


def test_a_silent_server_is_unavailable_within_the_read_timeout() -> None:
    with canned_http(None) as endpoint:
        started = time.monotonic()
        with pytest.raises(StoreUnavailable, match="Read timeout"):
            S3Store(_client(endpoint), "content").get("_config.yml")
        elapsed = time.monotonic() - started

    assert elapsed < 2.0, f"two attempts with a 0.3 s read timeout took {elapsed:.2f}s"


def test_a_body_that_stalls_midway_is_unavailable() -> None:
    headers = ('ETag: "abc"', "Last-Modified: Wed, 07 Jun 2023 00:00:00 GMT")
    partial = _http("200 OK", b"x" * 100, *headers)[:-50]  # promise 100 bytes, send 50
    with canned_http(partial) as endpoint, pytest.raises(StoreUnavailable):
        S3Store(_client(endpoint), "content").get("_config.yml")


def test_the_render_functions_client_does_all_a_store_does(
    s3_bucket: S3Bucket, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # make_s3_client(transfers=False): botocore alone, with a loader that takes "s3" as known
    # (AWS_DATA_PATH still searched first). Reads, conditional reads, listing, writes, presigned
    # URLs and publish's uploads all work on it as on boto3's client.
    monkeypatch.setenv("AWS_DATA_PATH", str(tmp_path / "no-models-here"))
    client = make_s3_client(REGION, transfers=False)
    assert client.meta.region_name == REGION
    store = S3Store(client, s3_bucket.name, "site")
    version = store.put("a.md", b"hello")
    assert store.get("a.md").body == b"hello"
    assert store.get_if_changed("a.md", version) is None
    assert [info.key for info in store.list()] == ["a.md"]
    assert "X-Amz-Signature=" in store.url_for("a.md", 60)
    source = tmp_path / "b.css"
    source.write_bytes(b"body {}")
    store.put_file("b.css", source, content_type="text/css", cache_control="no-cache")
    assert store.get("b.css").body == b"body {}"
    store.delete("a.md")
    with pytest.raises(NotFound):
        store.get("a.md")
