"""Degraded S3 and the indexer: an S3 that hangs, a corrupt or contended index, a broken upload
met by a cold container, and `publish --delete` from the wrong folder.

S3 is moto's server on 127.0.0.1; "S3 that hangs" is a loopback TCP proxy in front of it that,
once told to, accepts connections and reads requests but never answers (as a black-holed network
path or an overloaded endpoint does), so botocore meets its own timeouts, not a refused connect.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import pytest
from conftest import S3Bucket, api_event, broadsheet_serve, call, sam_event, upload_tree

from handler import cli, indexer
from handler.app import make_handler
from handler.engine import manifest
from handler.engine.index import SiteIndex
from handler.errors import Forbidden, NotFound, PreconditionFailed, StoreUnavailable, TooLarge
from handler.settings import DEFAULT_INDEX_KEY
from handler.site import Site
from handler.site.bucket import Outcome, apply_changes, write_index
from handler.store import ObjectInfo, StoredObject
from handler.store.local import LocalStore
from handler.store.s3 import S3Store, make_s3_client
from handler.web import create_app

ROOT = Path(__file__).parents[2]
SEED_URL = "/posts/2023/06/journey/"
CACHED_PATHS = (SEED_URL, "/", "/feed.xml", "/tags/", "/year-archive/")
# What a cached page may take while S3 hangs. The defect made readers wait on the hang: 2 s per
# S3 attempt (the client's timeouts), or at least the 0.5 s a refresh's first request may wait.
# The figure (p99 < 100 ms under wrk) is what these runs print on a quiet machine; on a
# shared, loaded one a p99 moves by tens of ms (timed assertions must not), so the bound asserted
# is the one that separates "served from memory" from "waited on S3" with a wide margin.
READER_P99_SECONDS = 0.4


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
    are still served from memory (p99 printed; see READER_P99_SECONDS), while one revalidation
    waits on S3."""
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
    p99 = percentile(latencies, 0.99)
    print(f"cached pages while S3 hangs: p99 {p99 * 1000:.1f} ms over {len(latencies)} requests")
    assert p99 < READER_P99_SECONDS, p99
    # The one request that starts a revalidation waits for it only briefly; before, every
    # request queued behind it for the store's timeouts (2 attempts x 2 s).
    assert max(latencies) < 2.0, max(latencies)


def test_cached_pages_stay_fast_while_s3_hangs_broadsheet_serve(
    site_bucket: S3Bucket, proxy: HangingProxy, tmp_path: Path
) -> None:
    """The acceptance run: `broadsheet serve` over a bucket whose S3 hangs, under load from
    keep-alive connections in threads (as wrk would send it): cached pages never wait on S3."""
    import http.client

    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "CONTENT_BUCKET": site_bucket.name,
        "AWS_ENDPOINT_URL": proxy.endpoint,
        "INDEX_TTL": "0.5",
    }
    with broadsheet_serve([], env, tmp_path / "serve.log") as base:
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
    p99 = percentile(latencies, 0.99)
    print(f"cached pages while S3 hangs: p99 {p99 * 1000:.1f} ms over {len(latencies)} requests")
    assert p99 < READER_P99_SECONDS, p99


WRK_LUA = """
local paths = {%s}
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK_JSON {\\"requests\\":%%d,\\"errors\\":%%d,\\"p99_us\\":%%d}\\n",
    summary.requests, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(99)))
end
"""


