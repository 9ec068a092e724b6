"""``for`` (with ``limit``, ``offset``, ``reversed``, ``else``), ``break`` and ``continue``, as
Ruby Liquid parses and renders them (``tablerow`` and ``cycle`` are in ``table.py``).

A ``for`` over a hash gives ``[key, value]`` pairs, over a drop its keys, over a string the
string once, over ``nil`` or a number nothing. ``limit: 0`` gives nothing; ``offset: continue``
resumes where the same loop (same variable and collection) stopped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from time import monotonic
from typing import TYPE_CHECKING, ClassVar, TextIO

from liquid.ast import BlockNode, Node
from liquid.builtin.tags.for_tag import ForLoop
from liquid.exceptions import BreakLoop, ContinueLoop, LiquidSyntaxError
from liquid.expression import Expression
from liquid.stream import TokenStream
from liquid.tag import Tag
from liquid.token import Token

from handler.engine.liquid.context import JekyllContext, LimitError
from handler.engine.liquid.expressions import Literal, evaluate, parse_expression
from handler.engine.liquid.markup import (
    QUOTED_FRAGMENT,
    VARIABLE_SEGMENT,
    Parser,
    RubySyntaxError,
    scan_attributes,
)
from handler.engine.liquid.parser import (
    RubyNode,
    body_node,
    expect_markup,
    parse_block_body,
    strip_blank,
)
from handler.engine.liquid.rnumbers import to_i, to_integer
from handler.engine.liquid.values import RubyRange

if TYPE_CHECKING:
    from liquid import RenderContext

__all__ = ["BreakTag", "ContinueTag", "ForTag", "LoopDrop", "slice_collection"]

_FOR = re.compile(rf"\A({VARIABLE_SEGMENT}+)\s+in\s+({QUOTED_FRAGMENT}+)\s*(reversed)?", re.ASCII)
CONTINUE = Literal("continue")


# --- the collection a loop walks -----------------------------------------------------------------


def _each(value: object, for_loop: bool) -> Iterable[object] | None:
    """What Ruby's ``each`` gives (``None`` when the value has no ``each``)."""
    if isinstance(value, list | tuple):
        return value
    if isinstance(value, RubyRange):
        return range(value.first, value.last + 1)
    if isinstance(value, dict):
        return ([key, item] for key, item in value.items())
    if isinstance(value, Mapping):
        return iter(value) if for_loop else ([key, value[key]] for key in value)
    return None


def slice_collection(
    value: object, start: int, stop: int | None, limit: int, *, for_loop: bool = True
) -> Sequence[object]:
    """Liquid's ``Utils.slice_collection``: items ``start``…``stop - 1`` of the collection."""
    if isinstance(value, str):
        return [value] if value else []
    items = _each(value, for_loop)
    if items is None:
        return []
    if isinstance(items, range):
        chosen = items[max(start, 0) : stop if stop is None or stop >= 0 else 0]
        if len(chosen) > limit:
            raise LimitError(f"a range of more than {limit} items", token=None)
        return chosen  # a range stays lazy
    segment: list[object] = []
    for index, item in enumerate(items):
        if stop is not None and stop <= index:
            break
        if start <= index:
            segment.append(item)
    return segment


class LoopDrop(ForLoop):
    """``forloop``: python-liquid's, iterating over its keys like any drop."""

    ruby_class: ClassVar[str] = "Liquid::ForloopDrop"

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._keys))


# --- for -----------------------------------------------------------------------------------------


class ForNode(RubyNode):
    __slots__ = (
        "block",
        "collection",
        "default",
        "limit",
        "name",
        "offset",
        "reversed",
        "variable",
    )

    def __init__(
        self, token: Token, spec: _ForSpec, block: BlockNode, default: BlockNode | None, blank: bool
    ) -> None:
        super().__init__(token)
        self.variable = spec.variable
        self.collection = spec.collection
        self.name = spec.name
        self.reversed = spec.reversed
        self.limit = spec.limit
        self.offset = spec.offset
        self.block = block
        self.default = default
        self.blank = blank

    def _segment(self, context: JekyllContext) -> Sequence[object]:
        offsets = context.state.registers.setdefault("for", {})
        if self.offset is CONTINUE:
            start = to_i(offsets.get(self.name))
        else:
            value = evaluate(self.offset, context)
            start = 0 if value is None else to_integer(value)
        limit_value = evaluate(self.limit, context)
        stop = None if limit_value is None else to_integer(limit_value) + start
        collection = self.collection.evaluate(context)
        limit = context.state.limits.max_loop_iterations
        segment = slice_collection(collection, start, stop, limit)
        if self.reversed:
            segment = segment[::-1]
        offsets[self.name] = start + len(segment)
        return segment

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        ctx: JekyllContext = context  # type: ignore[assignment]
        segment = self._segment(ctx)
        if not segment:
            return self.default.render(context, buffer) if self.default is not None else 0
        stack: list[LoopDrop] = ctx.state.registers.setdefault("for_stack", [])
        forloop = LoopDrop(self.name, iter(segment), len(segment), stack[-1] if stack else None)
        stack.append(forloop)
        try:
            self._loop(ctx, forloop, segment, buffer)
        finally:
            stack.pop()
        return 0

    def _loop(
        self, context: JekyllContext, forloop: LoopDrop, segment: Sequence[object], buffer: TextIO
    ) -> None:
        namespace: dict[str, object] = {"forloop": forloop}
        state = context.state
        limits = state.limits
        variable = self.variable
        render = self.block.render
        with context.extend(namespace):
            for item in segment:
                forloop.step()
                state.iterations += 1  # RenderState.count_iteration, inline
                if (
                    state.iterations > limits.max_loop_iterations
                    or monotonic() - state.started > limits.max_render_seconds
                ):
                    state.iterations -= 1
                    state.count_iteration(self.token)  # raises
                namespace[variable] = item
                try:
                    render(context, buffer)
                except ContinueLoop:
                    continue
                except BreakLoop:
                    break

    def children(
        self, static_context: RenderContext, *, include_partials: bool = True
    ) -> Iterable[Node]:
        return [self.block] + ([self.default] if self.default is not None else [])

    def expressions(self) -> Iterable[Expression]:
        return [e for e in (self.collection, self.limit, self.offset) if e is not None]


