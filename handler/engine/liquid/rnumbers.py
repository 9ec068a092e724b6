"""Ruby's numbers as Liquid's filters use them.

Liquid's math filters go through ``Utils.to_number``: a float becomes a ``BigDecimal`` of its
printed form, a string ``"1.5"`` a ``BigDecimal`` and any other string ``to_i``; integer with
integer stays integer (``divided_by`` floors), anything with a ``BigDecimal`` is exact decimal
arithmetic turned back into a float. ``Decimal`` plays ``BigDecimal`` here, so
``{{ 3 | times: 1.1 }}`` is ``3.3`` as in Ruby, not ``3.3000000000000003``.
"""

from __future__ import annotations

import decimal
import math
import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from liquid.exceptions import LiquidError

from handler.engine.liquid.values import float_to_s

__all__ = [
    "ArgumentError",
    "apply_operation",
    "from_number",
    "ruby_round",
    "string_to_f",
    "to_i",
    "to_integer",
    "to_number",
]

Number = int | Decimal

_CONTEXT = decimal.Context(prec=34, rounding=ROUND_HALF_UP, traps=[decimal.InvalidOperation])
_TO_I = re.compile(r"[ \t\n\v\f\r]*([+-]?\d+(?:_\d+)*)", re.ASCII)
_TO_F = re.compile(
    r"[ \t\n\v\f\r]*([+-]?(?:\d+(?:_\d+)*)?(?:\.\d+(?:_\d+)*)?(?:[eE][+-]?\d+)?)", re.ASCII
)
_DECIMAL_STRING = re.compile(r"\A-?\d+\.\d+\Z", re.ASCII)
_INTEGER_STRING = re.compile(
    r"[ \t\n\v\f\r]*([+-]?)(0[xX][0-9a-fA-F]+(?:_[0-9a-fA-F]+)*|0[bB][01]+(?:_[01]+)*|"
    r"0[oO]?[0-7]+(?:_[0-7]+)*|0[dD]\d+(?:_\d+)*|\d+(?:_\d+)*)[ \t\n\v\f\r]*",
    re.ASCII,
)


class ArgumentError(LiquidError):
    """Ruby's ``Liquid::ArgumentError`` (and the other errors a filter raises)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, token=None)


def to_i(value: object) -> int:
    """Ruby's ``to_i``: leading digits of a string, truncated floats, ``nil`` is 0."""
    if value is None:
        return 0
    if isinstance(value, bool):
        raise ArgumentError(f"undefined method 'to_i' for {str(value).lower()}")
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal):
        if not math.isfinite(value):
            raise ArgumentError(f"{float_to_s(float(value))} out of range of integer")
        return int(value)
    if isinstance(value, str):
        match = _TO_I.match(value)
        return int(match.group(1).replace("_", "")) if match else 0
    raise ArgumentError(f"undefined method 'to_i' for {type(value).__name__}")


def string_to_f(text: str) -> float:
    """Ruby's ``String#to_f``: the longest leading float, 0.0 when there is none."""
    match = _TO_F.match(text)
    digits = match.group(1).replace("_", "") if match else ""
    try:
        return float(digits)
    except ValueError:
        return 0.0


def parse_integer(text: str) -> int | None:
    """Ruby's ``Kernel#Integer(string)``: ``" 2 "``, ``0x1A``, ``0b11``, ``010`` (octal)."""
    match = _INTEGER_STRING.fullmatch(text)
    if match is None:
        return None
    sign = -1 if match.group(1) == "-" else 1
    body = match.group(2).replace("_", "").lower()
    if body.startswith("0x"):
        return sign * int(body[2:], 16)
    if body.startswith("0b"):
        return sign * int(body[2:], 2)
    if body.startswith("0d"):
        return sign * int(body[2:])
    if body.startswith("0") and len(body) > 1:
        return sign * int(body.lstrip("0o") or "0", 8)
    return sign * int(body)


