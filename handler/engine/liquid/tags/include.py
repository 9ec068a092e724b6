"""Jekyll's ``include``, ``include_relative`` and ``include_cached`` (jekyll-include-cache), and
Liquid's ``render`` (which Jekyll cannot run: it has no file system for it).

Exactly Jekyll's ``IncludeTag``: the file name may hold ``{{ }}`` (rendered first), parameters are
``key=value``, ``key="text"``, ``key='text'`` or ``key=variable``, the included file sees them as
``include.key`` and shares the page's variables, so an ``assign`` in an include is visible after
it. ``include_relative`` finds the file next to the page (Jekyll's ``page.path``), in layouts
and includes too. ``include_cached`` renders each file once per render for the same parameter
values (the gem's key: the path and the parameter *values*).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, TextIO

from liquid.ast import Node
from liquid.exceptions import ContextDepthError, LiquidSyntaxError
from liquid.exceptions import LiquidError as LibraryError
from liquid.expression import Expression
from liquid.stream import TokenStream
from liquid.tag import Tag
from liquid.token import Token

from handler.engine.liquid.context import JekyllContext, LimitError, OutputBuffer
from handler.engine.liquid.expressions import parse_expression, ruby_strip
from handler.engine.liquid.host import Source
from handler.engine.liquid.markup import QUOTED_FRAGMENT, QUOTED_STRING, VARIABLE_SEGMENT
from handler.engine.liquid.parser import RubyNode, expect_markup, parse_fragment, render_fragment
from handler.engine.liquid.render import host_message, render_template
from handler.engine.liquid.values import RubyRange
from handler.errors import BroadsheetError, NotFound

if TYPE_CHECKING:
    from liquid import RenderContext

    from handler.engine.liquid.template import Template

__all__ = ["IncludeCachedTag", "IncludeRelativeTag", "IncludeTag", "RenderTag"]

_VALID = r"""([\w-]+)\s*=\s*(?:"([^"\\]*(?:\\.[^"\\]*)*)"|'([^'\\]*(?:\\.[^'\\]*)*)'|([\w.-]+))"""
_PARAM = re.compile(_VALID, re.ASCII)
# Possessive (``*+``): the same language as Jekyll's, without quadratic backtracking on junk.
_FULL_VALID = re.compile(rf"\A\s*(?:{_VALID}(?=\s|\Z)\s*)*+\Z", re.ASCII)
# Jekyll's VARIABLE_SYNTAX; a match can only start at the beginning or after a "{" (the
# lookbehind keeps ``search`` linear on markup without one).
_VARIABLE_FILE = re.compile(
    r"(?:\A|(?<=\{))(?P<variable>[^{]*(\{\{\s*[\w\-.]+\s*(\|.*)?\}\}[^\s{}]*)+)(?P<params>.*)",
    re.ASCII | re.S,
)
# Jekyll's patterns backtrack badly on long junk; no real include tag comes near this.
MAX_INCLUDE_MARKUP = 4_096
_FILE_CHARS = re.compile(r"^[\w/.\-()+~\#@]+$", re.ASCII | re.M)
_BAD_SEQUENCES = re.compile(r"[./]{2,}")
_SPLIT = re.compile(r"[ \t\n\v\f\r]+")
_RENDER = re.compile(
    rf"({QUOTED_STRING}+)(\s+(with|for)\s+({QUOTED_FRAGMENT}+))?(\s+(?:as)\s+({VARIABLE_SEGMENT}+))?",
    re.ASCII,
)

Param = tuple[str, str | None, Expression | None]


def _params(markup: str, token: Token) -> list[Param]:
    """``parse_params`` prepared: ``(key, text, None)`` for quoted values, else an expression."""
    params: list[Param] = []
    for match in _PARAM.finditer(markup):
        key, double, single, variable = match.groups()
        if double is not None:
            params.append((key, double.replace('\\"', '"'), None))
        elif single is not None:
            params.append((key, single.replace("\\'", "'"), None))
        else:
            params.append((key, None, parse_expression(variable, token)))
    return params


class IncludeNode(RubyNode):
    """``{% include file key=value %}``."""

    __slots__ = ("file", "file_nodes", "kind", "params")

    def __init__(
        self,
        token: Token,
        kind: str,
        file: str | None,
        file_nodes: list[Node] | None,
        params: list[Param] | None,
    ) -> None:
        super().__init__(token)
        self.kind = kind
        self.file = file
        self.file_nodes = file_nodes
        self.params = params

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        ctx: JekyllContext = context  # type: ignore[assignment]
        name = self._file_name(ctx)
        if name not in _VALID_NAMES:
            _validate_file_name(name, self.token)
            if len(_VALID_NAMES) < _VALID_NAMES_KEPT:
                _VALID_NAMES.add(name)
        template = self._load(ctx, name)
        params = self._param_values(ctx)
        if self.kind == "include_cached":
            return self._cached(ctx, template, params, buffer)
        self._render(ctx, template, params, buffer)
        return 0

    def _file_name(self, context: JekyllContext) -> str:
        """The file name, its ``{{ }}`` rendered first (``render_variable``)."""
        if self.file_nodes is None:
            return self.file or ""
        return render_fragment(self.file_nodes, context, self.token)

    def _load(self, context: JekyllContext, name: str) -> Template:
        state = context.state
        try:
            if self.kind == "include_relative":
                source: Source = state.host.include_relative(name, state.page_key)
            else:
                source = state.host.include(name)
        except NotFound:
            folder = "the page's folder" if self.kind == "include_relative" else '["_includes"]'
            raise LibraryError(
                f"Could not locate the included file '{name}' in any of {folder}. Ensure it "
                "exists in one of those directories.",
                token=self.token,
            ) from None
        except BroadsheetError as err:
            raise LibraryError(
                f"{self.kind} {name}: {host_message(err)}", token=self.token
            ) from None
        template: Template = state.loader.parse(source)
        return template

    def _param_values(self, context: JekyllContext) -> dict[str, object] | None:
        if self.params is None:
            return None
        return {
            key: text if expression is None else expression.evaluate(context)
            for key, text, expression in self.params
        }

    def _render(
        self,
        context: JekyllContext,
        template: Template,
        params: dict[str, object] | None,
        buffer: TextIO,
    ) -> None:
        state = context.state
        state.check_time(self.token)
        state.includes += 1
        if state.includes > state.limits.max_includes:
            raise LimitError(f"more than {state.limits.max_includes} includes", token=self.token)
        if len(state.files) > state.limits.max_include_depth:
            raise LimitError(
                "includes nested too deep (an include including itself?)", token=self.token
            )
        namespace: dict[str, object] = {} if params is None else {"include": params}
        scope = context.scope
        if scope.size() > context.env.context_depth_limit:  # as RenderContext.extend checks
            raise ContextDepthError(
                "maximum context depth reached, possible recursive include", token=None
            )
        scope.push(namespace)
        try:
            render_template(template, context, buffer, partial=True)
        finally:
            scope.pop()

    def _cached(
        self,
        context: JekyllContext,
        template: Template,
        params: dict[str, object] | None,
        buffer: TextIO,
    ) -> int:
        key = _cache_key(template, params)
        state = context.state
        cache = state.include_cache
        if key is None or key not in cache:
            out = OutputBuffer(state.limits.max_output_chars)
            self._render(context, template, params, out)
            text = out.getvalue()
            # The render's cached outputs together stay under one output's size: past it, an
            # include renders every time (as plain ``include`` does), never held in memory.
            if key is None or state.include_cache_chars + len(text) > state.limits.max_output_chars:
                return buffer.write(text)
            cache[key] = text
            state.include_cache_chars += len(text)
        return buffer.write(cache[key])

    def expressions(self) -> Iterable[Expression]:
        return [expression for _, _, expression in self.params or [] if expression is not None]

    def children(
        self, static_context: RenderContext, *, include_partials: bool = True
    ) -> Iterable[Node]:
        return list(self.file_nodes or [])


# File names found valid (a pure check of the name): a render includes the same few many times.
_VALID_NAMES: set[str] = set()
_VALID_NAMES_KEPT = 4096


def _validate_file_name(name: str, token: Token) -> None:
    if _BAD_SEQUENCES.search(name) or not _FILE_CHARS.search(name):
        raise LibraryError(
            "Invalid syntax for include tag. File contains invalid characters or sequences: "
            f"{name}",
            token=token,
        )


def _freeze(value: object) -> object:
    """A hashable stand-in for a parameter value: by content, drops by identity."""
    if isinstance(value, list | tuple):
        return ("a", tuple(_freeze(item) for item in value))
    if isinstance(value, dict):
        return ("h", tuple(sorted((repr(k), _freeze(v)) for k, v in value.items())))
    if isinstance(value, Mapping):
        return ("o", id(value))
    if value is None or isinstance(value, str | int | float | date | RubyRange):
        return (type(value).__name__, value)
    return ("o", id(value))


def _cache_key(template: Template, params: dict[str, object] | None) -> object:
    """jekyll-include-cache's key: the file and the parameter values sorted by name."""
    values: object = None
    if params is not None:
        values = tuple(_freeze(params[name]) for name in sorted(params))
    key = (template.source.key, template.source.version, values)
    try:
        hash(key)
    except TypeError:
        return None
    return key


class IncludeTag(Tag):
    """``include`` (and, by ``name``, ``include_relative`` and ``include_cached``)."""

    name = "include"
    block = False

    def parse(self, stream: TokenStream) -> Node:
        token, raw = expect_markup(stream)
        markup = ruby_strip(raw)
        if len(markup) > MAX_INCLUDE_MARKUP:
            message = f"{token.value} tag longer than {MAX_INCLUDE_MARKUP} characters"
            raise LiquidSyntaxError(message, token=token)
        matched = _VARIABLE_FILE.search(markup) if "{{" in markup else None
        if matched is not None:
            file: str | None = ruby_strip(matched.group("variable"))
            params: str | None = ruby_strip(matched.group("params"))
        else:
            parts = _SPLIT.split(markup, maxsplit=1) if markup else []
            file = parts[0] if parts else None
            params = parts[1] if len(parts) > 1 else None
        if params is not None and not _FULL_VALID.match(params):
            raise LiquidSyntaxError(
                f"Invalid syntax for include tag: {params} Valid syntax: "
                f"{{% {token.value} file.ext param='value' param2='value' %}}",
                token=token,
            )
        file_nodes = None
        if file is not None and _VARIABLE_FILE.search(file):
            file_nodes = parse_fragment(self.env, file, token)
        parsed = _params(params, token) if params is not None else None
        return IncludeNode(token, token.value, file, file_nodes, parsed)


class IncludeRelativeTag(IncludeTag):
    name = "include_relative"


class IncludeCachedTag(IncludeTag):
    name = "include_cached"


class RenderNode(RubyNode):
    """``{% render %}``: Jekyll gives Liquid no file system, so it always fails (as in Jekyll)."""

    __slots__ = ()

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        raise LibraryError("This liquid context does not allow includes.", token=self.token)


class RenderTag(Tag):
    name = "render"
    block = False

    def parse(self, stream: TokenStream) -> Node:
        token, markup = expect_markup(stream)
        if not _RENDER.search(markup):
            raise LiquidSyntaxError(
                "Syntax error in tag 'render' - Template name must be a quoted string", token=token
            )
        return RenderNode(token)
