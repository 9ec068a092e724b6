"""Conditions of ``if``, ``unless``, ``when`` and ``where_exp``: Ruby's ``Liquid::Condition``.

``a and b or c`` is a chain evaluated left to right that stops at the first ``and`` whose left
side is false or the first ``or`` whose left side is true (no precedence, no parentheses), as in
Ruby. ``==`` is Ruby's ``==``; ``<`` and friends compare numbers with numbers, strings with
strings and times with times, are false when a side is ``nil`` or not comparable, and fail
(as Ruby does) for a string against a number; ``contains`` works on strings, arrays and hashes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from liquid.expression import Expression
from liquid.token import Token

from handler.engine.liquid.expressions import Literal, parse_expression
from handler.engine.liquid.markup import QUOTED_FRAGMENT, Parser, RubySyntaxError
from handler.engine.liquid.rnumbers import ArgumentError
from handler.engine.liquid.values import (
    MethodLiteral,
    RubyRange,
    inspect,
    is_truthy,
    ruby_eq,
    to_s,
    type_name,
)

if TYPE_CHECKING:
    from liquid import RenderContext

__all__ = [
    "Condition",
    "ElseCondition",
    "condition_operand",
    "parse_condition",
    "parse_expression_condition",
]

# ``empty`` and ``blank`` as condition operands (``Condition::MethodLiteral``): ``x == empty``
# asks ``x.empty?``. Ruby has no ``blank?``, so ``x == blank`` is never true.
CONDITION_EMPTY = MethodLiteral("empty?")
CONDITION_BLANK = MethodLiteral("blank?")
_CONDITION_LITERALS = {"empty": CONDITION_EMPTY, "blank": CONDITION_BLANK}

_EXPRESSIONS_AND_OPERATORS = re.compile(
    rf"(?:\b(?:\s?and\s?|\s?or\s?)\b|(?:\s*(?!\b(?:\s?and\s?|\s?or\s?)\b)(?:{QUOTED_FRAGMENT}|\S+)\s*)+)",
    re.ASCII,
)
_SYNTAX = re.compile(rf"({QUOTED_FRAGMENT})\s*([=!<>a-z_]+)?\s*({QUOTED_FRAGMENT})?", re.ASCII)


class ConditionSyntaxError(Exception):
    """The markup is not a condition Ruby accepts in either mode."""


class Condition(Expression):
    """``left op right``, optionally chained (``and``/``or``) to the next condition."""

    __slots__ = ("child", "left", "op", "relation", "right")

    def __init__(
        self, left: Expression, op: str | None, right: Expression | None, token: Token
    ) -> None:
        super().__init__(token)
        self.left = left
        self.op = op
        self.right = right
        self.relation: str | None = None
        self.child: Condition | None = None

    def chain(self, relation: str, child: Condition) -> None:
        self.relation = relation
        self.child = child

    @property
    def evaluator(self) -> Callable[[RenderContext], object]:
        """``evaluate``, or the left operand's own for a lone value (``{% if page.title %}``)."""
        if type(self) is Condition and self.relation is None and self.op is None:
            return self.left.evaluate
        return self.evaluate

    def evaluate(self, context: RenderContext) -> object:
        if self.relation is None:
            if self.op is None:
                return self.left.evaluate(context)
            return self.interpret(context)
        condition: Condition | None = self
        result: object = None
        while condition is not None:
            result = condition.interpret(context)
            if condition.relation == "or" and result is not None and result is not False:
                break
            if condition.relation == "and" and (result is None or result is False):
                break
            condition = condition.child if condition.relation else None
        return result

    def interpret(self, context: RenderContext) -> object:
        left = self.left.evaluate(context)
        if self.op is None:
            return left
        right = self.right.evaluate(context) if self.right is not None else None
        operation = _OPERATIONS.get(self.op)
        if operation is None:
            raise ArgumentError(f"Unknown operator {self.op}")
        return operation(left, right)

    def children(self) -> list[Expression]:
        parts = [self.left, self.right, self.child]
        return [part for part in parts if part is not None]


class ElseCondition(Condition):
    """``else``: always true."""

    __slots__ = ()

    def __init__(self, token: Token) -> None:
        super().__init__(Literal(True), None, None, token)

    def evaluate(self, context: RenderContext) -> object:
        return True


# --- operators -----------------------------------------------------------------------------------


def _equal(left: object, right: object) -> object:
    if isinstance(left, MethodLiteral) and left in (CONDITION_EMPTY, CONDITION_BLANK):
        return _method_literal(left, right)
    if isinstance(right, MethodLiteral) and right in (CONDITION_EMPTY, CONDITION_BLANK):
        return _method_literal(right, left)
    return ruby_eq(left, right)


def _method_literal(literal: MethodLiteral, value: object) -> object:
    if literal is CONDITION_EMPTY and isinstance(value, str | list | tuple | dict):
        return len(value) == 0
    return None


def _comparable(value: object) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int | float | Decimal | str | date)


