"""Jekyll's ``highlight``, ``post_url`` and ``link`` tags."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, TextIO, cast

from liquid.ast import BlockNode, Node
from liquid.exceptions import LiquidError as LibraryError
from liquid.exceptions import LiquidSyntaxError
from liquid.stream import TokenStream
from liquid.tag import Tag
from liquid.token import Token

from handler.engine.liquid.context import JekyllContext
from handler.engine.liquid.expressions import find_variable, ruby_strip
from handler.engine.liquid.parser import (
    RubyNode,
    body_node,
    expect_markup,
    parse_block_body,
    parse_fragment,
    render_fragment,
)
from handler.engine.liquid.render import host_message
from handler.engine.liquid.values import is_truthy, to_s
from handler.errors import BroadsheetError

if TYPE_CHECKING:
    from liquid import RenderContext

__all__ = ["HighlightTag", "LinkTag", "PostUrlTag", "highlight_figure"]

_HIGHLIGHT = re.compile(
    r"""^([a-zA-Z0-9.+#_-]+)((\s+\w+(=(\w+|"([0-9]+\s)*[0-9]+"))?)*)$""", re.ASCII | re.M
)
_OPTION = re.compile(r"""(?:\w="[^"]*"|\w=\w|\w)+""", re.ASCII)
_EDGE_NEWLINES = re.compile(r"\A[\n\r]+|[\n\r]+\Z")
_POST_NAME = re.compile(r"^(?:.*/)?(\d+-\d+-\d+)-(.*)$", re.M)


def highlight_figure(code: str, lang: str, *, linenos: bool) -> str:
    """Jekyll's ``{% highlight %}`` output: rouge's figure wrapper, line-number table optional.

    Pygments does the highlighting with rouge's class names (``handler.engine.markdown``).
    """
    from handler.engine.markdown import highlight_code

    class_lang = html.escape(lang.replace("+", "-"))
    data_lang = html.escape(lang)
    body = highlight_code(code, lang) or html.escape(code + "\n", quote=False)
    if linenos:
        # Rouge puts this table inside <pre><code>, which HTML does not allow (the Nu checker
        # rejects it); we keep its classes and cells but put the table in the figure itself.
        count = body.count("\n") or 1
        numbers = "".join(f"{n}\n" for n in range(1, count + 1))
        return (
            '<figure class="highlight"><table class="rouge-table"><tbody><tr>'
            f'<td class="gutter gl"><pre class="lineno">{numbers}</pre></td>'
            f'<td class="code"><pre><code class="language-{class_lang}" data-lang="{data_lang}">'
            f"{body}</code></pre></td></tr></tbody></table></figure>"
        )
    return (
        f'<figure class="highlight"><pre><code class="language-{class_lang}" '
        f'data-lang="{data_lang}">{body}</code></pre></figure>'
    )


class HighlightNode(RubyNode):
    __slots__ = ("body", "lang", "linenos")

    def __init__(self, token: Token, lang: str, linenos: bool, body: BlockNode) -> None:
        super().__init__(token)
        self.lang = lang
        self.linenos = linenos
        self.body = body
        self.blank = body.blank

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        captured = context.get_buffer(buffer)
        self.body.render(context, captured)
        code = _EDGE_NEWLINES.sub("", captured.getvalue())
        prefix = _text(find_variable(context, "highlighter_prefix"))
        suffix = _text(find_variable(context, "highlighter_suffix"))
        figure = highlight_figure(code, self.lang, linenos=self.linenos)
        return buffer.write(prefix + figure + suffix)

    def children(
        self, static_context: RenderContext, *, include_partials: bool = True
    ) -> Iterable[Node]:
        return [self.body]


def _text(value: object) -> str:
    """``context[name] || ""``."""
    return to_s(value) if is_truthy(value) else ""


def _linenos(options: str) -> bool:
    for option in _OPTION.findall(options):
        key = option.split("=")[0]
        if key == "linenos":
            return True
    return False


class HighlightTag(Tag):
    name = "highlight"
    end = "endhighlight"

    def parse(self, stream: TokenStream) -> Node:
        token, markup = expect_markup(stream)
        match = _HIGHLIGHT.search(ruby_strip(markup))
        if match is None:
            raise LiquidSyntaxError(
                f"Syntax Error in tag 'highlight' while parsing the following markup: {markup} "
                "Valid syntax: highlight <lang> [linenos]",
                token=token,
            )
        next(stream)
        nodes, _ = parse_block_body(self.env, stream, token)
        next(stream)
        lang = match.group(1).lower()
        return HighlightNode(token, lang, _linenos(match.group(2)), body_node(token, nodes))


class PostUrlNode(RubyNode):
    __slots__ = ("post",)

    def __init__(self, token: Token, post: str) -> None:
        super().__init__(token)
        self.post = post

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        host = cast(JekyllContext, context).state.host
        try:
            url = host.post_url(self.post)
        except BroadsheetError as err:
            raise LibraryError(
                f"post_url {self.post}: {host_message(err)}", token=self.token
            ) from None
        if url is None:
            raise LibraryError(
                f"Could not find post \"{self.post}\" in tag 'post_url'. "
                "Make sure the post exists and the name is correct.",
                token=self.token,
            )
        return buffer.write(url)


class PostUrlTag(Tag):
    name = "post_url"
    block = False

    def parse(self, stream: TokenStream) -> Node:
        token, markup = expect_markup(stream)
        post = ruby_strip(markup)
        if _POST_NAME.search(post[1:] if post.startswith("/") else post) is None:
            raise LiquidSyntaxError(
                f"Could not parse name of post \"{post}\" in tag 'post_url'. Make sure the post "
                "exists and the name is correct.",
                token=token,
            )
        return PostUrlNode(token, post)


class LinkNode(RubyNode):
    __slots__ = ("nodes",)

    def __init__(self, token: Token, nodes: list[Node]) -> None:
        super().__init__(token)
        self.nodes = nodes

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        path = render_fragment(self.nodes, context, self.token)
        host = cast(JekyllContext, context).state.host
        try:
            url = host.link(path)
        except BroadsheetError as err:
            raise LibraryError(f"link {path}: {host_message(err)}", token=self.token) from None
        if url is None:
            raise LibraryError(
                f"Could not find document '{path}' in tag 'link'. "
                "Make sure the document exists and the path is correct.",
                token=self.token,
            )
        return buffer.write(url)

    def children(
        self, static_context: RenderContext, *, include_partials: bool = True
    ) -> Iterable[Node]:
        return self.nodes


class LinkTag(Tag):
    name = "link"
    block = False

    def parse(self, stream: TokenStream) -> Node:
        token, markup = expect_markup(stream)
        return LinkNode(token, parse_fragment(self.env, ruby_strip(markup), token))
