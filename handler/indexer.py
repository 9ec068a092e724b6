"""Lambda entry for S3 events: keeps the site index (manifest) in the bucket current.

Each event names a few keys. For each, the indexer looks at that one object as it is *now* (so
events arriving late or out of order still converge on the bucket's state), updates its record,
and writes the manifest back with ``If-Match`` on the version it read. Two indexers racing cannot
lose an update: the loser's write fails with 412, and it re-reads and re-applies. The template also
gives the function a reserved concurrency of 1, so in practice they queue instead of racing; the
conditional write is what makes that safe rather than merely likely. A change to ``_config.yml``
can move every URL, so it rebuilds the whole index.

With the CDN on, the indexer also invalidates the URLs that can show what changed
(:mod:`handler.site.invalidation`).
"""

from __future__ import annotations

import functools
import logging
import os
import random
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote_plus

from handler.engine import manifest
from handler.engine.config import CONFIG_KEY
from handler.engine.index import (
    IGNORED_PREFIXES,
    Limits,
    SiteIndex,
    read_config_text,
    refresh,
    scan,
)
from handler.engine.plugins.sass import precompile, sass_pages
from handler.engine.view import SiteView
from handler.errors import NotFound, PreconditionFailed
from handler.settings import DEFAULT_INDEX_KEY, DEFAULT_MAX_POST_BYTES, Settings
from handler.site.invalidation import affected
from handler.store import WritableStore

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8


@dataclass
class Outcome:
    """What one batch of changes did to the index."""

    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    urls: set[str] = field(default_factory=set)  # pages whose content changed
    rebuilt: bool = False
    attempts: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "updated": self.updated,
            "removed": self.removed,
            "problems": self.problems,
            "rebuilt": self.rebuilt,
            "attempts": self.attempts,
        }


def write_index(
    store: WritableStore,
    key: str = DEFAULT_INDEX_KEY,
    *,
    max_post_bytes: int = DEFAULT_MAX_POST_BYTES,
    environment: str = "production",
) -> str:
    """Rebuild the manifest from everything in ``store`` and write it (compiling the site's Sass
    where libsass runs); returns the manifest's new version."""
    index = scan(store, limits=Limits(document=max_post_bytes))
    compile_sass(store, index, environment)
    body = manifest.dumps(index, read_config_text(store))
    version = store.put(key, body, content_type="application/json")
    log.info("wrote the site index %s (%d bytes) to %s", key, len(body), store.describe())
    return version


def compile_sass(store: WritableStore, index: SiteIndex, environment: str = "production") -> None:
    """Keep compiled CSS for the site's Sass pages in the bucket (see ``plugins.sass``)."""
    view = SiteView.of(index, datetime.now(UTC))
    if not sass_pages(view):
        return
    written = precompile(store, view, environment=environment)
    if written:
        log.info("compiled Sass: %s", ", ".join(written))


def keys_from_event(event: Mapping[str, Any], prefix: str = "") -> list[str]:
    """The content keys an S3 notification names, relative to ``prefix``, without duplicates.

    S3 sends keys URL-encoded with ``+`` for spaces. Keys outside the prefix are ignored.
    """
    keys: list[str] = []
    for record in event.get("Records", []):
        raw = record.get("s3", {}).get("object", {}).get("key")
        if not isinstance(raw, str):
            continue
        key = unquote_plus(raw)
        if prefix and not key.startswith(prefix):
            continue
        key = key[len(prefix) :]
        if key not in keys:
            keys.append(key)
    return keys


def apply_changes(
    store: WritableStore,
    keys: Sequence[str],
    *,
    index_key: str = DEFAULT_INDEX_KEY,
    max_post_bytes: int = DEFAULT_MAX_POST_BYTES,
    environment: str = "production",
    pause: float = 0.05,
) -> Outcome:
    """Bring the manifest up to date with the current state of ``keys``; retry lost races."""
    limits = Limits(document=max_post_bytes)
    keys = [k for k in keys if k != index_key and not k.startswith(IGNORED_PREFIXES)]
    if not keys:
        return Outcome()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        outcome = Outcome(attempts=attempt)
        try:
            current = store.get(index_key)
        except NotFound:
            index = scan(store, limits=limits)
            _record(outcome, None, index, keys, rebuilt=True)
            compile_sass(store, index, environment)
            store.put(
                index_key,
                manifest.dumps(index, read_config_text(store)),
                content_type="application/json",
                if_none_match=True,
            )
            return outcome
        previous, config_text = manifest.loads(current.body, index_key)
        index = refresh(store, previous, keys, limits=limits)
        if CONFIG_KEY in keys:
            config_text = read_config_text(store)
        _record(outcome, previous, index, keys, rebuilt=CONFIG_KEY in keys)
        if _affects_sass(index, keys):
            compile_sass(store, index, environment)
        try:
            store.put(
                index_key,
                manifest.dumps(index, config_text),
                content_type="application/json",
                if_match=current.version,
            )
            return outcome
        except PreconditionFailed:
            log.info("the site index changed while we updated it; retrying (%d)", attempt)
            time.sleep(pause * attempt * random.uniform(0.5, 1.5))  # noqa: S311 - jitter only
    raise PreconditionFailed(f"{index_key} kept changing; gave up after {MAX_ATTEMPTS} attempts")


def _record(
    outcome: Outcome,
    previous: SiteIndex | None,
    index: SiteIndex,
    keys: Sequence[str],
    *,
    rebuilt: bool,
) -> None:
    outcome.rebuilt = rebuilt
    for key in keys:
        if key in index.problems:
            log.error("content error, keeping the last good version: %s", index.problems[key])
            outcome.problems.append(str(index.problems[key]))
        elif index.version_of(key) is not None:
            outcome.updated.append(key)
        elif previous is not None and previous.version_of(key) is not None:
            outcome.removed.append(key)
    outcome.urls = affected(previous, index, keys)


def _affects_sass(index: SiteIndex, keys: Sequence[str]) -> bool:
    """Whether a change can alter a Sass page's output: the configuration, a Sass file, a Sass
    page, or a data file (its Liquid may read ``site.data``)."""
    config = index.config
    folders = tuple(d + "/" for d in (*config.sass_dirs, config.data_dir))
    return any(
        key == CONFIG_KEY or key.startswith(folders) or key.endswith((".scss", ".sass"))
        for key in keys
    )


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


def handler(event: Mapping[str, Any], context: object) -> dict[str, Any]:
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
