"""Where content lives. One small Protocol, two backends: a local folder and an S3 bucket.

A store answers one narrow question (after Jinja2's loaders): give me the object at this key with its
version token, or raise :class:`~handler.errors.NotFound`. Keys are ``/``-separated, relative to the
store's root (folder or bucket prefix), and are checked by :func:`clean_key` before any I/O.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol, runtime_checkable

from handler.store.keys import clean_key

__all__ = [
    "FileUploads",
    "ObjectInfo",
    "PresignedUrls",
    "Store",
    "StoredObject",
    "VersionedStore",
    "WritableStore",
    "clean_key",
]


@dataclass(frozen=True, slots=True)
class ObjectInfo:
    """What a listing says about one object."""

    key: str
    version: str  # S3 ETag (quotes stripped) or "<mtime_ns>-<size>" for a file
    size: int
    last_modified: datetime  # timezone-aware UTC


@dataclass(frozen=True, slots=True)
class StoredObject:
    """An object's bytes with the version token they were read at."""

    key: str
    body: bytes
    version: str
    last_modified: datetime
    content_type: str | None = None


@runtime_checkable
class Store(Protocol):
    """Read access to content. Implementations raise ``NotFound`` and ``StoreUnavailable`` only."""

    def get(self, key: str, *, max_bytes: int | None = None) -> StoredObject:
        """The object at ``key``; raises ``NotFound`` if there is none (or the key is unsafe).

        With ``max_bytes``, an object larger than that raises :class:`~handler.errors.TooLarge`
        without its body being read past the limit (bucket content is untrusted input).
        """
        ...

    def head(self, key: str, size: int) -> bytes:
        """The first ``size`` bytes of the object at ``key`` (fewer if it is shorter).

        How the reader tells a page from a static file (its first line) without reading it all.
        """
        ...

    def get_if_changed(self, key: str, version: str) -> StoredObject | None:
        """Like ``get``, but ``None`` when the object's version still equals ``version``.

        S3 answers this with a conditional GET (If-None-Match), so an unchanged object costs no body.
        """
        ...

    def list(self, prefix: str = "") -> Iterator[ObjectInfo]:
        """Every object whose key starts with ``prefix``, in key order."""
        ...

    def describe(self) -> str:
        """Where this store reads from, for logs and messages (``s3://bucket/prefix`` or a path)."""
        ...


@runtime_checkable
class WritableStore(Store, Protocol):
    """A store that can also write (the site index, ``broadsheet publish``)."""

    def put(
        self,
        key: str,
        body: bytes,
        *,
        content_type: str | None = None,
        if_match: str | None = None,
        if_none_match: bool = False,
    ) -> str:
        """Write ``body`` at ``key`` and return the new version.

        ``if_match`` writes only if the current version equals it; ``if_none_match`` only if no
        object exists. Either raises ``handler.errors.PreconditionFailed`` when it does not hold.
        """
        ...

    def delete(self, key: str) -> None:
        """Remove ``key``; a missing key is not an error."""
        ...


@runtime_checkable
class FileUploads(WritableStore, Protocol):
    """A store that uploads local files itself, with metadata (``broadsheet publish``)."""

    def put_file(self, key: str, path: Path, *, content_type: str, cache_control: str) -> None:
        """Write the file at ``path`` to ``key``; a failure raises ``StoreUnavailable``."""
        ...


@runtime_checkable
class PresignedUrls(Protocol):
    """A store that can hand out a short-lived URL for an object (files too large to relay)."""

    def url_for(self, key: str, seconds: int) -> str:
        """A URL that reads ``key`` for the next ``seconds``."""
        ...


@runtime_checkable
class VersionedStore(Protocol):
    """A store that keeps earlier versions of its objects (a versioned S3 bucket)."""

    def get_version(self, key: str, version: str, *, max_bytes: int | None = None) -> StoredObject:
        """The object at ``key`` as it was when its version token was ``version`` (the newest
        such version); ``NotFound`` if none is kept. ``max_bytes`` as for ``Store.get``."""
        ...
