"""Front matter exactly as Jekyll reads it, through python-frontmatter.

Jekyll's rule (``Document::YAML_FRONT_MATTER_REGEXP``): the block must start at byte 0 (after an
optional UTF-8 BOM) with a ``---`` line and ends at the *first* later line that is ``---`` or
``...``; every later ``---`` belongs to the body (a setext heading underline, say), and the body is
kept byte for byte, not stripped. python-frontmatter's default YAML handler splits on any ``---``
line, accepts ``----``, ignores ``...`` and strips both halves, so we give it a handler with Jekyll's
regular expression and call the handler's ``split``/``load`` ourselves.

The handler and the YAML loader live in :mod:`handler.engine.yamlload`, imported when a file with
front matter is first parsed: :func:`split_body` (a body whose front matter the index already
holds) needs neither.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from handler.errors import FrontMatterError

# Ruby's /m is Python's DOTALL; Ruby's ^ and $ are always line anchors (Python's MULTILINE).
JEKYLL_FRONT_MATTER = re.compile(r"\A(---\s*\n.*?\n?)^((---|\.\.\.)\s*$\n?)", re.M | re.S)
OPENING_LINE = re.compile(r"\A---[ \t\r]*(\n|\Z)")


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
    if JEKYLL_FRONT_MATTER.match(text) is None:
        if OPENING_LINE.match(text):
            raise FrontMatterError(
                path,
                "the front matter block opened here never closes",
                line=1,
                hint="add a line with just --- after the last front matter line",
            )
        return FrontMatter({}, text, 1, has_front_matter=False)
    import yaml

    from handler.engine import yamlload  # PyYAML, on the first file that has front matter

    block, body = yamlload.HANDLER.split(text)
    try:
        data = yamlload.HANDLER.load(block)
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
