"""Degraded S3 and the indexer: an S3 that hangs, a corrupt or contended index, a broken upload
met by a cold container, and `publish --delete` from the wrong folder.

S3 is moto's server on 127.0.0.1; "S3 that hangs" is a loopback TCP proxy in front of it that,
once told to, accepts connections and reads requests but never answers (as a black-holed network
path or an overloaded endpoint does), so botocore meets its own timeouts, not a refused connect.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import S3Bucket, api_event, call, upload_tree

from handler.app import make_handler
from handler.errors import StoreUnavailable
from handler.settings import DEFAULT_INDEX_KEY
from handler.site import Site
from handler.site.bucket import write_index
from handler.store import ObjectInfo, StoredObject
from handler.store.local import LocalStore
from handler.store.s3 import S3Store, make_s3_client
from handler.web import create_app

ROOT = Path(__file__).parents[2]
SEED_URL = "/posts/2023/06/journey/"
CACHED_PATHS = (SEED_URL, "/", "/feed.xml", "/tags/", "/year-archive/")


# --- an S3 that hangs ------------------------------------------------------------------------------


class HangingProxy:
    """A TCP proxy on 127.0.0.1 to ``upstream``; after :meth:`hang`, every request it receives
    (on new or already open connections) is read and never answered."""

    def __init__(self, upstream: str) -> None:
        host, port = upstream.removeprefix("http://").split(":")
        self.upstream = (host, int(port))
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.listener.getsockname()[1]
        self.hanging = threading.Event()
        self.swallowed = 0  # requests received while hanging (proof that S3 was asked)
        self.sockets: list[socket.socket] = []
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def hang(self) -> None:
        self.hanging.set()

    def close(self) -> None:
        self.closed = True
        for sock in [self.listener, *self.sockets]:
            with contextlib.suppress(OSError):
                sock.close()

    def _accept(self) -> None:
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            self.sockets.append(client)
            if self.hanging.is_set():
                threading.Thread(target=self._swallow, args=(client,), daemon=True).start()
                continue
            upstream = socket.create_connection(self.upstream)
            self.sockets.append(upstream)
            threading.Thread(target=self._pipe, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, False), daemon=True).start()

    def _swallow(self, client: socket.socket) -> None:
        self.swallowed += 1
        with contextlib.suppress(OSError):
            while client.recv(65536):
                pass

    def _pipe(self, source: socket.socket, sink: socket.socket, requests: bool) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                if requests and self.hanging.is_set():
                    self.swallowed += 1
                    continue  # read, never forwarded: no answer ever comes
                sink.sendall(data)


@pytest.fixture
def proxy(moto_endpoint: str) -> Iterator[HangingProxy]:
    found = HangingProxy(moto_endpoint)
    try:
        yield found
    finally:
        found.close()


@pytest.fixture
def site_bucket(s3_bucket: S3Bucket) -> S3Bucket:
    """A versioned bucket holding ``content/`` and its site index."""
    client, bucket = s3_bucket
    upload_tree(client, bucket, ROOT / "content")
    write_index(S3Store(client, bucket))
    return s3_bucket


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def load(send: Callable[[str], int], *, threads: int, seconds: float) -> list[tuple[int, float]]:
    """(status, seconds) of each request that ``threads`` workers send in turn over
    :data:`CACHED_PATHS` for ``seconds`` (and at most 20,000 requests each)."""
    results: list[tuple[int, float]] = []
    deadline = time.monotonic() + seconds

    def work(offset: int) -> None:
        mine = []
        for n in range(20_000):
            if time.monotonic() >= deadline:
                break
            path = CACHED_PATHS[(n + offset) % len(CACHED_PATHS)]
            began = time.perf_counter()
            status = send(path)
            mine.append((status, time.perf_counter() - began))
        results.extend(mine)

    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=seconds + 30)
    assert not any(w.is_alive() for w in workers)
    return results


@contextlib.contextmanager
def lambda_sender(handler: Any) -> Iterator[Callable[[str], int]]:
    """``send(path)``: a GET through the Lambda entry from any thread (Mangum runs the app on
    the calling thread's event loop: the main thread has one; each other thread gets its own,
    closed at the end)."""
    local = threading.local()
    loops: list[asyncio.AbstractEventLoop] = []

    def send(path: str) -> int:
        if threading.current_thread() is not threading.main_thread() and not hasattr(local, "loop"):
            local.loop = asyncio.new_event_loop()
            loops.append(local.loop)
            asyncio.set_event_loop(local.loop)
        status: int = call(handler, api_event("2.0", "GET", path))["statusCode"]
        return status

    try:
        yield send
    finally:
        for loop in loops:
            loop.close()


def test_cached_pages_stay_fast_while_s3_hangs_lambda_entry(
    site_bucket: S3Bucket, proxy: HangingProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the Lambda entry, in threads: once INDEX_TTL passes with S3 hanging, cached pages
    are still served from memory (p99 well under 100 ms), while one revalidation waits on S3."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.endpoint)
    store = S3Store(make_s3_client("us-east-1", transfers=False), site_bucket.name)
    site = Site(store, manifest_key=DEFAULT_INDEX_KEY, index_ttl=0.3)
    handler = make_handler(create_app(site))
    with lambda_sender(handler) as send:
        for path in CACHED_PATHS:  # warm: every page rendered and kept
            assert send(path) == 200
        proxy.hang()
        time.sleep(0.4)  # INDEX_TTL has passed: the next request finds the index due
        results = load(send, threads=4, seconds=6.0)
    latencies = [seconds for _, seconds in results]
    assert {status for status, _ in results} == {200}
    assert proxy.swallowed >= 1, "the index was never revalidated against the hanging S3"
    assert len(results) > 200
    assert percentile(latencies, 0.99) < 0.1, percentile(latencies, 0.99)
    # The one request that starts a revalidation waits for it only briefly; before, every
    # request queued behind it for the store's timeouts (2 attempts x 2 s).
    assert max(latencies) < 2.0, max(latencies)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@contextlib.contextmanager
def serving(env: dict[str, str], log: Path) -> Iterator[str]:
    """``broadsheet serve`` in a subprocess on a free 127.0.0.1 port; its base URL. Its output
    (an access line per request) goes to the file ``log``: a pipe nobody reads would fill."""
    port = free_port()
    output = log.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "handler.cli", "serve", "--port", str(port)],
        cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):  # up to ~30 s for the server to listen
            try:
                with urllib.request.urlopen(base + "/robots.txt", timeout=1):
                    break
            except OSError:
                if process.poll() is not None:
                    pytest.fail(f"serve exited: {log.read_text()[-2000:]}")
                time.sleep(0.1)
        else:
            pytest.fail("serve did not start listening")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
        output.close()


def test_cached_pages_stay_fast_while_s3_hangs_broadsheet_serve(
    site_bucket: S3Bucket, proxy: HangingProxy, tmp_path: Path
) -> None:
    """The acceptance run: `broadsheet serve` over a bucket whose S3 hangs, under load from
    keep-alive connections in threads (as wrk would send it): cached pages p99 under 100 ms."""
    import http.client

    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "CONTENT_BUCKET": site_bucket.name,
        "AWS_ENDPOINT_URL": proxy.endpoint,
        "INDEX_TTL": "0.5",
    }
    with serving(env, tmp_path / "serve.log") as base:
        port = int(base.rsplit(":", 1)[1])
        local = threading.local()
        connections: list[http.client.HTTPConnection] = []

        def send(path: str) -> int:
            if getattr(local, "connection", None) is None:
                local.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                connections.append(local.connection)
            local.connection.request("GET", path)
            response = local.connection.getresponse()
            response.read()
            status: int = response.status
            return status

        try:
            for path in CACHED_PATHS:  # warm
                assert send(path) == 200
            proxy.hang()
            time.sleep(0.6)
            results = load(send, threads=4, seconds=6.0)
        finally:
            for connection in connections:
                connection.close()
    latencies = [seconds for _, seconds in results]
    assert {status for status, _ in results} == {200}
    assert proxy.swallowed >= 1, "the index was never revalidated against the hanging S3"
    assert len(results) > 200
    assert percentile(latencies, 0.99) < 0.1, percentile(latencies, 0.99)


class Clock:
    seconds = 0.0

    def __call__(self) -> float:
        return self.seconds


class FlakyStore:
    """A local folder (the Protocol, nothing inherited) that can be taken down; counts listings."""

    def __init__(self, root: Path) -> None:
        self.inner = LocalStore(root)
        self.down = False
        self.listings = 0

    def describe(self) -> str:
        return "flaky"

    def _check(self) -> None:
        if self.down:
            raise StoreUnavailable("flaky: down")

    def get(self, key: str, *, max_bytes: int | None = None) -> StoredObject:
        self._check()
        return self.inner.get(key, max_bytes=max_bytes)

    def head(self, key: str, size: int) -> bytes:
        self._check()
        return self.inner.head(key, size)

    def get_if_changed(self, key: str, version: str) -> StoredObject | None:
        self._check()
        return self.inner.get_if_changed(key, version)

    def list(self, prefix: str = "") -> Iterator[ObjectInfo]:
        self.listings += 1
        self._check()
        return self.inner.list(prefix)


def test_failed_revalidations_back_off_exponentially() -> None:
    """A store that keeps failing is asked again after 1, 2, 4... seconds (jittered), not every
    second; cached pages keep answering 200 meanwhile, and a recovery resets the backoff."""
    store = FlakyStore(ROOT / "content")
    clock = Clock()
    site = Site(store, index_ttl=5, clock=clock)
    with lambda_sender(make_handler(create_app(site))) as send:
        assert send(SEED_URL) == 200
        store.down = True
        before = store.listings
        for _ in range(120):  # two minutes of a request a second
            clock.seconds += 1
            assert send(SEED_URL) == 200
        attempts = store.listings - before
        assert 5 <= attempts <= 9, attempts  # 1 s apart would be 120
        store.down = False
        clock.seconds += 61
        assert send(SEED_URL) == 200
        assert site.live.current() is not None  # refreshed: the index is current again


def test_cold_start_with_s3_hanging_does_not_queue_readers(
    s3_bucket: S3Bucket, proxy: HangingProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No index yet and S3 hangs: the first request meets the store's timeouts and answers 503;
    the requests after it, while that failure backs off, answer 503 at once instead of each
    waiting for the same timeouts again."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.endpoint)
    proxy.hang()
    store = S3Store(make_s3_client("us-east-1", transfers=False), s3_bucket.name)
    site = Site(store, manifest_key=DEFAULT_INDEX_KEY)
    with lambda_sender(make_handler(create_app(site))) as send:
        assert send(SEED_URL) == 503
        began = time.perf_counter()
        assert [send(path) for path in CACHED_PATHS] == [503] * len(CACHED_PATHS)
        assert time.perf_counter() - began < 0.5
