"""Small text helpers shared by the engine and the themes."""

from __future__ import annotations

import html
import re

_TAGS = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def plain_text(fragment: str) -> str:
    """Visible text of an HTML fragment, whitespace collapsed (meta descriptions, word counts)."""
    return _SPACE.sub(" ", html.unescape(_TAGS.sub(" ", fragment))).strip()
