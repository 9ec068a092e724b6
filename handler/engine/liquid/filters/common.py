"""Ruby behaviours the filters share: ``InputIterator``, ``split``, ``gsub``, ``<=>``, ``[]``."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from functools import cmp_to_key

from handler.engine.liquid.rnumbers import ArgumentError
from handler.engine.liquid.values import MethodLiteral, RubyRange, is_array, to_s, type_name

__all__ = [
    "flatten",
    "gsub",
    "input_items",
    "item_get",
    "ruby_hash_key",
    "ruby_sort",
    "ruby_split",
    "spaceship",
]

RUBY_SPACE = " \t\n\v\f\r"
_AWK_SPACE = re.compile(r"[ \t\n\v\f\r]+")
# What Python's str.split() also splits on but Ruby's awk-style split does not.
_PYTHON_ONLY_SPACE = re.compile(
    "[\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
)
_BACKSLASH = re.compile(r"\\(k<[^>]*>|.)", re.S)


def flatten(items: Iterable[object]) -> list[object]:
    """Ruby's ``Array#flatten``: nested arrays spliced in, all levels."""
    out: list[object] = []
    for item in items:
        if is_array(item):
            assert isinstance(item, list | tuple)
            out.extend(flatten(item))
        else:
            out.append(item)
    return out


def input_items(value: object) -> list[object]:
    """Liquid's ``InputIterator``: arrays flattened, a hash as one item, a drop's keys, ``nil`` as
    nothing."""
    if is_array(value):
        assert isinstance(value, list | tuple)
        return flatten(value)
    if isinstance(value, dict):
        return [value]
    if isinstance(value, Mapping):
        return list(value)  # a drop's ``each`` gives its keys to a one-argument block
    if isinstance(value, RubyRange):
        return list(value)
    if value is None:
        return []
    return [value]


def ruby_split(text: str, pattern: str) -> list[str]:
    """Ruby's ``String#split(pattern)`` for a string pattern."""
    if not text:
        return []
    if pattern == " ":
        if _PYTHON_ONLY_SPACE.search(text) is None:
            return text.split()  # the same split, in C
        stripped = text.lstrip(RUBY_SPACE)
        return [part for part in _AWK_SPACE.split(stripped) if part] if stripped else []
    parts = list(text) if pattern == "" else text.split(pattern)
    while parts and parts[-1] == "":
        parts.pop()
    return parts


def awk_split(text: str, limit: int) -> list[str]:
    """Ruby's ``String#split(" ", limit)``: at most ``limit`` fields, the last one the rest."""
    fields: list[str] = []
    position = _skip_space(text, 0)
    while position < len(text):
        if len(fields) == limit - 1:
            fields.append(text[position:])
            break
        match = _AWK_SPACE.search(text, position)
        end = match.start() if match else len(text)
        fields.append(text[position:end])
        position = _skip_space(text, end)
    return fields


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in RUBY_SPACE:
        position += 1
    return position


def gsub(text: str, pattern: str, replacement: str, count: int = -1) -> str:
    """Ruby's ``String#gsub``/``sub`` with a string pattern: ``\\0``, ``\\&``, ``\\\\`` and the
    other backslash sequences of the replacement are expanded, as Ruby does."""
    if "\\" not in replacement:
        if count < 0 and pattern:
            # One scan where str.replace makes two (it counts the matches first); no match
            # gives the text itself back, as str.replace does.
            parts = text.split(pattern)
            return text if len(parts) == 1 else replacement.join(parts)
        return text.replace(pattern, replacement, count)
    out: list[str] = []
    position = 0
    done = 0
    while count < 0 or done < count:
        found = text.find(pattern, position)
        if found < 0:
            break
        end = found + len(pattern)
        out.append(text[position:found])
        out.append(_expand(replacement, text, found, end))
        done += 1
        if not pattern:
            if found < len(text):
                out.append(text[found])
            position = found + 1
            if position > len(text):
                break
        else:
            position = end
    out.append(text[position:])
    return "".join(out)


def _expand(replacement: str, text: str, start: int, end: int) -> str:
    def substitute(match: re.Match[str]) -> str:
        code = match.group(1)
        if code in ("0", "&"):
            return text[start:end]
        if code == "`":
            return text[:start]
        if code == "'":
            return text[end:]
        if code == "\\":
            return "\\"
        if code.isdigit() or code.startswith("k<"):
            return ""
        return "\\" + code

    return _BACKSLASH.sub(substitute, replacement)


# --- comparison ----------------------------------------------------------------------------------


