"""``assign``, ``capture``, ``increment``, ``decrement`` and ``echo``.

``assign`` and ``capture`` write the template's outermost scope (so an ``assign`` inside an
include or a loop is visible after it, as in Ruby); ``increment`` and ``decrement`` keep counters
that a template's variables of the same name start from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, TextIO, cast

from liquid.ast import BlockNode, Node
from liquid.exceptions import LiquidInterrupt, LiquidSyntaxError
from liquid.expression import Expression
from liquid.stream import TokenStream
from liquid.tag import Tag
from liquid.token import Token

from handler.engine.liquid.context import JekyllContext
from handler.engine.liquid.markup import VARIABLE_SIGNATURE
from handler.engine.liquid.parser import RubyNode, body_node, expect_markup, parse_block_body
from handler.engine.liquid.rnumbers import ArgumentError
from handler.engine.liquid.values import output, type_name
from handler.engine.liquid.variable import Variable, parse_variable

if TYPE_CHECKING:
    from liquid import RenderContext

__all__ = ["AssignTag", "CaptureTag", "DecrementTag", "EchoTag", "IncrementTag"]

# Ruby's Assign::Syntax, searched only where a name can start, its name run possessive: the
# same first match, in linear time (a plain search is quadratic on a long word without "=").
_ASSIGN = re.compile(rf"({VARIABLE_SIGNATURE}++)\s*=\s*(.*)\s*", re.ASCII | re.S)
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.[]")


def _assign_match(markup: str) -> re.Match[str] | None:
    """``markup =~ Assign::Syntax``."""
    if "=" not in markup:
        return None
    for start in range(len(markup)):
        if start and markup[start - 1] in _NAME_CHARS:
            continue
        match = _ASSIGN.match(markup, start)
        if match is not None:
            return match
    return None


_CAPTURE = re.compile(rf"({VARIABLE_SIGNATURE}+)", re.ASCII)


class AssignNode(RubyNode):
    __slots__ = ("evaluate", "name", "variable")

    def __init__(self, token: Token, name: str, variable: Variable) -> None:
        super().__init__(token)
        self.name = name
        self.variable = variable
        self.evaluate = variable.evaluator
        self.blank = True

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        context.locals[self.name] = self.evaluate(context)
        return 0

    def expressions(self) -> Iterable[Expression]:
        return [self.variable]


class AssignTag(Tag):
    name = "assign"
    block = False

    def parse(self, stream: TokenStream) -> Node:
        token, markup = expect_markup(stream)
        match = _assign_match(markup)
        if match is None:
            raise LiquidSyntaxError(
                "Syntax Error in 'assign' - Valid syntax: assign [var] = [source]", token=token
            )
        return AssignNode(token, match.group(1), parse_variable(match.group(2), token))


class CaptureNode(RubyNode):
    __slots__ = ("body", "name")

    def __init__(self, token: Token, name: str, body: BlockNode) -> None:
        super().__init__(token)
        self.name = name
        self.body = body
        self.blank = True

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        captured = context.get_buffer(buffer)
        try:
            self.body.render(context, captured)
        except LiquidInterrupt:
            context.locals[self.name] = captured.getvalue()
            raise
        context.locals[self.name] = captured.getvalue()
        return 0

    def children(
        self, static_context: RenderContext, *, include_partials: bool = True
    ) -> Iterable[Node]:
        return [self.body]


class CaptureTag(Tag):
    name = "capture"
    end = "endcapture"

    def parse(self, stream: TokenStream) -> Node:
        token, markup = expect_markup(stream)
        match = _CAPTURE.search(markup)
        if match is None:
            raise LiquidSyntaxError(
                "Syntax Error in 'capture' - Valid syntax: capture [var]", token=token
            )
        next(stream)
        nodes, _ = parse_block_body(self.env, stream, token)
        next(stream)
        return CaptureNode(token, match.group(1), body_node(token, nodes))


class CounterNode(RubyNode):
    """``increment`` (``step`` 1, prints the value before) or ``decrement`` (after)."""

    __slots__ = ("name", "step")

    def __init__(self, token: Token, name: str, step: int) -> None:
        super().__init__(token)
        self.name = name
        self.step = step

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        ctx = cast(JekyllContext, context)
        value = self._current(ctx)
        if self.step > 0:
            ctx.counters[self.name] = value + 1
            return buffer.write(str(value))
        ctx.counters[self.name] = value - 1
        return buffer.write(str(value - 1))

    def _current(self, context: JekyllContext) -> int:
        value: object = context.counters.get(self.name)
        if value is None:
            value = context.globals.get(self.name)  # Ruby keeps counters with the variables
        if value is None or value is False:
            return 0
        if not isinstance(value, int) or isinstance(value, bool):
            raise ArgumentError(f"{type_name(value)} can't be coerced into Integer")
        return value


class IncrementTag(Tag):
    name = "increment"
    block = False
    step = 1

    def parse(self, stream: TokenStream) -> Node:
        token, markup = expect_markup(stream)
        return CounterNode(token, markup.strip(" \t\n\v\f\r\x00"), self.step)


class DecrementTag(IncrementTag):
    name = "decrement"
    step = -1


class EchoNode(RubyNode):
    __slots__ = ("variable",)

    def __init__(self, token: Token, variable: Variable) -> None:
        super().__init__(token)
        self.variable = variable

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        return buffer.write(output(self.variable.evaluate(context)))

    def expressions(self) -> Iterable[Expression]:
        return [self.variable]


class EchoTag(Tag):
    name = "echo"
    block = False

    def parse(self, stream: TokenStream) -> Node:
        token, markup = expect_markup(stream)
        return EchoNode(token, parse_variable(markup, token))
