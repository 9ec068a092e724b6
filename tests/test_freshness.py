"""Freshness against moto's S3 server: the manifest, the indexer, the render cache, faults.

The app's clock is a test clock, so "within INDEX_TTL" is asserted exactly rather than raced
against a noisy machine. S3 is real HTTP to moto on 127.0.0.1; S3 events come from
``sam local generate-event`` (see ``sam_event`` in conftest) or from moto's own S3 -> SQS
notifications.
"""

from __future__ import annotations

import json
import logging
import shutil
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import S3Bucket, sam_event, upload_tree
from fastapi.testclient import TestClient

from handler import indexer
from handler.engine import manifest
from handler.errors import PreconditionFailed
from handler.settings import DEFAULT_INDEX_KEY
from handler.site import Site
from handler.site.bucket import apply_changes, write_index
from handler.store import ObjectInfo, StoredObject
from handler.store.measured import MeasuredStore
from handler.store.prefetch import Prefetch
from handler.store.s3 import S3Store
from handler.web import create_app

ROOT = Path(__file__).parents[1]
SEED_URL = "/posts/2023/06/journey/"
TTL = 5.0


class Clock:
    def __init__(self) -> None:
        self.seconds = 1000.0
        self.moment = datetime(2026, 1, 1, tzinfo=UTC)

    def monotonic(self) -> float:
        return self.seconds

    def now(self) -> datetime:
        return self.moment

    def advance(self, seconds: float) -> None:
        self.seconds += seconds
        self.moment += timedelta(seconds=seconds)


POST = """---
title: {title}
date: 2025-05-0{day}
tags: [news]
---
{body}
"""


def put(bucket: S3Bucket, key: str, text: str) -> None:
    bucket.client.put_object(Bucket=bucket.name, Key=key, Body=text.encode())


def index_event(store: S3Store, bucket: S3Bucket, key: str, kind: str = "put") -> dict[str, Any]:
    """What the indexer Lambda does for the S3 event ``sam local generate-event s3 <kind>``."""
    event = sam_event("s3", kind, "--bucket", bucket.name, "--key", key)
    return apply_changes(store, indexer.keys_from_event(event)).as_dict()


@pytest.fixture
def site_on_s3(s3_bucket: S3Bucket) -> tuple[S3Bucket, S3Store, Site, TestClient, Clock]:
    upload_tree(s3_bucket.client, s3_bucket.name, ROOT / "content")
    store = S3Store(s3_bucket.client, s3_bucket.name)
    write_index(store)
    clock = Clock()
    site = Site(
        MeasuredStore(store),
        manifest_key=DEFAULT_INDEX_KEY,
        index_ttl=TTL,
        clock=clock.monotonic,
        now=clock.now,
    )
    return s3_bucket, store, site, TestClient(create_app(site)), clock


def server_timing(response: Any) -> str:
    return str(response.headers["server-timing"])


def test_a_hit_never_touches_s3(site_on_s3: Any) -> None:
    _, _, _, client, _ = site_on_s3
    first = client.get(SEED_URL)
    assert first.status_code == 200 and 'cache;desc="miss"' in server_timing(first)
    again = client.get(SEED_URL)
    assert again.text == first.text
    assert 'cache;desc="hit"' in server_timing(again)
    assert "s3;dur=0.0" in server_timing(again)


def test_changed_post_is_fresh_within_the_ttl(site_on_s3: Any) -> None:
    bucket, store, _, client, clock = site_on_s3
    assert "initial draft" in client.get(SEED_URL).text
    seed = (ROOT / "content/_posts/2023-06-07-journey.md").read_text(encoding="utf-8")
    put(bucket, "_posts/2023-06-07-journey.md", seed.replace("initial draft", "second draft"))
    assert index_event(store, bucket, "_posts/2023-06-07-journey.md")["updated"] == [
        "_posts/2023-06-07-journey.md"
    ]
    clock.advance(TTL - 0.1)
    assert "initial draft" in client.get(SEED_URL).text  # still inside the TTL: the cached page
    clock.advance(0.1)
    fresh = client.get(SEED_URL)
    assert "second draft" in fresh.text and "initial draft" not in fresh.text
    assert 'cache;desc="miss"' in server_timing(fresh)


