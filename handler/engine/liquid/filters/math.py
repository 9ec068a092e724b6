"""Liquid's math filters on Ruby's numbers (see ``rnumbers``)."""

from __future__ import annotations

from collections.abc import Callable

from handler.engine.liquid.rnumbers import (
    apply_operation,
    ceil_floor,
    from_number,
    ruby_round,
    to_number,
)

__all__ = ["FILTERS"]


def _operation(operator: str) -> Callable[[object, object], int | float]:
    def apply(value: object, operand: object) -> int | float:
        return apply_operation(value, operand, operator)

    return apply


def abs_(value: object) -> int | float:
    number = to_number(value)
    return from_number(-number if number < 0 else number)


def at_least(value: object, bound: object) -> int | float:
    minimum = to_number(bound)
    result = to_number(value)
    return from_number(minimum if minimum > result else result)


def at_most(value: object, bound: object) -> int | float:
    maximum = to_number(bound)
    result = to_number(value)
    return from_number(maximum if maximum < result else result)


FILTERS: dict[str, Callable[..., object]] = {
    "plus": _operation("+"),
    "minus": _operation("-"),
    "times": _operation("*"),
    "divided_by": _operation("/"),
    "modulo": _operation("%"),
    "round": ruby_round,
    "ceil": lambda value: ceil_floor(value, up=True),
    "floor": lambda value: ceil_floor(value, up=False),
    "abs": abs_,
    "at_least": at_least,
    "at_most": at_most,
}
