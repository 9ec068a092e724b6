"""URLs as Jekyll builds them: ``Jekyll::URL``, ``Drops::UrlDrop`` and ``Utils.slugify``.

Pages fill a template from a small hash (``path``, ``basename``, ``output_ext``); documents (posts
and every other collection) from the full set of ``UrlDrop`` placeholders. Both end in
``sanitize_url``. Pure functions, no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import datetime
from urllib.parse import quote, unquote, urlsplit

_PRETTY_KEEP = frozenset("._~!$&'()+,;=@")
_PLACEHOLDER = PLACEHOLDER = re.compile(r":([a-z_]+)")
# What ``Drops::UrlDrop`` offers a document (:func:`document_placeholders` fills each).
DOCUMENT_PLACEHOLDERS = frozenset(
    {
        "collection", "path", "name", "title", "slug", "categories", "slugified_categories",
        "year", "month", "day", "hour", "minute", "second", "i_day", "i_month", "short_month",
        "long_month", "short_year", "w_year", "week", "w_day", "short_day", "long_day", "y_day",
        "output_ext",
    }
)  # fmt: skip
_PATH_SAFE = re.compile(r"^[a-zA-Z0-9./-]+$")


def absolute_base(url: object) -> str:
    """``url`` without its trailing ``/`` if it is an absolute http(s) URL with a host (what
    sitemaps, feeds and robots.txt may name), else ``""``: an empty, relative or ``javascript:``
    ``url`` is no site URL. Never the request's ``Host``, which a client chooses."""
    if not isinstance(url, str):
        return ""
    text = url.strip()
    try:
        parts = urlsplit(text)
    except ValueError:  # e.g. an unclosed [ in the host
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return ""
    if any(ord(ch) < 0x21 or ch in "<>\"'\\" for ch in text):
        return ""
    return text.rstrip("/")


class UnknownPlaceholder(KeyError):
    """A permalink names a placeholder Jekyll does not know (``:nonsense``)."""


def slugify(text: str | None, *, mode: str = "default", cased: bool = False) -> str:
    """Jekyll's ``Utils.slugify``: ``raw``, ``default``, ``pretty``, ``ascii``, ``latin``, ``none``."""
    if text is None:
        return ""
    if mode == "none":
        return text
    if mode == "latin":
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        mode = "default"
    if mode == "raw":
        slug = re.sub(r"\s+", "-", text)
    else:
        out: list[str] = []
        for ch in text:
            keep = _word_char(ch) if mode != "ascii" else (ch.isascii() and ch.isalnum())
            if keep or (mode == "pretty" and ch in _PRETTY_KEEP):
                out.append(ch)
            elif not out or out[-1] != "\0":
                out.append("\0")
        slug = "".join(out).replace("\0", "-")
    slug = re.sub(r"^-|-$", "", slug, flags=re.M)
    return slug if cased else slug.lower()


def _word_char(ch: str) -> bool:
    category = unicodedata.category(ch)
    return category[0] in ("L", "M") or category == "Nd"


def escape_path(value: str) -> str:
    """``Jekyll::URL.escape_path``: percent-encode what a URL path may not hold (``#`` too)."""
    if not value or _PATH_SAFE.match(value):
        return value
    return quote(value, safe="-._~!$&'()*+,;=:@/")


def unescape_path(value: str) -> str:
    """``Jekyll::URL.unescape_path``: the file name a URL is written to."""
    return unquote(value) if "%" in value else value


def sanitize_url(url: str) -> str:
    """``Jekyll::URL#sanitize_url``: one leading slash, no ``..``/``./``, no doubled slashes."""
    url = ("/" + url).replace("..", "/").replace("./", "")
    return re.sub(r"/+", "/", url)


def page_url(template: str, permalink: str | None, placeholders: Sequence[tuple[str, str]]) -> str:
    """A page's URL (``URL#generate_url_from_hash``): placeholders replaced in order, as text."""
    result = permalink if permalink else template
    for name, value in placeholders:
        if ":" not in result:
            break
        result = result.replace(":" + name, escape_path(value))
    return sanitize_url(result)


def document_url(template: str, permalink: str | None, placeholders: Mapping[str, str]) -> str:
    """A document's URL (``URL#generate_url_from_drop``); raises :class:`UnknownPlaceholder`."""

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        pool = [name, name[:-1]] if name.endswith("_") else [name]
        for key in pool:
            if key in placeholders:
                rest = match.group(0)[len(key) + 1 :]
                return escape_path(placeholders[key]) + rest
        raise UnknownPlaceholder(name)

    return sanitize_url(_PLACEHOLDER.sub(fill, permalink if permalink else template))


def document_placeholders(
    *,
    collection: str,
    cleaned_path: str,
    basename: str,
    slug: str | None,
    categories: Sequence[object],
    date: datetime,
    output_ext: str,
) -> dict[str, str]:
    """Every placeholder ``Drops::UrlDrop`` offers a document."""
    unique_lower = dict.fromkeys(str(c).lower() for c in categories)
    slugified = dict.fromkeys(slugify(str(c)) for c in categories)
    iso = date.isocalendar()
    return {
        "collection": collection,
        "path": cleaned_path,
        "name": slugify(basename),
        "title": slugify(slug, mode="pretty", cased=True)
        if slug
        else slugify(basename, mode="pretty", cased=True),
        "slug": slugify(slug) if slug else slugify(basename),
        "categories": "/".join(unique_lower),
        "slugified_categories": "/".join(slugified),
        "year": f"{date.year:04d}",
        "month": f"{date.month:02d}",
        "day": f"{date.day:02d}",
        "hour": f"{date.hour:02d}",
        "minute": f"{date.minute:02d}",
        "second": f"{date.second:02d}",
        "i_day": str(date.day),
        "i_month": str(date.month),
        "short_month": date.strftime("%b"),
        "long_month": date.strftime("%B"),
        "short_year": date.strftime("%y"),
        "w_year": f"{iso.year}",
        "week": f"{iso.week:02d}",
        "w_day": str(date.isoweekday()),
        "short_day": date.strftime("%a"),
        "long_day": date.strftime("%A"),
        "y_day": date.strftime("%j"),
        "output_ext": output_ext,
    }


def destination(url: str, output_ext: str, *, page: bool = False) -> str:
    """The file Jekyll writes for ``url`` (relative to the site root, unescaped, no leading ``/``).

    A document at ``/a/`` is ``a/index.html``; a page at ``/a/`` is ``a/index`` plus its output
    extension; a URL without the output extension gets it appended (``Document#destination``,
    ``Page#destination``).
    """
    path = unescape_path(url)
    if path.endswith("/"):
        if not page:
            return (path + "index.html").lstrip("/")
        path += "index"
    if output_ext and not path.endswith(output_ext):
        path += output_ext
    return path.lstrip("/")
