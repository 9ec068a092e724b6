"""Liquid's standard string filters, as Ruby Liquid 5.4 runs them.

Every input goes through Ruby's ``to_s`` first (``nil`` is ``""``, ``true`` is ``"true"``, an array
is its ``inspect``), whitespace is Ruby's ASCII whitespace, ``replace`` expands ``\\0``/``\\\\`` in
the replacement as Ruby's ``gsub`` does, ``split`` drops trailing empty strings, ``escape`` gives
``&#39;``. python-liquid's own filters are used where they are Ruby's already (case changes,
URL encoding, base64 encoding, newlines).
"""

from __future__ import annotations

import base64
import binascii
import re
import urllib.parse
from collections.abc import Callable

from liquid.builtin.filters import string as liquid_string

from handler.engine.liquid.filters.common import RUBY_SPACE, awk_split, gsub, ruby_split
from handler.engine.liquid.rnumbers import ArgumentError, to_integer
from handler.engine.liquid.values import is_array, to_s

__all__ = ["FILTERS"]

_ESCAPE = str.maketrans({"&": "&amp;", ">": "&gt;", "<": "&lt;", '"': "&quot;", "'": "&#39;"})
_ESCAPE_ONCE = re.compile(r"""["><']|&(?!([a-zA-Z]+|(#\d+));)""")
# Ruby's patterns are <script.*?</script>|<!--.*?-->|<style.*?</style> then <.*?> (multiline):
# cut here with str.find, which stays linear where those would rescan to the end from every "<".
_BLOCKS = (("<script", "</script>"), ("<!--", "-->"), ("<style", "</style>"))
_NEWLINES = re.compile(r"\r?\n")
_MAX_INT = (1 << 31) - 1


def _ruby(func: Callable[[str], str]) -> Callable[[object], str]:
    """A python-liquid string filter with Ruby's ``to_s`` of its input."""

    def apply(value: object) -> str:
        return func(to_s(value))

    return apply


def escape(value: object) -> str | None:
    return None if value is None else to_s(value).translate(_ESCAPE)


def escape_once(value: object) -> str:
    return _ESCAPE_ONCE.sub(lambda m: m.group(0).translate(_ESCAPE), to_s(value))


def url_encode(value: object) -> str | None:
    return None if value is None else urllib.parse.quote_plus(to_s(value))


def url_decode(value: object) -> str | None:
    if value is None:
        return None
    try:
        return urllib.parse.unquote_plus(to_s(value), errors="strict")
    except UnicodeDecodeError:
        raise ArgumentError("invalid byte sequence in UTF-8") from None


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ArgumentError("invalid byte sequence in UTF-8") from None


def base64_decode(value: object) -> str:
    try:
        return _decode(base64.b64decode(to_s(value).encode(), validate=True))
    except (binascii.Error, ValueError):
        raise ArgumentError("invalid base64 provided to base64_decode") from None


def base64_url_safe_decode(value: object) -> str:
    text = to_s(value)
    if not text.endswith("=") and len(text) % 4:
        text = text.ljust((len(text) + 3) & ~3, "=")
    try:
        return _decode(base64.b64decode(text.translate(str.maketrans("-_", "+/")), validate=True))
    except (binascii.Error, ValueError):
        raise ArgumentError("invalid base64 provided to base64_url_safe_decode") from None


def _ruby_slice(sequence: str | list[object], start: int, length: int) -> str | list[object] | None:
    size = len(sequence)
    if length < 0:
        return None
    if start < 0:
        start += size
        if start < 0:
            return None
    if start > size:
        return None
    return sequence[start : start + length]


def slice_(value: object, offset: object, length: object = None) -> object:
    start = to_integer(offset)
    count = to_integer(length) if length is not None and length is not False else 1
    if is_array(value):
        assert isinstance(value, list | tuple)
        return _ruby_slice(list(value), start, count) or []
    return _ruby_slice(to_s(value), start, count) or ""


def truncate(value: object, length: object = 50, ending: object = "...") -> str | None:
    if value is None:
        return None
    text = to_s(value)
    size = to_integer(length)
    end = to_s(ending)
    keep = max(size - len(end), 0)
    return text[:keep] + end if len(text) > size else text


def truncatewords(value: object, words: object = 15, ending: object = "...") -> str | None:
    if value is None:
        return None
    text = to_s(value)
    count = to_integer(words)
    if count <= 0:
        count = 1
    if count + 1 > _MAX_INT:
        raise ArgumentError(f"integer {count} too big for truncatewords")
    wordlist = awk_split(text, count + 1)
    if len(wordlist) <= count:
        return text
    return " ".join(wordlist[:-1]) + to_s(ending)


