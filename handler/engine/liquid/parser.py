"""Parsing a token stream into nodes, the way Ruby Liquid's ``BlockBody`` and ``Block`` do.

A body collects text, ``{{ }}`` and registered tags until it meets a tag that is not registered
(``else``, ``endif``, ``when``, an unknown plugin tag) and hands it to the block being parsed, which
decides: its own end tag closes it, ``else``/``elsif``/``when`` open its next branch, anything else
is "unknown". Ruby fails the page on an unknown tag; Broadsheet keeps it as a node that renders
nothing and tells the host (``LiquidHost.unsupported``). Misplaced Liquid keywords (a stray
``endfor``, ``else`` outside a block) are syntax errors, as in Ruby.

Each node carries Ruby's ``blank?``: a block whose branches hold only whitespace text and blank
tags (``assign``, ``capture``, ``comment``…) drops that whitespace, exactly as Ruby's
``remove_blank_strings`` does. Nothing else is suppressed: a tag inside ``{% if %}`` always
renders its output.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, TextIO

from liquid.ast import BlockNode, Node
from liquid.exceptions import LiquidSyntaxError
from liquid.stream import TokenStream
from liquid.token import TOKEN_CONTENT, TOKEN_EOF, TOKEN_EXPRESSION, TOKEN_OUTPUT, TOKEN_TAG, Token

from handler.engine.liquid.lexer import TOKEN_LEXERROR
from handler.engine.liquid.values import output
from handler.engine.liquid.variable import Variable, parse_variable

if TYPE_CHECKING:
    from liquid import Environment, RenderContext

__all__ = [
    "BLOCK_TAGS",
    "BodyNode",
    "ContentNode",
    "OutputNode",
    "RubyNode",
    "UnknownTagNode",
    "body_node",
    "expect_markup",
    "parse_block_body",
    "parse_body",
    "parse_document",
    "strip_blank",
]

BLOCK_TAGS = frozenset(
    (
        "if",
        "unless",
        "for",
        "case",
        "capture",
        "comment",
        "raw",
        "tablerow",
        "ifchanged",
        "highlight",
    )
)
MAX_DEPTH = 100  # Ruby's Block::MAX_DEPTH
_RUBY_BLANK = re.compile(r"\A[ \t\n\v\f\r]*\Z")


class RubyNode(Node):
    """A node whose ``blank`` is Ruby's ``blank?`` (false for tags unless they say otherwise).

    ``render`` is the class's ``render_to_output`` itself: python-liquid's ``Node.render`` only
    adds a check of ``disabled_tags``, which Jekyll's Liquid never sets, and a call per node.
    """

    __slots__ = ()

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        cls.render = cls.render_to_output  # type: ignore[method-assign]

    def __init__(self, token: Token) -> None:
        super().__init__(token)
        self.blank = False


class BodyNode(BlockNode):
    """A sequence of nodes (python-liquid's ``BlockNode``, blank when every node is), rendered
    in a plain loop."""

    __slots__ = ()

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        for node in self.nodes:
            node.render(context, buffer)
        return 0

    render = render_to_output


class ContentNode(RubyNode):
    """Template text."""

    __slots__ = ("text",)

    def __init__(self, token: Token, text: str) -> None:
        super().__init__(token)
        self.text = text
        self.blank = _RUBY_BLANK.match(text) is not None

    def __str__(self) -> str:
        return self.text

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        return buffer.write(self.text)


class OutputNode(RubyNode):
    """``{{ markup }}``."""

    __slots__ = ("evaluate", "variable")

    def __init__(self, token: Token, variable: Variable) -> None:
        super().__init__(token)
        self.variable = variable
        self.evaluate = variable.evaluator

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        value = self.evaluate(context)
        return buffer.write(value if type(value) is str else output(value))

    def expressions(self) -> Iterable[Variable]:
        yield self.variable


class UnknownTagNode(RubyNode):
    """A tag Broadsheet does not implement: renders nothing, reported to the host."""

    __slots__ = ("name",)

    def __init__(self, token: Token, name: str) -> None:
        super().__init__(token)
        self.name = name

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        state = getattr(context, "state", None)
        if state is not None:
            state.unsupported("tag", self.name, self.token)
        return 0


def expect_markup(stream: TokenStream) -> tuple[Token, str]:
    """At a tag: step onto its markup; return the tag token and the markup text."""
    token = stream.current
    next(stream)
    stream.expect(TOKEN_EXPRESSION)
    return token, stream.current.value


def parse_body(env: Environment, stream: TokenStream) -> tuple[list[Node], Token | None]:
    """Nodes up to an unregistered tag (returned, the stream left on it) or the end (``None``)."""
    nodes: list[Node] = []
    tags = env.tags
    while True:
        token = stream.current
        kind = token.kind
        if kind == TOKEN_EOF:
            return nodes, None
        if kind == TOKEN_CONTENT:
            nodes.append(ContentNode(token, token.value))
        elif kind == TOKEN_OUTPUT:
            nodes.append(OutputNode(token, parse_variable(token.value, token)))
        elif kind == TOKEN_TAG:
            tag = tags.get(token.value)
            if tag is None:
                return nodes, token
            nodes.append(tag.parse(stream))
        elif kind == TOKEN_LEXERROR:
            raise LiquidSyntaxError(token.value, token=token)
        else:
            raise LiquidSyntaxError(f"unexpected {kind}", token=token)
        next(stream)


def unknown_tag(stream: TokenStream, block: str | None) -> Node:
    """An unregistered tag met while parsing ``block`` (``None`` at the top of a document)."""
    token = stream.current
    name = token.value
    misplaced_end = name.startswith("end") and (name == "end" or name[3:] in BLOCK_TAGS)
    if block is None and name in ("else", "end"):
        raise LiquidSyntaxError(f"Unexpected outer '{name}' tag", token=token)
    if block is not None and name == "else":
        raise LiquidSyntaxError(f"{block} tag does not expect 'else' tag", token=token)
    if block is not None and misplaced_end:
        message = f"'{name}' is not a valid delimiter for {block} tags. use end{block}"
        raise LiquidSyntaxError(message, token=token)
    if name in ("elsif", "when") or misplaced_end:
        raise LiquidSyntaxError(f"Unknown tag '{name}'", token=token)
    next(stream)  # onto the markup
    return UnknownTagNode(token, name)


def parse_document(env: Environment, stream: TokenStream) -> list[Node]:
    """A whole template (or a ``{% liquid %}`` tag's lines)."""
    nodes: list[Node] = []
    while True:
        part, stop = parse_body(env, stream)
        nodes.extend(part)
        if stop is None:
            return nodes
        nodes.append(unknown_tag(stream, None))
        next(stream)


BranchHandler = Callable[[Token], bool]


def parse_block_body(
    env: Environment,
    stream: TokenStream,
    opener: Token,
    *,
    on_other: BranchHandler | None = None,
    ignore_unknown: bool = False,
) -> tuple[list[Node], Token]:
    """A branch of block ``opener``: nodes up to ``end<name>`` or a tag ``on_other`` accepts.

    Returns the nodes and the tag that ended the branch (the stream is left on it). Unknown tags
    become ``UnknownTagNode``s (or are skipped, for ``comment``); a missing end is an error.
    """
    name = opener.value
    nodes: list[Node] = []
    stream.block_depth += 1
    if stream.block_depth > MAX_DEPTH:
        raise LiquidSyntaxError("Nesting too deep", token=opener)
    try:
        while True:
            part, stop = parse_body(env, stream)
            nodes.extend(part)
            if stop is None:
                raise LiquidSyntaxError(f"'{name}' tag was never closed", token=opener)
            if stop.value == f"end{name}" or (on_other is not None and on_other(stop)):
                return nodes, stop
            if ignore_unknown:
                next(stream)
            else:
                nodes.append(unknown_tag(stream, name))
            next(stream)
    finally:
        stream.block_depth -= 1


def parse_fragment(env: Environment, text: str, token: Token) -> list[Node]:
    """A piece of markup parsed as a template of its own (an include's ``{{ file }}`` name, a
    ``link`` path): Ruby's ``Liquid::Template.parse(markup)``."""
    from handler.engine.liquid.lexer import tokenize

    try:
        return parse_document(env, TokenStream(iter(tokenize(text))))
    except LiquidSyntaxError as err:
        err.token = token
        raise


def render_fragment(nodes: list[Node], context: RenderContext, token: Token) -> str:
    """Render a fragment with the page's context; its errors are reported at ``token``."""
    from liquid.exceptions import LiquidError as LibraryError

    out = context.get_buffer()
    try:
        for node in nodes:
            node.render(context, out)
    except LibraryError as err:
        err.token = token
        raise
    return out.getvalue()


def strip_blank(nodes: list[Node]) -> list[Node]:
    """Ruby's ``remove_blank_strings``: drop the text of a blank block."""
    return [node for node in nodes if not isinstance(node, ContentNode)]


def body_node(token: Token, nodes: list[Node]) -> BlockNode:
    """A sequence of nodes (python-liquid's ``BlockNode``; blank when every node is)."""
    return BodyNode(token, nodes)
