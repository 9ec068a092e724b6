"""YAML as Jekyll's Psych loads it, guarded: front matter, ``_config.yml`` and ``_data`` files.

Everything here needs PyYAML (and python-frontmatter's YAML handler), which a cold start does not
pay for unless it reads YAML: a render function serving from its manifest finds the
configuration and every document's front matter already loaded there (``handler.engine.manifest``),
so its callers (:mod:`handler.engine.frontmatter`, :mod:`handler.engine.config`,
:mod:`handler.engine.data`) import this module when they first parse.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler

from handler.engine.frontmatter import JEKYLL_FRONT_MATTER
from handler.engine.loaded import MAX_YAML_DEPTH, MAX_YAML_NODES


class _Guard:
    """Refuses documents whose aliases expand past a node budget, or that nest too deep.

    PyYAML shares aliased nodes instead of copying them, so a "billion laughs" document loads
    quickly, but anything that walks the result (a template, ``json.dumps``) would expand it. We
    weigh every node as the size of its expansion and refuse past ``MAX_YAML_NODES``.
    """

    _weights: dict[int, int]
    _depth: int

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._depth += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                self._refuse(f"nested deeper than {MAX_YAML_DEPTH} levels")
            node = super().compose_node(parent, index)  # type: ignore[misc]
        finally:
            self._depth -= 1
        weight = self._weights.get(id(node))
        if weight is None:
            children = _children(node) if node is not None else []
            weight = 1 + sum([self._weights.get(id(child), 1) for child in children])
            self._weights[id(node)] = weight
        if weight > MAX_YAML_NODES:
            self._refuse(f"expands to more than {MAX_YAML_NODES:,} values (too many aliases)")
        return node

    def construct_yaml_timestamp(self, node: Any) -> Any:
        """PyYAML's timestamps, with an impossible date (``2024-13-45``) as a marked YAML error
        rather than a bare ``ValueError`` that would escape every caller; so is a time whose
        offset takes it outside the years 1 to 9999 in UTC (``9999-12-31 23:00:00 -12:00``),
        which no caller could convert, compare in UTC or print as an HTTP date."""
        try:
            value = super().construct_yaml_timestamp(node)  # type: ignore[misc]
        except (ValueError, OverflowError) as exc:
            raise yaml.constructor.ConstructorError(
                None, None, f"{node.value!r} is not a real date ({exc})", node.start_mark
            ) from None
        if isinstance(value, datetime) and value.tzinfo is not None:
            try:
                value.astimezone(UTC)
            except OverflowError:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"{node.value!r} is outside the years 1 to 9999 in UTC",
                    node.start_mark,
                ) from None
        return value

    def _refuse(self, why: str) -> None:
        mark = self.peek_event().start_mark  # type: ignore[attr-defined]
        raise yaml.constructor.ConstructorError(None, None, f"the YAML {why}", mark)


class _GuardedSafeLoader(_Guard, yaml.SafeLoader):
    """PyYAML's SafeLoader, guarded, all in Python: the reference for every error."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._weights = {}
        self._depth = 0


_GuardedSafeLoader.add_constructor(  # type: ignore[type-var]
    "tag:yaml.org,2002:timestamp", _GuardedSafeLoader.construct_yaml_timestamp
)

_CParser: Any = getattr(getattr(yaml, "_yaml", None), "CParser", None)
_FAST_LOADER: Any = None

if _CParser is not None:

    class _GuardedCLoader(
        _Guard,
        yaml.composer.Composer,
        _CParser,  # type: ignore[misc]
        yaml.constructor.SafeConstructor,
        yaml.resolver.Resolver,
    ):
        """The same guarded composer and safe constructor over libyaml's parser (PyYAML's
        scanner and parser in Python are most of a load)."""

        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
            self._weights = {}
            self._depth = 0

    _GuardedCLoader.add_constructor(  # type: ignore[type-var]
        "tag:yaml.org,2002:timestamp", _GuardedCLoader.construct_yaml_timestamp
    )
    _FAST_LOADER = _GuardedCLoader


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def load_yaml(text: str) -> Any:
    """Parse YAML safely (no Python objects, bounded aliases and depth).

    libyaml parses (Jekyll's Psych is libyaml too); a document it cannot load, or that the guard
    refuses, is loaded again all in Python, so every error reads as it always has.
    """
    if _FAST_LOADER is not None:
        try:
            return yaml.load(text, Loader=_FAST_LOADER)  # noqa: S506 - a SafeConstructor
        except yaml.YAMLError:
            pass
    return yaml.load(text, Loader=_GuardedSafeLoader)  # noqa: S506 - a SafeLoader subclass


def key_lines(text: str) -> dict[tuple[str | int, ...], int]:
    """The 1-based line of every key and list item of a YAML mapping, by its path
    (``("kramdown", "toc_levels")``, ``("defaults", 0)``), for error messages. Empty when the
    text does not load (its errors name their own lines)."""
    try:
        root = yaml.compose(text, Loader=_GuardedSafeLoader)
    except yaml.YAMLError:
        return {}
    lines: dict[tuple[str | int, ...], int] = {}

    def walk(node: yaml.Node, path: tuple[str | int, ...]) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    lines.setdefault((*path, str(key.value)), key.start_mark.line + 1)
                    walk(value, (*path, str(key.value)))
        elif isinstance(node, yaml.SequenceNode):
            for at, item in enumerate(node.value):
                lines.setdefault((*path, at), item.start_mark.line + 1)
                walk(item, (*path, at))

    if root is not None:
        walk(root, ())
    return lines


class JekyllYAMLHandler(YAMLHandler):
    """A python-frontmatter handler that splits and loads the way Jekyll 4.3 does."""

    FM_BOUNDARY = re.compile(r"^(?:---|\.\.\.)\s*$", re.M)

    def detect(self, text: str) -> bool:
        return JEKYLL_FRONT_MATTER.match(text) is not None

    def split(self, text: str) -> tuple[str, str]:
        match = JEKYLL_FRONT_MATTER.match(text)
        if match is None:
            return "", text
        return match.group(1), text[match.end() :]

    def load(self, fm: str, **kwargs: object) -> Any:
        return load_yaml(fm)


HANDLER = JekyllYAMLHandler()
