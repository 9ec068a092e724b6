"""What the importer needs to know about an SCSS file before libsass parses it.

Which ``@import`` rules carry media queries (``@import "print" print;``), and how deep its blocks
nest (libsass recurses that deep; see :func:`nesting_depth`).

libsass asks a custom importer about every quoted import, but does not say whether the rule has
media queries; such a rule is plain CSS and must not be inlined even if the file exists. So the
importer looks at the importing file itself: :func:`scan` lists its quoted imports in order, with
the quotes as written and whether the rule has queries (what libsass checks after the URL list:
anything but ``;``, ``}`` or the end). A rough tokenizer suffices: strings, comments and
``url(...)`` are skipped the way the SCSS lexer would; a file it misreads only loses this nuance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["QuotedImport", "nesting_depth", "scan"]

_TOKEN = re.compile(
    r"""
    (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
    | (?P<comment>/\*.*?(?:\*/|\Z)|//[^\n]*)
    | (?P<url>url\([^)]*\))
    | (?P<other>[^"'/u]+|.)
    """,
    re.VERBOSE | re.DOTALL | re.IGNORECASE,
)
_IMPORT = re.compile(r"@import(?![\w-])")


@dataclass(frozen=True, slots=True)
class QuotedImport:
    """One quoted URL of an @import rule: as libsass passes it to importers, and as written."""

    url: str
    quoted: str
    has_queries: bool


def _blank_comments(text: str) -> str:
    """``text`` with comments replaced by spaces (strings and ``url()`` kept)."""
    parts = []
    for match in _TOKEN.finditer(text):
        if match.lastgroup == "comment":
            parts.append(" " * len(match.group()))
        else:
            parts.append(match.group())
    return "".join(parts)


def nesting_depth(text: str) -> int:
    """The deepest ``{`` nesting outside strings and comments (``#{}`` counts too)."""
    depth = deepest = 0
    for match in _TOKEN.finditer(text):
        if match.lastgroup != "other":
            continue
        for ch in match.group():
            if ch == "{":
                depth += 1
                deepest = max(deepest, depth)
            elif ch == "}":
                depth = max(depth - 1, 0)
    return deepest


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def scan(text: str) -> list[QuotedImport]:
    """The quoted imports of an SCSS ``text``, in document order."""
    if "@import" not in text:
        return []
    text = _blank_comments(text)
    found: list[QuotedImport] = []
    for rule in _IMPORT.finditer(text):
        pos = rule.end()
        urls: list[tuple[str, str]] = []
        while True:
            pos = _skip_space(text, pos)
            token = _TOKEN.match(text, pos)
            if token is None:
                break
            if token.lastgroup == "string":
                quoted = token.group()
                urls.append((quoted[1:-1], quoted))
            elif token.lastgroup != "url":
                break
            pos = _skip_space(text, token.end())
            if text.startswith(",", pos):
                pos += 1
                continue
            break
        has_queries = pos < len(text) and text[pos] not in ";}"
        found.extend(QuotedImport(url, quoted, has_queries) for url, quoted in urls)
    return found
