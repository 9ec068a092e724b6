"""The site: from a request path to a finished page, through the index, the store and the cache.

``Site.page(path)`` is the whole story of a request (web -> site -> store, render, cache):
find what the path names in the index, read the post, render it, lay it out in the theme, keep it.
It raises :class:`~handler.errors.NotFound` and :class:`~handler.errors.ContentError`; turning those
into HTTP is the web layer's job.
"""

from __future__ import annotations

import hashlib
import logging
import posixpath
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from handler import manifest
from handler.cache import RenderCache
from handler.config import CONFIG_KEY, SiteConfig
from handler.errors import ContentError, NotFound
from handler.index import Entry, SiteIndex, load_post, scan
from handler.jekyll import Post, classify, slugify
from handler.liquid import LiquidContext
from handler.render import PostRenderer, RenderedPost
from handler.store import Store
from handler.theme import Theme

log = logging.getLogger(__name__)

PageKind = Literal["post", "listing", "static", "redirect", "asset"]
STYLESHEET_PATH = "/assets/broadsheet.css"
HTML = "text/html; charset=utf-8"


@dataclass(frozen=True, slots=True)
class Page:
    """A finished response body and what HTTP caching needs to know about it."""

    kind: PageKind
    body: bytes
    media_type: str
    etag: str
    last_modified: datetime | None = None
    location: str | None = None

    @property
    def size(self) -> int:
        return len(self.body) + 256

    @classmethod
    def make(cls, kind: PageKind, body: bytes, media_type: str, **extra: Any) -> Page:
        etag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
        return cls(kind, body, media_type, etag, **extra)


@dataclass(frozen=True, slots=True)
class _Rendered:
    post: Post
    rendered: RenderedPost

    @property
    def size(self) -> int:
        return len(self.rendered.html) + len(self.post.body) + 512


