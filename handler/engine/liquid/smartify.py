"""Jekyll's ``smartify``: kramdown's SmartyPants parser, ported.

Jekyll runs kramdown with only four span parsers (smart quotes, HTML entities, typographic
symbols, inline HTML) over the text and prints the result with ``entity_output: as_char``:
quotes become ‘ ’ “ ”, ``--`` a dash, ``...`` an ellipsis, ``<<`` a guillemet; ``&``, ``<`` and
``>`` in text are escaped; known entities become their characters (except ``&amp;``, ``&lt;``,
``&gt;``). Inline HTML tags pass through unchanged (kramdown would re-quote their attributes).
"""

from __future__ import annotations

import html.entities
import re
from collections.abc import Callable

__all__ = ["smartify"]

_SQ_PUNCT = r"""[!"#\$\%\'()*+,\-.\/:;<=>?\@\[\\\]\^_`{|}~]"""
_SQ_CLOSE = "[^ \\\\\t\r\n\\[{(-]"
_QUOTES = {
    ("lquote1", '"'): "“",
    ("lquote1", "'"): "‘",
    ("lquote2", '"'): "“",
    ("lquote2", "'"): "‘",
    ("rquote1", '"'): "”",
    ("rquote1", "'"): "’",
    ("rquote2", '"'): "”",
    ("rquote2", "'"): "’",
    ("ldquo", ""): "“",
    ("lsquo", ""): "‘",
    ("rsquo", ""): "’",
}
_RULES: tuple[tuple[re.Pattern[str], tuple[object, ...]], ...] = tuple(
    (re.compile(pattern, re.ASCII | flags), substs)
    for pattern, flags, substs in (
        (r"""("|')(?=[_*]{1,2}\S)""", 0, ("lquote1",)),
        (rf"""("|')(?={_SQ_PUNCT}(?!\.\.)\B)""", 0, ("rquote1",)),
        (r"""(\s?)"'(?=\w)""", 0, (1, "ldquo", "lsquo")),
        (r"""(\s?)'"(?=\w)""", 0, (1, "lsquo", "ldquo")),
        (r"""(\s?)'(?=\d\ds)""", 0, (1, "rsquo")),
        (r"""(\s)('|")(?=\w)""", 0, (1, "lquote2")),
        (rf"""({_SQ_CLOSE})('|")""", 0, (1, "rquote2")),
        (r"""("|')(?=\s|s\b|$)""", re.M, ("rquote1",)),
        (r"""(.?)'""", re.S, (1, "lsquo")),
        (r"""(.?)\"""", re.S, (1, "ldquo")),
    )
)
_SPAN_START = re.compile(r"""(?=[^\\]?["']|&|--|\.\.\.|(?:\\| )?(?:<<|>>)|<)""", re.S)
_SMART_QUOTE_START = re.compile(r"""[^\\]?["']""", re.S)
_ENTITY = re.compile(r"&([\w:][\-\w\.:]*);|&#(\d+);|&\#x([0-9a-fA-F]+);", re.ASCII)
_TYPOGRAPHIC = re.compile(r"---|--|\.\.\.|\\<<|\\>>|<< | >>|<<|>>")
_TYPOGRAPHIC_TEXT = {
    "---": "—",
    "--": "–",
    "...": "…",
    "\\<<": "&lt;&lt;",
    "\\>>": "&gt;&gt;",
    "<< ": "«\u00a0",
    " >>": "\u00a0»",
    "<<": "«",
    ">>": "»",
}
_HTML = re.compile(r"<!--.*?-->|</?[A-Za-z_][\w.\-:]*(?:\s[^<>]*)?/?>", re.S)
_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_KEEP_ESCAPED = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.out: list[str] = []

    def text_(self, value: str) -> None:
        self.out.append(value.translate(_ESCAPE))

    def run(self) -> str:
        parsers: tuple[Callable[[], bool], ...] = (
            self.smart_quote,
            self.entity,
            self.typographic,
            self.span_html,
        )
        while self.pos < len(self.text):
            match = _SPAN_START.search(self.text, self.pos)
            if match is None:
                self.text_(self.text[self.pos :])
                break
            self.text_(self.text[self.pos : match.start()])
            self.pos = match.start()
            if not any(parser() for parser in parsers):
                self.text_(self.text[self.pos])
                self.pos += 1
        return "".join(self.out)

    def smart_quote(self) -> bool:
        if not _SMART_QUOTE_START.match(self.text, self.pos):
            return False
        for pattern, substs in _RULES:
            match = pattern.match(self.text, self.pos)
            if match is not None:
                self.pos = match.end()
                self._quotes(match, substs)
                return True
        return False

    def _quotes(self, match: re.Match[str], substs: tuple[object, ...]) -> None:
        for subst in substs:
            if isinstance(subst, int):
                self.text_(match.group(subst))
                continue
            name = str(subst)
            group = name[-1]
            quote = match.group(int(group)) if group.isdigit() else ""
            self.out.append(_QUOTES[(name, quote)])

    def entity(self) -> bool:
        match = _ENTITY.match(self.text, self.pos)
        if match is None:
            return False
        self.pos = match.end()
        char = _entity_char(match)
        if char is None:
            self.out.append("&amp;")
            self.text_(match.group(0)[1:])
        elif char in _KEEP_ESCAPED:
            self.out.append(match.group(0))
        else:
            self.out.append(char)
        return True

    def typographic(self) -> bool:
        match = _TYPOGRAPHIC.match(self.text, self.pos)
        if match is None:
            return False
        self.pos = match.end()
        self.out.append(_TYPOGRAPHIC_TEXT[match.group(0)])
        return True

    def span_html(self) -> bool:
        match = _HTML.match(self.text, self.pos)
        if match is None:
            return False
        self.pos = match.end()
        self.out.append(match.group(0))
        return True


def _entity_char(match: re.Match[str]) -> str | None:
    name, decimal, hexadecimal = match.groups()
    if name is not None:
        point = html.entities.name2codepoint.get(name)
        return chr(point) if point is not None else None
    point = int(decimal) if decimal is not None else int(hexadecimal, 16)
    return chr(point) if 0 < point < 0x110000 else None


def smartify(text: str) -> str:
    """``Jekyll::Converters::SmartyPants#convert`` (kramdown's smart typography)."""
    source = re.sub(r"\r\n?", "\n", text)
    source = source[:-1] if source.endswith("\n") else source
    result = _Parser(source + "\n").run()
    return result[:-1] if result.endswith("\n") else result
