"""Liquid's ``site``, ``page`` and friends, as lazy read-only mappings (Jekyll's ``drops/``).

A template pays only for what it reads: ``site.pages`` is built the first time a template asks
for it (then kept for the view), a document's ``content`` and ``excerpt`` are rendered only when
read, and ``site.data`` parses a data file only when a template reaches it. Everything is reached
through ``__getitem__`` alone, so a template sees values, never Python objects.

What each drop answers follows Jekyll 4.3: ``DocumentDrop``, ``Convertible#to_liquid`` for pages,
``StaticFileDrop``, ``CollectionDrop``, ``SiteDrop`` and ``JekyllDrop``.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from typing import Any, Protocol

from handler.engine.config import JEKYLL_VERSION, deep_merge
from handler.engine.document import Document
from handler.engine.paths import is_private
from handler.engine.static_file import StaticFile
from handler.engine.view import SiteView

RELATED_POSTS = 10  # RelatedPosts#most_recent_posts without LSI


class Resolver(Protocol):
    """What drops ask of the renderer: rendered content and excerpts, raw bodies, data files."""

    def content(self, view: SiteView, document: Document) -> str:
        """A document's content after Liquid and its converter (before layouts)."""
        ...

    def excerpt(self, view: SiteView, document: Document) -> str | None:
        """A document's generated excerpt, rendered (``None`` when it has none)."""
        ...

    def raw(self, document: Document) -> str:
        """A document's body as written (what a page's ``content`` shows before rendering)."""
        ...

    def data(self, view: SiteView, key: str) -> Any:
        """The parsed contents of a data file (``_data/x.yml``)."""
        ...


class Drop(Mapping[str, Any]):
    """A read-only mapping whose keys are computed on first read and kept."""

    __slots__ = ("_cache",)

    def __init__(self) -> None:
        self._cache: dict[str, Any] = {}

    def __getitem__(self, key: str) -> Any:
        if not isinstance(key, str):
            raise KeyError(key)
        cache = self._cache
        if key in cache:
            return cache[key]
        value = self.compute(key)
        cache[key] = value
        return value

    def compute(self, key: str) -> Any:
        """The value of ``key``; ``KeyError`` when the drop has none."""
        raise KeyError(key)

    def keys_list(self) -> list[str]:
        return []

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys_list())

    def __len__(self) -> int:
        return len(self.keys_list())

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        try:
            self[key]
        except KeyError:
            return False
        return True


# --- documents -----------------------------------------------------------------------------------


class RenderState:
    """The document being rendered: its ``content`` changes from source to HTML as it renders."""

    __slots__ = ("content",)

    def __init__(self, content: str) -> None:
        self.content = content


class DocumentDrop(Drop):
    """A collection document (``Drops::DocumentDrop``)."""

    __slots__ = ("_document", "_resolver", "_state", "_view")
    METHODS = (
        "collection", "content", "date", "excerpt", "id", "name", "next", "output", "path",
        "previous", "relative_path", "url", "title", "categories", "tags",
    )  # fmt: skip

    def __init__(
        self,
        view: SiteView,
        document: Document,
        resolver: Resolver,
        state: RenderState | None = None,
    ) -> None:
        super().__init__()
        self._view = view
        self._document = document
        self._resolver = resolver
        self._state = state

    @property
    def document(self) -> Document:
        return self._document

    def __getitem__(self, key: str) -> Any:
        if not isinstance(key, str):
            raise KeyError(key)
        cache = self._cache
        if key in cache:
            return cache[key]
        if key == "content" and self._state is not None:
            return self._state.content  # live: the source, then the converted HTML
        value = self.compute(key)
        cache[key] = value
        return value

    def compute(self, key: str) -> Any:
        doc = self._document
        data = doc.data
        if key == "content":
            return self._resolver.content(self._view, doc)
        if key == "excerpt":
            return self._excerpt()
        if key in ("path", "relative_path"):
            return relative_path(doc, self._view)
        if key == "collection":
            return doc.collection
        if key == "id":
            return doc.doc_id
        if key == "url":
            return doc.url
        if key == "date":
            return data.get("date")
        if key == "name":
            return data.get("name") or doc.name
        if key == "output":
            return None
        if key in ("next", "previous"):
            before, after = self._view.neighbours(doc)
            neighbour = after if key == "next" else before
            return (
                None if neighbour is None else DocumentDrop(self._view, neighbour, self._resolver)
            )
        return data[key]

    def _excerpt(self) -> str:
        given = self._document.data.get("excerpt")
        if given is not None:
            return str(given)
        rendered = self._resolver.excerpt(self._view, self._document)
        return "" if rendered is None else rendered

    def keys_list(self) -> list[str]:
        return list(dict.fromkeys([*self.METHODS, *self._document.data]))


