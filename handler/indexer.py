"""Lambda entry for S3 events: keeps what Broadsheet keeps in the bucket current.

Each event names a few keys of the site; :func:`handler.site.bucket.apply_changes` brings the site
index (and the compiled Sass) up to date with them, and with the CDN on, the indexer then
invalidates the URLs that can show what changed (:mod:`handler.site.invalidation`). The template
gives the function a reserved concurrency of 1, so in practice updates queue instead of racing;
the conditional write in ``apply_changes`` is what makes that safe rather than merely likely.
"""

from __future__ import annotations

import functools
import logging
import os
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

from handler.engine.index import IGNORED_PREFIXES
from handler.settings import Settings
from handler.site.bucket import Outcome, apply_changes
from handler.store import WritableStore

log = logging.getLogger(__name__)


def keys_from_event(event: object, prefix: str = "") -> list[str]:
    """The content keys an S3 notification names, relative to ``prefix``, without duplicates.

    S3 sends keys URL-encoded with ``+`` for spaces. Keys outside the prefix are ignored. An
    event or record of another shape (not an S3 notification, a test event, a hand-written
    ``{"Records": "x"}``) is logged and skipped: it names no key, and fails nothing.
    """
    records = event.get("Records") if isinstance(event, Mapping) else None
    if not isinstance(records, list):
        log.warning("skipped an event that is not an S3 notification: %.200r", event)
        return []
    keys: list[str] = []
    for record in records:
        raw = _object_key(record)
        if raw is None:
            log.warning("skipped a record that names no S3 object: %.200r", record)
            continue
        key = unquote_plus(raw)
        if prefix and not key.startswith(prefix):
            continue
        key = key[len(prefix) :]
        if key not in keys:
            keys.append(key)
    return keys


def _object_key(record: object) -> str | None:
    """``record["s3"]["object"]["key"]``, if the record has that shape."""
    found: object = record
    for field in ("s3", "object", "key"):
        if not isinstance(found, Mapping):
            return None
        found = found.get(field)
    return found if isinstance(found, str) and found else None


def invalidate(client: Any, distribution_id: str, urls: Iterable[str], baseurl: str = "") -> None:
    """Ask CloudFront to drop ``urls`` (one request; wildcards count as one path each)."""
    paths = sorted({baseurl + url for url in urls})
    if not paths:
        return
    if "/*" in urls:
        paths = [baseurl + "/*"]
    client.create_invalidation(
        DistributionId=distribution_id,
        InvalidationBatch={
            "Paths": {"Quantity": len(paths), "Items": paths},
            "CallerReference": f"broadsheet-{time.time_ns()}",
        },
    )


# --- the Lambda entry ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Runtime:
    """What the Lambda entry builds once per container from its environment."""

    settings: Settings
    store: WritableStore
    distribution_id: str | None


@functools.cache
def _runtime() -> _Runtime:
    from handler.store.s3 import S3Store, make_s3_client

    settings = Settings.from_mapping(os.environ)
    if not settings.content_bucket:
        raise RuntimeError("CONTENT_BUCKET is not set: the indexer needs the content bucket")
    store = S3Store(make_s3_client(), settings.content_bucket, settings.content_prefix)
    return _Runtime(settings, store, os.environ.get("DISTRIBUTION_ID") or None)


@functools.cache
def _cloudfront() -> Any:
    import boto3

    return boto3.client("cloudfront")


def handler(event: object, context: object) -> dict[str, Any]:
    """S3 ObjectCreated/ObjectRemoved events for any file of the site."""
    runtime = _runtime()
    keys = keys_from_event(event, runtime.settings.content_prefix)
    # Broadsheet's own objects (the index, compiled CSS) change nothing: no new index version.
    keys = [
        k for k in keys if k != runtime.settings.index_key and not k.startswith(IGNORED_PREFIXES)
    ]
    if not keys:
        return Outcome().as_dict()
    outcome = apply_changes(
        runtime.store,
        keys,
        index_key=runtime.settings.index_key,
        max_post_bytes=runtime.settings.max_post_bytes,
        environment=runtime.settings.jekyll_env,
    )
    log.info("indexed %s", outcome.as_dict())
    if runtime.distribution_id and outcome.urls:
        invalidate(_cloudfront(), runtime.distribution_id, outcome.urls)
    return outcome.as_dict()
