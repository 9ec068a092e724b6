"""Per-request measurements (store time, render time, cache outcome) for logs and Server-Timing.

A ``contextvars`` slot, so the figures follow a request into the thread pool and back without
being passed through every call. Outside a request, measuring is a no-op.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass
class Timing:
    """What one request spent, in milliseconds, and how the cache answered."""

    store_ms: float = 0.0
    render_ms: float = 0.0
    cache: str = "miss"  # hit | miss | stale | bypass
    started: float = field(default_factory=time.perf_counter)
    partial: bool = False  # a listing left work undone to stay inside the request's budget

    def server_timing(self) -> str:
        return f'cache;desc="{self.cache}", s3;dur={self.store_ms:.1f}, render;dur={self.render_ms:.1f}'


_current: ContextVar[Timing | None] = ContextVar("broadsheet_timing", default=None)


def start() -> Timing:
    timing = Timing()
    _current.set(timing)
    return timing


def current() -> Timing | None:
    return _current.get()


def mark_cache(outcome: str) -> None:
    if (timing := _current.get()) is not None:
        timing.cache = outcome


@contextmanager
def measure(what: str) -> Iterator[None]:
    """Add the time spent in the block to the current request's ``store_ms`` or ``render_ms``.

    Store calls made inside a "render" block count as store time only, not twice.
    """
    began = time.perf_counter()
    timing = _current.get()
    store_before = timing.store_ms if timing is not None else 0.0
    try:
        yield
    finally:
        if timing is not None:
            elapsed = (time.perf_counter() - began) * 1000
            if what == "store":
                timing.store_ms += elapsed
            else:
                timing.render_ms += elapsed - (timing.store_ms - store_before)


def over_budget(seconds: float) -> bool:
    """True once the current request has run for ``seconds`` (never outside a request)."""
    timing = _current.get()
    return timing is not None and time.perf_counter() - timing.started > seconds


def mark_partial() -> None:
    if (timing := _current.get()) is not None:
        timing.partial = True


def is_partial() -> bool:
    timing = _current.get()
    return timing is not None and timing.partial
