"""The live site index: read once, revalidated at most every ``index_ttl`` seconds.

In a bucket the index is the manifest object, revalidated with a conditional GET (a 304 parses
nothing); without a manifest (or with an unreadable one) the bucket is listed instead, and logged.
A local folder is scanned, so an author's edits show without re-indexing. Each index gets one
:class:`SiteView`, rebuilt when a scheduled document's moment comes.

Readers never queue behind a revalidation. Only the first load (there is nothing to serve yet)
is waited for. After that, one refresh at a time runs under a try-lock: a reader that finds it
taken serves the current index. In a bucket the refresh runs in a thread of its own and the
request that started it waits for it only ``refresh_wait`` seconds (a healthy S3 answers in tens
of milliseconds, so the index is as fresh as before; an S3 that accepts and never answers holds
no reader for its timeouts). A refresh that fails keeps serving the last index and is tried again
after an exponential, jittered backoff (a cold load that failed too: waiting readers are answered
at once instead of each waiting for the same timeouts).
"""

from __future__ import annotations

import gc
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from handler.engine import manifest
from handler.engine.index import Limits, SiteIndex, scan
from handler.engine.view import SiteView, Visibility
from handler.errors import NotFound, StoreUnavailable
from handler.store import Store, StoredObject
from handler.store.prefetch import Prefetch

log = logging.getLogger(__name__)

INDEX_RETRY_SECONDS = 1.0  # after a failed refresh, try again this soon; doubled per failure
INDEX_RETRY_MAX_SECONDS = 60.0  # the longest backoff between refreshes of an unreachable store
REFRESH_WAIT_SECONDS = 0.5  # how long the request that starts a bucket's refresh waits for it


@dataclass
class _State:
    index: SiteIndex | None = None
    view: SiteView | None = None
    checked_at: float = float("-inf")
    retry_at: float = float("-inf")
    manifest_version: str | None = None
    failures: int = 0  # consecutive failed refreshes (the backoff grows with them)
    error: StoreUnavailable | None = None  # the last failure, while no index has loaded
    # Held by whoever is refreshing: the first load (readers wait for it), or one revalidation
    # (readers never wait for it: they take it with a try-lock, or serve the current index).
    lock: threading.Lock = field(default_factory=threading.Lock)


