"""Ruby Liquid's markup grammar: its regular expressions and its strict expression parser.

Ruby Liquid parses tag and output markup twice over: first with a strict parser (``Lexer`` and
``Parser`` here, ported from ``liquid/lexer.rb`` and ``liquid/parser.rb``) and, when that fails,
with lax regular expressions (Jekyll runs Liquid with ``error_mode: warn``). The strict parser only
validates and normalises: it returns markup strings, which ``Expression.parse`` (see
``expressions.py``) turns into values. Every pattern is Ruby's, with ``\\w``, ``\\s`` and ``\\d``
restricted to ASCII as Ruby's are.
"""

from __future__ import annotations

import re

__all__ = [
    "FILTER_ARGS",
    "FILTER_MARKUP",
    "FILTER_PARSER",
    "JUST_TAG_ATTRIBUTES",
    "MARKUP_WITH_QUOTED_FRAGMENT",
    "QUOTED_FRAGMENT",
    "TAG_ATTRIBUTES",
    "VARIABLE_PARSER",
    "VARIABLE_SEGMENT",
    "VARIABLE_SIGNATURE",
    "Parser",
    "RubySyntaxError",
    "scan_attributes",
]

_FLAGS = re.ASCII

QUOTED_STRING = r"""(?:"[^"]*"|'[^']*')"""
QUOTED_FRAGMENT = rf"""(?:{QUOTED_STRING}|(?:[^\s,\|'"]|{QUOTED_STRING})+)"""
VARIABLE_SEGMENT = r"[\w\-]"
VARIABLE_SIGNATURE = r"(?:\(?[\w\-\.\[\]]\)?)"
TAG_ATTRIBUTES = re.compile(
    rf"(\w[\w-]*)\s*\:\s*({QUOTED_FRAGMENT})", _FLAGS
)  # see scan_attributes
JUST_TAG_ATTRIBUTES = re.compile(rf"\A(\w[\w-]*)\s*\:\s*({QUOTED_FRAGMENT})\Z", _FLAGS)
VARIABLE_PARSER = re.compile(r"\[[^\]]+\]|[\w\-]+\??", _FLAGS)
MARKUP_WITH_QUOTED_FRAGMENT = re.compile(rf"({QUOTED_FRAGMENT})(.*)", _FLAGS | re.S)
FILTER_MARKUP = re.compile(r"\|\s*(.*)", _FLAGS | re.S)
FILTER_PARSER = re.compile(rf"(?:\s+|{QUOTED_FRAGMENT}|,)+", _FLAGS)
FILTER_ARGS = re.compile(rf"(?::|,)\s*((?:\w+\s*\:\s*)?{QUOTED_FRAGMENT})", _FLAGS)

_TOKEN = re.compile(
    r"""(?:
        (?P<comparison>==|!=|<>|<=?|>=?|contains(?=\s))
      | (?P<string>'[^']*'|"[^"]*")
      | (?P<number>-?\d+(?:\.\d+)?)
      | (?P<id>[a-zA-Z_][\w-]*\??)
      | (?P<dotdot>\.\.)
      | (?P<special>.)
    )""",
    _FLAGS | re.S | re.X,
)
_SPACE = re.compile(r"\s*", _FLAGS)
_SPECIALS = {
    "|": "pipe",
    ".": "dot",
    ":": "colon",
    ",": "comma",
    "[": "open_square",
    "]": "close_square",
    "(": "open_round",
    ")": "close_round",
    "?": "question",
    "-": "dash",
}
_END = ("end_of_string", "")


_QUOTED_FRAGMENT = re.compile(QUOTED_FRAGMENT, _FLAGS)


def scan_attributes(markup: str) -> list[tuple[str, str]]:
    """``markup.scan(TagAttributes)`` (``key: value`` pairs), in linear time.

    The regular expression retries every position of a long word that is not followed by a
    colon (quadratic); here each colon is found once and its key read backwards from it.
    """
    pairs: list[tuple[str, str]] = []
    position = 0
    colon = markup.find(":", position)
    while colon >= 0:
        start = _key_start(markup, position, colon)
        if start is not None:
            value = _QUOTED_FRAGMENT.match(markup, _skip_space(markup, colon + 1))
            if value is not None:
                key = markup[start:colon].rstrip(" \t\n\v\f\r")
                pairs.append((key, value.group(0)))
                position = value.end()
                colon = markup.find(":", position)
                continue
        colon = markup.find(":", colon + 1)
    return pairs


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\n\v\f\r":
        position += 1
    return position


