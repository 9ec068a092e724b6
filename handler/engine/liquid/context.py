"""The render context: python-liquid's, with Ruby's scopes and one render's state.

Ruby Liquid looks a name up in the block scopes (``for`` loops, includes), then in the template's
assigns, then in the variables it was given; ``increment`` counters live with the variables.
python-liquid's context adds ``now`` and ``today`` built-ins Ruby does not have; they are removed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import tzinfo
from io import StringIO
from typing import TYPE_CHECKING, Any

from liquid import RenderContext
from liquid.exceptions import LiquidError as LibraryError
from liquid.token import Token
from liquid.utils import ReadOnlyChainMap

from handler.engine.liquid.host import LiquidHost
from handler.engine.liquid.limits import Limits

if TYPE_CHECKING:
    from collections.abc import Mapping

    from handler.engine.liquid.template import Template

__all__ = ["JekyllContext", "LimitError", "OutputBuffer", "RenderState", "Scope"]


class LimitError(LibraryError):
    """A resource limit was reached (loop iterations, output size, includes)."""


class OutputBuffer(StringIO):
    """An output stream that refuses to grow past ``limit`` characters."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit
        self.size = 0

    def write(self, text: str, /) -> int:
        self.size += len(text)
        if self.size > self.limit:
            raise LimitError(f"output is longer than {self.limit} characters", token=None)
        return super().write(text)


@dataclass(eq=False)
class RenderState:
    """What one ``LiquidEngine.render`` call carries besides variables."""

    host: LiquidHost
    limits: Limits
    zone: tzinfo
    page_key: str
    loader: Any  # handler.engine.liquid.engine.LiquidEngine (parses includes)
    files: list[Template] = field(default_factory=list)
    includes: int = 0
    iterations: int = 0
    include_cache: dict[object, str] = field(default_factory=dict)
    include_cache_chars: int = 0
    reported: set[tuple[str, str, str, int | None]] = field(default_factory=set)
    registers: dict[str, Any] = field(default_factory=dict)
    work: int = 0
    started: float = field(default_factory=time.monotonic)

    @property
    def current(self) -> Template:
        """The template (page, layout or include) being rendered now."""
        return self.files[-1]

    def count_iteration(self, token: Token | None) -> None:
        self.iterations += 1
        if self.iterations > self.limits.max_loop_iterations:
            limit = self.limits.max_loop_iterations
            raise LimitError(f"more than {limit} loop iterations in one render", token=token)
        self.check_time(token)

    def charge(self, amount: int, token: Token | None) -> None:
        """Count ``amount`` characters (or items) a filter produced."""
        self.work += amount
        if self.work > self.limits.max_filter_work:
            raise LimitError("too much work for one render (filters in a loop?)", token=token)
        self.check_time(token)

    def check_time(self, token: Token | None) -> None:
        if time.monotonic() - self.started > self.limits.max_render_seconds:
            seconds = self.limits.max_render_seconds
            raise LimitError(f"render took longer than {seconds:g} seconds", token=token)

    def unsupported(self, kind: str, name: str, token: Token | None) -> None:
        """Tell the host once per place about a tag or filter Broadsheet does not implement."""
        template = self.current
        line = template.line_of(token) if token is not None else None
        key = (kind, name, template.source.key, line)
        if key not in self.reported:
            self.reported.add(key)
            self.host.unsupported(kind, name, template.source.key, line)


class Scope(ReadOnlyChainMap):
    """python-liquid's chain of namespaces, without raising ``KeyError`` through every plain
    ``dict`` on the way (a name is usually found in the last one, the render variables)."""

    def __getitem__(self, key: str) -> object:
        for mapping in self._maps:
            if type(mapping) is dict:
                if key in mapping:
                    return mapping[key]
                continue
            if isinstance(key, str) and key.startswith("__"):
                continue  # never ask a drop for a dunder name
            try:
                return mapping[key]
            except KeyError:
                pass
        raise KeyError(key)


class JekyllContext(RenderContext):
    """python-liquid's render context with Ruby's lookup order and a ``RenderState``."""

    __slots__ = ("state",)

    def __init__(
        self, template: Template, variables: Mapping[str, object], state: RenderState
    ) -> None:
        super().__init__(template, globals=variables)
        self.state = state
        self.scope = Scope(self.locals, self.counters, self.globals)
        self.tag_namespace["ifchanged"] = None

    def get_buffer(self, buf: Any = None) -> OutputBuffer:
        return OutputBuffer(self.state.limits.max_output_chars)
