"""One CPU budget per page render: a page that loops forever stops, and says so.

Everything a page render runs (Liquid in the page, its layouts and includes, markdown, the content
and excerpts of the documents it lists) is bucket content, so it runs inside :func:`limit`. One
watcher thread for the whole process sleeps until the earliest budget could be spent, reads each
rendering thread's CPU clock (so waiting for the GIL under load does not count) and, once a budget
is spent, raises :class:`BudgetExceeded` in that thread (``PyThreadState_SetAsyncExc``):
pure-Python loops stop at their next bytecode. Budgets nest: an inner :func:`limit` inside an outer
one adds nothing, so a page's whole render shares the outer budget.

Only code without I/O or locks of its own may run inside (a store read happens before a render,
or is measured as part of it and must not hold a lock when interrupted).
"""

from __future__ import annotations

import ctypes
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class BudgetExceeded(BaseException):
    """Raised inside a render when its budget is spent. A ``BaseException``, so template and
    library code that catches ``Exception`` cannot swallow it."""


_active = threading.local()
_REFIRE_SECONDS = 0.05  # after a budget is spent, how often it is raised again until obeyed
_MIN_SLEEP = 0.005
_NEVER = float("inf")


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
        _WATCHER.enter(deadline)
        try:
            yield
        finally:
            _WATCHER.leave(deadline)
    finally:
        _active.deadline = None


def active() -> bool:
    """Whether this thread is inside a budget."""
    return getattr(_active, "deadline", None) is not None


class _Deadline:
    """``seconds`` of CPU for the thread that creates it, counted from when it is entered."""

    __slots__ = ("clock", "fired", "next_check", "seconds", "start", "thread")

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.thread = threading.get_ident()
        self.clock = _thread_clock(self.thread)
        self.start = 0.0
        self.next_check = 0.0  # on the monotonic clock: no CPU can be spent before then
        self.fired = False


class _Watcher:
    """The one thread that watches every active budget of the process.

    It wakes at the earliest moment any budget could be spent (CPU time never runs ahead of the
    wall clock), so entering a budget costs no thread and, usually, no wake-up at all.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._deadlines: dict[int, _Deadline] = {}  # by thread: one active budget per thread
        self._thread: threading.Thread | None = None
        self._wakes_at = _NEVER

    def reset(self) -> None:
        """In a forked child: the watcher thread did not come along (and may have held the
        lock), so start from nothing; the next budget starts the child's own watcher."""
        self.__init__()  # type: ignore[misc]

    def enter(self, deadline: _Deadline) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._watch, name="render-budget", daemon=True
                )
                self._thread.start()
            deadline.start = deadline.clock()
            deadline.next_check = time.monotonic() + deadline.seconds
            self._deadlines[deadline.thread] = deadline
            if deadline.next_check < self._wakes_at:
                self._wake.notify()

    def leave(self, deadline: _Deadline) -> None:
        with self._lock:
            self._deadlines.pop(deadline.thread, None)
            if deadline.fired:  # clear the exception if it is still pending rather than raised
                _set_async_exc(deadline.thread, None)

    def _watch(self) -> None:
        with self._lock:
            while True:
                now = time.monotonic()
                wake = _NEVER
                for deadline in list(self._deadlines.values()):
                    if deadline.next_check <= now:
                        self._check(deadline, now)
                    wake = min(wake, deadline.next_check)
                self._wakes_at = wake
                timeout = None if wake == _NEVER else max(wake - now, _MIN_SLEEP)
                self._wake.wait(timeout)
                self._wakes_at = _NEVER

    @staticmethod
    def _check(deadline: _Deadline, now: float) -> None:
        try:
            left = deadline.seconds - (deadline.clock() - deadline.start)
        except OSError:  # the thread is gone
            left = _REFIRE_SECONDS
        if left > 0:
            deadline.next_check = now + left
            return
        deadline.fired = True
        _set_async_exc(deadline.thread, BudgetExceeded)
        # Raise again until the block is left: an asynchronous exception lands wherever the
        # thread is, and Python code that cannot propagate it (a gc callback, a finalizer, a
        # weakref callback) only prints it as "unraisable" and goes on.
        deadline.next_check = now + _REFIRE_SECONDS


_WATCHER = _Watcher()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_WATCHER.reset)


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