@pytest.mark.skipif(
    shutil.which("wrk") is None, reason="wrk is not installed (infra/setup-system.sh)"
)
def test_cached_pages_stay_fast_under_wrk_while_s3_hangs(
    site_bucket: S3Bucket, proxy: HangingProxy, tmp_path: Path
) -> None:
    """The issue's acceptance as it is worded: wrk (2 threads, 16 connections, 5 s, bounded)
    against `broadsheet serve` over a bucket whose S3 accepts and never answers: cached pages
    never wait on S3 (p99 printed: under 100 ms on a quiet machine), no errors."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "CONTENT_BUCKET": site_bucket.name,
        "AWS_ENDPOINT_URL": proxy.endpoint,
        "INDEX_TTL": "0.5",
    }
    script = tmp_path / "paths.lua"
    script.write_text(WRK_LUA % ", ".join(json.dumps(p) for p in CACHED_PATHS), encoding="utf-8")
    with broadsheet_serve([], env, tmp_path / "serve.log") as base:
        for path in CACHED_PATHS:  # warm
            with urllib.request.urlopen(base + path, timeout=30) as response:  # 127.0.0.1 only
                assert response.status == 200
        proxy.hang()
        time.sleep(0.6)
        done = subprocess.run(
            ["wrk", "-t2", "-c16", "-d5s", "--timeout", "5s", "-s", str(script), base + SEED_URL],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert done.returncode == 0, done.stderr
    line = next(x for x in done.stdout.splitlines() if x.startswith("WRK_JSON "))
    figures = json.loads(line.removeprefix("WRK_JSON "))
    assert figures["errors"] == 0, figures
    assert figures["requests"] > 500, figures
    print(f"wrk, cached pages while S3 hangs: {figures}")
    assert figures["p99_us"] < READER_P99_SECONDS * 1_000_000, figures
    assert proxy.swallowed >= 1, "the index was never revalidated against the hanging S3"


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


# --- the indexer heals itself --------------------------------------------------------------------

POST = "---\ntitle: {title}\ndate: 2025-05-01\n---\n{body}\n"


def s3_event(bucket: str, *keys: str) -> dict[str, Any]:
    """An S3 notification naming ``keys`` (from the SAM CLI's sample, one record per key)."""
    sample = sam_event("s3", "put", "--bucket", bucket, "--key", keys[0])
    record = sample["Records"][0]
    records = []
    for key in keys:
        copy = json.loads(json.dumps(record))
        copy["s3"]["object"]["key"] = quote_plus(key, safe="/")
        records.append(copy)
    return {"Records": records}


@pytest.fixture
def indexer_on(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], Any]]:
    """``run(bucket)``: the indexer's Lambda entry for that bucket, as deployed."""

    def run(bucket: str) -> Any:
        monkeypatch.setenv("CONTENT_BUCKET", bucket)
        indexer._runtime.cache_clear()
        return indexer.handler

    try:
        yield run
    finally:
        indexer._runtime.cache_clear()


def stored_index(store: S3Store) -> SiteIndex:
    index, _ = manifest.loads(store.get(DEFAULT_INDEX_KEY).body, DEFAULT_INDEX_KEY)
    return index


@pytest.mark.parametrize(
    "corrupt",
    [b"{not json", b'{"format": 1}', b"[]", b"\xff\xfe", b""],
    ids=["syntax", "shape", "list", "bytes", "empty"],
)
def test_a_corrupt_manifest_is_rebuilt_by_the_next_event(
    site_bucket: S3Bucket, indexer_on: Callable[[str], Any], corrupt: bytes
) -> None:
    client, bucket = site_bucket
    store = S3Store(client, bucket)
    client.put_object(Bucket=bucket, Key=DEFAULT_INDEX_KEY, Body=corrupt)
    key = "_posts/2025-05-01-after-the-damage.md"
    client.put_object(Bucket=bucket, Key=key, Body=POST.format(title="After", body="x").encode())
    handler = indexer_on(bucket)
    result = handler(s3_event(bucket, key), None)
    assert result["rebuilt"] is True and key in result["updated"]
    index = stored_index(store)
    assert key in index.by_key and "_posts/2023-06-07-journey.md" in index.by_key
    # ...and later events go back to plain updates of the healed index.
    other = "_posts/2025-05-02-later.md"
    client.put_object(Bucket=bucket, Key=other, Body=POST.format(title="L", body="y").encode())
    again = handler(s3_event(bucket, other), None)
    assert again["rebuilt"] is False and again["updated"] == [other]
    assert {key, other} <= set(stored_index(store).by_key)