def spaceship(left: object, right: object) -> int | None:
    """Ruby's ``<=>``: ``None`` when the values do not compare (a string against a number...)."""
    if _is_num(left) and _is_num(right):
        return _cmp(left, right)
    if isinstance(left, str) and isinstance(right, str):
        return _cmp(left, right)
    if is_array(left) and is_array(right):
        return _array_cmp(left, right)  # type: ignore[arg-type]
    if isinstance(left, datetime) and isinstance(right, datetime):
        return _cmp(left, right)
    if _plain_date(left) and _plain_date(right):
        return _cmp(left, right)
    if left is right or (left is None and right is None):
        return 0
    if isinstance(left, bool) and left is right:
        return 0
    return None


def _is_num(value: object) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _plain_date(value: object) -> bool:
    return isinstance(value, date) and not isinstance(value, datetime)


def _cmp(left: object, right: object) -> int:
    try:
        return -1 if left < right else (1 if left > right else 0)  # type: ignore[operator]
    except TypeError:
        message = f"comparison of {type_name(left)} with {type_name(right)} failed"
        raise ArgumentError(message) from None


def _array_cmp(left: list[object], right: list[object]) -> int | None:
    for a, b in zip(left, right, strict=False):
        order = spaceship(a, b)
        if order != 0:
            return order
    return _cmp(len(left), len(right))


def strict_compare(left: object, right: object) -> int:
    """``<=>`` that fails like Ruby's ``sort`` when values do not compare."""
    order = spaceship(left, right)
    if order is None:
        raise ArgumentError(f"comparison of {type_name(left)} with {_shown(right)} failed")
    return order


def _shown(value: object) -> str:
    from handler.engine.liquid.values import inspect

    return (
        inspect(value)
        if isinstance(value, int | float | str) or value is None
        else type_name(value)
    )


def ruby_sort(items: list[object], compare: Callable[[object, object], int]) -> list[object]:
    """Sort with a Ruby comparator (a stable merge sort, as Ruby's ``sort`` is on glibc)."""
    return sorted(items, key=cmp_to_key(compare))


# --- hashing (uniq, group_by) --------------------------------------------------------------------


def ruby_hash_key(value: object) -> object:
    """A Python key equal exactly when Ruby's ``eql?`` is (``1`` and ``1.0`` differ)."""
    if value is None or isinstance(value, bool):
        return ("n", value)
    if isinstance(value, int):
        return ("i", value)
    if isinstance(value, float):
        return ("f", value)
    if isinstance(value, str):
        return ("s", value)
    if isinstance(value, list | tuple):
        return ("a", tuple(ruby_hash_key(item) for item in value))
    if isinstance(value, dict):
        items = frozenset((ruby_hash_key(k), ruby_hash_key(v)) for k, v in value.items())
        return ("h", items)
    if isinstance(value, datetime | date | RubyRange):
        return (type(value).__name__, value)
    return ("o", id(value))


# --- item[property] ------------------------------------------------------------------------------


class PropertyError(ArgumentError):
    """``cannot select the property``: Ruby raised ``TypeError`` reading ``item[property]``."""


def item_get(item: object, key: object) -> object:
    """Ruby's ``item[key]`` for the values a template holds (``None`` when there is nothing)."""
    if isinstance(item, dict):
        try:
            return item.get(key)
        except TypeError:
            return None
    if isinstance(item, Mapping):
        if isinstance(key, str) and key.startswith("__"):
            return None  # never ask a drop for a dunder name
        try:
            return item[key]
        except (KeyError, TypeError, IndexError):
            return None
    if isinstance(item, str):
        return _string_index(item, key)
    if is_array(item) or (isinstance(item, int) and not isinstance(item, bool)):
        return _indexed(item, key)
    if isinstance(item, MethodLiteral):
        return None
    raise NoIndex(item)


class NoIndex(Exception):
    """The item has no ``[]`` (``nil``, ``true``, a number, a time): Ruby's ``NoMethodError``."""

    def __init__(self, item: object) -> None:
        super().__init__(f"undefined method `[]' for {to_s(item) or 'nil'}")
        self.item = item


def _string_index(text: str, key: object) -> object:
    if isinstance(key, str):
        return key if key in text else None
    if isinstance(key, int) and not isinstance(key, bool):
        return text[key] if -len(text) <= key < len(text) else None
    raise PropertyError(f"no implicit conversion of {type_name(key)} into Integer")


def _indexed(item: object, key: object) -> object:
    if not isinstance(key, int) or isinstance(key, bool):
        raise PropertyError(f"no implicit conversion of {type_name(key)} into Integer")
    if isinstance(item, int):
        return (item >> key) & 1 if key >= 0 else 0
    assert isinstance(item, list | tuple)
    return item[key] if -len(item) <= key < len(item) else None
