"""Liquid expressions as Ruby Liquid reads and evaluates them.

``parse_expression`` is Ruby's ``Expression.parse``: quoted text is a string, ``-?\\d+`` an
integer, ``(a..b)`` a range, ``nil``/``true``/``false``/``empty``/``blank`` literals, anything else
a variable lookup split on dots and brackets (``site.data.ui-text[site.locale]``). Lookups follow
``VariableLookup#evaluate``: hashes by key, arrays by integer index, drops through
``__getitem__`` (``KeyError`` is "no such key"), and ``size``/``first``/``last`` as methods when
written with a dot. Nothing else of a Python object is reachable.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, cast

from liquid.expression import Expression
from liquid.token import Token

from handler.engine.liquid.markup import VARIABLE_PARSER
from handler.engine.liquid.rnumbers import string_to_f, to_integer
from handler.engine.liquid.values import BLANK, EMPTY, MethodLiteral, RubyRange, is_drop

if TYPE_CHECKING:
    from liquid import RenderContext

__all__ = [
    "Literal",
    "Lookup",
    "RangeLookup",
    "evaluate",
    "find_variable",
    "is_dunder",
    "lookup_key",
    "parse_expression",
]

_INTEGER = re.compile(r"\A(-?\d+)\Z", re.ASCII)
_FLOAT = re.compile(r"\A(-?\d[\d\.]+)\Z", re.ASCII)
_RANGE = re.compile(r"\A\(\s*(?>(\S+)\s*\.\.)\s*(\S+)\s*\)\Z", re.ASCII)
_LITERALS: dict[str, object] = {
    "nil": None,
    "null": None,
    "": None,
    "true": True,
    "false": False,
    "blank": BLANK,
    "empty": EMPTY,
}
_COMMANDS = frozenset(("size", "first", "last"))
_NO_TOKEN = Token("literal", "", -1, "")
MISSING = object()


def ruby_strip(text: str) -> str:
    """Ruby's ``String#strip``: ASCII whitespace and NUL, nothing else."""
    return text.strip(" \t\n\v\f\r\x00")


class Literal(Expression):
    """A constant: a string, number, ``nil``, boolean, range or ``empty``/``blank``."""

    __slots__ = ("value",)

    def __init__(self, value: object, token: Token = _NO_TOKEN) -> None:
        super().__init__(token)
        self.value = value

    def evaluate(self, context: RenderContext) -> object:
        return self.value

    def children(self) -> list[Expression]:
        return []


NIL = Literal(None)


def parse_expression(markup: str | None, token: Token = _NO_TOKEN) -> Expression:
    """Ruby's ``Liquid::Expression.parse`` (with Jekyll's ``empty``/``blank`` literals)."""
    if markup is None:
        return NIL
    text = ruby_strip(markup)
    if len(text) >= 1 and text[0] == text[-1] and text[0] in "\"'":
        return Literal(text[1:-1], token)
    if _INTEGER.match(text):
        return Literal(int(text), token)
    match = _RANGE.match(text)
    if match:
        return RangeLookup.build(match.group(1), match.group(2), token)
    if _FLOAT.match(text):
        return Literal(string_to_f(text), token)
    if text in _LITERALS:
        return Literal(_LITERALS[text], token)
    return Lookup.parse(text, token)


def evaluate(expression: Expression | None, context: RenderContext) -> object:
    """The value of ``expression`` (``None`` is ``nil``)."""
    return None if expression is None else expression.evaluate(context)


class RangeLookup(Expression):
    """``(start..end)`` where an end is a variable: integers made when rendered."""

    __slots__ = ("start", "stop")

    def __init__(self, start: Expression, stop: Expression, token: Token) -> None:
        super().__init__(token)
        self.start = start
        self.stop = stop

    @staticmethod
    def build(start_markup: str, stop_markup: str, token: Token) -> Expression:
        start = parse_expression(start_markup, token)
        stop = parse_expression(stop_markup, token)
        if isinstance(start, Literal) and isinstance(stop, Literal):
            return Literal(RubyRange(_literal_int(start.value), _literal_int(stop.value)), token)
        return RangeLookup(start, stop, token)

    def evaluate(self, context: RenderContext) -> RubyRange:
        first = _range_int(self.start.evaluate(context))
        last = _range_int(self.stop.evaluate(context))
        return RubyRange(first, last)

    def children(self) -> list[Expression]:
        return [self.start, self.stop]


def _literal_int(value: object) -> int:
    """``to_i`` of a literal range end (``(1..5)``, ``("1".."5")``, ``(1.5..3)``)."""
    from handler.engine.liquid.rnumbers import to_i

    return to_i(value)


def _range_int(value: object) -> int:
    """``RangeLookup#to_integer``: integers, ``nil``/strings by ``to_i``, others ``Integer()``."""
    from handler.engine.liquid.rnumbers import to_i

    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if value is None or isinstance(value, str):
        return to_i(value)
    return to_integer(value)


