"""A parsed template: python-liquid's ``BoundTemplate`` that knows its file and first line."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from liquid import BoundTemplate
from liquid.token import Token

from handler.engine.liquid.host import Source

if TYPE_CHECKING:
    from liquid import Environment
    from liquid.ast import Node

__all__ = ["Template"]


class Template(BoundTemplate):
    """A template parsed from ``source``, whose text starts at line ``first_line`` of its file.

    Render it with ``LiquidEngine.render``; its nodes are shared by every render (they hold no
    per-render state).
    """

    def __init__(
        self, env: Environment, nodes: list[Node], source: Source, first_line: int
    ) -> None:
        super().__init__(env, nodes, name=source.key)
        self.source = source
        self.first_line = first_line

    def render(self, *args: Any, **kwargs: Any) -> str:
        """Not here: a template needs a host. Use ``LiquidEngine.render``."""
        raise TypeError(
            "render a Broadsheet template with LiquidEngine.render(template, variables, host)"
        )

    async def render_async(self, *args: Any, **kwargs: Any) -> str:
        """Not here either (see ``render``)."""
        raise TypeError(
            "render a Broadsheet template with LiquidEngine.render(template, variables, host)"
        )

    def line_of(self, token: Token | None) -> int:
        """The 1-based line in the file of ``token`` (the first line if it is not from here)."""
        if token is None or token.start_index < 0 or token.source is not self.source.text:
            return self.first_line
        return self.first_line + self.source.text.count("\n", 0, token.start_index)

    def column_of(self, token: Token | None) -> int | None:
        """The 1-based column of ``token`` in its line, if it is from this template."""
        if token is None or token.start_index < 0 or token.source is not self.source.text:
            return None
        return token.start_index - self.source.text.rfind("\n", 0, token.start_index)
