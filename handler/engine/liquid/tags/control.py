"""``if``, ``unless`` and ``case``, as Ruby Liquid parses and renders them.

``{% else anything %}`` is an ``else`` (Ruby ignores the rest), several ``else`` branches are
allowed (the first wins), ``{% when a, b or c %}`` renders its branch once per matching value,
text between ``{% case %}`` and the first ``when`` is never rendered.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, TextIO

from liquid.ast import BlockNode, Node
from liquid.exceptions import LiquidSyntaxError
from liquid.expression import Expression
from liquid.stream import TokenStream
from liquid.tag import Tag
from liquid.token import Token

from handler.engine.liquid.conditions import (
    Condition,
    ConditionSyntaxError,
    ElseCondition,
    condition_operand,
    parse_condition,
)
from handler.engine.liquid.expressions import parse_expression
from handler.engine.liquid.markup import QUOTED_FRAGMENT
from handler.engine.liquid.parser import (
    RubyNode,
    body_node,
    expect_markup,
    parse_block_body,
    strip_blank,
)
from handler.engine.liquid.values import is_truthy

if TYPE_CHECKING:
    from liquid import RenderContext

__all__ = ["CaseTag", "IfTag", "UnlessTag"]

_CASE = re.compile(rf"({QUOTED_FRAGMENT})", re.ASCII)
_WHEN = re.compile(
    rf"({QUOTED_FRAGMENT})(?:(?:\s+or\s+|\s*\,\s*)({QUOTED_FRAGMENT}.*))?", re.ASCII | re.S
)
_BLANK_MARKUP = re.compile(r"\A[ \t\n\v\f\r]*\Z")

Branch = tuple[Condition, BlockNode]


def _condition(markup: str, token: Token) -> Condition:
    try:
        return parse_condition(markup, token)
    except ConditionSyntaxError as err:
        raise LiquidSyntaxError(str(err), token=token) from None


def _finish(
    token: Token, branches: list[tuple[Condition, list[Node]]]
) -> tuple[bool, list[Branch]]:
    """Ruby's blank rule: all branches blank, then their whitespace text goes."""
    blank = all(node.blank for _, nodes in branches for node in nodes)
    built = [
        (cond, body_node(token, strip_blank(nodes) if blank else nodes)) for cond, nodes in branches
    ]
    return blank, built


class IfNode(RubyNode):
    """``{% if %}…{% elsif %}…{% else %}…{% endif %}``: the first true branch renders."""

    __slots__ = ("branches", "tests")

    def __init__(self, token: Token, branches: list[Branch], blank: bool) -> None:
        super().__init__(token)
        self.branches = branches
        self.blank = blank
        # (what decides the branch, the branch's render): the condition, or its only operand
        self.tests = [(condition.evaluator, body.render) for condition, body in branches]

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        for test, render in self.tests:
            value = test(context)
            if value is not None and value is not False:
                return render(context, buffer)
        return 0

    def children(
        self, static_context: RenderContext, *, include_partials: bool = True
    ) -> Iterable[Node]:
        return [body for _, body in self.branches]

    def expressions(self) -> Iterable[Expression]:
        return [condition for condition, _ in self.branches]


class UnlessNode(IfNode):
    """``{% unless %}``: the first branch renders when its condition is false."""

    __slots__ = ()

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        first, *rest = self.branches
        if not is_truthy(first[0].evaluate(context)):
            return first[1].render(context, buffer)
        for condition, body in rest:
            if is_truthy(condition.evaluate(context)):
                return body.render(context, buffer)
        return 0


class IfTag(Tag):
    """``if`` (and, through ``node_class``, ``unless``)."""

    name = "if"
    end = "endif"
    node_class: type[IfNode] = IfNode

    def parse(self, stream: TokenStream) -> Node:
        token, markup = expect_markup(stream)
        condition = _condition(markup, token)
        next(stream)
        branches: list[tuple[Condition, list[Node]]] = []
        while True:
            nodes, stop = parse_block_body(
                self.env, stream, token, on_other=lambda t: t.value in ("elsif", "else")
            )
            branches.append((condition, nodes))
            tag_token, markup = expect_markup(stream)
            if stop.value == f"end{token.value}":
                break
            condition = (
                ElseCondition(tag_token) if stop.value == "else" else _condition(markup, tag_token)
            )
            next(stream)
        blank, built = _finish(token, branches)
        return self.node_class(token, built, blank)


class UnlessTag(IfTag):
    name = "unless"
    end = "endunless"
    node_class = UnlessNode


class CaseNode(RubyNode):
    """``{% case %}``: every matching ``when`` renders; ``else`` when none has so far."""

    __slots__ = ("branches",)

    def __init__(self, token: Token, branches: list[Branch], blank: bool) -> None:
        super().__init__(token)
        self.branches = branches
        self.blank = blank

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        run_else = True
        for condition, body in self.branches:
            if isinstance(condition, ElseCondition):
                if run_else:
                    body.render(context, buffer)
                continue
            if is_truthy(condition.evaluate(context)):
                run_else = False
                body.render(context, buffer)
        return 0

    def children(
        self, static_context: RenderContext, *, include_partials: bool = True
    ) -> Iterable[Node]:
        return [body for _, body in self.branches]

    def expressions(self) -> Iterable[Expression]:
        return [condition for condition, _ in self.branches]


class CaseTag(Tag):
    name = "case"
    end = "endcase"

    def parse(self, stream: TokenStream) -> Node:
        token, markup = expect_markup(stream)
        match = _CASE.search(markup)
        if match is None:
            raise LiquidSyntaxError(
                "Syntax Error in 'case' - Valid syntax: case [condition]", token=token
            )
        left = parse_expression(match.group(1), token)
        next(stream)
        groups: list[tuple[list[Condition], list[Node]]] = []
        leading: list[Node] = []
        current = leading
        while True:
            nodes, stop = parse_block_body(
                self.env, stream, token, on_other=lambda t: t.value in ("when", "else")
            )
            current.extend(nodes)
            tag_token, markup = expect_markup(stream)
            if stop.value == "endcase":
                break
            conditions = self._branch(left, stop.value, markup, tag_token)
            current = []
            groups.append((conditions, current))
            next(stream)
        return self._node(token, leading, groups)

    @staticmethod
    def _branch(left: Expression, kind: str, markup: str, token: Token) -> list[Condition]:
        if kind == "else":
            if not _BLANK_MARKUP.match(markup):
                raise LiquidSyntaxError(
                    "Syntax Error in tag 'case' - Valid else condition: {% else %} (no parameters) ",
                    token=token,
                )
            return [ElseCondition(token)]
        return _when_conditions(left, markup, token)

    @staticmethod
    def _node(
        token: Token, leading: list[Node], groups: list[tuple[list[Condition], list[Node]]]
    ) -> CaseNode:
        blank = all(node.blank for node in leading) and all(
            node.blank for _, nodes in groups for node in nodes
        )
        branches: list[Branch] = []
        for conditions, nodes in groups:
            body = body_node(token, strip_blank(nodes) if blank else nodes)
            branches.extend((condition, body) for condition in conditions)
        return CaseNode(token, branches, blank)


def _when_conditions(left: Expression, markup: str, token: Token) -> list[Condition]:
    conditions: list[Condition] = []
    rest: str | None = markup
    while rest is not None:
        match = _WHEN.search(rest)
        if match is None:
            raise LiquidSyntaxError(
                "Syntax Error in tag 'case' - Valid when condition: {% when [condition] [or condition2...] %}",
                token=token,
            )
        rest = match.group(2)
        conditions.append(Condition(left, "==", condition_operand(match.group(1), token), token))
    return conditions