def test_new_post_appears_on_home_and_deleted_post_404s(site_on_s3: Any) -> None:
    bucket, store, _, client, clock = site_on_s3
    home = client.get("/").text
    assert "Fresh news" not in home
    put(bucket, "_posts/2025-05-01-fresh.md", POST.format(title="Fresh news", day=1, body="Hello."))
    index_event(store, bucket, "_posts/2025-05-01-fresh.md")
    clock.advance(TTL)
    assert "Fresh news" in client.get("/").text
    assert client.get("/fresh/").status_code == 200  # academicpages' /:categories/:title/
    bucket.client.delete_object(Bucket=bucket.name, Key="_posts/2025-05-01-fresh.md")
    assert index_event(store, bucket, "_posts/2025-05-01-fresh.md", "delete")["removed"]
    clock.advance(TTL)
    assert client.get("/fresh/").status_code == 404
    assert "Fresh news" not in client.get("/").text


def test_broken_update_keeps_the_last_good_version(
    site_on_s3: Any, caplog: pytest.LogCaptureFixture
) -> None:
    bucket, store, site, client, clock = site_on_s3
    good = client.get(SEED_URL).text
    put(bucket, "_posts/2023-06-07-journey.md", "---\ntitle: [unclosed\n---\nbroken")
    with caplog.at_level(logging.ERROR):
        outcome = index_event(store, bucket, "_posts/2023-06-07-journey.md")
    assert outcome["problems"] and "_posts/2023-06-07-journey.md:" in outcome["problems"][0]
    assert "_posts/2023-06-07-journey.md:" in caplog.text
    clock.advance(TTL)
    again = client.get(SEED_URL)
    assert again.status_code == 200 and again.text == good
    problems = site.index().problems
    assert list(problems) == ["_posts/2023-06-07-journey.md"]