class RacedStore:
    """An S3 store whose first conditional write of the index is beaten by another writer
    (``rival`` runs just before it), as a second indexer or `broadsheet index` would."""

    def __init__(self, inner: S3Store, rival: Callable[[], None]) -> None:
        self.inner = inner
        self.rival: Callable[[], None] | None = rival
        self.lost = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def put(self, key: str, body: bytes, **options: Any) -> str:
        if key == DEFAULT_INDEX_KEY and self.rival is not None:
            rival, self.rival = self.rival, None
            rival()
            try:
                return self.inner.put(key, body, **options)
            except PreconditionFailed:
                self.lost += 1
                raise
        return self.inner.put(key, body, **options)


@pytest.mark.parametrize("path", ["config-rebuild", "no-index", "corrupt-index", "update"])
def test_every_way_of_making_the_index_retries_a_lost_race(
    site_bucket: S3Bucket, path: str
) -> None:
    """A config change (a rebuild), a missing or unreadable index (a rebuild from a listing) and
    a plain update all end in the same conditional write inside the retry loop: the loser
    re-reads, re-applies, and both changes are kept."""
    client, bucket = site_bucket
    store = S3Store(client, bucket)
    if path == "no-index":
        client.delete_object(Bucket=bucket, Key=DEFAULT_INDEX_KEY)
    if path == "corrupt-index":
        client.put_object(Bucket=bucket, Key=DEFAULT_INDEX_KEY, Body=b"{")
    rival_key = "_posts/2025-05-03-rival.md"
    client.put_object(Bucket=bucket, Key=rival_key, Body=POST.format(title="R", body="r").encode())
    if path == "config-rebuild":
        config = (ROOT / "content" / "_config.yml").read_text() + "\ndescription: changed\n"
        client.put_object(Bucket=bucket, Key="_config.yml", Body=config.encode())
        mine = "_config.yml"
    else:
        mine = "_posts/2025-05-04-mine.md"
        client.put_object(Bucket=bucket, Key=mine, Body=POST.format(title="M", body="m").encode())

    def rival() -> None:
        apply_changes(store, [rival_key])

    raced = RacedStore(store, rival)
    outcome = apply_changes(raced, [mine], pause=0.01)
    assert raced.lost == 1 and outcome.attempts == 2
    index = stored_index(store)
    assert rival_key in index.by_key
    if path == "config-rebuild":
        assert index.config.raw["description"] == "changed"
    else:
        assert mine in index.by_key


def test_sixteen_racing_indexers_all_succeed_and_lose_nothing(site_bucket: S3Bucket) -> None:
    """16 indexers at once (IndexerConcurrency 0 under a bulk upload), each with its own new
    post, against moto's S3 with If-Match: every one succeeds and every post is in the index."""
    client, bucket = site_bucket
    store = S3Store(client, bucket)
    keys = [f"_posts/2025-06-{n + 1:02d}-race-{n}.md" for n in range(16)]
    for n, key in enumerate(keys):
        body = POST.format(title=f"Race {n}", body=str(n)).replace("2025-05-01", key[7:17])
        client.put_object(Bucket=bucket, Key=key, Body=body.encode())
    start = threading.Barrier(len(keys))
    outcomes: dict[str, Any] = {}

    def index(key: str) -> None:
        start.wait(timeout=30)
        try:
            outcomes[key] = apply_changes(store, [key], budget=60)
        except Exception as error:  # reported below, with the others
            outcomes[key] = error

    workers = [threading.Thread(target=index, args=(key,)) for key in keys]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert not any(w.is_alive() for w in workers)
    failed = {k: v for k, v in outcomes.items() if not isinstance(v, Outcome)}
    assert not failed
    assert all(outcome.updated == [key] for key, outcome in outcomes.items())
    assert set(keys) <= set(stored_index(store).by_key)


class RefusingStore:
    """An S3 store that refuses (403) reads of some keys, as a role whose grant misses them."""

    def __init__(self, inner: S3Store, refused: Callable[[str], bool]) -> None:
        self.inner = inner
        self.refused = refused

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def get(self, key: str, *, max_bytes: int | None = None) -> StoredObject:
        if self.refused(key):
            raise Forbidden(key)
        return self.inner.get(key, max_bytes=max_bytes)

    def head(self, key: str, size: int) -> bytes:
        if self.refused(key):
            raise Forbidden(key)
        return self.inner.head(key, size)


