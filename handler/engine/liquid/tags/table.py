"""``tablerow`` and ``cycle``, as Ruby Liquid parses and renders them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, ClassVar, TextIO, cast

from liquid.ast import BlockNode, Node
from liquid.exceptions import BreakLoop, ContinueLoop, LiquidSyntaxError
from liquid.expression import Expression
from liquid.stream import TokenStream
from liquid.tag import Tag
from liquid.token import Token

from handler.engine.liquid.context import JekyllContext
from handler.engine.liquid.expressions import Literal, evaluate, parse_expression
from handler.engine.liquid.markup import QUOTED_FRAGMENT, scan_attributes
from handler.engine.liquid.parser import RubyNode, body_node, expect_markup, parse_block_body
from handler.engine.liquid.rnumbers import to_i
from handler.engine.liquid.tags.loops import slice_collection
from handler.engine.liquid.values import inspect, join, to_s

if TYPE_CHECKING:
    from liquid import RenderContext

__all__ = ["CycleTag", "TablerowTag"]

# Ruby's TableRow::Syntax; starting only at a word and possessive, so linear on junk.
_TABLEROW = re.compile(rf"(?<!\w)(\w++)\s+in\s+({QUOTED_FRAGMENT}+)", re.ASCII)
_CYCLE_NAMED = re.compile(rf"\A({QUOTED_FRAGMENT})\s*\:\s*(.*)", re.ASCII | re.S)
_CYCLE_SIMPLE = re.compile(rf"\A{QUOTED_FRAGMENT}+", re.ASCII)
_CYCLE_VALUE = re.compile(rf"\s*({QUOTED_FRAGMENT})\s*", re.ASCII)


class TablerowDrop(Mapping[str, object]):
    """``tablerowloop``: Ruby's ``TablerowloopDrop``."""

    ruby_class: ClassVar[str] = "Liquid::TablerowloopDrop"
    _KEYS = (
        "length",
        "col",
        "row",
        "index",
        "index0",
        "col0",
        "rindex",
        "rindex0",
        "first",
        "last",
        "col_first",
        "col_last",
    )

    def __init__(self, length: int, cols: int) -> None:
        self.length = length
        self.cols = cols
        self.row = 1
        self.col = 1
        self.index = 0

    def increment(self) -> None:
        self.index += 1
        if self.col == self.cols:
            self.col = 1
            self.row += 1
        else:
            self.col += 1

    def __getitem__(self, key: str) -> object:
        values = {
            "length": self.length,
            "col": self.col,
            "row": self.row,
            "index": self.index + 1,
            "index0": self.index,
            "col0": self.col - 1,
            "rindex": self.length - self.index,
            "rindex0": self.length - self.index - 1,
            "first": self.index == 0,
            "last": self.index == self.length - 1,
            "col_first": self.col == 1,
            "col_last": self.col == self.cols,
        }
        return values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._KEYS)

    def __len__(self) -> int:
        return len(self._KEYS)


class TablerowNode(RubyNode):
    __slots__ = ("attributes", "block", "collection", "variable")

    def __init__(
        self,
        token: Token,
        variable: str,
        collection: Expression,
        attributes: dict[str, Expression],
        block: BlockNode,
    ) -> None:
        super().__init__(token)
        self.variable = variable
        self.collection = collection
        self.attributes = attributes
        self.block = block
        self.blank = block.blank

    def _int(self, key: str, context: RenderContext) -> int:
        return to_i(evaluate(self.attributes.get(key), context))

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        ctx = cast(JekyllContext, context)
        collection = self.collection.evaluate(context)
        if collection is None or collection is False:
            return 0
        start = self._int("offset", context) if "offset" in self.attributes else 0
        stop = start + self._int("limit", context) if "limit" in self.attributes else None
        items = slice_collection(collection, start, stop, ctx.state.limits.max_loop_iterations)
        loop = TablerowDrop(len(items), self._int("cols", context))
        buffer.write('<tr class="row1">\n')
        namespace: dict[str, object] = {"tablerowloop": loop}
        with ctx.extend(namespace):
            for item in items:
                ctx.state.count_iteration(self.token)
                namespace[self.variable] = item
                buffer.write(f'<td class="col{loop.col}">')
                try:
                    self.block.render(context, buffer)
                except ContinueLoop:
                    pass
                except BreakLoop:
                    buffer.write("</td>")
                    break
                buffer.write("</td>")
                if loop["col_last"] and not loop["last"]:
                    buffer.write(f'</tr>\n<tr class="row{loop.row + 1}">')
                loop.increment()
        buffer.write("</tr>\n")
        return 0

    def children(
        self, static_context: RenderContext, *, include_partials: bool = True
    ) -> Iterable[Node]:
        return [self.block]

    def expressions(self) -> Iterable[Expression]:
        return [self.collection, *self.attributes.values()]


class TablerowTag(Tag):
    name = "tablerow"
    end = "endtablerow"

    def parse(self, stream: TokenStream) -> Node:
        token, markup = expect_markup(stream)
        match = _TABLEROW.search(markup)
        if match is None:
            raise LiquidSyntaxError(
                "Syntax Error in 'table_row loop' - Valid syntax: table_row [item] in [collection] cols=3",
                token=token,
            )
        attributes = {key: parse_expression(value, token) for key, value in scan_attributes(markup)}
        next(stream)
        nodes, _ = parse_block_body(self.env, stream, token)
        next(stream)
        collection = parse_expression(match.group(2), token)
        return TablerowNode(token, match.group(1), collection, attributes, body_node(token, nodes))


# --- cycle ---------------------------------------------------------------------------------------


class CycleNode(RubyNode):
    __slots__ = ("group", "values")

    def __init__(self, token: Token, group: Expression | None, values: list[Expression]) -> None:
        super().__init__(token)
        self.group = group
        self.values = values

    def _key(self, context: RenderContext) -> object:
        if self.group is not None:
            return ("named", to_s(self.group.evaluate(context)))
        if all(isinstance(value, Literal) for value in self.values):
            return ("values", inspect([cast(Literal, value).value for value in self.values]))
        return ("node", id(self))

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        registers = cast(JekyllContext, context).state.registers.setdefault("cycle", {})
        key = self._key(context)
        iteration = registers.get(key, 0)
        value = self.values[iteration].evaluate(context) if iteration < len(self.values) else None
        iteration += 1
        registers[key] = 0 if iteration >= len(self.values) else iteration
        return buffer.write(join(value) if isinstance(value, list) else to_s(value))

    def expressions(self) -> Iterable[Expression]:
        return ([self.group] if self.group is not None else []) + self.values


def _cycle_values(markup: str, token: Token) -> list[Expression]:
    values: list[Expression] = []
    parts = markup.split(",")
    while parts and parts[-1] == "":
        parts.pop()
    for part in parts:
        match = _CYCLE_VALUE.search(part)
        if match is None:
            continue
        value = parse_expression(match.group(1), token)
        if not (isinstance(value, Literal) and value.value is None):
            values.append(value)
    return values


class CycleTag(Tag):
    name = "cycle"
    block = False

    def parse(self, stream: TokenStream) -> Node:
        token, markup = expect_markup(stream)
        named = _CYCLE_NAMED.match(markup)
        if named is not None:
            return CycleNode(
                token, parse_expression(named.group(1), token), _cycle_values(named.group(2), token)
            )
        if _CYCLE_SIMPLE.match(markup):
            return CycleNode(token, None, _cycle_values(markup, token))
        raise LiquidSyntaxError(
            "Syntax Error in 'cycle' - Valid syntax: cycle [name :] var [, var2, var3 ...]",
            token=token,
        )