def _is_key_char(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char in "_-")


def _key_start(markup: str, position: int, colon: int) -> int | None:
    """Where the ``\\w[\\w-]*`` key before ``colon`` (and its spaces) starts, at or after
    ``position``: the first word character of the run of word characters and hyphens."""
    end = colon
    while end > position and markup[end - 1] in " \t\n\v\f\r":
        end -= 1
    start = end
    while start > position and _is_key_char(markup[start - 1]):
        start -= 1
    while start < end and markup[start] == "-":
        start += 1
    return start if start < end else None


class RubySyntaxError(Exception):
    """Ruby's ``Liquid::SyntaxError`` from the strict parser (the caller may fall back to lax)."""


def tokenize(markup: str) -> list[tuple[str, str]]:
    """``Liquid::Lexer#tokenize``: ``(type, text)`` pairs ending with ``end_of_string``."""
    tokens: list[tuple[str, str]] = []
    position = 0
    size = len(markup)
    while True:
        position = _SPACE.match(markup, position).end()  # type: ignore[union-attr]
        if position >= size:
            break
        match = _TOKEN.match(markup, position)
        assert match is not None  # the last alternative takes any character
        position = match.end()
        kind = match.lastgroup
        text = match.group(0)
        if kind == "special":
            if text not in _SPECIALS:
                raise RubySyntaxError(f"Unexpected character {text}")
            kind = _SPECIALS[text]
        assert kind is not None
        tokens.append((kind, text))
    tokens.append(_END)
    return tokens


class Parser:
    """``Liquid::Parser``: walks the strict tokens and returns normalised markup strings."""

    __slots__ = ("_p", "_tokens")

    def __init__(self, markup: str) -> None:
        self._tokens = tokenize(markup)
        self._p = 0

    def consume(self, kind: str | None = None) -> str:
        token = self._tokens[self._p]
        if kind is not None and token[0] != kind:
            raise RubySyntaxError(f"Expected {kind} but found {token[0]}")
        self._p += 1
        return token[1]

    def consume_if(self, kind: str) -> str | None:
        """``consume?``: the token's text if it is of ``kind`` (and step past it), else None."""
        token = self._tokens[self._p]
        if token[0] != kind:
            return None
        self._p += 1
        return token[1]

    def id_is(self, name: str) -> bool:
        """``id?``: step past an identifier token reading exactly ``name``."""
        token = self._tokens[self._p]
        if token[0] != "id" or token[1] != name:
            return False
        self._p += 1
        return True

    def look(self, kind: str, ahead: int = 0) -> bool:
        index = self._p + ahead
        return index < len(self._tokens) and self._tokens[index][0] == kind

    def expression(self) -> str:
        kind = self._tokens[self._p][0]
        if kind == "id":
            return self.consume() + self.variable_lookups()
        if kind == "open_square":
            text = self.consume() + self.expression() + self.consume("close_square")
            return text + self.variable_lookups()
        if kind in ("string", "number"):
            return self.consume()
        if kind == "open_round":
            self.consume()
            first = self.expression()
            self.consume("dotdot")
            last = self.expression()
            self.consume("close_round")
            return f"({first}..{last})"
        raise RubySyntaxError(f"{kind} is not a valid expression")

    def argument(self) -> str:
        prefix = ""
        if self.look("id") and self.look("colon", 1):
            prefix = self.consume() + self.consume() + " "
        return prefix + self.expression()

    def variable_lookups(self) -> str:
        parts: list[str] = []
        while True:
            if self.look("open_square"):
                parts.append(self.consume() + self.expression() + self.consume("close_square"))
            elif self.look("dot"):
                parts.append(self.consume() + self.consume("id"))
            else:
                return "".join(parts)