@pytest.mark.parametrize("key", ["_posts/2023-06-07-journey.md", "_config.yml"])
def test_a_refused_read_is_never_taken_for_a_deletion(site_bucket: S3Bucket, key: str) -> None:
    """A 403 on a listed key (a post, the config) fails the event loudly (Lambda retries it)
    and leaves the index as it was, where it used to drop the post or reset the config."""
    client, bucket = site_bucket
    store = S3Store(client, bucket)
    before = store.get(DEFAULT_INDEX_KEY).version
    edited = store.get(key).body + b"\n"  # a new version: the indexer must read it
    client.put_object(Bucket=bucket, Key=key, Body=edited)
    refusing = RefusingStore(store, lambda k: k == key)
    with pytest.raises(StoreUnavailable, match="403"):
        apply_changes(refusing, [key])
    assert store.get(DEFAULT_INDEX_KEY).version == before
    assert "_posts/2023-06-07-journey.md" in stored_index(store).by_key


def test_s3_access_denied_is_forbidden_not_a_plain_not_found(s3_client: Any) -> None:
    from botocore.stub import Stubber

    store = S3Store(s3_client, "stubbed-bucket")
    with Stubber(s3_client) as stub:
        stub.add_client_error("get_object", "AccessDenied", http_status_code=403)
        with pytest.raises(Forbidden):
            store.get("cat/_drafts/secret.md")
        stub.add_client_error("get_object", "NoSuchKey", http_status_code=404)
        with pytest.raises(NotFound) as missing:
            store.get("cat/_drafts/gone.md")
        assert not isinstance(missing.value, Forbidden)


NESTED_KEYS = [
    "cat/_drafts/next.md",
    "cat/_posts/2024-01-02-hello.md",
    "blog/cat/_drafts/deeper.markdown",
    "_drafts/cat/nested.md",
]


@pytest.mark.parametrize("prefix", ["", "site"])
def test_nested_drafts_and_posts_are_inside_both_roles_read_grants(prefix: str) -> None:
    from infra.tools import STACK_GUID, TEMPLATE, Stack, allows, transform

    stack = Stack(transform(TEMPLATE.read_text()), ContentPrefix=prefix)
    for role in ("IndexerFunctionRole", "RenderFunctionRole"):
        statements = stack.statements(role)
        for key in NESTED_KEYS:
            arn = f"arn:aws:s3:::broadsheet-{STACK_GUID}/{prefix + '/' if prefix else ''}{key}"
            assert allows(statements, "s3:GetObject", arn), (role, key)


# --- a cold container meets a broken upload -------------------------------------------------------

SEED_KEY = "_posts/2023-06-07-journey.md"
BROKEN_UPLOADS = {
    "yaml": b"---\ntitle: [unclosed\n---\nbroken\n",
    "utf8": b"---\ntitle: Journey\n---\n\xff\xfe not UTF-8\n",
    "nul": b"---\ntitle: Journey\n---\nbinary\x00junk\n",
    "too-large": b"---\ntitle: Journey\n---\n" + b"x" * (600 * 1024),
}


@pytest.mark.parametrize("broken", sorted(BROKEN_UPLOADS))
@pytest.mark.parametrize("indexed", [True, False], ids=["indexed", "before-the-indexer"])
def test_a_cold_container_serves_the_last_good_version_of_a_broken_upload(
    site_bucket: S3Bucket, broken: str, indexed: bool
) -> None:
    """A post replaced by a broken upload, met by a container that never rendered it: the
    page is rendered from the version the index recorded (its last good copy, still in the
    versioned bucket), not the error page; whether the indexer has seen the upload yet or not."""
    client, bucket = site_bucket
    store = S3Store(client, bucket)
    warm = make_handler(create_app(Site(store, manifest_key=DEFAULT_INDEX_KEY)))
    good = call(warm, api_event("2.0", "GET", SEED_URL))
    assert good["statusCode"] == 200
    client.put_object(Bucket=bucket, Key=SEED_KEY, Body=BROKEN_UPLOADS[broken])
    if indexed:
        outcome = apply_changes(store, [SEED_KEY])
        assert outcome.problems  # refused: the index keeps the last good record
    cold = make_handler(create_app(Site(store, manifest_key=DEFAULT_INDEX_KEY)))
    response = call(cold, api_event("2.0", "GET", SEED_URL))
    assert response["statusCode"] == 200
    assert response["body"] == good["body"]