def split(value: object, pattern: object) -> list[str]:
    return ruby_split(to_s(value), to_s(pattern))


class _Finder:
    """``text.find(needle, start)``, remembering the last answer per needle."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.cache: dict[str, tuple[int, int]] = {}

    def find(self, needle: str, start: int) -> int:
        searched, found = self.cache.get(needle, (-1, -2))
        if 0 <= searched <= start and (found == -1 or found >= start):
            return found
        found = self.text.find(needle, start)
        self.cache[needle] = (start, found)
        return found


def _cut(text: str, block_end: _Finder, at: int) -> int:
    """Where a ``<script>``/comment/``<style>`` block starting at ``at`` ends (-1: none)."""
    for opener, closer in _BLOCKS:
        if text.startswith(opener, at):
            close = block_end.find(closer, at + len(opener))
            if close >= 0:
                return close + len(closer)
    return -1


def _remove_blocks(text: str) -> str:
    finder = _Finder(text)
    out: list[str] = []
    position = scan = 0
    while (opened := _BLOCK_OPENER.search(text, scan)) is not None:  # a "<" a block may open at
        at = opened.start()
        end = _cut(text, finder, at)
        if end < 0:
            scan = at + 1
            continue
        out.append(text[position:at])
        position = scan = end
    out.append(text[position:])
    return "".join(out)


def _remove_tags(text: str) -> str:
    """``gsub(/<.*?>/m, "")``: every ``<`` before the last ``>`` closes at the next ``>`` (so the
    pattern runs in linear time there); after it, nothing closes."""
    last = text.rfind(">")
    if last < 0 or "<" not in text:
        return text
    return _TAG.sub("", text[: last + 1]) + text[last + 1 :]


_BLOCK_OPENER = re.compile("|".join(re.escape(opener) for opener, _ in _BLOCKS))
_TAG = re.compile(r"<[^>]*>")


def strip_html(value: object) -> str:
    return _remove_tags(_remove_blocks(to_s(value)))


def replace(value: object, pattern: object, replacement: object = "") -> str:
    return gsub(to_s(value), to_s(pattern), to_s(replacement))


def replace_first(value: object, pattern: object, replacement: object = "") -> str:
    return gsub(to_s(value), to_s(pattern), to_s(replacement), 1)


def replace_last(value: object, pattern: object, replacement: object) -> str:
    text = to_s(value)
    needle = to_s(pattern)
    start = text.rfind(needle)
    if start < 0:
        return text
    return text[:start] + to_s(replacement) + text[start + len(needle) :]


def remove(value: object, pattern: object) -> str:
    return replace(value, pattern, "")


def remove_first(value: object, pattern: object) -> str:
    return replace_first(value, pattern, "")


def remove_last(value: object, pattern: object) -> str:
    return replace_last(value, pattern, "")


FILTERS: dict[str, Callable[..., object]] = {
    "downcase": _ruby(liquid_string.downcase),
    "upcase": _ruby(liquid_string.upcase),
    "capitalize": _ruby(liquid_string.capitalize),
    "escape": escape,
    "h": escape,
    "escape_once": escape_once,
    "url_encode": url_encode,
    "url_decode": url_decode,
    "base64_encode": _ruby(liquid_string.base64_encode),
    "base64_decode": base64_decode,
    "base64_url_safe_encode": _ruby(liquid_string.base64_url_safe_encode),
    "base64_url_safe_decode": base64_url_safe_decode,
    "slice": slice_,
    "truncate": truncate,
    "truncatewords": truncatewords,
    "split": split,
    "strip": lambda value: to_s(value).strip(RUBY_SPACE + "\x00"),
    "lstrip": lambda value: to_s(value).lstrip(RUBY_SPACE + "\x00"),
    "rstrip": lambda value: to_s(value).rstrip(RUBY_SPACE + "\x00"),
    "strip_html": strip_html,
    "strip_newlines": lambda value: _NEWLINES.sub("", to_s(value)),
    "newline_to_br": lambda value: _NEWLINES.sub("<br />\n", to_s(value)),
    "replace": replace,
    "replace_first": replace_first,
    "replace_last": replace_last,
    "remove": remove,
    "remove_first": remove_first,
    "remove_last": remove_last,
    "append": lambda value, other: to_s(value) + to_s(other),
    "prepend": lambda value, other: to_s(other) + to_s(value),
}