class Site:
    """Everything a request needs, built once per process and reused (warm Lambda, uvicorn).

    The index is revalidated at most every ``index_ttl`` seconds; pages are cached by a key that
    carries every version they depend on, so a changed post, config or theme simply misses.
    """

    def __init__(
        self,
        store: Store,
        *,
        theme: Theme | None = None,
        site_url: str | None = None,
        index_ttl: float = 5.0,
        cache_max_bytes: int = 64 * 1024 * 1024,
        max_post_bytes: int = 2 * 1024 * 1024,
        show_drafts: bool = False,
        show_future: bool = False,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.store = store
        self.theme = theme or Theme()
        self.site_url = site_url
        self.index_ttl = index_ttl
        self.max_post_bytes = max_post_bytes
        self.show_drafts = show_drafts
        self.show_future = show_future
        # Finished pages, and rendered posts (reused by listings for excerpts), each bounded.
        self.cache: RenderCache[Page] = RenderCache(cache_max_bytes * 3 // 4)
        self.posts: RenderCache[_Rendered] = RenderCache(cache_max_bytes // 4)
        self._clock = clock
        self._now = now
        self._index: SiteIndex | None = None
        self._checked_at = float("-inf")
        self._lock = threading.Lock()
        self._renderer: PostRenderer | None = None
        self._site_vars: tuple[str, dict[str, Any]] | None = None

    # --- the index -----------------------------------------------------------------------------

    def index(self) -> SiteIndex:
        """The current index, rebuilt from the store when older than ``index_ttl`` seconds."""
        if self._index is not None and not self.index_stale():
            return self._index
        with self._lock:
            if self._index is None or self.index_stale():
                self._index = self.load_index(self._index)
                self._checked_at = self._clock()
            return self._index

    def index_stale(self) -> bool:
        return self._clock() - self._checked_at >= self.index_ttl

    def load_index(self, previous: SiteIndex | None) -> SiteIndex:
        """Build the index (a scan of the store); subclasses and the manifest reader override it."""
        return scan(self.store, previous, max_post_bytes=self.max_post_bytes)

    def renderer(self, index: SiteIndex) -> PostRenderer:
        if self._renderer is None or self._renderer.config is not index.config:
            self._renderer = PostRenderer(index.config)
        return self._renderer

    # --- requests ------------------------------------------------------------------------------

    def cached(self, path: str) -> Page | None:
        """The page for ``path`` if it is cached and the index is fresh: no I/O at all."""
        if self._index is None or self.index_stale():
            return None
        key = self._cache_key(self._index, path)
        return None if key is None else self.cache.get(key)

    def page(self, path: str) -> Page:
        """The page at ``path``; raises ``NotFound`` (or ``ContentError`` for a broken post)."""
        index = self.index()
        path = self._strip_baseurl(index, path)
        key = self._cache_key(index, path)
        if key is not None and (hit := self.cache.get(key)) is not None:
            return hit
        page = self._build(index, path)
        if key is not None and page.kind != "redirect":
            self.cache.put(key, page)
        return page

    def _cache_key(self, index: SiteIndex, path: str) -> Hashable | None:
        path = self._strip_baseurl(index, path)
        versions = (index.config.version, self.theme.css_version)
        if path in ("/", "/index.html"):
            return ("home", index.version, *versions)
        entry = self._visible_entry(index, path)
        if entry is None:
            return None
        older, newer = self.neighbours(index, entry)
        around = tuple((e.key, e.version) for e in (older, newer) if e is not None)
        return ("post", path, entry.version, around, *versions)

    def _build(self, index: SiteIndex, path: str) -> Page:
        if path in ("/", "/index.html"):
            return self._home(index)
        if path.startswith("/assets/") and (asset := self.theme.asset(path[8:])) is not None:
            return Page.make("asset", asset.body, asset.media_type)
        entry = self._visible_entry(index, path)
        if entry is not None:
            return self._post_page(index, entry)
        if not path.endswith("/") and self._visible_entry(index, path + "/") is not None:
            target = self._visible_entry(index, path + "/")
            assert target is not None
            return Page.make("redirect", b"", HTML, location=self.link(index, target.url))
        return self._static(index, path)

    def _visible_entry(self, index: SiteIndex, path: str) -> Entry | None:
        entry = index.find(path)
        if entry is None and path.endswith("/index.html"):
            entry = index.find(path.removesuffix("index.html"))
        if entry is None or not self._shown(index, entry):
            return None
        return entry

    def _shown(self, index: SiteIndex, entry: Entry) -> bool:
        return entry.visible(
            self._now(), future=self.show_future or index.config.future, drafts=self.show_drafts
        )

    def _strip_baseurl(self, index: SiteIndex, path: str) -> str:
        base = index.config.baseurl
        if base and (path == base or path.startswith(base + "/")):
            return path[len(base) :] or "/"
        return path

    # --- posts ---------------------------------------------------------------------------------

    def visible(self, index: SiteIndex) -> list[Entry]:
        return index.visible(self._now(), future=self.show_future, drafts=self.show_drafts)

    def neighbours(self, index: SiteIndex, entry: Entry) -> tuple[Entry | None, Entry | None]:
        """(older, newer) visible posts around ``entry``: Jekyll's ``previous`` and ``next``."""
        shown = self.visible(index)
        try:
            at = shown.index(entry)
        except ValueError:
            return None, None
        older = shown[at + 1] if at + 1 < len(shown) else None
        newer = shown[at - 1] if at > 0 else None
        return older, newer

    def rendered(self, index: SiteIndex, entry: Entry) -> tuple[Post, RenderedPost]:
        """read -> parse front matter -> resolve URL -> render markdown, cached by version."""
        key = ("rendered", entry.key, entry.version, index.config.version)
        hit = self.posts.get(key)
        if hit is not None:
            return hit.post, hit.rendered
        where = classify(entry.key)
        if where is None:  # pragma: no cover - the index only holds classified keys
            raise NotFound(entry.key)
        post = load_post(self.store.get(entry.key), where, index.config, self.max_post_bytes)
        rendered = self.renderer(index).render(post, self.liquid_context(index, post))
        self.posts.put(
            ("rendered", entry.key, post.version, index.config.version), _Rendered(post, rendered)
        )
        return post, rendered

    def liquid_context(self, index: SiteIndex, post: Post) -> LiquidContext:
        older, newer = (None, None)
        if (entry := index.by_key.get(post.key)) is not None:
            older, newer = self.neighbours(index, entry)
        page = dict(post.data)
        page["previous"] = _brief(older)
        page["next"] = _brief(newer)
        site = self._liquid_site(index)
        folder = posixpath.dirname(post.key)
        return LiquidContext(
            site=site,
            page=page,
            post_url=lambda name: _url_or_none(index.by_name.get(name.strip())),
            link=lambda path: self._link_target(index, path),
            include=self._text,
            include_relative=lambda name: self._text(posixpath.normpath(f"{folder}/{name}")),
        )

    def _liquid_site(self, index: SiteIndex) -> dict[str, Any]:
        """Liquid's ``site``: the config plus ``posts``, ``tags`` and ``categories``, per index."""
        cached = self._site_vars
        if cached is not None and cached[0] == index.version:
            return cached[1]
        posts = [_liquid_post(e) for e in self.visible(index)]
        tags: dict[str, list[dict[str, Any]]] = {}
        categories: dict[str, list[dict[str, Any]]] = {}
        for entry, item in zip(self.visible(index), posts, strict=True):
            for tag in entry.tags:
                tags.setdefault(tag, []).append(item)
            for category in entry.categories:
                categories.setdefault(category, []).append(item)
        site = {
            **index.config.raw,
            "url": self.base_url(index),
            "time": self._now(),
            "posts": posts,
            "tags": tags,
            "categories": categories,
        }
        self._site_vars = (index.version, site)
        return site

    def _link_target(self, index: SiteIndex, path: str) -> str | None:
        path = path.strip().lstrip("/")
        entry = index.by_key.get(path)
        if entry is not None:
            return entry.url
        return "/" + path if path in index.statics else None

    def _text(self, key: str) -> str:
        return self.store.get(key).body.decode("utf-8", "replace")

    def _post_page(self, index: SiteIndex, entry: Entry) -> Page:
        post, rendered = self.rendered(index, entry)
        older, newer = self.neighbours(index, entry)
        page = {
            "title": post.title,
            "url": self.link(index, post.url),
            "canonical": self.absolute(index, post.url),
            "date": post.date,
            "date_iso": post.date.isoformat(),
            "date_display": display_date(post.date),
            "read_minutes": rendered.read_minutes,
            "tags": [
                {"name": t, "url": self.link(index, f"/tags/#{slugify(t)}")} for t in post.tags
            ],
            "categories": [
                {"name": c, "url": self.link(index, f"/categories/#{slugify(c)}")}
                for c in post.categories
            ],
            "html": rendered.html,
            "excerpt_text": rendered.excerpt_text,
            "previous": self._nav(index, older),
            "next": self._nav(index, newer),
        }
        html = self.theme.render("post.html", site=self.site_vars(index), page=page)
        return Page.make("post", html.encode(), HTML, last_modified=entry.modified)

    def _nav(self, index: SiteIndex, entry: Entry | None) -> dict[str, str] | None:
        if entry is None:
            return None
        return {"title": entry.title, "url": self.link(index, entry.url)}

    # --- listings ------------------------------------------------------------------------------

    def _home(self, index: SiteIndex) -> Page:
        shown = self.visible(index)[: index.config.paginate]
        posts = [
            {
                "title": e.title,
                "url": self.link(index, e.url),
                "date_iso": e.date.isoformat(),
                "date_display": display_date(e.date),
                "excerpt_html": self.excerpt(index, e),
            }
            for e in shown
        ]
        html = self.theme.render(
            "home.html",
            site=self.site_vars(index),
            posts=posts,
            canonical=self.absolute(index, "/"),
            newer_url=None,
            older_url=None,
        )
        modified = max((e.modified for e in shown), default=None)
        return Page.make("listing", html.encode(), HTML, last_modified=modified)

    def excerpt(self, index: SiteIndex, entry: Entry) -> str:
        """A post's excerpt HTML: from the index when it carries one, else rendered (and cached)."""
        if entry.excerpt_html is not None:
            return entry.excerpt_html
        try:
            return self.rendered(index, entry)[1].excerpt_html
        except (ContentError, NotFound) as error:
            log.warning("no excerpt for %s: %s", entry.key, error)
            return ""

    # --- static files ----------------------------------------------------------------------------

    def _static(self, index: SiteIndex, path: str) -> Page:
        key = path.lstrip("/")  # request paths arrive percent-decoded once, by the server
        if key not in index.statics:
            raise NotFound(path)
        obj = self.store.get(key)
        media_type = obj.content_type or "application/octet-stream"
        if media_type.startswith("text/") and "charset" not in media_type:
            media_type += "; charset=utf-8"
        return Page.make("static", obj.body, media_type, last_modified=obj.last_modified)

    # --- the manifest ----------------------------------------------------------------------------

    def manifest(self) -> bytes:
        """The site index as a manifest, rebuilt from the store, with every excerpt rendered."""
        index = manifest.with_excerpts(self.load_index(None), self.excerpt)
        try:
            config_text: str | None = self._text(CONFIG_KEY)
        except NotFound:
            config_text = None
        return manifest.dumps(index, config_text)

    # --- error pages ---------------------------------------------------------------------------

    def not_found_page(self) -> bytes:
        index = self._index or SiteIndex.build(self._fallback_config(), [])
        return self.theme.render("404.html", site=self.site_vars(index)).encode()

    def error_page(self, status: int, message: str) -> bytes:
        index = self._index or SiteIndex.build(self._fallback_config(), [])
        html = self.theme.render(
            "error.html", site=self.site_vars(index), status=status, message=message
        )
        return html.encode()

    @staticmethod
    def _fallback_config() -> SiteConfig:
        return SiteConfig()

    # --- links ---------------------------------------------------------------------------------

    def base_url(self, index: SiteIndex) -> str:
        """The absolute site URL: ``SITE_URL`` if set, else ``url`` from ``_config.yml``."""
        return self.site_url or index.config.url

    def link(self, index: SiteIndex, url: str) -> str:
        """A root-relative link (with ``baseurl``), as Jekyll's ``relative_url`` gives."""
        return index.config.baseurl + url

    def absolute(self, index: SiteIndex, url: str) -> str:
        """An absolute URL from the configured site URL, never from the request's Host."""
        return self.base_url(index) + index.config.baseurl + url

    def site_vars(self, index: SiteIndex) -> dict[str, Any]:
        config = index.config
        return {
            **config.raw,
            "title": config.title,
            "lang": config.lang,
            "url": self.base_url(index),
        }


def _brief(entry: Entry | None) -> dict[str, str] | None:
    return None if entry is None else {"title": entry.title, "url": entry.url}


def _liquid_post(entry: Entry) -> dict[str, Any]:
    return {
        "url": entry.url,
        "id": entry.url,
        "title": entry.title,
        "date": entry.date,
        "slug": entry.slug,
        "categories": list(entry.categories),
        "tags": list(entry.tags),
        "excerpt": entry.excerpt_html or "",
    }


def _url_or_none(entry: Entry | None) -> str | None:
    return None if entry is None else entry.url


def display_date(moment: datetime) -> str:
    return f"{moment:%B} {moment.day}, {moment.year}"
