"""What Broadsheet keeps in the bucket beside the site: the site index (manifest), compiled Sass
and the bundle of the site's layouts and includes (``engine.bundle``).

Written in full by ``broadsheet publish`` and ``broadsheet index`` (:func:`write_index`), and
kept current, a few keys at a time, by the indexer function on S3 events (:func:`apply_changes`).
Each update looks at the changed objects as they are *now* (so events arriving late or out of
order still converge on the bucket's state) and writes the manifest back with ``If-Match`` on the
version it read: two writers racing cannot lose an update; the loser's write fails with 412, and
it re-reads and re-applies. A change to ``_config.yml`` can move every URL, so it rebuilds the
whole index. Sass is compiled here when libsass runs here (x86_64; see ``plugins.sass``).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from handler.engine import manifest
from handler.engine.bundle import write_bundle
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
from handler.errors import ContentError, NotFound, PreconditionFailed
from handler.settings import DEFAULT_INDEX_KEY, DEFAULT_MAX_POST_BYTES
from handler.site.invalidation import affected
from handler.store import StoredObject, WritableStore

log = logging.getLogger(__name__)

# Racing writers (the indexer with IndexerConcurrency 0, or beside `broadsheet publish`): each
# lost race costs a re-read and a re-apply, then a full-jitter exponential backoff. Attempts are
# bounded by time, 240 s of the indexer's 300 s timeout (the count only caps a runaway loop):
# a burst of a thousand uploads lets about one writer through per round trip, so the last of
# them may need a couple of minutes of retries, not eight.
MAX_ATTEMPTS = 1000
BACKOFF_BASE_SECONDS = 0.05
BACKOFF_CAP_SECONDS = 5.0
RETRY_BUDGET_SECONDS = 240.0


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
    write_bundle(store, index)
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


def apply_changes(
    store: WritableStore,
    keys: Sequence[str],
    *,
    index_key: str = DEFAULT_INDEX_KEY,
    max_post_bytes: int = DEFAULT_MAX_POST_BYTES,
    environment: str = "production",
    pause: float = BACKOFF_BASE_SECONDS,
    budget: float = RETRY_BUDGET_SECONDS,
    clock: Callable[[], float] = time.monotonic,
) -> Outcome:
    """Bring the manifest up to date with the current state of ``keys``; retry lost races.

    Every way of making the new index (an update of the one read, or a rebuild from a listing
    when there is none or it is unreadable) ends in one conditional write, inside the retry
    loop: a lost race is re-read and re-applied, whichever path lost it. Retries back off
    exponentially with full jitter (``pause`` doubling up to :data:`BACKOFF_CAP_SECONDS`) for
    up to ``budget`` seconds, so a burst of racing writers spreads out instead of colliding in
    step, and each one keeps trying for as long as the function may run.
    """
    limits = Limits(document=max_post_bytes)
    keys = [k for k in keys if k != index_key and not k.startswith(IGNORED_PREFIXES)]
    if not keys:
        return Outcome()
    deadline = clock() + budget
    for attempt in range(1, MAX_ATTEMPTS + 1):
        outcome = Outcome(attempts=attempt)
        current, previous, config_text = _read_index(store, index_key)
        if previous is None:
            index = scan(store, limits=limits)
            config_text = read_config_text(store)
            _record(outcome, None, index, keys, rebuilt=True)
            compile_sass(store, index, environment)
        else:
            index = refresh(store, previous, keys, limits=limits)
            if CONFIG_KEY in keys:
                config_text = read_config_text(store)
            _record(outcome, previous, index, keys, rebuilt=CONFIG_KEY in keys)
            if _affects_sass(index, keys):
                compile_sass(store, index, environment)
        # Before the index that names it: a render reading the new index finds its bundle.
        write_bundle(store, index)
        try:
            store.put(
                index_key,
                manifest.dumps(index, config_text),
                content_type="application/json",
                if_match=current.version if current is not None else None,
                if_none_match=current is None,
            )
            return outcome
        except PreconditionFailed:
            delay = random.uniform(0, min(BACKOFF_CAP_SECONDS, pause * 2**attempt))  # noqa: S311
            if clock() + delay > deadline:
                break
            log.info("the site index changed while we updated it; retrying (%d)", attempt)
            time.sleep(delay)
    raise PreconditionFailed(f"{index_key} kept changing; gave up after {attempt} attempts")


def _read_index(
    store: WritableStore, index_key: str
) -> tuple[StoredObject | None, SiteIndex | None, str | None]:
    """The manifest object, and the index and config text it holds; an index of ``None`` when
    there is none or it cannot be read (it is then rebuilt from a listing and written over,
    conditionally on the very object read, rather than failing this and every later event)."""
    try:
        current = store.get(index_key)
    except NotFound:
        return None, None, None
    try:
        previous, config_text = manifest.loads(current.body, index_key)
    except ContentError as error:
        log.error("%s; rebuilding the site index from a listing of the store", error)
        return current, None, None
    return current, previous, config_text


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
