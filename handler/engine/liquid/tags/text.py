"""``raw``, ``comment``, ``#``, ``ifchanged`` and ``liquid``."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, TextIO, cast

from liquid.ast import BlockNode, Node
from liquid.exceptions import LiquidSyntaxError
from liquid.stream import TokenStream
from liquid.tag import Tag
from liquid.token import TOKEN_EXPRESSION, TOKEN_TAG, Token

from handler.engine.liquid.context import JekyllContext
from handler.engine.liquid.lexer import TOKEN_LEXERROR, TOKEN_RAWBODY
from handler.engine.liquid.parser import (
    RubyNode,
    body_node,
    expect_markup,
    parse_block_body,
    parse_document,
)

if TYPE_CHECKING:
    from liquid import RenderContext

__all__ = ["CommentTag", "IfchangedTag", "InlineCommentTag", "LiquidTag", "RawTag"]

_BLANK = re.compile(r"\A[ \t\n\v\f\r]*\Z")
_INLINE_COMMENT_INVALID = re.compile(r"\n\s*[^#\s]", re.ASCII)
_LIQUID_LINE = re.compile(r"\A[ \t\n\v\f\r]*(#|[A-Za-z0-9_]+)[ \t\n\v\f\r]*(.*?)\Z")


class TextNode(RubyNode):
    """Literal text (the body of ``raw``)."""

    __slots__ = ("text",)

    def __init__(self, token: Token, text: str) -> None:
        super().__init__(token)
        self.text = text
        self.blank = text == ""

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        return buffer.write(self.text)


class RawTag(Tag):
    name = "raw"
    end = "endraw"

    def parse(self, stream: TokenStream) -> Node:
        token, markup = expect_markup(stream)
        if not _BLANK.match(markup):
            raise LiquidSyntaxError("Syntax Error in 'raw' - Valid syntax: raw", token=token)
        body = stream.peek
        if body.kind == TOKEN_LEXERROR:
            raise LiquidSyntaxError(body.value, token=token)
        next(stream)
        assert stream.current.kind == TOKEN_RAWBODY
        return TextNode(token, body.value)


class SilentNode(RubyNode):
    """Renders nothing (``comment``, ``#``); a comment's tags are parsed, as Ruby does."""

    __slots__ = ("body",)

    def __init__(self, token: Token, body: BlockNode | None = None) -> None:
        super().__init__(token)
        self.body = body
        self.blank = True

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        return 0


class CommentTag(Tag):
    name = "comment"
    end = "endcomment"

    def parse(self, stream: TokenStream) -> Node:
        token, _ = expect_markup(stream)
        next(stream)
        nodes, _ = parse_block_body(self.env, stream, token, ignore_unknown=True)
        next(stream)
        return SilentNode(token, body_node(token, nodes))


class InlineCommentTag(Tag):
    name = "#"
    block = False

    def parse(self, stream: TokenStream) -> Node:
        token, markup = expect_markup(stream)
        if _INLINE_COMMENT_INVALID.search(markup):
            raise LiquidSyntaxError(
                "Syntax error in tag '#' - Each line of comments must be prefixed by the '#' character",
                token=token,
            )
        return SilentNode(token)


class IfchangedNode(RubyNode):
    __slots__ = ("body",)

    def __init__(self, token: Token, body: BlockNode) -> None:
        super().__init__(token)
        self.body = body
        self.blank = body.blank

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        captured = context.get_buffer(buffer)
        self.body.render(context, captured)
        text = captured.getvalue()
        registers = cast(JekyllContext, context).state.registers
        if text != registers.get("ifchanged"):
            registers["ifchanged"] = text
            return buffer.write(text)
        return 0

    def children(
        self, static_context: RenderContext, *, include_partials: bool = True
    ) -> Iterable[Node]:
        return [self.body]


class IfchangedTag(Tag):
    name = "ifchanged"
    end = "endifchanged"

    def parse(self, stream: TokenStream) -> Node:
        token, _ = expect_markup(stream)
        next(stream)
        nodes, _ = parse_block_body(self.env, stream, token)
        next(stream)
        return IfchangedNode(token, body_node(token, nodes))


class LiquidNode(RubyNode):
    """``{% liquid %}``: its lines are tags of the surrounding template."""

    __slots__ = ("body",)

    def __init__(self, token: Token, body: BlockNode) -> None:
        super().__init__(token)
        self.body = body
        self.blank = body.blank

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        return self.body.render(context, buffer)

    def children(
        self, static_context: RenderContext, *, include_partials: bool = True
    ) -> Iterable[Node]:
        return [self.body]


def _line_tokens(markup: Token) -> Iterator[Token]:
    """One tag per line of a ``liquid`` tag (Ruby splits on ``\\n``; blank lines are skipped)."""
    offset = markup.start_index
    for line in markup.value.split("\n"):
        if line.strip(" \t\n\v\f\r"):
            match = _LIQUID_LINE.match(line)
            if match is None:
                yield Token(TOKEN_LEXERROR, f"Unknown tag '{line}'", offset, markup.source)
            else:
                yield Token(TOKEN_TAG, match.group(1), offset + match.start(1), markup.source)
                yield Token(
                    TOKEN_EXPRESSION, match.group(2), offset + match.start(2), markup.source
                )
        offset += len(line) + 1


class LiquidTag(Tag):
    name = "liquid"
    block = False

    def parse(self, stream: TokenStream) -> Node:
        token, _ = expect_markup(stream)
        lines = TokenStream(_line_tokens(stream.current))
        return LiquidNode(token, body_node(token, parse_document(self.env, lines)))