class _ForSpec:
    __slots__ = ("collection", "limit", "name", "offset", "reversed", "variable")

    def __init__(self, variable: str, collection_markup: str, token: Token) -> None:
        self.variable = variable
        self.collection = parse_expression(collection_markup, token)
        self.name = f"{variable}-{collection_markup}"
        self.reversed = False
        self.limit: Expression | None = None
        self.offset: Expression | None = None

    def attribute(self, key: str, markup: str, token: Token) -> None:
        if key == "offset":
            self.offset = CONTINUE if markup == "continue" else parse_expression(markup, token)
        elif key == "limit":
            self.limit = parse_expression(markup, token)


def _for_strict(markup: str, token: Token) -> _ForSpec:
    parser = Parser(markup)
    variable = parser.consume("id")
    if not parser.id_is("in"):
        raise RubySyntaxError("For loops require an 'in' clause")
    spec = _ForSpec(variable, parser.expression(), token)
    spec.reversed = parser.id_is("reversed")
    while parser.look("id") and parser.look("colon", 1):
        key = "limit" if parser.id_is("limit") else "offset" if parser.id_is("offset") else None
        if key is None:
            raise RubySyntaxError(
                "Invalid attribute in for loop. Valid attributes are limit and offset"
            )
        parser.consume()
        spec.attribute(key, parser.expression(), token)
    parser.consume("end_of_string")
    return spec


def _for_lax(markup: str, token: Token) -> _ForSpec:
    match = _FOR.search(markup)
    if match is None:
        raise LiquidSyntaxError(
            "Syntax Error in 'for loop' - Valid syntax: for [item] in [collection]", token=token
        )
    spec = _ForSpec(match.group(1), match.group(2), token)
    spec.reversed = match.group(3) is not None
    for key, value in scan_attributes(markup):
        spec.attribute(key, value, token)
    return spec


class ForTag(Tag):
    name = "for"
    end = "endfor"

    def parse(self, stream: TokenStream) -> Node:
        token, markup = expect_markup(stream)
        try:
            spec = _for_strict(markup, token)
        except RubySyntaxError:
            spec = _for_lax(markup, token)
        next(stream)
        nodes, stop = parse_block_body(
            self.env, stream, token, on_other=lambda t: t.value == "else"
        )
        default: list[Node] | None = None
        if stop.value == "else":
            default = self._else(stream, token)
        else:
            next(stream)
        blank = all(n.blank for n in nodes) and all(n.blank for n in default or [])
        block = body_node(token, strip_blank(nodes) if blank else nodes)
        otherwise = None
        if default is not None:
            otherwise = body_node(token, strip_blank(default) if blank else default)
        return ForNode(token, spec, block, otherwise, blank)

    def _else(self, stream: TokenStream, token: Token) -> list[Node]:
        """Ruby parses one ``else`` branch; a second ``else`` ends the loop with an empty one."""
        next(stream)
        next(stream)
        nodes, stop = parse_block_body(
            self.env, stream, token, on_other=lambda t: t.value == "else"
        )
        next(stream)
        return nodes if stop.value == "endfor" else []


class _InterruptNode(RubyNode):
    __slots__ = ()
    interrupt: ClassVar[type[Exception]] = BreakLoop

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        raise self.interrupt(self.token.value)


class _BreakNode(_InterruptNode):
    __slots__ = ()


class _ContinueNode(_InterruptNode):
    __slots__ = ()
    interrupt = ContinueLoop


class BreakTag(Tag):
    name = "break"
    block = False

    def parse(self, stream: TokenStream) -> Node:
        token, _ = expect_markup(stream)
        return _BreakNode(token)


class ContinueTag(Tag):
    name = "continue"
    block = False

    def parse(self, stream: TokenStream) -> Node:
        token, _ = expect_markup(stream)
        return _ContinueNode(token)