class LiveIndex:
    """The current index and view of a store.

    ``manifest_key``: read the index from this manifest object (the production setting for a
    bucket); ``None`` scans the store instead (a local folder an author is editing).
    """

    def __init__(
        self,
        store: Store,
        *,
        manifest_key: str | None = None,
        index_ttl: float = 5.0,
        limits: Limits | None = None,
        visibility: Visibility | None = None,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        refresh_wait: float | None = REFRESH_WAIT_SECONDS,
    ) -> None:
        self.store = store
        self.manifest_key = manifest_key
        self.index_ttl = index_ttl
        # A bucket's revalidation runs in a thread, waited for this long; a local folder's scan
        # (nothing there can hang) is done by the request that finds the index due.
        self.refresh_wait = refresh_wait if manifest_key is not None else None
        self.limits = limits or Limits()
        self.visibility = visibility or Visibility()
        self._clock = clock
        self._now = now
        self._state = _State()
        self._prefetch: Prefetch | None = None

    def prefetched(self, fetch: Prefetch) -> None:
        """Take the first manifest from ``fetch`` (started while the process was starting)."""
        self._prefetch = fetch

    def now(self) -> datetime:
        return self._now()

    def expire(self) -> None:
        """Take the index as due now: the next request revalidates it (after a process was
        restored from a snapshot, when any amount of time may have passed). Backoff is reset."""
        state = self._state
        state.checked_at = state.retry_at = float("-inf")

    def view(self) -> SiteView:
        """The current view, revalidating the index when it is older than ``index_ttl``."""
        state = self._state
        if state.view is None:
            self._load_first(state)
        elif self._due(state):
            self._revalidate(state)
        view = state.view
        assert view is not None
        if view.next_change is not None and self._now() >= view.next_change:
            view = SiteView.of(view.index, self._now(), self.visibility)
            state.view = view
        return view

    def current(self) -> SiteView | None:
        """The view if it is still fresh and current, without any I/O; else ``None``."""
        state = self._state
        view = state.view
        if view is None or (self._due(state) and not state.lock.locked()):
            return None  # the caller goes through view(), which starts the refresh
        if view.next_change is not None and self._now() >= view.next_change:
            return None
        return view

    def last(self) -> SiteView | None:
        """The last view built, however old (error pages use it)."""
        return self._state.view

    def index(self) -> SiteIndex:
        """The current index, its problems included (which the view's index may predate: a
        broken upload keeps the last good record, so the view stays as it was)."""
        self.view()
        index = self._state.index
        assert index is not None
        return index

    def view_of(self, index: SiteIndex, visibility: Visibility | None = None) -> SiteView:
        return SiteView.of(index, self._now(), visibility or self.visibility)

    def _due(self, state: _State) -> bool:
        now = self._clock()
        return now - state.checked_at >= self.index_ttl and now >= state.retry_at

    def _load_first(self, state: _State) -> None:
        """Nothing to serve yet: wait for the first load (one at a time). While a failed first
        load backs off, readers get its error at once rather than each waiting on the store."""
        with state.lock:
            if state.view is not None:
                return
            if state.error is not None and self._clock() < state.retry_at:
                raise StoreUnavailable(f"{state.error} (the site index is retried shortly)")
            self._refresh(state)

    def _revalidate(self, state: _State) -> None:
        """Start one refresh unless one is running; never wait for another thread's."""
        if not state.lock.acquire(blocking=False):
            return
        if not self._due(state):  # another thread's refresh ended between the check and here
            state.lock.release()
            return
        if self.refresh_wait is None:
            try:
                self._refresh(state)
            finally:
                state.lock.release()
            return
        done = threading.Event()

        def run() -> None:
            try:
                self._refresh(state)
            except Exception as error:  # a bug, not an outage: logged, and backed off alike
                log.exception("could not refresh the site index, serving the last one")
                self._failed(state, error)
            finally:
                state.lock.release()
                done.set()

        threading.Thread(target=run, name="site index refresh", daemon=True).start()
        done.wait(self.refresh_wait)

    def _failed(self, state: _State, error: Exception) -> None:
        """Back off exponentially (with jitter, so many containers do not retry in step)."""
        state.failures += 1
        delay = min(INDEX_RETRY_SECONDS * 2 ** (state.failures - 1), INDEX_RETRY_MAX_SECONDS)
        state.retry_at = self._clock() + delay * random.uniform(0.5, 1.0)  # noqa: S311 - jitter

    def _refresh(self, state: _State) -> None:
        # A large index allocates in bulk: no cyclic collection while it loads, and once its view
        # is built it is frozen out of the collector's sight (measured: hits 1.5x slower at
        # 10,000 posts otherwise). Index and view hold no cycles: reference counting frees them.
        with _collector_paused():
            try:
                index = self.load(state.index)
            except StoreUnavailable as error:
                self._failed(state, error)
                if state.index is None:
                    state.error = error
                    raise
                log.error("could not refresh the site index, serving the last one: %s", error)
                return
            state.checked_at = self._clock()
            state.failures, state.error = 0, None
            if state.index is None or index.version != state.index.version:
                state.view = SiteView.of(index, self._now(), self.visibility)
                gc.freeze()
            state.index = index

    def load(self, previous: SiteIndex | None) -> SiteIndex:
        """The index from the manifest (a conditional GET) or, without one, a scan."""
        if self.manifest_key is None:
            return self._scan(previous)
        state = self._state
        try:
            prefetched = self._prefetched() if previous is None else None
            if prefetched is not None:
                obj = prefetched
            elif previous is not None and state.manifest_version is not None:
                changed = self.store.get_if_changed(self.manifest_key, state.manifest_version)
                if changed is None:
                    return previous  # 304: nothing parsed, nothing rebuilt
                obj = changed
            else:
                obj = self.store.get(self.manifest_key)
        except NotFound:
            log.warning(
                "no site index at %s in %s: building it by listing the store (slower); "
                "run `broadsheet index` or let the indexer function write it",
                self.manifest_key,
                self.store.describe(),
            )
            state.manifest_version = None
            return self._scan(previous)
        try:
            index, _ = manifest.loads(obj.body, self.manifest_key)
        except manifest.ManifestError as error:
            log.error("%s; building the index by listing the store instead", error)
            state.manifest_version = None
            return self._scan(previous)
        state.manifest_version = obj.version
        return index

    def _scan(self, previous: SiteIndex | None) -> SiteIndex:
        return scan(self.store, previous, limits=self.limits)

    def _prefetched(self) -> StoredObject | None:
        fetch, self._prefetch = self._prefetch, None
        if fetch is None or fetch.key != self.manifest_key:
            return None
        found = fetch.result()
        if found is None:
            return None  # read again now, and any error reported as usual
        obj, fetched_at = found
        if time.time() - fetched_at > self.index_ttl:  # e.g. a process restored from a snapshot
            if isinstance(obj, Exception):
                return None
            assert self.manifest_key is not None
            return self.store.get_if_changed(self.manifest_key, obj.version) or obj
        if isinstance(obj, Exception):
            raise obj  # the store's answer just now: not asked twice (S3 down is slow to say so)
        return obj


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while a large index is built (it allocates in bulk)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
