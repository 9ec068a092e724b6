"""One CPU budget per page render: a page that loops forever stops, and says so.

Everything a page render runs (Liquid in the page, its layouts and includes, markdown, the content
and excerpts of the documents it lists) is bucket content, so it runs inside :func:`limit`. One
watcher thread for the whole process sleeps until the earliest budget could be spent, reads each
rendering thread's CPU clock (so waiting for the GIL under load does not count) and, once a budget
is spent, raises :class:`BudgetExceeded` in that thread (``PyThreadState_SetAsyncExc``):
pure-Python loops stop at their next bytecode. Budgets nest: an inner :func:`limit` inside an outer
one adds nothing, so a page's whole render shares the outer budget. A :func:`share` is a budget of
its own inside the current one (a listing's part for one post): it stops at its own seconds or at
the outer budget's, whichever comes first, and :attr:`Budget.spent` tells which.

Only code without I/O or locks of its own may run inside (a store read happens before a render,
or is measured as part of it and must not hold a lock when interrupted).
"""

from __future__ import annotations

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


class Budget:
    """What a :func:`limit` or :func:`share` block may ask of its own budget."""

    __slots__ = ("_deadline",)

    def __init__(self, deadline: _Deadline | None) -> None:
        self._deadline = deadline

    @property
    def spent(self) -> bool:
        """Whether this block's own seconds ran out (``False`` when an outer budget stopped it,
        or when the block added no budget of its own)."""
        return self._deadline is not None and self._deadline.fired


@contextmanager
def limit(seconds: float | None) -> Iterator[Budget]:
    """Run the block with at most ``seconds`` of this thread's CPU time (``None``: unbounded).

    Inside an active budget, does nothing: the outer budget covers the block.
    """
    if seconds is None or _stack():
        yield Budget(None)
        return
    with _entered(seconds) as deadline:
        yield Budget(deadline)


@contextmanager
def share(seconds: float) -> Iterator[Budget]:
    """Run the block with at most ``seconds`` of CPU of its own, inside the current budget if
    there is one: it stops at whichever runs out first. On :class:`BudgetExceeded`, ``spent``
    says whether it was this share (the block's fault) or the outer budget (the caller's)."""
    with _entered(max(seconds, 0.0)) as deadline:
        yield Budget(deadline)


def active() -> bool:
    """Whether this thread is inside a budget."""
    return bool(_stack())


def remaining() -> float | None:
    """CPU seconds left before a budget stops this thread (``None``: it has none)."""
    stack = _stack()
    return min(deadline.left() for deadline in stack) if stack else None


def _stack() -> list[_Deadline]:
    stack: list[_Deadline] | None = getattr(_active, "stack", None)
    if stack is None:
        stack = _active.stack = []
    return stack


@contextmanager
def _entered(seconds: float) -> Iterator[_Deadline]:
    deadline = _Deadline(seconds)
    stack = _stack()
    stack.append(deadline)
    try:
        _WATCHER.enter(deadline)
        try:
            yield deadline
        finally:
            _WATCHER.leave(deadline)
    finally:
        stack.remove(deadline)


class _Deadline:
    """``seconds`` of CPU for the thread that creates it, counted from when it is entered."""

    __slots__ = ("clock", "entered", "fired", "next_check", "seconds", "start", "thread")

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.thread = threading.get_ident()
        self.clock = _thread_clock(self.thread)
        self.start = 0.0
        self.entered = False
        self.next_check = 0.0  # on the monotonic clock: no CPU can be spent before then
        self.fired = False

    def left(self) -> float:
        """CPU seconds left (all of them until it is entered; none once the thread is gone)."""
        if not self.entered:
            return self.seconds
        try:
            return self.seconds - (self.clock() - self.start)
        except OSError:
            return 0.0


class _Watcher:
    """The one thread that watches every active budget of the process.

    It wakes at the earliest moment any budget could be spent (CPU time never runs ahead of the
    wall clock), so entering a budget costs no thread and, usually, no wake-up at all.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._deadlines: dict[int, list[_Deadline]] = {}  # by thread: its nested budgets
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
            deadline.entered = True
            deadline.next_check = time.monotonic() + deadline.seconds
            self._deadlines.setdefault(deadline.thread, []).append(deadline)
            if deadline.next_check < self._wakes_at:
                self._wake.notify()

    def leave(self, deadline: _Deadline) -> None:
        with self._lock:
            nested = self._deadlines.get(deadline.thread, [])
            if deadline in nested:
                nested.remove(deadline)
            if not nested:
                self._deadlines.pop(deadline.thread, None)
            if deadline.fired:  # clear the exception if it is still pending rather than raised
                # (an outer budget that is spent too raises it again at its next check)
                _set_async_exc(deadline.thread, None)

    def _watch(self) -> None:
        with self._lock:
            while True:
                now = time.monotonic()
                wake = _NEVER
                for deadline in [d for nested in self._deadlines.values() for d in nested]:
                    if deadline.next_check <= now:
                        self._check(deadline, now)
                    wake = min(wake, deadline.next_check)
                self._wakes_at = wake
                timeout = None if wake == _NEVER else max(wake - now, _MIN_SLEEP)
                self._wake.wait(timeout)
                self._wakes_at = _NEVER

    @staticmethod
    def _check(deadline: _Deadline, now: float) -> None:
        left = deadline.left()
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
    import ctypes  # only when a budget runs out: not on every cold start

    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread), ctypes.py_object(exc) if exc is not None else None
    )
