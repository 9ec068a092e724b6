"""Liquid in post bodies, as Jekyll 4.3 runs it before markdown.

This module is the light front: the context a post's Liquid sees, the test for whether a text
holds any Liquid at all, and a renderer that loads the engine (``handler.liquid_engine``: python-
liquid with Jekyll's tags and filters, about a third of the function's import time) only when a
post first needs it. Most posts have no Liquid, and a cold start that serves one never pays it.
Every failure leaves ``render`` as ``handler.errors.LiquidError`` naming the post's file and line.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from handler.liquid_engine import LiquidEngine


@dataclass(frozen=True)
class LiquidContext:
    """Everything a post's Liquid can reach: the site, the page and the resolvers for tags."""

    site: Mapping[str, Any]
    page: Mapping[str, Any]
    post_url: Callable[[str], str | None]
    link: Callable[[str], str | None]
    include: Callable[[str], str]
    include_relative: Callable[[str], str]


class LiquidRenderer:
    """Renders the Liquid in one post body (before markdown, as Jekyll does)."""

    def __init__(self) -> None:
        self._engine: LiquidEngine | None = None
        self._lock = threading.Lock()

    @staticmethod
    def needs_liquid(source: str) -> bool:
        """False when the text holds no Liquid markup at all (the common, fast case)."""
        return "{{" in source or "{%" in source

    def render(self, source: str, *, path: str, first_line: int, context: LiquidContext) -> str:
        """Render ``source`` (a post body starting at ``first_line`` of ``path``)."""
        return self.engine().render(source, path=path, first_line=first_line, context=context)

    def engine(self) -> LiquidEngine:
        if self._engine is None:
            with self._lock:
                if self._engine is None:
                    from handler.liquid_engine import LiquidEngine

                    self._engine = LiquidEngine()
        return self._engine