def test_a_good_new_version_is_served_once_indexed(site_bucket: S3Bucket) -> None:
    """The recorded version is what renders: once the indexer records a good new upload, the
    page shows it (the fallback never pins an old copy)."""
    client, bucket = site_bucket
    store = S3Store(client, bucket)
    text = store.get(SEED_KEY).body.decode().replace("journey", "journey", 1)
    client.put_object(Bucket=bucket, Key=SEED_KEY, Body=(text + "\nA new last line.\n").encode())
    apply_changes(store, [SEED_KEY])
    cold = make_handler(create_app(Site(store, manifest_key=DEFAULT_INDEX_KEY)))
    response = call(cold, api_event("2.0", "GET", SEED_URL))
    assert response["statusCode"] == 200
    assert "A new last line." in response["body"]


def test_get_version_reads_an_overwritten_version(site_bucket: S3Bucket) -> None:
    client, bucket = site_bucket
    store = S3Store(client, bucket, "")
    first = store.put("notes/a.txt", b"first")
    store.put("notes/a.txt", b"second")
    store.put("notes/a.txt.bak", b"first")  # same ETag under another key: never confused
    assert store.get_version("notes/a.txt", first).body == b"first"
    assert store.get("notes/a.txt").body == b"second"
    with pytest.raises(NotFound):
        store.get_version("notes/a.txt", "0" * 32)
    with pytest.raises(TooLarge):
        store.get_version("notes/a.txt", first, max_bytes=2)


# --- ...and a layout, an include or a data file replaced by a broken upload --------------------------

THEMED_FILES = {
    "_layouts/single.html": (
        '---\nlayout_note: kept\n---\n<main class="single">{% include foot.html %}'
        "{% if page.title %}{{ content }}{% endif %}"
        '<p class="nav">{{ site.data.nav.title }} {{ site.data.links.home }}</p></main>\n'
    ),
    "_includes/foot.html": "<footer>Foot of {{ site.title }}</footer>\n",
    "_data/nav.yml": "title: Navigation bar\n",
    "_data/links.json": '{"home": "Home link"}\n',
}
THEMED_MARKS = ('<main class="single">', "<footer>Foot of", "Navigation bar", "Home link")
LAYOUT_KEY, INCLUDE_KEY, DATA_KEY, JSON_KEY = THEMED_FILES
BROKEN_FILES = {
    "layout-utf8": (LAYOUT_KEY, b"---\n---\n<main>\xff\xfe</main>\n", 3),
    "layout-nul": (LAYOUT_KEY, b"---\n---\n<main>\x00</main>\n", 3),
    "layout-liquid": (LAYOUT_KEY, b"---\n---\n<main>\n{% if page.title %}{{ content }}\n", 4),
    "layout-front-matter": (LAYOUT_KEY, b"---\ntitle: [unclosed\n---\n<main></main>\n", 3),
    "layout-too-large": (LAYOUT_KEY, b"---\n---\n" + b"x" * (300 * 1024), None),
    "include-utf8": (INCLUDE_KEY, b"<footer>\n\xc3\x28</footer>\n", 2),
    "include-nul": (INCLUDE_KEY, b"<footer>\x00</footer>\n", 1),
    "include-liquid": (INCLUDE_KEY, b"<footer>\n{% for x in site.posts %}\n", 2),
    "include-too-large": (INCLUDE_KEY, b"<footer>" + b"x" * (300 * 1024), None),
    "data-utf8": (DATA_KEY, b"title: \xff\n", 1),
    "data-nul": (DATA_KEY, b"title: a\x00b\n", 1),
    "data-yaml": (DATA_KEY, b"title: Navigation bar\nitems: [unclosed\n", 3),
    "data-json": (JSON_KEY, b'{"home": "Home link",\n', 2),
    "data-too-large": (DATA_KEY, b"# " + b"x" * (2 * 1024 * 1024 + 1), None),
}


