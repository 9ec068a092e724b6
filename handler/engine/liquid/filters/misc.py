"""Liquid's ``date``, ``default`` and ``size`` filters."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import cast

from liquid.filter import with_context

from handler.engine.liquid.context import JekyllContext
from handler.engine.liquid.expressions import integer_size
from handler.engine.liquid.rubytime import strftime, to_date
from handler.engine.liquid.values import RubyRange, is_drop, is_truthy, to_s

__all__ = ["FILTERS"]


@with_context
def date(value: object, fmt: object, *, context: object) -> object:
    """``date``: Ruby's ``strftime``; the input unchanged when it is not a date."""
    pattern = to_s(fmt)
    if not pattern:
        return value
    moment = to_date(value, cast(JekyllContext, context).state.zone)
    return value if moment is None else strftime(moment, pattern)


def default(value: object, fallback: object = "", options: object = None) -> object:
    """``default``: the fallback for ``nil``, ``false`` (unless ``allow_false``) and empties."""
    allow_false = isinstance(options, dict) and is_truthy(options.get("allow_false"))
    missing = value is None if allow_false else not is_truthy(value)
    empty = isinstance(value, str | list | tuple | dict) and len(value) == 0
    return fallback if missing or empty else value


def size(value: object) -> int:
    """``size``: length of strings, arrays, hashes and ranges; ``Integer#size`` for integers."""
    if isinstance(value, str | list | tuple | dict | RubyRange):
        return len(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return integer_size(value)
    if is_drop(value) or isinstance(value, Mapping):
        return 0
    return 0


FILTERS: dict[str, Callable[..., object]] = {
    "date": date,
    "default": default,
    "size": size,
}
