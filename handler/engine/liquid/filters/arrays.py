"""Liquid's standard array filters, as Ruby Liquid 5.4 runs them (Jekyll replaces ``sort`` and
``where``; see ``jekyll.py``).

Inputs go through ``InputIterator``: nested arrays are flattened, a hash is one item, ``nil`` is
empty. ``item[property]`` is Ruby's ``[]``: a hash by key, a drop through ``__getitem__``, a
string by substring; an array or number with a string property is Ruby's "cannot select the
property" error. ``uniq`` follows Ruby's ``eql?`` (``1`` and ``1.0`` are different).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from handler.engine.liquid.filters.common import (
    NoIndex,
    PropertyError,
    input_items,
    item_get,
    ruby_hash_key,
    ruby_sort,
)
from handler.engine.liquid.rnumbers import ArgumentError
from handler.engine.liquid.values import RubyRange, is_array, join, to_s

__all__ = ["FILTERS"]


class _ReturnNil(Exception):
    """Ruby's ``return nil unless item.respond_to?(:[])`` inside a filter's block."""


def _property(item: object, key: object) -> object:
    try:
        return item_get(item, key)
    except PropertyError:
        raise ArgumentError(f"cannot select the property '{to_s(key)}'") from None
    except NoIndex:
        raise _ReturnNil from None


def join_(value: object, glue: object = " ") -> str:
    separator = to_s(glue)
    if isinstance(value, list):
        try:
            return separator.join(value)  # the common case: strings only, nothing to flatten
        except TypeError:
            pass
    return join(input_items(value), separator)


def first(value: object) -> object:
    if is_array(value):
        return value[0] if value else None  # type: ignore[index]
    if isinstance(value, RubyRange):
        return value.first
    if isinstance(value, Mapping):
        for key in value:
            return [key, value[key]]
    return None


def last(value: object) -> object:
    if is_array(value):
        return value[-1] if value else None  # type: ignore[index]
    if isinstance(value, RubyRange):
        return value.last
    return None


def concat(value: object, other: object) -> list[object]:
    if not is_array(other):
        raise ArgumentError("concat filter requires an array argument")
    assert isinstance(other, list | tuple)
    return [*input_items(value), *other]


def map_(value: object, key: object) -> list[object]:
    out: list[object] = []
    for item in input_items(value):
        if key == "to_liquid":
            out.append(item)
            continue
        try:
            out.append(item_get(item, key))
        except PropertyError:
            raise ArgumentError(f"cannot select the property '{to_s(key)}'") from None
        except NoIndex:
            out.append(None)
    return out


def reverse(value: object) -> list[object]:
    return list(reversed(input_items(value)))


def _casecmp(left: object, right: object) -> int:
    if left is not None and right is not None:
        a = to_s(left).translate(_ASCII_LOWER)
        b = to_s(right).translate(_ASCII_LOWER)
        return -1 if a < b else (1 if a > b else 0)
    return 1 if left is None else -1


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def sort_natural(value: object, key: object = None) -> list[object] | None:
    items = input_items(value)
    if not items:
        return []
    if key is None:
        return ruby_sort(items, _casecmp)
    if not all(_indexable(item) for item in items):
        return None
    try:
        return ruby_sort(items, lambda a, b: _casecmp(item_get(a, key), item_get(b, key)))
    except PropertyError:
        raise ArgumentError(f"cannot select the property '{to_s(key)}'") from None


def _indexable(item: object) -> bool:
    try:
        item_get(item, 0)
    except NoIndex:
        return False
    except PropertyError:
        return True
    return True


def uniq(value: object, key: object = None) -> list[object] | None:
    items = input_items(value)
    if key is None:
        return _unique(items, ruby_hash_key)
    if not items:
        return []
    try:
        return _unique(items, lambda item: ruby_hash_key(_property(item, key)))
    except _ReturnNil:
        return None


def _unique(items: list[object], key: Callable[[object], object]) -> list[object]:
    seen: set[object] = set()
    out: list[object] = []
    for item in items:
        mark = key(item)
        if mark not in seen:
            seen.add(mark)
            out.append(item)
    return out


def compact(value: object, key: object = None) -> list[object] | None:
    items = input_items(value)
    if key is None:
        return [item for item in items if item is not None]
    if not items:
        return []
    try:
        return [item for item in items if _property(item, key) is not None]
    except _ReturnNil:
        return None


FILTERS: dict[str, Callable[..., object]] = {
    "join": join_,
    "first": first,
    "last": last,
    "concat": concat,
    "map": map_,
    "reverse": reverse,
    "sort_natural": sort_natural,
    "uniq": uniq,
    "compact": compact,
}
