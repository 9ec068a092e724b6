"""Front matter exactly as Jekyll reads it, through python-frontmatter.

Jekyll's rule (``Document::YAML_FRONT_MATTER_REGEXP``): the block must start at byte 0 (after an
optional UTF-8 BOM) with a ``---`` line and ends at the *first* later line that is ``---`` or
``...``; every later ``---`` belongs to the body (a setext heading underline, say), and the body is
kept byte for byte, not stripped. python-frontmatter's default YAML handler splits on any ``---``
line, accepts ``----``, ignores ``...`` and strips both halves, so we give it a handler with Jekyll's
regular expression and call the handler's ``split``/``load`` ourselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler

from handler.errors import FrontMatterError

# Ruby's /m is Python's DOTALL; Ruby's ^ and $ are always line anchors (Python's MULTILINE).
JEKYLL_FRONT_MATTER = re.compile(r"\A(---\s*\n.*?\n?)^((---|\.\.\.)\s*$\n?)", re.M | re.S)
OPENING_LINE = re.compile(r"\A---[ \t\r]*(\n|\Z)")

MAX_YAML_NODES = 20_000  # nodes after expanding aliases: "billion laughs" stays cheap
MAX_YAML_DEPTH = 50


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


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """A file split into its front matter mapping and its body.

    ``body_line`` is the 1-based line of the file on which ``body`` starts, so errors found in the
    body (Liquid, markdown) can name the file's own line.
    """

    data: dict[str, Any]
    body: str
    body_line: int
    has_front_matter: bool


def split_body(text: str) -> tuple[str, int] | None:
    """The body of ``text`` and its first line, as :func:`parse` gives them, without loading the
    front matter: for a file whose front matter is known to load (the index read these bytes).
    ``None`` where :func:`parse` would refuse the file."""
    text = text.removeprefix("\ufeff")
    match = JEKYLL_FRONT_MATTER.match(text)
    if match is None:
        return None if OPENING_LINE.match(text) else (text, 1)
    return text[match.end() :], text.count("\n", 0, match.end()) + 1


def parse(text: str, path: str) -> FrontMatter:
    """Split ``text`` (the decoded file) into front matter and body, as Jekyll does.

    Raises :class:`FrontMatterError` with the file's line for YAML errors, a block that never
    closes, and front matter that is not a mapping. A file with no front matter at all is a
    valid post whose data is empty (Jekyll reads it too).
    """
    text = text.removeprefix("\ufeff")
    if not HANDLER.detect(text):
        if OPENING_LINE.match(text):
            raise FrontMatterError(
                path,
                "the front matter block opened here never closes",
                line=1,
                hint="add a line with just --- after the last front matter line",
            )
        return FrontMatter({}, text, 1, has_front_matter=False)
    block, body = HANDLER.split(text)
    try:
        data = HANDLER.load(block)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        column = mark.column + 1 if mark else None
        raise FrontMatterError(
            path, f"invalid YAML: {exc.problem or exc}", line=line, column=column
        ) from None
    except yaml.YAMLError as exc:
        raise FrontMatterError(path, f"invalid YAML: {exc}", line=1) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise FrontMatterError(
            path,
            f"front matter must be a mapping of keys to values, not a {type(data).__name__}",
            line=2,
            hint="write it as `key: value` lines",
        )
    body_line = text.count("\n", 0, len(text) - len(body)) + 1
    return FrontMatter({str(k): v for k, v in data.items()}, body, body_line, has_front_matter=True)