def test_indexer_lambda_entry_with_a_sam_event(
    site_on_s3: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    bucket, store, _, _, _ = site_on_s3
    monkeypatch.setenv("CONTENT_BUCKET", bucket.name)
    indexer._runtime.cache_clear()
    put(bucket, "_posts/2025-05-02-via-lambda.md", POST.format(title="Via Lambda", day=2, body="x"))
    event = sam_event(
        "s3", "put", "--bucket", bucket.name, "--key", "_posts/2025-05-02-via-lambda.md"
    )
    try:
        result = indexer.handler(event, None)
    finally:
        indexer._runtime.cache_clear()
    assert result["updated"] == ["_posts/2025-05-02-via-lambda.md"]
    index, _ = manifest.loads(store.get(DEFAULT_INDEX_KEY).body, DEFAULT_INDEX_KEY)
    entry = index.by_key["_posts/2025-05-02-via-lambda.md"]
    assert entry.url == "/via-lambda/" and entry.title == "Via Lambda"


def test_config_change_rebuilds_everything(site_on_s3: Any) -> None:
    bucket, store, _, client, clock = site_on_s3
    config = (ROOT / "content/_config.yml").read_text(encoding="utf-8")
    put(bucket, "_config.yml", config.replace('title: "Your Name / Site Title"', "title: Renamed"))
    assert index_event(store, bucket, "_config.yml")["rebuilt"] is True
    clock.advance(TTL)
    assert (
        "<title>From sci-fi writer to AI engineer: a strange journey - Renamed"
        in client.get(SEED_URL).text
    )


def test_two_concurrent_updates_lose_nothing(site_on_s3: Any) -> None:
    """Both indexers read the same manifest; the second write must fail and be redone."""
    bucket, store, _, _, _ = site_on_s3
    put(bucket, "_posts/2025-05-01-one.md", POST.format(title="One", day=1, body="1"))
    put(bucket, "_posts/2025-05-02-two.md", POST.format(title="Two", day=2, body="2"))
    both_read = threading.Barrier(2, timeout=30)
    real_get = store.get

    waited: set[str] = set()

    def get_then_wait(key: str, **options: Any) -> Any:
        obj = real_get(key, **options)
        name = threading.current_thread().name
        if key == DEFAULT_INDEX_KEY and name.startswith("indexer") and name not in waited:
            waited.add(name)
            both_read.wait()  # each indexer's first read waits until the other has read too
        return obj

    store.get = get_then_wait
    outcomes: dict[str, dict[str, Any]] = {}

    def run(key: str) -> None:
        outcomes[key] = apply_changes(store, [key]).as_dict()

    threads = [
        threading.Thread(target=run, args=(k,), name=f"indexer-{i}")
        for i, k in enumerate(["_posts/2025-05-01-one.md", "_posts/2025-05-02-two.md"])
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    store.get = real_get
    assert sorted(o["attempts"] for o in outcomes.values()) == [1, 2]  # one lost the race, redid it
    index, _ = manifest.loads(store.get(DEFAULT_INDEX_KEY).body, DEFAULT_INDEX_KEY)
    assert {"_posts/2025-05-01-one.md", "_posts/2025-05-02-two.md"} <= set(index.by_key)


def test_stale_write_is_refused_by_s3(site_on_s3: Any) -> None:
    _, store, _, _, _ = site_on_s3
    old = store.get(DEFAULT_INDEX_KEY).version
    store.put(DEFAULT_INDEX_KEY, b"{}", if_match=old)
    with pytest.raises(PreconditionFailed):
        store.put(DEFAULT_INDEX_KEY, b"{}", if_match=old)


def test_without_a_manifest_the_app_lists_and_warns(
    s3_bucket: S3Bucket, caplog: pytest.LogCaptureFixture
) -> None:
    upload_tree(s3_bucket.client, s3_bucket.name, ROOT / "content")
    site = Site(S3Store(s3_bucket.client, s3_bucket.name), manifest_key=DEFAULT_INDEX_KEY)
    with caplog.at_level(logging.WARNING):
        assert TestClient(create_app(site)).get(SEED_URL).status_code == 200
    assert "no site index at _broadsheet/index.json" in caplog.text


def test_manifest_revalidation_is_a_conditional_get(site_on_s3: Any) -> None:
    _, _, site, client, clock = site_on_s3
    client.get(SEED_URL)
    before = site.index()
    clock.advance(TTL)
    client.get(SEED_URL)
    assert site.index() is before  # 304 Not Modified: nothing parsed, the same index object


def test_s3_notifications_reach_the_indexer_through_sqs(site_on_s3: Any) -> None:
    """The template's wiring, end to end in moto: S3 -> SQS -> indexer -> manifest -> page."""
    import boto3

    bucket, store, _, client, clock = site_on_s3
    sqs = boto3.session.Session(region_name="us-east-1").client("sqs")
    queue = sqs.create_queue(QueueName=f"{bucket.name}-events")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    rules = [{"Name": "prefix", "Value": "_posts/"}, {"Name": "suffix", "Value": ".md"}]
    bucket.client.put_bucket_notification_configuration(
        Bucket=bucket.name,
        NotificationConfiguration={
            "QueueConfigurations": [
                {
                    "QueueArn": arn,
                    "Events": ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"],
                    "Filter": {"Key": {"FilterRules": rules}},
                }
            ]
        },
    )
    put(bucket, "_posts/2025-05-03-queued.md", POST.format(title="Queued", day=3, body="q"))
    put(bucket, "images/not-a-post.png", "png")
    delivered = 0
    for _ in range(20):  # bounded: moto delivers synchronously, this only drains the queue
        messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", [])
        if not messages:
            break
        for message in messages:
            event = json.loads(message["Body"])
            if "Records" in event:
                keys = indexer.keys_from_event(event)
                assert keys == ["_posts/2025-05-03-queued.md"]
                apply_changes(store, keys)
                delivered += 1
            sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
    assert delivered == 1
    clock.advance(TTL)
    assert "Queued" in client.get("/").text


def test_scheduled_post_goes_live_at_its_date(s3_bucket: S3Bucket, tmp_path: Path) -> None:
    shutil.copytree(ROOT / "content", tmp_path / "site")
    (tmp_path / "site/_posts/2026-01-01-scheduled.md").write_text(
        "---\ntitle: Scheduled\ndate: 2026-01-01 12:00:00 +0000\n---\nSoon.\n"
    )
    upload_tree(s3_bucket.client, s3_bucket.name, tmp_path / "site")
    store = S3Store(s3_bucket.client, s3_bucket.name)
    write_index(store)
    clock = Clock()  # 2026-01-01 00:00 UTC: twelve hours before the post
    site = Site(store, manifest_key=DEFAULT_INDEX_KEY, clock=clock.monotonic, now=clock.now)
    client = TestClient(create_app(site))
    url = "/scheduled/"
    home = client.get("/")
    assert "Scheduled" not in home.text
    assert "max-age=30," in home.headers["cache-control"]  # 12 h away: the normal lifetime
    clock.advance(12 * 3600 - 20)
    for response in (client.get("/"), client.get(SEED_URL)):
        assert "max-age=20," in response.headers["cache-control"]
        assert "stale-while-revalidate" not in response.headers["cache-control"]
    assert client.get(url).headers["cache-control"] == "public, max-age=10"  # 404s: already short
    assert client.get(url).status_code == 404
    clock.advance(20)
    assert client.get(url).status_code == 200
    assert "Scheduled" in client.get("/").text


def test_a_corrupt_manifest_falls_back_to_listing(
    s3_bucket: S3Bucket, caplog: pytest.LogCaptureFixture
) -> None:
    upload_tree(s3_bucket.client, s3_bucket.name, ROOT / "content")
    put(s3_bucket, DEFAULT_INDEX_KEY, '{"format": 1, "posts": [')
    site = Site(S3Store(s3_bucket.client, s3_bucket.name), manifest_key=DEFAULT_INDEX_KEY)
    with caplog.at_level(logging.ERROR):
        assert TestClient(create_app(site)).get(SEED_URL).status_code == 200
    assert "the site index is unreadable" in caplog.text


class CountedReads:
    """A store that counts each read of each key (plain and conditional)."""

    def __init__(self, inner: S3Store) -> None:
        self.inner = inner
        self.reads: dict[str, int] = {}
        self.conditional: dict[str, int] = {}

    def get(self, key: str, *, max_bytes: int | None = None) -> StoredObject:
        self.reads[key] = self.reads.get(key, 0) + 1
        return self.inner.get(key, max_bytes=max_bytes)

    def head(self, key: str, size: int) -> bytes:
        return self.inner.head(key, size)

    def get_if_changed(self, key: str, version: str) -> StoredObject | None:
        self.conditional[key] = self.conditional.get(key, 0) + 1
        return self.inner.get_if_changed(key, version)

    def list(self, prefix: str = "") -> Iterator[ObjectInfo]:
        return self.inner.list(prefix)

    def describe(self) -> str:
        return self.inner.describe()


@pytest.fixture
def seeded(s3_bucket: S3Bucket) -> tuple[S3Bucket, S3Store]:
    upload_tree(s3_bucket.client, s3_bucket.name, ROOT / "content")
    store = S3Store(s3_bucket.client, s3_bucket.name)
    write_index(store)
    return s3_bucket, store


def test_a_prefetched_manifest_makes_the_first_view_without_another_read(
    seeded: tuple[S3Bucket, S3Store],
) -> None:
    _, store = seeded
    fetch = Prefetch(store, DEFAULT_INDEX_KEY)  # as handler.app starts it, during imports
    counted = CountedReads(store)
    site = Site(counted, manifest_key=DEFAULT_INDEX_KEY, index_ttl=TTL)
    site.live.prefetched(fetch)
    assert TestClient(create_app(site)).get(SEED_URL).status_code == 200
    assert counted.reads.get(DEFAULT_INDEX_KEY, 0) == 0
    assert counted.conditional.get(DEFAULT_INDEX_KEY, 0) == 0


def test_a_prefetched_manifest_older_than_the_ttl_is_revalidated(
    seeded: tuple[S3Bucket, S3Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A process restored from a snapshot long after it started: the manifest it read then is
    # checked (a conditional GET) before it is served from.
    bucket, store = seeded
    fetch = Prefetch(store, DEFAULT_INDEX_KEY)
    assert fetch.result() is not None
    seed = (ROOT / "content/_posts/2023-06-07-journey.md").read_text(encoding="utf-8")
    put(bucket, "_posts/2023-06-07-journey.md", seed.replace("initial draft", "second draft"))
    write_index(store)
    later = time.time() + TTL + 1
    monkeypatch.setattr("handler.site.live.time.time", lambda: later)
    counted = CountedReads(store)
    site = Site(counted, manifest_key=DEFAULT_INDEX_KEY, index_ttl=TTL)
    site.live.prefetched(fetch)
    page = TestClient(create_app(site)).get(SEED_URL)
    assert "second draft" in page.text
    assert counted.conditional[DEFAULT_INDEX_KEY] == 1


def test_a_store_error_in_the_prefetch_is_the_first_requests_answer(
    seeded: tuple[S3Bucket, S3Store],
) -> None:
    # S3 down at a cold start: the read made while starting said so; the first request answers
    # 503 at once instead of waiting for S3 a second time (Lambda's timeout would come first).
    _, store = seeded
    fetch = Prefetch(S3Store(store.client, "no-such-bucket"), DEFAULT_INDEX_KEY)
    counted = CountedReads(store)
    site = Site(counted, manifest_key=DEFAULT_INDEX_KEY, index_ttl=TTL)
    site.live.prefetched(fetch)
    assert TestClient(create_app(site)).get(SEED_URL).status_code == 503
    assert counted.reads.get(DEFAULT_INDEX_KEY, 0) == 0


def test_a_prefetch_that_failed_otherwise_is_read_again(
    seeded: tuple[S3Bucket, S3Store],
) -> None:
    class Broken(CountedReads):
        def get(self, key: str, *, max_bytes: int | None = None) -> StoredObject:
            raise RuntimeError("not a store's error")

    _, store = seeded
    fetch = Prefetch(Broken(store), DEFAULT_INDEX_KEY)
    counted = CountedReads(store)
    site = Site(counted, manifest_key=DEFAULT_INDEX_KEY, index_ttl=TTL)
    site.live.prefetched(fetch)
    assert TestClient(create_app(site)).get(SEED_URL).status_code == 200
    assert counted.reads[DEFAULT_INDEX_KEY] == 1


def test_a_prefetch_that_finds_no_manifest_leaves_a_listing(s3_bucket: S3Bucket) -> None:
    upload_tree(s3_bucket.client, s3_bucket.name, ROOT / "content")  # no manifest written
    store = S3Store(s3_bucket.client, s3_bucket.name)
    fetch = Prefetch(store, DEFAULT_INDEX_KEY)
    counted = CountedReads(store)
    site = Site(counted, manifest_key=DEFAULT_INDEX_KEY, index_ttl=TTL)
    site.live.prefetched(fetch)
    assert TestClient(create_app(site)).get(SEED_URL).status_code == 200
    assert counted.reads.get(DEFAULT_INDEX_KEY, 0) == 0
