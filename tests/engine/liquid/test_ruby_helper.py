"""The differential tests' guard: skip without Ruby locally, fail without it in CI."""

from __future__ import annotations

import pytest

from . import ruby


def test_without_ruby_tests_skip_locally(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ruby, "_missing_cached", lambda: "ruby is not installed")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        ruby.require_ruby()


def test_without_ruby_tests_fail_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ruby, "_missing_cached", lambda: "ruby is not installed")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception):
        ruby.require_ruby()


def test_with_ruby_nothing_happens(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ruby, "_missing_cached", lambda: None)
    monkeypatch.setenv("CI", "true")
    ruby.require_ruby()


def test_values_are_tagged_for_the_harness() -> None:
    from datetime import UTC, date, datetime

    from .fakes import Drop

    encoded = ruby.encode(
        {"t": datetime(2020, 1, 2, tzinfo=UTC), "d": date(2020, 1, 2), "x": Drop({"a": (1,)})}
    )
    assert encoded == {
        "t": {"$t": "time", "v": "2020-01-02T00:00:00+00:00"},
        "d": {"$t": "date", "v": "2020-01-02"},
        "x": {"$t": "drop", "v": {"a": [1]}},
    }