def to_integer(value: object) -> int:
    """Liquid's ``Utils.to_integer``: integers as they are, else ``Integer(value.to_s)``."""
    from handler.engine.liquid.values import to_s

    if isinstance(value, int) and not isinstance(value, bool):
        return value
    parsed = parse_integer(to_s(value))
    if parsed is None:
        raise ArgumentError("invalid integer")
    return parsed


def to_number(value: object) -> Number:
    """Liquid's ``Utils.to_number``: ``int`` or ``Decimal`` (Ruby's ``BigDecimal``)."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, int | Decimal):
        return value
    if isinstance(value, float):
        return Decimal(float_to_s(value).replace("Infinity", "Inf"))
    if isinstance(value, str):
        if _DECIMAL_STRING.match(value.strip(" \t\n\v\f\r\x00")):
            return Decimal(value.strip(" \t\n\v\f\r\x00"))
        return to_i(value)
    return 0


def from_number(value: Number) -> int | float:
    """A filter's result: ``BigDecimal`` goes back to a float."""
    return float(value) if isinstance(value, Decimal) else value


def apply_operation(left: object, right: object, operator: str) -> int | float:
    """``plus``, ``minus``, ``times``, ``divided_by`` and ``modulo`` as Ruby computes them."""
    a = to_number(left)
    b = to_number(right)
    if isinstance(a, int) and isinstance(b, int):
        return _INT_OPS[operator](a, b)
    return float(_decimal_op(Decimal(a), Decimal(b), operator))


def _int_divide(a: int, b: int) -> int:
    if b == 0:
        raise ArgumentError("divided by 0")
    return a // b


def _int_modulo(a: int, b: int) -> int:
    if b == 0:
        raise ArgumentError("divided by 0")
    return a % b


_INT_OPS: dict[str, Callable[[int, int], int]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": _int_divide,
    "%": _int_modulo,
}


def _decimal_op(a: Decimal, b: Decimal, operator: str) -> Decimal:
    if operator == "+":
        return _CONTEXT.add(a, b)
    if operator == "-":
        return _CONTEXT.subtract(a, b)
    if operator == "*":
        return _CONTEXT.multiply(a, b)
    if b == 0:
        if operator == "%":
            raise ArgumentError("divided by 0")
        return _divide_by_zero(a)
    if operator == "/":
        return _CONTEXT.divide(a, b)
    return _CONTEXT.subtract(a, _CONTEXT.multiply(b, _floor(_CONTEXT.divide(a, b))))


def _divide_by_zero(a: Decimal) -> Decimal:
    if a == 0 or a.is_nan():
        return Decimal("NaN")
    return Decimal("Inf") if a > 0 else Decimal("-Inf")


def _floor(value: Decimal) -> Decimal:
    return value.to_integral_value(rounding=decimal.ROUND_FLOOR)


def ruby_round(value: object, digits: object = 0) -> int | float:
    """Liquid's ``round``: half away from zero on the exact decimal, integer for 0 digits."""
    number = to_number(value)
    places = to_number(digits)
    count = int(places)
    if isinstance(number, int):
        if count >= 0:
            return number
        return int(_round_decimal(Decimal(number), count))
    if not number.is_finite():
        raise ArgumentError(f"{float_to_s(float(number))}")
    rounded = _round_decimal(number, count)
    if count <= 0:
        return int(rounded)
    return float(rounded)


def _round_decimal(value: Decimal, places: int) -> Decimal:
    exponent = Decimal(1).scaleb(-places)
    return value.quantize(exponent, rounding=ROUND_HALF_UP, context=_CONTEXT)


def ceil_floor(value: object, up: bool) -> int:
    """``ceil`` and ``floor``: an integer, or Ruby's ``FloatDomainError`` for infinities."""
    number = to_number(value)
    if isinstance(number, int):
        return number
    if not number.is_finite():
        raise ArgumentError(float_to_s(float(number)))
    return math.ceil(number) if up else math.floor(number)