def relative_path(document: Document, view: SiteView) -> str:
    """A document's ``relative_path``: below ``collections_dir`` (pages: from the site root)."""
    base = view.config.collections_dir
    if document.kind == "document" and base and document.key.startswith(base + "/"):
        return document.key[len(base) + 1 :]
    return document.key


class PageDrop(Drop):
    """A page (``Convertible#to_liquid``: defaults, then data, then the page's attributes)."""

    __slots__ = ("_document", "_resolver", "_state", "_view")
    ATTRIBUTES = ("content", "dir", "excerpt", "name", "path", "url")

    def __init__(
        self,
        view: SiteView,
        document: Document,
        resolver: Resolver,
        state: RenderState | None = None,
    ) -> None:
        super().__init__()
        self._view = view
        self._document = document
        self._resolver = resolver
        self._state = state

    @property
    def document(self) -> Document:
        return self._document

    def compute(self, key: str) -> Any:
        doc = self._document
        if key == "content":
            # A page's hash is built before it renders: its content is the source, always.
            return self._state.content if self._state is not None else self._resolver.raw(doc)
        if key == "dir":
            return doc.url if doc.url.endswith("/") else _url_dir(doc.url)
        if key == "excerpt":
            given = doc.data.get("excerpt")
            return None if given is None else str(given)
        if key == "name":
            return doc.name
        if key == "path":
            return doc.data.get("path") or doc.key
        if key == "url":
            return doc.url
        return doc.data[key]

    def keys_list(self) -> list[str]:
        return list(dict.fromkeys([*self._document.data, *self.ATTRIBUTES]))


def _url_dir(url: str) -> str:
    folder = posixpath.dirname(url)
    return folder if folder.endswith("/") else folder + "/"


class StaticFileDrop(Drop):
    """A static file (``Drops::StaticFileDrop``)."""

    __slots__ = ("_file",)
    METHODS = ("name", "extname", "modified_time", "basename", "path", "collection")

    def __init__(self, static: StaticFile) -> None:
        super().__init__()
        self._file = static

    def compute(self, key: str) -> Any:
        static = self._file
        if key == "name":
            return static.name
        if key == "extname":
            return static.extname
        if key == "modified_time":
            return static.modified
        if key == "basename":
            return static.basename
        if key == "path":
            return static.relative_path
        if key == "collection":
            return static.collection
        return (static.data or {})[key]

    def keys_list(self) -> list[str]:
        return list(dict.fromkeys([*self.METHODS, *(self._file.data or {})]))


class CollectionDrop(Drop):
    """A collection (``Drops::CollectionDrop``): label, docs, files, output, and its metadata."""

    __slots__ = ("_label", "_site")
    METHODS = ("label", "docs", "files", "directory", "relative_directory", "output")

    def __init__(self, site: SiteData, label: str) -> None:
        super().__init__()
        self._site = site
        self._label = label

    def compute(self, key: str) -> Any:
        config = self._site.view.config.collection(self._label)
        if key == "label":
            return self._label
        if key == "docs":
            return self._site.collection(self._label)
        if key == "files":
            return [
                StaticFileDrop(s)
                for s in self._site.view.index.statics
                if s.collection == self._label
            ]
        if key == "relative_directory":
            return config.relative_directory
        if key == "directory":
            base = self._site.view.config.collections_dir
            return "/" + posixpath.join(base, config.relative_directory)
        if key == "output":
            return config.output
        return config.metadata[key]

    def keys_list(self) -> list[str]:
        config = self._site.view.config.collection(self._label)
        return list(dict.fromkeys([*self.METHODS, *config.metadata]))


# --- data ----------------------------------------------------------------------------------------


class DataDrop(Drop):
    """``site.data``: one key per data file (by sanitized name) or folder, parsed on first read."""

    __slots__ = ("_entries", "_resolver", "_view")

    def __init__(self, view: SiteView, entries: Mapping[str, Any], resolver: Resolver) -> None:
        super().__init__()
        self._view = view
        self._entries = entries  # name -> data file key, or nested mapping for a folder
        self._resolver = resolver

    def compute(self, key: str) -> Any:
        entry = self._entries[key]
        if isinstance(entry, Mapping):
            return DataDrop(self._view, entry, self._resolver)
        return self._resolver.data(self._view, entry)

    def keys_list(self) -> list[str]:
        return list(self._entries)


