"""SnapStart's runtime hooks, run by the Lambda runtime's own hook runner (awslambdaric) over a
bucket in moto: before the snapshot the site is primed; after a restore the S3 client starts
afresh, the random state is new and the index is revalidated by the next request."""

from __future__ import annotations

import gc
import random
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import snapshot_restore_py
from awslambdaric import lambda_runtime_hooks_runner as hooks
from conftest import S3Bucket, api_event, call, upload_tree
from mypy_boto3_s3 import S3Client

from handler import snapstart
from handler.app import build_site, make_handler
from handler.settings import Settings
from handler.site.bucket import write_index
from handler.store.s3 import S3Store
from handler.web import create_app

ROOT = Path(__file__).parents[1]
SEED_URL = "/posts/2023/06/journey/"
NEW_POST = "_posts/2099-01-01-after-the-snapshot.md"


@pytest.fixture(autouse=True)
def hook_registries(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test registers into empty registries (the runtime keeps them per process)."""
    monkeypatch.setattr(snapshot_restore_py, "_before_snapshot_registry", [])
    monkeypatch.setattr(snapshot_restore_py, "_after_restore_registry", [])
    yield


def test_the_hooks_prime_the_snapshot_and_refresh_each_restore(
    s3_client: S3Client, s3_bucket: S3Bucket
) -> None:
    upload_tree(s3_client, s3_bucket.name, ROOT / "content")
    store = S3Store(s3_client, s3_bucket.name)
    write_index(store)
    # An index TTL no request in this test outlives: only the restore hook can make it due.
    env = {"CONTENT_BUCKET": s3_bucket.name, "INDEX_TTL": "3600", "SHOW_FUTURE": "true"}
    site = build_site(Settings.from_mapping(env), store)
    handler = make_handler(create_app(site))
    assert snapstart.register(site, store.reset_connections)

    frozen = gc.get_freeze_count()
    hooks.run_before_snapshot()
    assert site.cached("/") is not None  # rendered before the snapshot: hits from the start
    assert site.cached(SEED_URL) is not None
    assert gc.get_freeze_count() > frozen

    # Between the snapshot and a restore the site changes (a post is published).
    s3_client.put_object(Bucket=s3_bucket.name, Key=NEW_POST, Body=b"---\ntitle: New\n---\nNew.\n")
    write_index(store)
    new_url = "/after-the-snapshot/"  # content/_config.yml: permalink /:categories/:title/
    assert call(handler, api_event("2.0", "GET", new_url))["statusCode"] == 404  # not due yet

    state = random.getstate()
    hooks.run_after_restore()
    assert random.getstate() != state  # reseeded: restored copies draw different jitter
    # The index is revalidated by the next request, over new connections.
    assert call(handler, api_event("2.0", "GET", new_url))["statusCode"] == 200
    assert call(handler, api_event("2.0", "GET", SEED_URL))["statusCode"] == 200


def test_a_page_that_fails_does_not_stop_the_snapshot(
    s3_client: S3Client, s3_bucket: S3Bucket, tmp_path: Path
) -> None:
    site_root = tmp_path / "site"
    (site_root / "_posts").mkdir(parents=True)
    (site_root / "_posts" / "2024-01-01-broken.md").write_text(
        "---\ntitle: Broken\n---\n{% if x %}never closed\n", encoding="utf-8"
    )
    (site_root / "about.md").write_text("---\ntitle: About\n---\nAbout.\n", encoding="utf-8")
    upload_tree(s3_client, s3_bucket.name, site_root)
    store = S3Store(s3_client, s3_bucket.name)
    write_index(store)
    site = build_site(Settings.from_mapping({"CONTENT_BUCKET": s3_bucket.name}), store)
    primed = snapstart.prime(site)
    assert "/" in primed and "/about.html" in primed
    assert "/2024/01/01/broken.html" not in primed and len(primed) == 2


def test_nothing_is_registered_without_the_runtime(
    monkeypatch: pytest.MonkeyPatch, s3_client: S3Client, s3_bucket: S3Bucket
) -> None:
    monkeypatch.setitem(sys.modules, "snapshot_restore_py", None)  # a laptop: no such module
    site = build_site(Settings.from_mapping({"CONTENT_DIR": str(ROOT / "content")}))
    assert not snapstart.register(site, None)
