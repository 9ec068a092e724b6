"""Jekyll's selection filters: ``where``, ``where_exp``, ``find``, ``find_exp`` and ``sort``
(which replace Liquid's own ``where`` and ``sort``), over Jekyll's ``item_property``: a dotted
property path, and numeric text read as a number."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import cast

from liquid.filter import with_context
from liquid.token import Token

from handler.engine.liquid.conditions import Condition, parse_expression_condition
from handler.engine.liquid.context import JekyllContext
from handler.engine.liquid.filters.common import (
    NoIndex,
    PropertyError,
    item_get,
    ruby_sort,
    spaceship,
    strict_compare,
)
from handler.engine.liquid.markup import RubySyntaxError
from handler.engine.liquid.rnumbers import ArgumentError, string_to_f, to_i
from handler.engine.liquid.values import (
    MethodLiteral,
    RubyRange,
    is_array,
    is_truthy,
    iterate,
    join,
    to_s,
    type_name,
)

__all__ = ["FILTERS", "item_property"]

_TOKEN = Token("filter", "", -1, "")
_INTEGER_LIKE = re.compile(r"\A\s*-?\d+\s*(?=\n?\Z)", re.ASCII)
_FLOAT_LIKE = re.compile(r"\A\s*-?(?:\d+\.?\d*|\.\d+)\s*(?=\n?\Z)", re.ASCII)


def _state(context: object) -> JekyllContext:
    return cast(JekyllContext, context)


def _read(data: object, key: str) -> object:
    try:
        return item_get(data, key)
    except PropertyError as err:
        raise ArgumentError(str(err)) from None
    except NoIndex as err:
        raise ArgumentError(str(err)) from None


def item_property(item: object, prop: object) -> object:
    """Jekyll's ``item_property``: ``item[prop]`` (dotted paths too), numbers from numeric text."""
    name = to_s(prop)
    if "." not in name:
        value = _read(item, name)
    else:
        value = item
        for key in name.split("."):
            value = _dotted_step(value, key)
    return _sort_input(value)


def _dotted_step(data: object, key: str) -> object:
    """``data.respond_to?(:[]) && data[key]``."""
    try:
        return item_get(data, key)
    except NoIndex:
        return False
    except PropertyError as err:
        raise ArgumentError(str(err)) from None


def _sort_input(value: object) -> object:
    text = to_s(value)
    if _INTEGER_LIKE.match(text):
        return to_i(text)
    if _FLOAT_LIKE.match(text):
        return string_to_f(text)
    return value


def _items(value: object) -> list[object] | None:
    """The items ``select``/``find``/``group_by`` see; ``None`` when the input has none."""
    if isinstance(value, dict):
        return list(value.values())
    if is_array(value) or isinstance(value, RubyRange | Mapping):
        return iterate(value)
    return None


def _matches(prop: object, target: object) -> bool:
    """Jekyll's ``compare_property_vs_target``."""
    if target is None:
        return prop is None
    if isinstance(target, MethodLiteral):
        props = prop if is_array(prop) else ([] if prop is None else [prop])
        return prop == "" or join(props) == ""
    wanted = to_s(target)
    if isinstance(prop, str):
        return prop == wanted
    props = prop if is_array(prop) else ([] if prop is None else iterate(prop) or [prop])
    return any(to_s(item) == wanted for item in cast(list[object], props))


def where(value: object, prop: object, target: object) -> object:
    if not is_truthy(prop) or is_array(target) or isinstance(target, dict):
        return value
    items = _items(value)
    if items is None:
        return value
    return [item for item in items if _matches(item_property(item, prop), target)]


def find(value: object, prop: object, target: object) -> object:
    if not is_truthy(prop) or is_array(target) or isinstance(target, dict):
        return value
    items = _items(value)
    if items is None:
        return value
    return next((i for i in items if _matches(item_property(i, prop), target)), None)


@lru_cache(maxsize=512)
def _condition(expression: str) -> Condition:
    try:
        return parse_expression_condition(expression, _TOKEN)
    except RubySyntaxError as err:
        raise ArgumentError(f"Liquid syntax error: {err}") from None


def _select(
    context: JekyllContext, items: list[object], variable: object, expression: object
) -> list[tuple[object, bool]]:
    condition = _condition(to_s(expression))
    namespace: dict[str, object] = {}
    results: list[tuple[object, bool]] = []
    with context.extend(namespace):
        for item in items:
            namespace[to_s(variable)] = item
            results.append((item, is_truthy(condition.evaluate(context))))
    return results


@with_context
def where_exp(value: object, variable: object, expression: object, *, context: object) -> object:
    items = _items(value)
    if items is None:
        return value
    pairs = _select(_state(context), items, variable, expression)
    return [item for item, keep in pairs if keep]


@with_context
def find_exp(value: object, variable: object, expression: object, *, context: object) -> object:
    items = _items(value)
    if items is None:
        return value
    condition = _condition(to_s(expression))
    namespace: dict[str, object] = {}
    ctx = _state(context)
    with ctx.extend(namespace):
        for item in items:
            namespace[to_s(variable)] = item
            if is_truthy(condition.evaluate(ctx)):
                return item
    return None


def sort(value: object, prop: object = None, nils: object = "first") -> object:
    if value is None:
        raise ArgumentError("Cannot sort a null object.")
    items = _sortable(value)
    if prop is None:
        return ruby_sort(items, strict_compare)
    if nils not in ("first", "last"):
        raise ArgumentError(
            f"Invalid nils order: '{to_s(nils)}' is not a valid nils order. "
            "It must be 'first' or 'last'."
        )
    order = -1 if nils == "first" else 1
    keyed = [(item_property(item, prop), item) for item in items]
    ordered = ruby_sort(keyed, lambda a, b: _property_order(a, b, order))  # type: ignore[arg-type]
    return [item for _, item in cast(list[tuple[object, object]], ordered)]


def _sortable(value: object) -> list[object]:
    if is_array(value):
        return list(cast(list[object], value))
    if isinstance(value, Mapping | RubyRange):
        return iterate(value)
    raise ArgumentError(f"undefined method `sort' for {type_name(value)}")


def _property_order(a: object, b: object, order: int) -> int:
    left, right = cast(tuple[object, object], a)[0], cast(tuple[object, object], b)[0]
    if left is not None and right is None:
        return -order
    if left is None and right is not None:
        return order
    result = spaceship(left, right)
    if result is None:
        text_a, text_b = to_s(left), to_s(right)
        return -1 if text_a < text_b else (1 if text_a > text_b else 0)
    return result


FILTERS: dict[str, Callable[..., object]] = {
    "where": where,
    "where_exp": where_exp,
    "find": find,
    "find_exp": find_exp,
    "sort": sort,
}
