"""``Jekyll::Filters::GroupingFilters``: ``group_by`` and ``group_by_exp``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import cast

from liquid.filter import with_context
from liquid.token import Token

from handler.engine.liquid.context import JekyllContext
from handler.engine.liquid.filters.common import ruby_hash_key
from handler.engine.liquid.filters.select import item_property
from handler.engine.liquid.values import RubyRange, is_array, iterate, to_s
from handler.engine.liquid.variable import Variable, parse_variable

__all__ = ["FILTERS"]

_TOKEN = Token("filter", "", -1, "")


def _groupable(value: object) -> list[object] | None:
    if is_array(value) or isinstance(value, Mapping | RubyRange):
        return iterate(value)
    return None


def _grouped(pairs: list[tuple[object, object]]) -> list[dict[str, object]]:
    groups: dict[object, tuple[object, list[object]]] = {}
    for name, item in pairs:
        key = ruby_hash_key(name)
        if key not in groups:
            groups[key] = (name, [])
        groups[key][1].append(item)
    return [{"name": name, "items": items, "size": len(items)} for name, items in groups.values()]


def group_by(value: object, prop: object) -> object:
    items = _groupable(value)
    if items is None:
        return value
    return _grouped([(to_s(item_property(item, prop)), item) for item in items])


@lru_cache(maxsize=512)
def _expression(text: str) -> Variable:
    return parse_variable(text, _TOKEN)


@with_context
def group_by_exp(value: object, variable: object, expression: object, *, context: object) -> object:
    items = _groupable(value)
    if items is None:
        return value
    parsed = _expression(to_s(expression))
    ctx = cast(JekyllContext, context)
    namespace: dict[str, object] = {}
    pairs: list[tuple[object, object]] = []
    with ctx.extend(namespace):
        for item in items:
            namespace[to_s(variable)] = item
            pairs.append((parsed.evaluate(ctx), item))
    return _grouped(pairs)


FILTERS: dict[str, Callable[..., object]] = {"group_by": group_by, "group_by_exp": group_by_exp}
