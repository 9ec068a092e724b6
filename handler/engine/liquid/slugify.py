"""Jekyll's ``Utils.slugify`` in all its modes (``raw``, ``default``, ``pretty``, ``ascii``,
``latin``, ``none``), with I18n's default transliteration for ``latin``."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["slugify"]

_MODES = frozenset(("raw", "default", "pretty", "ascii", "latin"))
_RAW = re.compile(r"[ \t\n\v\f\r]+")
_ASCII = re.compile(r"[^A-Za-z0-9]+")
_PRETTY_EXTRA = frozenset("._~!$&'()+,;=@")
_EDGE_HYPHEN = re.compile(r"^-|-$", re.M)

_SINGLE_FROM = (
    "ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖ×ØÙÚÛÜÝàáâãäåçèéêëìíîïðñòóôõöøùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĐđĒēĔĕĖėĘęĚěĜĝ"
    "ĞğĠġĢģĤĥĦħĨĩĪīĬĭĮįİıĴĵĶķĸĹĺĻļĽľĿŀŁłŃńŅņŇňŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŦŧŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽž"
)
_SINGLE_TO = (
    "AAAAAACEEEEIIIIDNOOOOOxOUUUUYaaaaaaceeeeiiiidnoooooouuuuyyAaAaAaCcCcCcCcDdDdEeEeEeEeEeGg"
    "GgGgGgHhHhIiIiIiIiIiJjKkkLlLlLlLlLlNnNnNnOoOoOoRrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZz"
)
_APPROXIMATIONS: dict[str, str] = {
    **dict(zip(_SINGLE_FROM, _SINGLE_TO, strict=True)),
    "Æ": "AE",
    "Þ": "Th",
    "ß": "ss",
    "æ": "ae",
    "þ": "th",
    "Ĳ": "IJ",
    "ĳ": "ij",
    "ŉ": "'n",
    "Ŋ": "NG",
    "ŋ": "ng",
    "Œ": "OE",
    "œ": "oe",
}


def _transliterate(text: str) -> str:
    """``I18n.transliterate``: Latin letters without accents, other non-ASCII as ``?``."""
    return "".join(c if c < "\x80" else _APPROXIMATIONS.get(c, "?") for c in text)


def _kept(char: str, extra: frozenset[str]) -> bool:
    """``\\p{M}``, ``\\p{L}``, ``\\p{Nd}`` (and the ``pretty`` punctuation) are kept."""
    if char in extra:
        return True
    category = unicodedata.category(char)
    return category[0] in "LM" or category == "Nd"


def _replace_runs(text: str, extra: frozenset[str]) -> str:
    out: list[str] = []
    in_run = False
    for char in text:
        if _kept(char, extra):
            out.append(char)
            in_run = False
        elif not in_run:
            out.append("-")
            in_run = True
    return "".join(out)


def slugify(text: str | None, mode: str | None = None, *, cased: bool = False) -> str | None:
    """``Jekyll::Utils.slugify(text, mode: mode, cased: cased)``."""
    mode = mode or "default"
    if text is None:
        return None
    if mode not in _MODES:
        return text if cased else text.lower()
    if mode == "latin":
        text = _transliterate(text)
    if mode == "raw":
        slug = _RAW.sub("-", text)
    elif mode == "ascii":
        slug = _ASCII.sub("-", text)
    else:
        slug = _replace_runs(text, _PRETTY_EXTRA if mode == "pretty" else frozenset())
    slug = _EDGE_HYPHEN.sub("", slug)
    return slug if cased else slug.lower()
