"""What readers can see of a site index at one moment (Jekyll's ``Publisher``).

Jekyll decides at build time which documents exist: unpublished ones (``published: false``),
future-dated ones (unless ``future: true``) and drafts (unless shown) are left out of the site
entirely. Broadsheet keeps them in the index and decides per request, so a post scheduled for
9:00 goes live at 9:00 with no rebuild. A view is built once per index version (and again when a
scheduled document goes live), so requests look things up in dictionaries.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from handler.engine.config import SiteConfig
from handler.engine.document import Document
from handler.engine.index import SiteIndex, newest_first
from handler.engine.plugins import github_pages
from handler.engine.plugins.enabled import enabled_plugins
from handler.engine.static_file import StaticFile

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Visibility:
    """Request-independent switches: ``serve --drafts``, ``--future``, unpublished previews, and
    whether the site is built as GitHub Pages builds it (its default plugins on)."""

    drafts: bool = False
    future: bool = False
    unpublished: bool = False
    github_pages: bool = True


@dataclass(frozen=True, slots=True)
class SiteView:
    """The index as readers see it at ``now``."""

    index: SiteIndex
    now: datetime
    documents: tuple[Document, ...]  # visible, in Jekyll's order
    next_change: datetime | None  # when the first hidden-by-date document goes live
    token: str
    plugins: frozenset[str] = frozenset()  # the plugins that run (listed, GitHub Pages' defaults)
    _lazy: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def of(cls, index: SiteIndex, now: datetime, visibility: Visibility | None = None) -> SiteView:
        visibility = visibility or Visibility()
        config = index.config
        future = visibility.future or config.future
        drafts = visibility.drafts or config.show_drafts
        unpublished = visibility.unpublished or config.unpublished
        plugins = enabled_plugins(config.raw, config.plugins, github_pages=visibility.github_pages)
        shown: list[Document] = []
        upcoming: list[datetime] = []
        # Once per document of the site before a cold start's first response: properties
        # (published, date) read here straight from the data, and a date in a year before
        # last is in the past without comparing aware times (each comparison works out both
        # UTC offsets: most of this loop's time otherwise).
        recent = now.year - 1
        for document in github_pages.read(index, plugins):
            if not document.dated:
                document = _built_now(document, now)
            data = document.data
            hidden = data.get("published", True) is False and not unpublished
            if hidden or (document.draft and not drafts):
                continue
            if document.kind == "document" and not future:
                when = data.get("date")
                if isinstance(when, datetime) and when.year >= recent and when > now:
                    upcoming.append(when)
                    continue
            shown.append(document)
        return cls(
            index=index,
            now=now,
            documents=tuple(shown),
            next_change=min(upcoming, default=None),
            token=f"{index.version}:{len(shown)}",
            plugins=plugins,
        )

    @property
    def config(self) -> SiteConfig:
        return self.index.config

    def _lookup(self, name: str, build: Callable[[], Any]) -> Any:
        found = self._lazy.get(name)
        if found is None:
            found = self._lazy[name] = build()
        return found

    def memo(self, name: str, build: Callable[[], T]) -> T:
        """What ``build`` makes, once per view (the site's output table, plugins, tag maps...)."""
        found: T = self._lookup(name, build)
        return found

    @property
    def by_key(self) -> Mapping[str, Document]:
        result: Mapping[str, Document] = self._lookup(
            "by_key", lambda: {d.key: d for d in self.documents}
        )
        return result

    @property
    def pages(self) -> tuple[Document, ...]:
        result: tuple[Document, ...] = self._lookup(
            "pages", lambda: tuple(d for d in self.documents if d.kind == "page")
        )
        return result

    def collection(self, label: str) -> tuple[Document, ...]:
        """A collection's visible documents in its own order (posts: oldest first)."""
        result: tuple[Document, ...] = self._lookup(
            "collection:" + label,
            lambda: tuple(d for d in self.documents if d.collection == label),
        )
        return result

    @property
    def posts(self) -> tuple[Document, ...]:
        """``site.posts``: visible posts, newest first."""
        result: tuple[Document, ...] = self._lookup(
            "posts", lambda: tuple(newest_first(self.collection("posts")))
        )
        return result

    @property
    def position(self) -> Mapping[str, int]:
        """Each visible document's place in its collection (for ``next``/``previous``)."""

        def build() -> dict[str, int]:
            places: dict[str, int] = {}
            for collection in self.config.collections:
                for at, document in enumerate(self.collection(collection.label)):
                    places[document.key] = at
            return places

        result: Mapping[str, int] = self._lookup("position", build)
        return result

    def neighbours(self, document: Document) -> tuple[Document | None, Document | None]:
        """(previous, next) in the document's collection: Jekyll's ``previous_doc``/``next_doc``."""
        if document.collection is None:
            return None, None
        at = self.position.get(document.key)
        if at is None:
            return None, None
        docs = self.collection(document.collection)
        before = docs[at - 1] if at > 0 else None
        after = docs[at + 1] if at + 1 < len(docs) else None
        return before, after

    @property
    def statics(self) -> tuple[StaticFile, ...]:
        """Static files Jekyll writes: published, and in a written collection if in one."""
        config = self.config
        outputs = {c.label: c.output for c in config.collections}

        def build() -> tuple[StaticFile, ...]:
            return tuple(
                s
                for s in self.index.statics
                if s.published and (s.collection is None or outputs.get(s.collection, False))
            )

        result: tuple[StaticFile, ...] = self._lookup("statics", build)
        return result

    def written(self, document: Document) -> bool:
        """Whether Jekyll writes ``document``: a page, or a document of an output collection."""
        if document.kind == "page":
            return True
        written = self._lazy.get("written")  # asked of every document: no _lookup closure
        if written is None:
            written = frozenset(c.label for c in self.config.collections if c.output)
            self._lazy["written"] = written
        return document.collection in written


def _built_now(document: Document, now: datetime) -> Document:
    """A document with no date of its own is dated when the site is built (``site.time``)."""
    moment = now.astimezone(document.date.tzinfo) if document.date is not None else now
    return dataclasses.replace(document, data={**document.data, "date": moment}, dated=True)
