"""One CPU budget per page render: a page that loops forever stops, and says so.

Everything a page render runs (Liquid in the page, its layouts and includes, markdown, the content
and excerpts of the documents it lists) is bucket content, so it runs inside :func:`limit`. A
watcher thread sleeps until the budget could be spent, reads the rendering thread's CPU clock (so
waiting for the GIL under load does not count) and, once it is spent, raises
:class:`BudgetExceeded` in that thread (``PyThreadState_SetAsyncExc``): pure-Python loops stop at
their next bytecode. Budgets nest: an inner :func:`limit` inside an outer one adds nothing, so a
page's whole render shares the outer budget.

Only code without I/O or locks of its own may run inside (a store read happens before a render,
or is measured as part of it and must not hold a lock when interrupted).
"""

from __future__ import annotations

import ctypes
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class BudgetExceeded(BaseException):
    """Raised inside a render when its budget is spent. A ``BaseException``, so template and
    library code that catches ``Exception`` cannot swallow it."""


_active = threading.local()
_REFIRE_SECONDS = 0.05  # after a budget is spent, how often it is raised again until obeyed


@contextmanager
def limit(seconds: float | None) -> Iterator[None]:
    """Run the block with at most ``seconds`` of this thread's CPU time (``None``: unbounded).

    Inside an active budget, does nothing: the outer budget covers the block.
    """
    if seconds is None or getattr(_active, "deadline", None) is not None:
        yield
        return
    deadline = _Deadline(seconds)
    _active.deadline = deadline
    try:
        with deadline:
            yield
    finally:
        _active.deadline = None


def active() -> bool:
    """Whether this thread is inside a budget."""
    return getattr(_active, "deadline", None) is not None


class _Deadline:
    """Interrupt the thread that enters this context once it has used ``seconds`` of CPU inside."""

    def __init__(self, seconds: float) -> None:
        self._seconds = seconds
        self._thread = threading.get_ident()
        self._clock = _thread_clock(self._thread)
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._inside = False
        self._fired = False
        self._watcher = threading.Thread(target=self._watch, name="render-budget", daemon=True)

    def __enter__(self) -> _Deadline:
        self._inside = True
        self._start = self._clock()
        self._watcher.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        with self._lock:
            self._inside = False
            if self._fired:  # clear the exception if it is still pending rather than raised
                _set_async_exc(self._thread, None)

    def _watch(self) -> None:
        left = self._seconds
        while not self._done.wait(max(left, 0.005)):
            left = self._seconds - (self._clock() - self._start)
            if left <= 0:
                with self._lock:
                    if self._inside:
                        self._fired = True
                        _set_async_exc(self._thread, BudgetExceeded)
                # Raise again until the block is left: an asynchronous exception lands wherever
                # the thread is, and Python code that cannot propagate it (a gc callback, a
                # finalizer, a weakref callback) only prints it as "unraisable" and goes on.
                left = _REFIRE_SECONDS


def _thread_clock(thread: int) -> Callable[[], float]:
    """A clock of ``thread``'s CPU time, or the monotonic wall clock where there is none."""
    try:
        clock_id = time.pthread_getcpuclockid(thread)
        time.clock_gettime(clock_id)
    except (AttributeError, OSError):
        return time.monotonic
    return lambda: time.clock_gettime(clock_id)


def _set_async_exc(thread: int, exc: type[BaseException] | None) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread), ctypes.py_object(exc) if exc is not None else None
    )
