"""handler.engine.loaded: YAML's values carried in JSON exactly, or not at all, and read back
within YAML's own limits."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from handler.engine.loaded import (
    MAX_YAML_DEPTH,
    MAX_YAML_NODES,
    Unbounded,
    carried,
    same,
    thaw_bounded,
)


@pytest.mark.parametrize(
    "value",
    [
        {"title": "t", "n": 1, "x": 1.5, "ok": True, "none": None, "list": [1, "a", [2]]},
        {"day": date(2024, 1, 2), "at": datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)},
        {"at": datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=-7)))},
        {"naive": datetime(2024, 1, 2, 3, 4, 5)},
        ["ünïcode", "emoji \U0001f600", "\u2028"],
        None,
        12345678901234567890,
    ],
)
def test_what_json_holds_exactly_travels_and_reads_back_the_same(value: Any) -> None:
    found = carried(value)
    assert found is not None
    back = thaw_bounded(json.loads(json.dumps(found[0])))
    assert same(back, value)


@pytest.mark.parametrize(
    "value",
    [
        {1: "one"},  # JSON keys are strings
        {"s": {1, 2}},  # a set comes back a list
        {"t": ("a", "b")},  # a tuple too
        {"odd": {"$t": "2024-01-01T00:00:00"}},  # the author's own tag-shaped mapping
        {"nan": float("nan")},  # never equal to itself
    ],
)
def test_what_json_would_change_is_not_carried(value: Any) -> None:
    assert carried(value) is None


def test_same_tells_types_apart_where_equality_does_not() -> None:
    assert not same(1, 1.0) and not same(1, True) and not same(0, False)
    assert not same({"a": 1, "b": 2}, {"b": 2, "a": 1})  # key order is a mapping's order
    utc = datetime(2024, 1, 1, 12, tzinfo=UTC)
    assert not same(utc, utc.astimezone(timezone(timedelta(hours=2))))  # same instant
    assert same([date(2024, 1, 1)], [date(2024, 1, 1)])


def test_a_value_from_the_bucket_stays_within_yamls_limits() -> None:
    thaw_bounded(json.loads("[" * (MAX_YAML_DEPTH - 1) + "]" * (MAX_YAML_DEPTH - 1)))
    with pytest.raises(Unbounded, match="deeper or larger"):
        thaw_bounded(json.loads("[" * (MAX_YAML_DEPTH + 1) + "]" * (MAX_YAML_DEPTH + 1)))
    thaw_bounded(list(range(MAX_YAML_NODES - 1)))
    with pytest.raises(Unbounded, match="deeper or larger"):
        thaw_bounded(list(range(MAX_YAML_NODES)))
    with pytest.raises(Unbounded, match="malformed"):
        thaw_bounded({"$d": "yesterday"})
