"""python-liquid's ``Environment`` set up as Jekyll's Liquid: Ruby's tokenizer and parser,
Jekyll's tags and filters, unknown filters passed through (Jekyll's ``strict_filters: false``),
and no suppression of output inside blocks (Ruby only drops a blank block's whitespace)."""

from __future__ import annotations

from collections.abc import Iterable

from liquid import Environment, Mode
from liquid.ast import Node
from liquid.stream import TokenStream
from liquid.tag import Tag

from handler.engine.liquid.filters import all_filters
from handler.engine.liquid.lexer import tokenize
from handler.engine.liquid.parser import MAX_DEPTH, parse_document
from handler.engine.liquid.tags import TAGS

__all__ = ["JekyllEnvironment"]


class JekyllEnvironment(Environment):
    """The environment every Broadsheet template is parsed in."""

    suppress_blank_control_flow_blocks = False
    context_depth_limit = MAX_DEPTH
    block_nesting_limit = MAX_DEPTH

    def __init__(self, tags: Iterable[type[Tag]] = ()) -> None:
        self._extra_tags = tuple(tags)  # plugins' tags, beside Jekyll's own
        super().__init__(strict_filters=False, tolerance=Mode.STRICT)

    def setup_tags_and_filters(self, *, extra: bool = False) -> None:
        for tag in (*TAGS, *self._extra_tags):
            self.add_tag(tag)
        self.filters.update(all_filters())

    def _parse(self, source: str) -> list[Node]:
        return parse_document(self, TokenStream(iter(tokenize(source))))