def _compare(left: object, right: object, test: Callable[[int], bool]) -> object:
    if not (_comparable(left) and _comparable(right)):
        return None
    order = _order(left, right)
    if order is None:
        raise ArgumentError(f"comparison of {type_name(left)} with {_describe(right)} failed")
    return test(order)


def _describe(value: object) -> str:
    return inspect(value) if isinstance(value, int | float) else type_name(value)


def _order(left: object, right: object) -> int | None:
    """Ruby's ``<=>`` for comparable values of the same kind; ``None`` when they differ."""
    pairs = (
        (int | float | Decimal, int | float | Decimal),
        (str, str),
        (datetime, datetime),
    )
    for left_kind, right_kind in pairs:
        if isinstance(left, left_kind) and isinstance(right, right_kind):
            return _spaceship(left, right)
    plain_dates = not isinstance(left, datetime) and not isinstance(right, datetime)
    if plain_dates and isinstance(left, date) and isinstance(right, date):
        return _spaceship(left, right)
    return None


def _spaceship(left: object, right: object) -> int | None:
    try:
        if left < right:  # type: ignore[operator]
            return -1
        return 1 if left > right else 0  # type: ignore[operator]
    except TypeError:  # naive against aware times
        return None


def _contains(left: object, right: object) -> bool:
    if not (is_truthy(left) and is_truthy(right)):
        return False
    if isinstance(left, str):
        return to_s(right) in left
    if isinstance(left, list | tuple):
        return any(ruby_eq(item, right) for item in left)
    if isinstance(left, dict):
        try:
            return right in left
        except TypeError:
            return False
    if isinstance(left, RubyRange):
        return isinstance(right, int | float) and left.first <= right <= left.last
    if isinstance(left, Mapping):
        return any(ruby_eq([key, left[key]], right) for key in left)
    return False


_OPERATIONS: dict[str, Callable[[object, object], object]] = {
    "==": _equal,
    "!=": lambda left, right: not is_truthy(_equal(left, right)),
    "<>": lambda left, right: not is_truthy(_equal(left, right)),
    "<": lambda left, right: _compare(left, right, lambda order: order < 0),
    ">": lambda left, right: _compare(left, right, lambda order: order > 0),
    "<=": lambda left, right: _compare(left, right, lambda order: order <= 0),
    ">=": lambda left, right: _compare(left, right, lambda order: order >= 0),
    "contains": _contains,
}


# --- parsing -------------------------------------------------------------------------------------


def condition_operand(markup: str | None, token: Token) -> Expression:
    """``Condition.parse_expression``: ``empty``/``blank`` as method literals, else a value."""
    if markup is not None and markup in _CONDITION_LITERALS:
        return Literal(_CONDITION_LITERALS[markup], token)
    return parse_expression(markup, token)


def parse_condition(markup: str, token: Token) -> Condition:
    """``If#parse_with_selected_parser`` in ``warn`` mode: strict, else lax."""
    try:
        return _strict(markup, token, condition_operand)
    except RubySyntaxError:
        return _lax(markup, token)


def parse_expression_condition(markup: str, token: Token) -> Condition:
    """Jekyll's ``parse_condition`` for ``where_exp`` and ``find_exp``: strict only, operands
    read with ``Expression.parse`` (so ``empty`` there is Jekyll's literal, not ``empty?``)."""
    return _strict(markup, token, parse_expression)


def _strict(
    markup: str, token: Token, operand: Callable[[str | None, Token], Expression]
) -> Condition:
    parser = Parser(markup)
    first = condition = _comparison(parser, token, operand)
    while True:
        relation = "and" if parser.id_is("and") else "or" if parser.id_is("or") else None
        if relation is None:
            break
        child = _comparison(parser, token, operand)
        condition.chain(relation, child)
        condition = child
    parser.consume("end_of_string")
    return first


def _comparison(
    parser: Parser, token: Token, operand: Callable[[str | None, Token], Expression]
) -> Condition:
    left = operand(parser.expression(), token)
    op = parser.consume_if("comparison")
    if op is None:
        return Condition(left, None, None, token)
    return Condition(left, op, operand(parser.expression(), token), token)


def _lax(markup: str, token: Token) -> Condition:
    parts = _EXPRESSIONS_AND_OPERATORS.findall(markup)
    condition = _lax_comparison(parts.pop() if parts else None, token)
    while parts:
        operator = parts.pop().strip(" \t\n\v\f\r\x00")
        new_condition = _lax_comparison(parts.pop() if parts else "", token)
        if operator not in ("and", "or"):
            raise ConditionSyntaxError("Syntax Error in tag 'if' - Valid syntax: if [expression]")
        new_condition.chain(operator, condition)
        condition = new_condition
    return condition


def _lax_comparison(text: str | None, token: Token) -> Condition:
    match = _SYNTAX.search(text) if text is not None else None
    if match is None:
        raise ConditionSyntaxError("Syntax Error in tag 'if' - Valid syntax: if [expression]")
    left = condition_operand(match.group(1), token)
    right = condition_operand(match.group(3), token)
    return Condition(left, match.group(2), right, token)
