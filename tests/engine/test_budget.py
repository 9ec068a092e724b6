"""The CPU budget: it stops a runaway loop, nests, and cannot be shaken off by swallowing it once."""

from __future__ import annotations

import time

import pytest

from handler.engine import budget
from handler.engine.budget import BudgetExceeded


def _spin(seconds: float) -> None:
    """Burn CPU for up to ``seconds`` (a bounded loop: a test that fails still ends)."""
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


def test_a_loop_is_stopped_once_its_cpu_is_spent() -> None:
    began = time.thread_time()
    with pytest.raises(BudgetExceeded), budget.limit(0.05):
        _spin(5)
    assert time.thread_time() - began < 2


def test_a_swallowed_budget_is_raised_again() -> None:
    # An asynchronous exception can land where Python prints it and goes on (a gc callback, a
    # finalizer): the budget must fire again rather than let the render run unbounded.
    swallowed = 0
    began = time.thread_time()
    with pytest.raises(BudgetExceeded), budget.limit(0.05):
        for _ in range(3):
            try:
                _spin(5)
            except BudgetExceeded:
                swallowed += 1
        _spin(5)
    assert swallowed == 3
    assert time.thread_time() - began < 3


def test_an_inner_budget_shares_the_outer_one() -> None:
    with budget.limit(10):
        assert budget.active()
        with budget.limit(0.01):  # adds nothing: the outer budget is the page's
            _spin(0.1)
    assert not budget.active()


def test_a_block_that_ends_in_time_leaves_nothing_pending() -> None:
    with budget.limit(0.2):
        _spin(0.01)
    _spin(0.4)  # a pending exception would surface here
    assert not budget.active()


def test_budgets_are_per_thread() -> None:
    # One watcher serves every thread: a long budget entered first must not delay a short one
    # entered later in another thread, and stopping one thread leaves the other alone.
    import threading

    results: dict[str, str] = {}
    long_entered = threading.Event()

    def long_render() -> None:
        with budget.limit(30):
            long_entered.set()
            _spin(0.3)
        results["long"] = "finished"

    def short_render() -> None:
        long_entered.wait(5)
        try:
            with budget.limit(0.05):
                _spin(5)
            results["short"] = "finished"
        except BudgetExceeded:
            results["short"] = "stopped"

    threads = [threading.Thread(target=long_render), threading.Thread(target=short_render)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert results == {"long": "finished", "short": "stopped"}


def test_a_share_stops_at_its_own_seconds_and_says_so() -> None:
    began = time.thread_time()
    with budget.limit(10) as page:
        with pytest.raises(BudgetExceeded), budget.share(0.05) as part:
            _spin(5)
        assert part.spent and not page.spent
        assert budget.active()
        _spin(0.2)  # the page goes on: nothing of the share's is left pending
    assert time.thread_time() - began < 3
    assert not budget.active()


def test_a_share_never_outlasts_the_budget_around_it() -> None:
    with pytest.raises(BudgetExceeded), budget.limit(0.05) as page, budget.share(30) as part:
        try:
            _spin(5)
        finally:
            assert page.spent and not part.spent  # the outer budget's, not the share's


def test_remaining_counts_down_the_innermost_budget() -> None:
    assert budget.remaining() is None
    with budget.limit(5):
        left = budget.remaining()
        assert left is not None and 4 < left <= 5
        with budget.share(1):
            inner = budget.remaining()
            assert inner is not None and inner <= 1
    assert budget.remaining() is None