class Lookup(Expression):
    """``name.key[expr].size``: Ruby's ``VariableLookup``."""

    __slots__ = ("commands", "lookups", "name", "steps")

    def __init__(
        self,
        name: str | Expression | None,
        lookups: list[str | Expression],
        commands: frozenset[int],
        token: Token,
    ) -> None:
        super().__init__(token)
        self.name = name
        self.lookups = lookups
        self.commands = commands
        # Each step as (key, expression giving the key or None, called as a method).
        self.steps = tuple(
            (lookup, None, index in commands)
            if isinstance(lookup, str)
            else (None, lookup, index in commands)
            for index, lookup in enumerate(lookups)
        )

    @staticmethod
    def parse(markup: str, token: Token = _NO_TOKEN) -> Lookup:
        parts = VARIABLE_PARSER.findall(markup)
        name: str | Expression | None = parts[0] if parts else None
        if isinstance(name, str) and name.startswith("[") and name.endswith("]"):
            name = parse_expression(name[1:-1], token)
        lookups: list[str | Expression] = []
        commands: set[int] = set()
        for index, part in enumerate(parts[1:]):
            if part.startswith("[") and part.endswith("]"):
                lookups.append(parse_expression(part[1:-1], token))
                continue
            if part in _COMMANDS:
                commands.add(index)
            lookups.append(part)
        return Lookup(name, lookups, frozenset(commands), token)

    @property
    def path(self) -> list[object]:
        """The name and keys as written (for ``analyze`` and messages)."""
        return [self.name, *self.lookups]

    def evaluate(self, context: RenderContext) -> object:
        name: object = self.name
        if type(name) is str:
            # find_variable, inline: the scopes first to last, drops never asked for a dunder.
            value: object
            for mapping in context.scope._maps:
                if type(mapping) is dict:
                    if name in mapping:
                        value = mapping[name]
                        break
                elif not name.startswith("__"):
                    try:
                        value = mapping[name]
                        break
                    except KeyError:
                        pass
                    except TypeError:
                        value = None
                        break
            else:
                value = None
            if type(value) is MethodLiteral:
                value = ""
        else:
            if isinstance(name, Expression):
                name = name.evaluate(context)
            value = find_variable(context, name)
        key: object
        for step, expression, command in self.steps:
            key = step if expression is None else expression.evaluate(context)
            if type(value) is dict and type(key) is str:  # the common case, inline
                if key in value:
                    value = value[key]
                    if type(value) is MethodLiteral:
                        value = ""
                    continue
                if not (command and key in _COMMANDS):
                    return None
                value = _command(value, key)
            else:
                value = lookup_key(value, key, command)
            if value is MISSING:
                return None
        return value

    def children(self) -> list[Expression]:
        parts: Iterable[object] = [self.name, *self.lookups]
        return [part for part in parts if isinstance(part, Expression)]


def find_variable(context: RenderContext, name: object) -> object:
    """``Context#find_variable``: block scopes, assigns, counters, then the render variables."""
    try:
        value = context.scope[cast(str, name)]
    except (KeyError, TypeError):
        return None
    return "" if type(value) is MethodLiteral else value


def lookup_key(value: object, key: object, command: bool) -> object:
    """One step of ``VariableLookup#evaluate``; ``MISSING`` ends the lookup with ``nil``."""
    kind = _KINDS.get(type(value))
    if kind is None:
        kind = _kind_of(value)
    if kind is _HASH:
        if type(key) is str:  # the common case, first
            if key in value:  # type: ignore[operator]
                found = value[key]  # type: ignore[index]
                return "" if type(found) is MethodLiteral else found
        else:
            try:
                if key in value:  # type: ignore[operator]
                    return _to_liquid(value[key])  # type: ignore[index]
            except TypeError:
                pass
            if isinstance(key, int) and not isinstance(key, bool):
                return None
    elif kind is _DROP:
        if isinstance(key, str) and key.startswith("__"):
            return MISSING  # never ask a drop for a dunder name
        try:
            found = value[key]  # type: ignore[index]
        except (KeyError, TypeError, IndexError):
            pass
        else:
            return "" if type(found) is MethodLiteral else found
    elif kind is _ARRAY and isinstance(key, int) and not isinstance(key, bool):
        try:
            return _to_liquid(value[key])  # type: ignore[index]
        except IndexError:
            return None
    if command and key in _COMMANDS:
        return _command(value, str(key))
    return MISSING


# What a lookup step does with a value, by its type (``isinstance`` against ``Mapping`` is an
# ABC check: slow, and the same for every value of a type).
_HASH = "hash"
_DROP = "drop"
_ARRAY = "array"
_OTHER = "other"
_KINDS: dict[type, str] = {dict: _HASH, list: _ARRAY, tuple: _ARRAY, str: _OTHER}


def _kind_of(value: object) -> str:
    if isinstance(value, dict):
        kind = _HASH
    elif isinstance(value, Mapping):
        kind = _DROP
    elif isinstance(value, list | tuple):
        kind = _ARRAY
    else:
        kind = _OTHER
    if len(_KINDS) < 1024:
        _KINDS[type(value)] = kind
    return kind


def is_dunder(key: object) -> bool:
    """``__name__`` keys are never read from a drop (Ruby's drops do not answer them either)."""
    return isinstance(key, str) and key.startswith("__")


def _to_liquid(value: object) -> object:
    return "" if type(value) is MethodLiteral else value


def _command(value: object, name: str) -> object:
    """``size``, ``first`` and ``last`` called as methods, for the values that have them."""
    if name == "size":
        return _size(value)
    if isinstance(value, list | tuple):
        if not value:
            return None
        return value[0] if name == "first" else value[-1]
    if isinstance(value, RubyRange):
        return value.first if name == "first" else value.last
    if name == "first" and isinstance(value, Mapping):
        for key in value:
            return [key, value[key]]
        return None
    return MISSING


def _size(value: object) -> object:
    if isinstance(value, str | list | tuple | dict | RubyRange):
        return len(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return integer_size(value)
    if is_drop(value):
        return MISSING
    return MISSING


def integer_size(value: int) -> int:
    """Ruby's ``Integer#size``: 8 for a machine integer, more bytes for a bignum."""
    if -(2**62) <= value < 2**62:
        return 8
    return (abs(value).bit_length() + 7) // 8