def data_tree(keys: list[str], data_dir: str) -> dict[str, Any]:
    """The shape of ``site.data`` from data file keys: names as ``DataReader`` sanitizes them."""
    tree: dict[str, Any] = {}
    for key in sorted(keys):
        parts = key[len(data_dir) + 1 :].split("/")
        node = tree
        for folder in parts[:-1]:
            child = node.setdefault(sanitize_filename(folder), {})
            if not isinstance(child, dict):
                break
            node = child
        else:
            node[sanitize_filename(posixpath.splitext(parts[-1])[0])] = key
    return tree


def sanitize_filename(name: str) -> str:
    """``DataReader#sanitize_filename``: drop what is not a word, space or dash; spaces to ``_``."""
    cleaned = re.sub(r"[^\w\s-]+", "", name).strip()
    return re.sub(r"\s+", "_", cleaned)


# --- the site ------------------------------------------------------------------------------------


class SiteData:
    """The parts of ``site`` that depend only on the view: built once, shared by every render."""

    def __init__(
        self,
        view: SiteView,
        resolver: Resolver,
        site_url: object,
        generated: Callable[[SiteView], list[Mapping[str, Any]]] | None = None,
    ) -> None:
        self.view = view
        self.resolver = resolver
        self.site_url = site_url
        self._generated = generated  # pages plugins add to site.pages (redirects, feed...)
        self._lists: dict[str, Any] = {}

    def _kept(self, name: str, build: Callable[[], Any]) -> Any:
        found = self._lists.get(name)
        if found is None:
            found = self._lists[name] = build()
        return found

    def labels(self) -> frozenset[str]:
        """The labels of the site's collections (``posts`` among them)."""
        result: frozenset[str] = self._kept(
            "labels", lambda: frozenset(c.label for c in self.view.config.collections)
        )
        return result

    def drop(self, document: Document) -> Drop:
        if document.kind == "page":
            return PageDrop(self.view, document, self.resolver)
        return DocumentDrop(self.view, document, self.resolver)

    def collection(self, label: str) -> list[Drop]:
        result: list[Drop] = self._kept(
            "c:" + label, lambda: [self.drop(d) for d in self.view.collection(label)]
        )
        return result

    def posts(self) -> list[Drop]:
        result: list[Drop] = self._kept("posts", lambda: [self.drop(d) for d in self.view.posts])
        return result

    def pages(self) -> list[Mapping[str, Any]]:
        """``site.pages``: the site's pages, then the pages its plugins add, in Jekyll's order."""

        def build() -> list[Mapping[str, Any]]:
            found: list[Mapping[str, Any]] = [self.drop(d) for d in self.view.pages]
            return found + (self._generated(self.view) if self._generated else [])

        result: list[Mapping[str, Any]] = self._kept("pages", build)
        return result

    def html_pages(self) -> list[Mapping[str, Any]]:
        """``site.html_pages``: pages whose output is HTML or whose URL is a folder."""

        def build() -> list[Mapping[str, Any]]:
            return [p for p in self.pages() if _html_page(p)]

        result: list[Mapping[str, Any]] = self._kept("html_pages", build)
        return result

    def static_files(self) -> list[Drop]:
        result: list[Drop] = self._kept(
            "static_files", lambda: [StaticFileDrop(s) for s in self.view.index.statics]
        )
        return result

    def documents(self) -> list[Drop]:
        def build() -> list[Drop]:
            found: list[Drop] = []
            for collection in self.view.config.collections:
                found += self.collection(collection.label)
                found += [
                    StaticFileDrop(s)
                    for s in self.view.index.statics
                    if s.collection == collection.label
                ]
            return found

        result: list[Drop] = self._kept("documents", build)
        return result

    def collections(self) -> list[Drop]:
        labels = sorted(c.label for c in self.view.config.collections)
        result: list[Drop] = self._kept(
            "collections", lambda: [CollectionDrop(self, label) for label in labels]
        )
        return result

    def taxonomy(self, attribute: str) -> dict[str, list[Drop]]:
        """``Site#post_attr_hash``: posts by tag or category, newest first."""

        def build() -> dict[str, list[Drop]]:
            found: dict[str, list[Drop]] = {}
            for drop, document in zip(self.posts(), self.view.posts, strict=True):
                for name in document.data.get(attribute) or ():
                    found.setdefault(str(name), []).append(drop)
            return found

        result: dict[str, list[Drop]] = self._kept("t:" + attribute, build)
        return result

    def data(self) -> Any:
        config = self.view.config
        if config.raw.get("data") is not None:
            return config.raw["data"]

        def build() -> DataDrop:
            data_dir = config.data_dir
            keys = [
                k
                for k in self.view.index.files
                if k.startswith(data_dir + "/") and not is_private(k)
            ]
            return DataDrop(self.view, data_tree(keys, data_dir), self.resolver)

        return self._kept("data", build)