@pytest.fixture
def themed_bucket(s3_bucket: S3Bucket, tmp_path: Path) -> S3Bucket:
    """A versioned bucket holding ``content/`` with a layout that uses an include and two data
    files, and its site index."""
    client, bucket = s3_bucket
    root = tmp_path / "themed"
    shutil.copytree(ROOT / "content", root)
    for key, text in THEMED_FILES.items():
        (root / key).parent.mkdir(parents=True, exist_ok=True)
        (root / key).write_text(text, encoding="utf-8")
    upload_tree(client, bucket, root)
    write_index(S3Store(client, bucket))
    return s3_bucket


def cold_page(store: S3Store) -> dict[str, Any]:
    cold = make_handler(create_app(Site(store, manifest_key=DEFAULT_INDEX_KEY)))
    response: dict[str, Any] = call(cold, api_event("2.0", "GET", SEED_URL))
    return response


@pytest.mark.parametrize("broken", sorted(BROKEN_FILES))
@pytest.mark.parametrize("indexed", [True, False], ids=["indexed", "before-the-indexer"])
def test_a_cold_container_serves_the_last_good_layout_include_or_data_file(
    themed_bucket: S3Bucket,
    indexer_on: Callable[[str], Any],
    caplog: pytest.LogCaptureFixture,
    broken: str,
    indexed: bool,
) -> None:
    """A layout, include or data file replaced by a broken upload (not UTF-8, a NUL byte, a
    Liquid or YAML/JSON syntax error, over its byte limit), met by a cold container: the index
    keeps its last good version (the indexer logs the problem at its line) and every page
    that uses it renders from that version, still in the versioned bucket."""
    client, bucket = themed_bucket
    store = S3Store(client, bucket)
    good = cold_page(store)
    assert good["statusCode"] == 200
    assert all(mark in good["body"] for mark in THEMED_MARKS)
    key, body, line = BROKEN_FILES[broken]
    last_good = stored_index(store).version_of(key)
    client.put_object(Bucket=bucket, Key=key, Body=body)
    if indexed:
        result = indexer_on(bucket)(s3_event(bucket, key), None)
        assert key not in result["updated"]
        assert [p for p in result["problems"] if p.startswith(f"{key}:{line or ''}")]
        assert f"{key}:{line or ''}" in caplog.text
        index = stored_index(store)
        assert index.version_of(key) == last_good  # the last good record, kept
        assert index.problems[key].line == line
    response = cold_page(store)
    assert response["statusCode"] == 200
    assert response["body"] == good["body"]


@pytest.mark.parametrize("key", sorted(THEMED_FILES))
def test_a_good_new_layout_include_or_data_file_is_served_once_indexed(
    themed_bucket: S3Bucket, key: str
) -> None:
    """The recorded version is what renders: a good new upload, once indexed, is what pages
    show; and a good upload after a broken one replaces the kept copy and clears the problem."""
    client, bucket = themed_bucket
    store = S3Store(client, bucket)
    client.put_object(Bucket=bucket, Key=key, Body=b"\x00 broken")
    assert apply_changes(store, [key]).problems
    new = THEMED_FILES[key].replace("Foot of", "New foot of").replace("Navigation", "New nav")
    new = new.replace('class=\\"single\\"', 'class=\\"new single\\"')
    new = new.replace("Home link", "New home link").replace('class="single"', 'class="new"')
    client.put_object(Bucket=bucket, Key=key, Body=new.encode())
    outcome = apply_changes(store, [key])
    assert outcome.updated == [key] and not outcome.problems
    assert key not in stored_index(store).problems
    response = cold_page(store)
    assert response["statusCode"] == 200
    expected = {
        LAYOUT_KEY: '<main class="new">',
        INCLUDE_KEY: "New foot of",
        DATA_KEY: "New nav",
        JSON_KEY: "New home link",
    }[key]
    assert expected in response["body"]


