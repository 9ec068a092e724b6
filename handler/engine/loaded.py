"""Values loaded from YAML (front matter, ``_config.yml``, ``_data``): their limits, and their form
in JSON, in which the site index and the template bundle carry them so that a reader need not
load YAML again.

JSON has no dates: times and dates are tagged (``{"$t": ISO}``, ``{"$d": ISO}``). What JSON would
change (keys that are not strings, sets, NaN, a tag-shaped mapping of the author's own) is not
carried (:func:`carried`): the reader loads the text instead. What comes back from the bucket is
untrusted: :func:`thaw_bounded` refuses values deeper or larger than YAML loading allows, so a
forged index or bundle can give no value that the file itself could not.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

__all__ = [
    "MAX_YAML_DEPTH",
    "MAX_YAML_NODES",
    "Unbounded",
    "carried",
    "freeze",
    "same",
    "thaw",
    "thaw_bounded",
]

MAX_YAML_NODES = 20_000  # nodes after expanding aliases: "billion laughs" stays cheap
MAX_YAML_DEPTH = 50


class Unbounded(ValueError):
    """A carried value deeper or larger than YAML loading allows, or not a value at all."""


def freeze(value: Any) -> Any:
    """JSON-able form of loaded values: times and dates tagged, sets and tuples as lists."""
    if isinstance(value, datetime):
        return {"$t": value.isoformat()}
    if isinstance(value, date):
        return {"$d": value.isoformat()}
    if isinstance(value, Mapping):
        return {str(k): freeze(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [freeze(v) for v in value]
    return value


def thaw(value: Any) -> Any:
    """The value :func:`freeze` was given (for values it could carry exactly)."""
    if isinstance(value, dict):
        if len(value) == 1:
            if "$t" in value:
                return datetime.fromisoformat(value["$t"])
            if "$d" in value:
                return date.fromisoformat(value["$d"])
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, list):
        return [thaw(v) for v in value]
    return value


def thaw_bounded(value: Any) -> Any:
    """:func:`thaw` for a value read from the bucket: :class:`Unbounded` when it nests deeper than
    ``MAX_YAML_DEPTH``, holds more than ``MAX_YAML_NODES`` values, or has a malformed tag."""
    nodes = 0

    def walk(item: Any, depth: int) -> None:
        nonlocal nodes
        nodes += 1
        if nodes > MAX_YAML_NODES or depth > MAX_YAML_DEPTH:
            raise Unbounded("deeper or larger than YAML loading allows")
        children = (
            item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        )
        for child in children:
            walk(child, depth + 1)

    walk(value, 1)
    try:
        return thaw(value)
    except (ValueError, TypeError) as error:  # {"$t": "not a time"}, {"$d": 3}
        raise Unbounded(f"malformed: {error}") from None


def same(left: Any, right: Any) -> bool:
    """Equal, and of the same types all the way down (``1 == 1.0 == True`` for ``==``)."""
    if type(left) is not type(right):
        return False
    if isinstance(left, dict):
        return list(left) == list(right) and all(same(left[k], right[k]) for k in left)
    if isinstance(left, list):
        return len(left) == len(right) and all(same(a, b) for a, b in zip(left, right, strict=True))
    if isinstance(left, datetime):  # an offset is part of a time's identity in Jekyll's output
        return bool(left == right and left.utcoffset() == right.utcoffset())
    return bool(left == right)


def carried(value: Any) -> tuple[Any] | None:
    """``(frozen,)``: the JSON form of ``value`` when reading it back gives ``value`` exactly;
    ``None`` when it would not (then carry the text, and load that)."""
    try:
        frozen = freeze(value)
        back = thaw(json.loads(json.dumps(frozen, ensure_ascii=False)))
    except (ValueError, TypeError, RecursionError):
        return None
    return (frozen,) if same(back, value) else None