class GeneratedPage(dict[str, Any]):
    """A page a plugin adds to ``site.pages`` (``PageWithoutAFile``, ``RedirectPage``...).

    ``after``: the page appears only while rendering pages named after this one (a page added
    during the render of another, as jekyll-sass-converter adds a source map).
    """

    after: str | None = None


def _visible_to(page: Mapping[str, Any], current: Document | None) -> bool:
    after = getattr(page, "after", None)
    if after is None:
        return True
    return current is not None and current.kind == "page" and current.name > after


def _html_page(page: Mapping[str, Any]) -> bool:
    if isinstance(page, PageDrop):
        return page.document.is_html or page.document.url.endswith("/")
    url = str(page.get("url") or "")
    return url.endswith(("/", ".html", ".htm", ".xhtml"))


class SiteDrop(Drop):
    """``site``: every configuration key, plus Jekyll's computed ones, for one render."""

    __slots__ = ("_current", "_now", "_site")
    COMPUTED = (
        "time", "pages", "posts", "static_files", "html_pages", "collections", "documents",
        "data", "categories", "tags", "related_posts", "url",
    )  # fmt: skip

    def __init__(self, site: SiteData, now: datetime, current: Document | None = None) -> None:
        super().__init__()
        self._site = site
        self._now = now
        self._current = current

    def compute(self, key: str) -> Any:
        site = self._site
        if key != "posts" and key in site.labels():
            return site.collection(key)
        handler = _SITE_KEYS.get(key)
        if handler is not None:
            return handler(self)
        return site.view.config.raw[key]

    def _pages(self) -> list[Mapping[str, Any]]:
        return [p for p in self._site.pages() if _visible_to(p, self._current)]

    def _html_pages(self) -> list[Mapping[str, Any]]:
        return [p for p in self._site.html_pages() if _visible_to(p, self._current)]

    def _related(self) -> list[Drop] | None:
        """``RelatedPosts#most_recent_posts``: the newest posts but the current one (no LSI)."""
        current = self._current
        if current is None or current.kind != "document":
            return None
        posts = self._site.view.collection("posts")
        if len(posts) <= 1:
            return []
        recent = [d for d in reversed(posts[-11:]) if d.key != current.key][:RELATED_POSTS]
        return [self._site.drop(d) for d in recent]

    def keys_list(self) -> list[str]:
        labels = [c.label for c in self._site.view.config.collections if c.label != "posts"]
        return list(dict.fromkeys([*self._site.view.config.raw, *self.COMPUTED, *labels]))


_SITE_KEYS: dict[str, Callable[[SiteDrop], Any]] = {
    "time": lambda drop: drop._now,
    "pages": SiteDrop._pages,
    "posts": lambda drop: drop._site.posts(),
    "static_files": lambda drop: drop._site.static_files(),
    "html_pages": SiteDrop._html_pages,
    "collections": lambda drop: drop._site.collections(),
    "documents": lambda drop: drop._site.documents(),
    "data": lambda drop: drop._site.data(),
    "categories": lambda drop: drop._site.taxonomy("categories"),
    "tags": lambda drop: drop._site.taxonomy("tags"),
    "related_posts": SiteDrop._related,
    "url": lambda drop: drop._site.site_url,
}


def jekyll_drop(environment: str) -> dict[str, str]:
    """``jekyll``: the version Broadsheet renders as, and ``JEKYLL_ENV``."""
    return {"version": JEKYLL_VERSION, "environment": environment}


def layout_data(chain: list[Mapping[str, Any]]) -> dict[str, Any]:
    """``layout``: each layout's front matter merged under the ones nearer the page."""
    merged: dict[str, Any] = {}
    for data in chain:
        merged = deep_merge(data, merged)
    return merged
