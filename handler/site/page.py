"""A finished response body and what HTTP caching needs to know about it."""

from __future__ import annotations

import hashlib
import posixpath
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any, Literal

from handler.store.local import guess_content_type

PageKind = Literal[
    "post", "document", "listing", "static", "redirect", "asset", "not_found", "preview"
]
HTML = "text/html; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"
XML = "application/xml; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
JSON = "application/json; charset=utf-8"
CSS = "text/css; charset=utf-8"
GENERIC_TYPES = frozenset({"binary/octet-stream", "application/octet-stream"})


@dataclass(frozen=True, slots=True)
class Page:
    """A response body and its caching facts.

    ``expires`` is the moment the page's content will change by itself (a scheduled post going
    live); caches must not keep it past then. ``themed`` says the built-in theme made it, so the
    strict Content-Security-Policy that theme is written for applies; a site's own layouts get
    none, as on GitHub Pages (their inline scripts and styles must keep working). ``keep`` is
    false for a page served as a stand-in until its real content exists (the last good CSS while
    an edit to the Sass is being compiled): it is neither cached here nor for long anywhere.
    """

    kind: PageKind
    body: bytes
    media_type: str
    etag: str
    last_modified: datetime | None = None
    location: str | None = None
    expires: datetime | None = None
    http_date: str | None = None  # last_modified as an HTTP date, formatted once
    themed: bool = True
    status: int = 301  # for a redirect: 301, or 307 to a presigned URL (must not be kept)
    keep: bool = True  # False: a stand-in (a stylesheet awaiting its compile), never cached

    @property
    def size(self) -> int:
        return len(self.body) + 256

    @classmethod
    def make(cls, kind: PageKind, body: bytes, media_type: str, **extra: Any) -> Page:
        etag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
        modified = extra.get("last_modified")
        if modified is not None:
            extra["http_date"] = format_datetime(modified.astimezone(UTC), usegmt=True)
        return cls(kind, body, media_type, etag, **extra)


def media_type_for(path: str, stored: str | None = None) -> str:
    """The Content-Type of a file at ``path``: what it was stored with, else by its extension;
    text types say UTF-8."""
    media_type = stored if stored and stored not in GENERIC_TYPES else None
    if media_type is None:
        ext = posixpath.splitext(path)[1].lower()
        media_type = _BY_EXTENSION.get(ext) or guess_content_type(path)
    if (media_type.startswith("text/") or media_type in _TEXTUAL) and "charset" not in media_type:
        media_type += "; charset=utf-8"
    return media_type


_BY_EXTENSION = {
    ".html": "text/html",
    ".htm": "text/html",
    ".xhtml": "application/xhtml+xml",
    ".css": "text/css",
    ".xml": "application/xml",
    ".json": "application/json",
    ".txt": "text/plain",
    ".js": "application/javascript",
    ".map": "application/json",
}
_TEXTUAL = frozenset({"application/json", "application/javascript", "application/xml"})
