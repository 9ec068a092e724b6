"""Per-request timings: store calls inside a render count once, as store time."""

from __future__ import annotations

import contextvars

import pytest

from handler import timing


def test_store_time_inside_a_render_is_not_counted_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    ticks = iter([0.0, 0.010, 0.040, 0.100])  # render starts, store starts, store ends, render ends

    def run() -> timing.Timing:
        measured = timing.start()
        monkeypatch.setattr("handler.timing.time.perf_counter", lambda: next(ticks))
        with timing.measure("render"), timing.measure("store"):
            pass
        return measured

    measured = contextvars.copy_context().run(run)
    assert measured.store_ms == pytest.approx(30.0)
    assert measured.render_ms == pytest.approx(70.0)  # 100 ms in all, 30 of them in the store
    assert measured.server_timing() == 'cache;desc="miss", s3;dur=30.0, render;dur=70.0'


def test_outside_a_request_nothing_is_measured() -> None:
    def run() -> None:
        with timing.measure("render"):
            pass
        assert timing.current() is None
        assert not timing.over_budget(0.0)

    contextvars.Context().run(run)
