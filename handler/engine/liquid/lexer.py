"""Split a template the way Ruby Liquid's ``Tokenizer`` and ``BlockBody`` do.

Ruby cuts the source at ``{%…%}``, ``{{…}}`` (ending at the first ``}``, so ``{{ "}" }}`` is
broken in Ruby too) and stray ``{%``/``{{``; ``{%-`` and ``{{-`` strip the text before them,
``-%}`` and ``-}}`` the text after. ``{% raw %}`` takes the following pieces verbatim up to the
first piece that reads ``{% endraw %}`` (``{%- endraw %}`` does not end it, as in Ruby).

The result is a list of python-liquid tokens: ``content`` (text), ``output`` (the markup inside
``{{ }}``), ``tag`` (the tag name) always followed by ``expression`` (its markup, maybe empty),
``rawbody`` after a ``raw`` tag, and ``lexerror`` for a piece Ruby rejects (raised when the parser
reaches it, so earlier errors win as in Ruby).
"""

from __future__ import annotations

import re
import sys

from liquid.token import TOKEN_CONTENT, TOKEN_EXPRESSION, TOKEN_OUTPUT, TOKEN_TAG, Token

__all__ = ["TOKEN_LEXERROR", "TOKEN_RAWBODY", "tokenize"]

TOKEN_RAWBODY = sys.intern("rawbody")
TOKEN_LEXERROR = sys.intern("lexerror")

_TEMPLATE = re.compile(r"(\{%.*?%\}|\{\{.*?\}\}?|\{%|\{\{)", re.S)  # Ruby's, for reference
_FULL_TOKEN = re.compile(
    r"\A\{%-?([ \t\n\v\f\r]*)(#|[A-Za-z0-9_]+)([ \t\n\v\f\r]*)(.*?)-?%\}\Z", re.S
)
_VARIABLE = re.compile(r"\A\{\{-?(.*?)-?\}\}\Z", re.S)
_RAW_END = re.compile(r"\A(.*)\{%[ \t\n\v\f\r]*([A-Za-z0-9_]+)[ \t\n\v\f\r]*(.*)?%\}\Z", re.S)
_RUBY_SPACE = " \t\n\v\f\r\x00"


class _Lexer:
    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens: list[Token] = []
        self.trim_next = False
        self.pieces = _pieces(source)
        self.index = 0

    def run(self) -> list[Token]:
        while self.index < len(self.pieces):
            start, piece = self.pieces[self.index]
            self.index += 1
            if piece.startswith("{%"):
                self.tag(start, piece)
            elif piece.startswith("{{"):
                self.variable(start, piece)
            else:
                self.text(start, piece)
        return self.tokens

    def text(self, start: int, piece: str) -> None:
        if self.trim_next:
            stripped = piece.lstrip(_RUBY_SPACE)
            start += len(piece) - len(stripped)
            piece = stripped
        self.trim_next = False
        if piece:
            self.tokens.append(Token(TOKEN_CONTENT, piece, start, self.source))

    def whitespace(self, piece: str) -> None:
        """``BlockBody#whitespace_handler``: ``{%-`` strips the text just before."""
        if piece[2:3] == "-" and self.tokens and self.tokens[-1].kind == TOKEN_CONTENT:
            last = self.tokens.pop()
            text = last.value.rstrip(_RUBY_SPACE)
            if text:
                self.tokens.append(last._replace(value=text))
        self.trim_next = piece[-3:-2] == "-"

    def variable(self, start: int, piece: str) -> None:
        self.whitespace(piece)
        match = _VARIABLE.match(piece)
        if match is None:
            message = f"Variable '{piece}' was not properly terminated with regexp: /\\}}\\}}/"
            self.tokens.append(Token(TOKEN_LEXERROR, message, start, self.source))
            return
        self.tokens.append(Token(TOKEN_OUTPUT, match.group(1), start, self.source))

    def tag(self, start: int, piece: str) -> None:
        self.whitespace(piece)
        match = _FULL_TOKEN.match(piece)
        if match is None:
            message = f"Tag '{piece}' was not properly terminated with regexp: /\\%\\}}/"
            self.tokens.append(Token(TOKEN_LEXERROR, message, start, self.source))
            return
        name = match.group(2)
        self.tokens.append(Token(TOKEN_TAG, name, start + match.start(2), self.source))
        markup = match.group(4)
        self.tokens.append(Token(TOKEN_EXPRESSION, markup, start + match.start(4), self.source))
        if name == "raw":
            self.raw_body(start)

    def raw_body(self, start: int) -> None:
        """``Raw#parse``: the following pieces, verbatim, up to ``{% endraw %}``."""
        body: list[str] = []
        while self.index < len(self.pieces):
            _, piece = self.pieces[self.index]
            self.index += 1
            match = _RAW_END.match(piece)
            if match is not None and match.group(2) == "endraw":
                body.append(match.group(1))
                self.tokens.append(Token(TOKEN_RAWBODY, "".join(body), start, self.source))
                return
            body.append(piece)
        message = "'raw' tag was never closed"
        self.tokens.append(Token(TOKEN_LEXERROR, message, start, self.source))


def _pieces(source: str) -> list[tuple[int, str]]:
    """``source.split(TemplateParser)`` with each piece's offset, empty pieces dropped.

    Ruby's pattern is ``{%.*?%}|{{.*?}}?|{%|{{``; a regular expression takes quadratic time on
    a text of many unclosed ``{{`` (each one scans to the end), so the same cut is made here with
    ``str.find`` and the next closing delimiter remembered.
    """
    pieces: list[tuple[int, str]] = []
    closers = _Closers(source)
    position = 0
    start = _next_opening(source, 0)
    while start >= 0:
        if start > position:
            pieces.append((position, source[position:start]))
        end = closers.after(start)
        pieces.append((start, source[start:end]))
        position = end
        start = _next_opening(source, end)
    if position < len(source):
        pieces.append((position, source[position:]))
    return pieces


def _next_opening(source: str, position: int) -> int:
    """Where the next ``{%`` or ``{{`` starts (``-1``: none)."""
    while True:
        brace = source.find("{", position)
        if brace < 0 or brace + 1 >= len(source):
            return -1
        if source[brace + 1] in "%{":
            return brace
        position = brace + 1


class _Closers:
    """The end of the piece opened at a position: the nearest ``%}`` (for ``{%``), the nearest
    ``}`` and one more if it follows (for ``{{``), or just the opener when there is none."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.cache = {"%}": (-1, -2), "}": (-1, -2)}  # needle: (searched from, found at)

    def _find(self, needle: str, position: int) -> int:
        start, found = self.cache[needle]
        if start <= position and (found == -1 or found >= position):
            return found
        found = self.source.find(needle, position)
        self.cache[needle] = (position, found)
        return found

    def after(self, start: int) -> int:
        if self.source[start + 1] == "%":
            close = self._find("%}", start + 2)
            return close + 2 if close >= 0 else start + 2
        close = self._find("}", start + 2)
        if close < 0:
            return start + 2
        return close + 2 if self.source[close + 1 : close + 2] == "}" else close + 1


def tokenize(source: str) -> list[Token]:
    """The tokens of a whole template (see the module docstring)."""
    return _Lexer(source).run()
