"""``LiquidEngine``: parse (cached) and render Jekyll templates for one site's host."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from liquid.ast import Node
from liquid.exceptions import LiquidError as LibraryError
from liquid.exceptions import LiquidSyntaxError
from liquid.expression import Expression
from liquid.stream import TokenStream
from liquid.tag import Tag
from liquid.token import TOKEN_EXPRESSION, TOKEN_OUTPUT, Token

from handler.engine.liquid.context import JekyllContext, OutputBuffer, RenderState
from handler.engine.liquid.environment import JekyllEnvironment
from handler.engine.liquid.expressions import lookup_key
from handler.engine.liquid.host import LiquidHost, Source
from handler.engine.liquid.lexer import tokenize
from handler.engine.liquid.limits import Limits
from handler.engine.liquid.parser import BLOCK_TAGS, UnknownTagNode, parse_document
from handler.engine.liquid.render import locate, render_template
from handler.engine.liquid.rubytime import local_zone
from handler.engine.liquid.template import Template
from handler.engine.liquid.variable import Variable
from handler.errors import LiquidError

__all__ = ["Finding", "LiquidEngine"]


@dataclass(frozen=True, slots=True)
class Finding:
    """An unknown tag or filter ``analyze`` found: ``kind`` is ``"tag"`` or ``"filter"``, ``line``
    the 1-based line in the file."""

    name: str
    kind: str
    line: int


class LiquidEngine:
    """Jekyll's Liquid: Ruby Liquid 5.4 with Jekyll 4.3's tags and filters.

    Thread-safe; keep one for the life of the process. Parsed templates are cached by
    ``(key, version, first_line)``; rendering keeps nothing between calls.
    """

    def __init__(self, *, limits: Limits | None = None, tags: Iterable[type[Tag]] = ()) -> None:
        """``tags``: plugins' tags to register beside Jekyll's own."""
        self.limits = limits or Limits()
        self._env = JekyllEnvironment(tags)
        self._cache: OrderedDict[tuple[str, str, int, int], Template] = OrderedDict()
        self._cached_chars = 0  # the sources of the templates kept
        self._lock = threading.Lock()

    def parse(self, source: Source, *, first_line: int = 1) -> Template:
        """``source`` parsed; ``LiquidError`` (at the file and line) where Ruby would refuse it.

        Cached by ``(key, version, first_line)`` and the text itself (a caller giving two texts
        one key and version, such as a post and its excerpt, still gets each one's template).
        """
        key = (source.key, source.version, first_line, hash(source.text))
        with self._lock:
            template = self._cache.get(key)
            if template is not None and template.source.text == source.text:
                self._cache.move_to_end(key)
                return template
        template = self._parse(source, first_line)
        size = len(source.text)
        if size > self.limits.max_cached_chars:
            return template  # parsed for this render only
        with self._lock:
            old = self._cache.pop(key, None)
            if old is not None:
                self._cached_chars -= len(old.source.text)
            self._cache[key] = template
            self._cached_chars += size
            while (
                len(self._cache) > self.limits.max_cached_templates
                or self._cached_chars > self.limits.max_cached_chars
            ):
                _, dropped = self._cache.popitem(last=False)
                self._cached_chars -= len(dropped.source.text)
        return template

    def _parse(self, source: Source, first_line: int) -> Template:
        empty = Template(self._env, [], source, first_line)
        if len(source.text) > self.limits.max_template_chars:
            limit = self.limits.max_template_chars
            raise LiquidError(
                source.key, f"template longer than {limit} characters", line=first_line
            )
        try:
            tokens = tokenize(source.text)
            self._check_markup(tokens)
            nodes = parse_document(self._env, TokenStream(iter(tokens)))
        except LibraryError as err:
            raise locate(err, empty) from None
        except RecursionError:
            raise LiquidError(source.key, "Nesting too deep", line=first_line) from None
        return Template(self._env, nodes, source, first_line)

    def _check_markup(self, tokens: list[Token]) -> None:
        limit = self.limits.max_markup_chars
        for token in tokens:
            if token.kind in (TOKEN_EXPRESSION, TOKEN_OUTPUT) and len(token.value) > limit:
                raise LiquidSyntaxError(f"tag markup longer than {limit} characters", token=token)

    def render(self, template: Template, variables: Mapping[str, object], host: LiquidHost) -> str:
        """``template`` rendered with ``variables`` (``site``, ``page``, ``layout``, ``content``…).

        Raises ``LiquidError`` naming the file (the template or an include) and line.
        """
        state = RenderState(
            host=host,
            limits=self.limits,
            zone=local_zone(_setting(variables, "site", "timezone")),
            page_key=_page_key(variables, template),
            loader=self,
        )
        context = JekyllContext(template, variables, state)
        buffer = OutputBuffer(self.limits.max_output_chars)
        render_template(template, context, buffer, partial=False)
        return buffer.getvalue()

    def analyze(self, source: Source, *, first_line: int = 1) -> list[Finding]:
        """Unknown tags and filters in ``source``, without rendering (for ``broadsheet check``)."""
        template = self.parse(source, first_line=first_line)
        findings: list[Finding] = []
        for node, anchor in _walk(template.nodes, template, None):
            if isinstance(node, UnknownTagNode):
                findings.append(Finding(node.name, "tag", template.line_of(anchor)))
            for expression in _expressions(node):
                for name in self._unknown_filters(expression):
                    findings.append(Finding(name, "filter", template.line_of(anchor)))
        return findings

    def _unknown_filters(self, expression: Expression) -> Iterator[str]:
        if isinstance(expression, Variable):
            for step in expression.filters:
                if step.name not in self._env.filters:
                    yield step.name

    def block_tags(self) -> frozenset[str]:
        """Tags that take a body and an ``end`` tag (Jekyll's excerpt closes open ones)."""
        return BLOCK_TAGS


def _walk(
    nodes: Iterable[Node], template: Template, anchor: Token | None
) -> Iterator[tuple[Node, Token | None]]:
    """Every node, with the nearest token of ``template`` (fragments, like an include's
    ``{{ name }}``, have tokens of their own text)."""
    for node in nodes:
        here = node.token if node.token.source is template.source.text else anchor
        yield node, here
        children = node.children(None, include_partials=False)  # type: ignore[arg-type]
        yield from _walk(children, template, here)


def _expressions(node: Node) -> Iterator[Expression]:
    pending = list(node.expressions())
    while pending:
        expression = pending.pop()
        yield expression
        pending.extend(expression.children())


def _setting(variables: Mapping[str, object], *path: str) -> object:
    value: object = variables
    for key in path:
        value = lookup_key(value, key, command=False)
        if value is None:
            return None
    return value


def _page_key(variables: Mapping[str, object], template: Template) -> str:
    """The page ``include_relative`` resolves against: Jekyll's ``page.path`` (for layouts and
    includes too), else the template being rendered."""
    path = _setting(variables, "page", "path")
    if not isinstance(path, str) or not path:
        return template.source.key
    path = path.removesuffix("/#excerpt")
    collections_dir = _setting(variables, "site", "collections_dir")
    if (
        _setting(variables, "page", "collection")
        and isinstance(collections_dir, str)
        and collections_dir
    ):
        path = f"{collections_dir.rstrip('/')}/{path}"
    return path
