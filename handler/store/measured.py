"""A store wrapper that adds the time spent in each call to the request's ``store_ms``."""

from __future__ import annotations

from collections.abc import Iterator

from handler.errors import NotFound
from handler.store import ObjectInfo, PresignedUrls, Store, StoredObject, VersionedStore
from handler.timing import measure


class MeasuredStore:
    """Wraps any :class:`~handler.store.Store`; satisfies the same Protocol."""

    def __init__(self, inner: Store) -> None:
        self.inner = inner

    def get(self, key: str, *, max_bytes: int | None = None) -> StoredObject:
        with measure("store"):
            return self.inner.get(key, max_bytes=max_bytes)

    def head(self, key: str, size: int) -> bytes:
        with measure("store"):
            return self.inner.head(key, size)

    def get_if_changed(self, key: str, version: str) -> StoredObject | None:
        with measure("store"):
            return self.inner.get_if_changed(key, version)

    def list(self, prefix: str = "") -> Iterator[ObjectInfo]:
        with measure("store"):
            items = list(self.inner.list(prefix))
        return iter(items)

    def describe(self) -> str:
        return self.inner.describe()

    def url_for(self, key: str, seconds: int) -> str:
        """The wrapped store's presigned URL (``NotFound`` when it cannot make one)."""
        if not isinstance(self.inner, PresignedUrls):
            raise NotFound(key)
        return self.inner.url_for(key, seconds)

    def get_version(self, key: str, version: str, *, max_bytes: int | None = None) -> StoredObject:
        """The wrapped store's earlier version (``NotFound`` when it keeps none)."""
        if not isinstance(self.inner, VersionedStore):
            raise NotFound(key)
        with measure("store"):
            return self.inner.get_version(key, version, max_bytes=max_bytes)
