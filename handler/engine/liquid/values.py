"""Ruby's value semantics for the Python values templates see (see ``host.py`` for the model).

Liquid is Ruby: ``{{ x }}`` prints ``x.to_s``, ``==`` is Ruby's ``==`` (``1 == true`` is false),
only ``nil`` and ``false`` are falsy, an array prints its elements joined, a hash prints as Ruby's
``inspect``. These functions give the Python values the same behaviour. A ``dict`` is a Ruby
``Hash``; any other ``Mapping`` is a Jekyll drop.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

__all__ = [
    "BLANK",
    "EMPTY",
    "MethodLiteral",
    "RubyRange",
    "float_to_s",
    "inspect",
    "is_array",
    "is_drop",
    "is_number",
    "is_truthy",
    "iterate",
    "join",
    "ruby_eq",
    "to_s",
    "type_name",
]


class MethodLiteral:
    """``empty`` and ``blank`` outside conditions (Jekyll's ``Expression::MethodLiteral``).

    It prints as ``""``; ``where`` compares it specially; a variable assigned from it reads back
    as ``""``.
    """

    __slots__ = ("method",)

    def __init__(self, method: str) -> None:
        self.method = method

    def __str__(self) -> str:
        return ""


EMPTY = MethodLiteral("empty?")
BLANK = MethodLiteral("blank?")


@dataclass(frozen=True, slots=True)
class RubyRange:
    """A Ruby ``Range`` of integers (``(1..5)``), both ends included."""

    first: int
    last: int

    def __len__(self) -> int:
        return max(self.last - self.first + 1, 0)

    def __iter__(self) -> Iterator[int]:
        return iter(range(self.first, self.last + 1))

    def __str__(self) -> str:
        return f"{self.first}..{self.last}"


def is_drop(value: object) -> bool:
    """A Jekyll drop: a ``Mapping`` that is not a plain ``dict`` (a Ruby ``Hash``)."""
    return isinstance(value, Mapping) and not isinstance(value, dict)


def is_array(value: object) -> bool:
    """A Ruby ``Array``."""
    return isinstance(value, list | tuple)


def is_number(value: object) -> bool:
    """A Ruby ``Numeric`` (``true`` is not one)."""
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def is_truthy(value: object) -> bool:
    """Ruby truthiness: everything but ``nil`` and ``false``."""
    return value is not None and value is not False


def type_name(value: object) -> str:
    """The Ruby class name of ``value``, for error messages."""
    return _TYPE_NAMES.get(type(value)) or _type_name_slow(value)


def _type_name_slow(value: object) -> str:
    if isinstance(value, bool):
        return "TrueClass" if value else "FalseClass"
    for kind, name in _TYPE_ORDER:
        if isinstance(value, kind):
            return name
    return "Object"


_TYPE_NAMES: dict[type, str] = {
    type(None): "NilClass",
    int: "Integer",
    float: "Float",
    str: "String",
    list: "Array",
    tuple: "Array",
    dict: "Hash",
    datetime: "Time",
    date: "Date",
    RubyRange: "Range",
}
_TYPE_ORDER: tuple[tuple[type, str], ...] = (
    (int, "Integer"),
    (float, "Float"),
    (str, "String"),
    (datetime, "Time"),
    (date, "Date"),
    (Mapping, "Jekyll::Drops::Drop"),
)


# --- printing ------------------------------------------------------------------------------------


def float_to_s(value: float) -> str:
    """Ruby's ``Float#to_s``: ``1.0``, ``0.0001``, ``1.0e-05``, ``1.0e+16``, ``Infinity``."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    sign = "-" if value < 0 else ""
    digits, exponent = _shortest_digits(abs(value))
    decpt = exponent + len(digits)  # position of the point, Ruby's "decpt"
    if -4 < decpt <= 15:
        return sign + _fixed(digits, decpt)
    mantissa = digits[0] + "." + (digits[1:] or "0")
    return f"{sign}{mantissa}e{decpt - 1:+03d}"


def _shortest_digits(value: float) -> tuple[str, int]:
    """The shortest round-tripping digits of ``value`` and their exponent (value = d * 10**e)."""
    _, digits, exponent = Decimal(repr(value)).as_tuple()
    text = "".join(str(d) for d in digits).rstrip("0") or "0"
    assert isinstance(exponent, int)
    return text, exponent + (len(digits) - len(text))


def _fixed(digits: str, decpt: int) -> str:
    if decpt <= 0:
        return "0." + "0" * -decpt + digits
    if decpt >= len(digits):
        return digits + "0" * (decpt - len(digits)) + ".0"
    return digits[:decpt] + "." + digits[decpt:]


def to_s(value: object) -> str:
    """Ruby's ``to_s`` of a template value (what ``append``, ``prepend`` and friends use)."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return float_to_s(value)
    return _to_s_other(value)


def _to_s_other(value: object) -> str:
    if isinstance(value, datetime):
        return time_to_s(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return _drop_class(value) or _inspect_hash(value)
    if isinstance(value, list | tuple):
        return inspect(value)
    if isinstance(value, RubyRange | MethodLiteral):
        return str(value)
    if isinstance(value, Decimal):
        return float_to_s(float(value))
    return ""


def time_to_s(value: datetime) -> str:
    """Ruby's ``Time#to_s``: ``2008-10-18 09:30:00 -0500``."""
    from handler.engine.liquid.rubytime import strftime

    return strftime(value, "%Y-%m-%d %H:%M:%S %z")


def join(items: object, glue: str = "") -> str:
    """Ruby's ``Array#join``: nested arrays are joined too, ``nil`` is empty."""
    if not is_array(items):
        return to_s(items)
    assert isinstance(items, list | tuple)
    return glue.join(join(item, glue) if is_array(item) else to_s(item) for item in items)


def output(value: object) -> str:
    """What ``{{ value }}`` prints: an array's elements joined, ``nil`` as nothing."""
    if isinstance(value, str):
        return value
    if is_array(value):
        return join(value)
    return to_s(value)


# --- inspect -------------------------------------------------------------------------------------


def inspect(value: object) -> str:
    """Ruby's ``inspect`` (``["a", 1, nil]``, ``{"k"=>"v"}``); drops as Jekyll's JSON."""
    if value is None:
        return "nil"
    if isinstance(value, str):
        return inspect_string(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(inspect(item) for item in value) + "]"
    if isinstance(value, dict):
        return _inspect_hash(value)
    if isinstance(value, Mapping):
        from handler.engine.liquid.rjson import pretty_generate

        return _drop_class(value) or pretty_generate(value)
    if isinstance(value, datetime):
        return _inspect_time(value)
    if isinstance(value, date):
        return _inspect_date(value)
    if isinstance(value, MethodLiteral):
        return '""'
    return to_s(value)


def _inspect_hash(value: Mapping[object, object]) -> str:
    pairs = (f"{inspect(key)}=>{inspect(value[key])}" for key in value)
    return "{" + ", ".join(pairs) + "}"


def _drop_class(value: object) -> str | None:
    """The Ruby class name a Liquid drop of this package prints as (``forloop``)."""
    name = getattr(type(value), "ruby_class", None)
    return name if isinstance(name, str) else None


_SHORT_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\n": "\\n",
    "\t": "\\t",
    "\r": "\\r",
    "\f": "\\f",
    "\v": "\\v",
    "\b": "\\b",
    "\a": "\\a",
    "\x1b": "\\e",
}


def inspect_string(text: str) -> str:
    """Ruby's ``String#inspect``: escapes, ``\\u0001`` for controls, ``\\#{`` for interpolation."""
    out = ['"']
    for index, char in enumerate(text):
        if char in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[char])
        elif char == "#" and text[index + 1 : index + 2] in ("{", "$", "@"):
            out.append("\\#")
        elif _unprintable(char):
            out.append(f"\\u{ord(char):04X}" if ord(char) <= 0xFFFF else f"\\u{{{ord(char):X}}}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def _unprintable(char: str) -> bool:
    if char < " " or char == "\x7f":
        return True
    return char > "\x7f" and unicodedata.category(char) in ("Cc", "Cs", "Co", "Cn", "Zl", "Zp")


def _inspect_time(value: datetime) -> str:
    from handler.engine.liquid.rubytime import strftime

    fraction = ""
    if value.microsecond:
        fraction = "." + f"{value.microsecond:06d}".rstrip("0")
    return strftime(value, "%Y-%m-%d %H:%M:%S") + fraction + strftime(value, " %z")


def _inspect_date(value: date) -> str:
    jd = value.toordinal() + 1721425
    return f"#<Date: {value.isoformat()} (({jd}j,0s,0n),+0s,2299161j)>"


# --- equality ------------------------------------------------------------------------------------


def ruby_eq(left: object, right: object) -> bool:
    """Ruby's ``==``: numbers by value, ``true`` is not ``1``, arrays and hashes deeply."""
    if isinstance(left, bool) or isinstance(right, bool):
        return left is right
    if is_number(left) and is_number(right):
        return bool(left == right)
    if is_array(left) and is_array(right):
        assert isinstance(left, list | tuple) and isinstance(right, list | tuple)
        return len(left) == len(right) and all(map(ruby_eq, left, right))
    if isinstance(left, dict) and isinstance(right, dict):
        return _hash_eq(left, right)
    if isinstance(left, datetime) != isinstance(right, datetime):
        return False
    if type(left) is not type(right) and not _same_family(left, right):
        return False
    return bool(left == right)


def _hash_eq(left: dict[object, object], right: dict[object, object]) -> bool:
    if len(left) != len(right):
        return False
    return all(key in right and ruby_eq(value, right[key]) for key, value in left.items())


def _same_family(left: object, right: object) -> bool:
    return (isinstance(left, str) and isinstance(right, str)) or (
        isinstance(left, Mapping) and isinstance(right, Mapping)
    )


def iterate(value: object) -> list[object]:
    """What Ruby's ``each`` yields for a collection: hashes and drops give ``[key, value]``."""
    if is_array(value):
        assert isinstance(value, list | tuple)
        return list(value)
    if isinstance(value, Mapping):
        return [[key, value[key]] for key in value]
    if isinstance(value, RubyRange):
        return list(value)
    return []