def test_a_broken_file_without_a_good_copy_is_the_pages_error(themed_bucket: S3Bucket) -> None:
    """A layout broken from its first upload has no last good copy: its pages answer the
    error page (as before), and a fix is served as soon as it is indexed."""
    client, bucket = themed_bucket
    store = S3Store(client, bucket)
    key = "_layouts/fresh.html"
    client.put_object(Bucket=bucket, Key=key, Body=b"---\n---\n{% if x %}unclosed\n")
    post = "_posts/2025-05-01-fresh.md"
    client.put_object(Bucket=bucket, Key=post, Body=b"---\ntitle: Fresh\nlayout: fresh\n---\nHi\n")
    outcome = apply_changes(store, [key, post])
    assert [p for p in outcome.problems if p.startswith(key + ":3")]
    url = stored_index(store).by_key[post].url
    cold = make_handler(create_app(Site(store, manifest_key=DEFAULT_INDEX_KEY)))
    assert call(cold, api_event("2.0", "GET", url))["statusCode"] == 500
    client.put_object(Bucket=bucket, Key=key, Body=b"---\n---\n<b>{{ content }}</b>\n")
    apply_changes(store, [key])
    cold = make_handler(create_app(Site(store, manifest_key=DEFAULT_INDEX_KEY)))
    response = call(cold, api_event("2.0", "GET", url))
    assert response["statusCode"] == 200 and "<b><p>Hi</p>" in response["body"]


def test_a_folder_without_history_shows_the_pages_error_and_check_names_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A store without history (a folder) keeps the page's error: the broken include is what
    the page meets, and `broadsheet check` names it at its line."""
    root = tmp_path / "site"
    shutil.copytree(ROOT / "content", root)
    for key, text in THEMED_FILES.items():
        (root / key).parent.mkdir(parents=True, exist_ok=True)
        (root / key).write_text(text, encoding="utf-8")
    (root / INCLUDE_KEY).write_text("<footer>\n{% if x %}\n", encoding="utf-8")
    response = call(
        make_handler(create_app(Site(LocalStore(root)))), api_event("2.0", "GET", SEED_URL)
    )
    assert response["statusCode"] == 500
    assert cli.main(["check", "--content", str(root)], env={}) == 1
    out = capsys.readouterr().out
    assert f"/{INCLUDE_KEY}:2:4: error: 'if' tag was never closed" in out, out


# --- publish --delete from the wrong folder -------------------------------------------------------


@pytest.mark.parametrize("folder", ["empty", "wrong"])
def test_publish_delete_from_an_empty_or_wrong_folder_is_refused(
    s3_bucket: S3Bucket, tmp_path: Path, capsys: pytest.CaptureFixture[str], folder: str
) -> None:
    """`publish --delete` that would remove more than half the site lists what it would delete,
    then refuses (exit 1, nothing changed); `--force` does it."""
    client, bucket = s3_bucket
    site = tmp_path / "site"
    shutil.copytree(ROOT / "content", site)
    assert cli.main(["publish", "--bucket", bucket, "--content", str(site)], env={}) == 0
    before = sorted(o["Key"] for o in client.list_objects_v2(Bucket=bucket)["Contents"])
    other = tmp_path / folder
    other.mkdir()
    if folder == "wrong":  # another project's folder: a README and a script
        (other / "README.md").write_text("# Something else\n", "utf-8")
        (other / "build.sh").write_text("make\n", "utf-8")
    capsys.readouterr()
    argv = ["publish", "--bucket", bucket, "--content", str(other), "--delete"]
    assert cli.main(argv, env={}) == 1
    err = capsys.readouterr().err
    assert "will delete " in err and "  _posts/2023-06-07-journey.md\n" in err
    assert "more than half" in err and "--force" in err
    assert sorted(o["Key"] for o in client.list_objects_v2(Bucket=bucket)["Contents"]) == before
    assert cli.main([*argv, "--force"], env={}) == 0
    left = {o["Key"] for o in client.list_objects_v2(Bucket=bucket).get("Contents", [])}
    assert "_posts/2023-06-07-journey.md" not in left and DEFAULT_INDEX_KEY in left
