"""The site: from a request path to a finished page, through the index, the store and the cache.

``Site.page(path)`` is the whole story of a request (web -> site -> store, render, cache): find
what the path names in the current :class:`View` of the index, read the post, render it, lay it out
in the theme, keep it. It raises :class:`~handler.errors.NotFound`,
:class:`~handler.errors.ContentError` and :class:`~handler.errors.StoreUnavailable`; turning those
into HTTP is the web layer's job.

Freshness: the index is revalidated at most every ``index_ttl`` seconds (from the manifest in the
bucket with a conditional GET, or by scanning a local folder). Every cached page carries the
versions it was built from; a page whose versions still match is served without any I/O.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import posixpath
import threading
import time
from collections.abc import Callable, Hashable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any, Literal

from handler import feed, listings, manifest, preview, sitemap, timing
from handler.cache import RenderCache
from handler.engine.config import CONFIG_KEY, SiteConfig
from handler.errors import ContentError, NotFound, StoreUnavailable
from handler.index import Entry, SiteIndex, is_static, load_post, scan
from handler.jekyll import Post, classify
from handler.liquid import LiquidContext
from handler.render import PostRenderer, RenderedPost
from handler.settings import DEFAULT_MAX_POST_BYTES
from handler.store import Store
from handler.store.local import guess_content_type
from handler.theme import StoreLoader, Theme

log = logging.getLogger(__name__)

PageKind = Literal["post", "listing", "static", "redirect", "asset", "not_found", "preview"]
# The theme's own files. Not under /assets/: with the CDN on, /assets/* comes straight from the
# bucket (the site's own assets), and an underscore path is never a file Jekyll would publish.
THEME_ASSETS = "/_broadsheet/"
STYLESHEET_PATH = THEME_ASSETS + "broadsheet.css"
HTML = "text/html; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"
XML = "application/xml; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
FEED_PATH = "/feed.xml"
SITEMAP_PATH = "/sitemap.xml"
ROBOTS_PATH = "/robots.txt"
GENERIC_TYPES = frozenset({"binary/octet-stream", "application/octet-stream"})
INDEX_RETRY_SECONDS = 1.0  # after a failed index refresh, try again this soon
# A listing (home, feed) renders the posts it shows that are not cached yet; past this many
# seconds of one request it leaves the rest to the next request, so no request runs long.
LISTING_BUDGET_SECONDS = 1.0
PARTIAL_PAGE_SECONDS = 5  # how long a listing that left work undone may be kept anywhere


@dataclass(frozen=True, slots=True)
class Page:
    """A finished response body and what HTTP caching needs to know about it.

    ``expires`` is the moment the page's content will change by itself (a scheduled post going
    live); caches must not keep it past then.
    """

    kind: PageKind
    body: bytes
    media_type: str
    etag: str
    last_modified: datetime | None = None
    location: str | None = None
    expires: datetime | None = None
    http_date: str | None = None  # last_modified as an HTTP date, formatted once

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


@dataclass(frozen=True, slots=True)
class View:
    """What readers can see now: the index filtered by publication, drafts and the clock.

    Built once per index version (and again when a scheduled post goes live), so a request looks
    up posts and neighbours in dictionaries instead of walking every post.
    """

    index: SiteIndex
    shown: tuple[Entry, ...]
    position: dict[str, int]
    next_change: datetime | None
    token: str
    _by_tag: dict[str, list[Entry]] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def of(cls, index: SiteIndex, now: datetime, *, future: bool, drafts: bool) -> View:
        future = future or index.config.future
        shown: list[Entry] = []
        upcoming: list[datetime] = []
        # handler.jekyll.shown, inlined (this loop runs over every post), keeping the posts that
        # only the clock hides: the view changes when the first of them goes live.
        for entry in index.entries:
            if not entry.published or (entry.draft and not drafts):
                continue
            if future or entry.date <= now:
                shown.append(entry)
            else:
                upcoming.append(entry.date)
        return cls(
            index=index,
            shown=tuple(shown),
            position={e.key: i for i, e in enumerate(shown)},
            next_change=min(upcoming, default=None),
            token=f"{index.version}:{len(shown)}",
        )

    @property
    def by_tag(self) -> dict[str, list[Entry]]:
        """Visible posts by tag, newest first (built on first use: only related posts need it)."""
        found = self._by_tag
        if not found and self.shown:
            for entry in self.shown:
                for tag in entry.tags:
                    found.setdefault(tag, []).append(entry)
        return found

    def related(self, entry: Entry, limit: int = listings.RELATED_LIMIT) -> list[Entry]:
        """Up to ``limit`` visible posts sharing the most tags with ``entry``, newest first.

        The same ranking as :func:`handler.listings.related`, from the view's tag map, so a post
        page costs the posts it shares tags with rather than every post of the site.
        """
        shared: dict[str, int] = {}
        for tag in set(entry.tags):
            for other in self.by_tag.get(tag, ()):
                if other.key != entry.key:
                    shared[other.key] = shared.get(other.key, 0) + 1
        ranked = sorted(shared, key=lambda key: (-shared[key], self.position[key]))
        return [self.shown[self.position[key]] for key in ranked[:limit]]

    @property
    def config(self) -> SiteConfig:
        return self.index.config

    def find(self, path: str) -> Entry | None:
        """The visible post at a (percent-decoded) request path, ``/x/index.html`` for ``/x/``."""
        by_url = self.index.by_url
        entry = by_url.get(path)
        if entry is None and path.endswith("/index.html"):
            entry = by_url.get(path.removesuffix("index.html"))
        return entry if entry is not None and entry.key in self.position else None

    def neighbours(self, entry: Entry) -> tuple[Entry | None, Entry | None]:
        """(older, newer) visible posts around ``entry``: Jekyll's ``previous`` and ``next``."""
        at = self.position.get(entry.key)
        if at is None:
            return None, None
        older = self.shown[at + 1] if at + 1 < len(self.shown) else None
        newer = self.shown[at - 1] if at > 0 else None
        return older, newer


@dataclass(frozen=True, slots=True)
class _Cached:
    key: Hashable
    page: Page

    @property
    def size(self) -> int:
        return self.page.size


@dataclass(frozen=True, slots=True)
class _Rendered:
    post: Post
    rendered: RenderedPost

    @property
    def size(self) -> int:
        return len(self.rendered.html) + len(self.post.body) + 512


@dataclass
class _IndexState:
    index: SiteIndex | None = None
    view: View | None = None
    checked_at: float = float("-inf")
    retry_at: float = float("-inf")
    manifest_version: str | None = None
    liquid_site: tuple[str, Mapping[str, Any]] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


class Site:
    """Everything a request needs, built once per process and reused (warm Lambda, uvicorn).

    ``manifest_key``: read the index from this manifest object (the production setting for a
    bucket); ``None`` scans the store instead (a local folder an author is editing).
    """

    def __init__(
        self,
        store: Store,
        *,
        theme: Theme | None = None,
        site_url: str | None = None,
        manifest_key: str | None = None,
        index_ttl: float = 5.0,
        cache_max_bytes: int = 64 * 1024 * 1024,
        max_post_bytes: int = DEFAULT_MAX_POST_BYTES,
        show_drafts: bool = False,
        show_future: bool = False,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.store = store
        self.theme = theme or Theme()
        self._theme_token = ""
        self.site_url = site_url
        self.manifest_key = manifest_key
        self.index_ttl = index_ttl
        self.max_post_bytes = max_post_bytes
        self.show_drafts = show_drafts
        self.show_future = show_future
        # Finished pages by path (the last one kept is also the stale fallback when the store
        # fails), and rendered posts (reused by listings for excerpts), each bounded in bytes.
        self.pages: RenderCache[_Cached] = RenderCache(cache_max_bytes * 3 // 4)
        self.posts: RenderCache[_Rendered] = RenderCache(cache_max_bytes // 4)
        self._clock = clock
        self._now = now
        self._state = _IndexState()
        self._renderer: PostRenderer | None = None

    def now(self) -> datetime:
        """The site's clock (aware UTC); tests pass their own."""
        return self._now()

    # --- the index -----------------------------------------------------------------------------

    def view(self) -> View:
        """The current view, revalidating the index when it is older than ``index_ttl``."""
        state = self._state
        if state.view is None or self._due(state):
            with state.lock:
                if state.view is None or self._due(state):
                    self._refresh(state)
        view = state.view
        assert view is not None
        if view.next_change is not None and self._now() >= view.next_change:
            view = self.view_of(view.index)
            state.view = view
        return view

    def index(self) -> SiteIndex:
        """The current index (its problems included, which the view may not reflect)."""
        self.view()
        index = self._state.index
        assert index is not None
        return index

    def _due(self, state: _IndexState) -> bool:
        now = self._clock()
        return now - state.checked_at >= self.index_ttl and now >= state.retry_at

    def _refresh(self, state: _IndexState) -> None:
        # A large index allocates in bulk: no cyclic collection while it loads, and once its view
        # is built it is frozen out of the collector's sight before collection resumes, so full
        # collections stop walking every post (measured: hits 1.5x slower at 10,000 posts). The
        # index and view hold no reference cycles: reference counting still frees them when the
        # next change replaces them.
        with _collector_paused():
            try:
                index = self.load_index(state.index)
            except StoreUnavailable as error:
                if state.index is None:
                    raise
                log.error("could not refresh the site index, serving the last one: %s", error)
                state.retry_at = self._clock() + INDEX_RETRY_SECONDS
                return
            state.checked_at = self._clock()
            if index.theme_token != self._theme_token:
                overrides = StoreLoader(self.store) if index.theme_token else None
                self.theme = Theme(overrides)
                self._theme_token = index.theme_token
            if state.index is None or index.version != state.index.version:
                state.view = self.view_of(index)
                gc.freeze()
            state.index = index

    def view_of(self, index: SiteIndex) -> View:
        """What readers see of ``index`` now."""
        return View.of(index, self._now(), future=self.show_future, drafts=self.show_drafts)

    def load_index(self, previous: SiteIndex | None) -> SiteIndex:
        """The index from the manifest (a conditional GET) or, without one, a scan of the store."""
        if self.manifest_key is None:
            return scan(self.store, previous, max_post_bytes=self.max_post_bytes)
        state = self._state
        try:
            if previous is not None and state.manifest_version is not None:
                obj = self.store.get_if_changed(self.manifest_key, state.manifest_version)
                if obj is None:
                    return previous  # 304: nothing parsed, nothing rebuilt
            else:
                obj = self.store.get(self.manifest_key)
        except NotFound:
            log.warning(
                "no site index at %s in %s: building it by listing the store (slower); "
                "run `broadsheet index` or let the indexer function write it",
                self.manifest_key,
                self.store.describe(),
            )
            state.manifest_version = None
            return scan(self.store, previous, max_post_bytes=self.max_post_bytes)
        try:
            index, _ = manifest.loads(obj.body, self.manifest_key)
        except manifest.ManifestError as error:
            log.error("%s; building the index by listing the store instead", error)
            state.manifest_version = None
            return scan(self.store, previous, max_post_bytes=self.max_post_bytes)
        state.manifest_version = obj.version
        return index

    def renderer(self, config: SiteConfig) -> PostRenderer:
        if self._renderer is None or self._renderer.config.version != config.version:
            self._renderer = PostRenderer(config)
        return self._renderer

    # --- requests ------------------------------------------------------------------------------

    def cached(self, path: str) -> Page | None:
        """The page for ``path`` if it is cached and still current: no I/O at all."""
        state = self._state
        view = state.view
        if view is None or self._due(state):
            return None
        if view.next_change is not None and self._now() >= view.next_change:
            return None
        path = self._strip_baseurl(view, path)
        key = self._freshness(view, path)
        if key is None:
            return None
        hit = self.pages.get(path)
        if hit is None or hit.key != key:
            return None
        timing.mark_cache("hit")
        return hit.page

    def page(self, path: str) -> Page:
        """The page at ``path``; raises ``NotFound``, ``ContentError`` or ``StoreUnavailable``."""
        try:
            view = self.view()
        except StoreUnavailable:
            return self._stale(path)
        path = self._strip_baseurl(view, path)
        key = self._freshness(view, path)
        kept = self.pages.get(path) if key is not None else None
        if kept is not None and kept.key == key:
            timing.mark_cache("hit")
            return kept.page
        try:
            with timing.measure("render"):
                page = self._build(view, path)
        except (StoreUnavailable, ContentError) as error:
            # S3 failing, or a post replaced by a broken upload: the last good page is better
            # than an error page, and the cause is logged with its file and line.
            if kept is None:
                raise
            log.error("serving the last good copy of %s: %s", path, error)
            timing.mark_cache("stale")
            return kept.page
        timing.mark_cache("miss")
        if timing.is_partial():
            # Some posts were left to later requests (their renders are cached as they finish):
            # keep this page out of the cache and tell browsers and CDNs to ask again soon.
            return replace(page, expires=self._now() + timedelta(seconds=PARTIAL_PAGE_SECONDS))
        if key is not None:
            self.pages.put(path, _Cached(key, page))
        return page

    def _stale(self, path: str) -> Page:
        kept = self.pages.get(path)
        if kept is None:
            raise StoreUnavailable(f"no site index yet and no cached copy of {path}")
        timing.mark_cache("stale")
        return kept.page

    def _freshness(self, view: View, path: str) -> Hashable | None:
        """Every version the page at ``path`` depends on, or ``None`` if it is not cacheable.

        Listings, the feed and the sitemap depend on every visible post, and so does a post page
        (its neighbours and related posts): all are keyed by the view's token, which changes when
        any post, the config or the set of visible posts does. The rendered body of a post is
        cached separately by its own version, so re-laying a page out is cheap.
        """
        versions = (view.token, view.config.version, self.theme.css_version, self._theme_token)
        if path.startswith(THEME_ASSETS) and self.theme.asset(path[len(THEME_ASSETS) :]):
            return ("asset", self.theme.css_version)
        if view.find(path) is not None or self._listing_kind(view, path) is not None:
            return versions
        return None

    def _listing_kind(self, view: View, path: str) -> str | None:
        if path in ("/", "/index.html"):
            return "home"
        if path in (FEED_PATH, SITEMAP_PATH):
            return path
        if path.removesuffix("index.html") in (
            listings.TAGS_PATH,
            listings.CATEGORIES_PATH,
            listings.YEAR_ARCHIVE_PATH,
        ):
            return path.removesuffix("index.html")
        if listings.parse_term_path(path) is not None:
            return "term"
        if listings.parse_page_path(path, self._paginate_path(view)) is not None:
            return "page"
        return None

    def _build(self, view: View, path: str) -> Page:
        if path.startswith(THEME_ASSETS) and (asset := self.theme.asset(path[len(THEME_ASSETS) :])):
            return Page.make("asset", asset.body, asset.media_type)
        kind = self._listing_kind(view, path)
        if kind is not None:
            return self._listing(view, kind, path)
        entry = view.find(path)
        if entry is not None:
            if entry.redirect_to:
                return self._redirect(view, entry.redirect_to)
            return self._post_page(view, entry)
        redirects = view.index.redirects
        target = next(
            (
                redirects[p]
                for p in (path, path.removesuffix("index.html"), path + "/")
                if p in redirects
            ),
            None,
        )
        if target is not None and target.key in view.position:
            return self._redirect(view, target.url)
        if not path.endswith("/") and (
            view.find(path + "/") is not None or self._listing_kind(view, path + "/") is not None
        ):
            return self._redirect(view, path + "/")
        if path == ROBOTS_PATH:
            return self._robots(view)
        return self._static(path)

    def _redirect(self, view: View, target: str) -> Page:
        location = target if "://" in target else self.link(view, "/" + target.lstrip("/"))
        return Page.make("redirect", b"", HTML, location=location)

    def _strip_baseurl(self, view: View, path: str) -> str:
        base = view.config.baseurl
        if base and (path == base or path.startswith(base + "/")):
            return path[len(base) :] or "/"
        return path

    # --- posts ---------------------------------------------------------------------------------

    def rendered(self, view: View, entry: Entry) -> tuple[Post, RenderedPost]:
        """read -> parse front matter -> resolve URL -> render markdown, cached by version."""
        config = view.config
        hit = self.posts.get((entry.key, entry.version, config.version))
        if hit is not None:
            return hit.post, hit.rendered
        where = classify(entry.key)
        if where is None:  # pragma: no cover - the index only holds classified keys
            raise NotFound(entry.key)
        post = load_post(self.store.get(entry.key), where, config, self.max_post_bytes)
        rendered = self.renderer(config).render(post, self.liquid_context(view, post))
        self.posts.put((entry.key, post.version, config.version), _Rendered(post, rendered))
        return post, rendered

    def liquid_context(self, view: View, post: Post) -> LiquidContext:
        older, newer = (None, None)
        if (entry := view.index.by_key.get(post.key)) is not None:
            older, newer = view.neighbours(entry)
        page = dict(post.data)
        page["previous"] = _brief(older)
        page["next"] = _brief(newer)
        folder = posixpath.dirname(post.key)
        return LiquidContext(
            site=self._liquid_site(view),
            page=page,
            post_url=lambda name: _url_or_none(view.index.by_name.get(name.strip())),
            link=lambda path: self._link_target(view, path),
            include=self._text,
            include_relative=lambda name: self._text(posixpath.normpath(f"{folder}/{name}")),
        )

    def _liquid_site(self, view: View) -> Mapping[str, Any]:
        """Liquid's ``site``: the config plus ``posts``, ``tags`` and ``categories``, per view.

        Those three walk every post, so they are built only when a template first reads them.
        """
        cached = self._state.liquid_site
        if cached is not None and cached[0] == view.token:
            return cached[1]
        site = _LiquidSite(
            {**view.config.raw, "url": self.base_url(view), "time": self._now()}, view
        )
        self._state.liquid_site = (view.token, site)
        return site

    def _link_target(self, view: View, path: str) -> str | None:
        path = path.strip().lstrip("/")
        entry = view.index.by_key.get(path)
        if entry is not None:
            return entry.url
        return "/" + path if path in view.index.statics else None

    def _text(self, key: str) -> str:
        return self.store.get(key).body.decode("utf-8", "replace")

    def _post_page(self, view: View, entry: Entry) -> Page:
        post, rendered = self.rendered(view, entry)
        older, newer = view.neighbours(entry)
        page = {
            "title": post.title,
            "url": self.link(view, post.url),
            "canonical": self.absolute(view, post.url),
            "date": post.date,
            "date_iso": post.date.isoformat(),
            "date_display": display_date(post.date),
            "read_minutes": rendered.read_minutes,
            "tags": [{"name": t, "url": self.link(view, _term("tags", t))} for t in post.tags],
            "categories": [
                {"name": c, "url": self.link(view, _term("categories", c))} for c in post.categories
            ],
            "html": rendered.html,
            "excerpt_text": rendered.excerpt_text,
            "previous": self._nav(view, older),
            "next": self._nav(view, newer),
            "related": [self._summary(view, e, excerpt=False) for e in view.related(entry)],
        }
        html = self.theme.render("post.html", site=self.site_vars(view), page=page)
        return Page.make(
            "post", html.encode(), HTML, last_modified=entry.modified, expires=view.next_change
        )

    def _nav(self, view: View, entry: Entry | None) -> dict[str, str] | None:
        if entry is None:
            return None
        return {"title": entry.title, "url": self.link(view, entry.url)}

    # --- listings ------------------------------------------------------------------------------

    def _listing(self, view: View, kind: str, path: str) -> Page:
        if kind in ("home", "page"):
            number = listings.parse_page_path(path, self._paginate_path(view)) or 1
            return self._home(view, number)
        if kind == FEED_PATH:
            return self._feed(view)
        if kind == SITEMAP_PATH:
            return self._sitemap(view)
        if kind == "term":
            return self._term_page(view, path)
        groups = {
            listings.TAGS_PATH: ("tags.html", listings.group_by_tag, "Posts by Tags"),
            listings.CATEGORIES_PATH: (
                "categories.html",
                listings.group_by_category,
                "Posts by Category",
            ),
            listings.YEAR_ARCHIVE_PATH: (
                "year-archive.html",
                listings.group_by_year,
                "Posts by Year",
            ),
        }
        template, group, title = groups[kind]
        found = group(view.shown)
        html = self.theme.render(
            template,
            site=self.site_vars(view),
            canonical=self.absolute(view, kind),
            title=title,
            groups=[self._group(view, g, with_page=template != "year-archive.html") for g in found],
        )
        return self._html_listing(view, html, view.shown)

    def _term_page(self, view: View, path: str) -> Page:
        parsed = listings.parse_term_path(path)
        assert parsed is not None
        kind, slug = parsed
        grouping = listings.group_by_tag if kind == "tags" else listings.group_by_category
        group = listings.find_group(grouping(view.shown), slug)
        if group is None:
            raise NotFound(path)
        html = self.theme.render(
            "term.html",
            site=self.site_vars(view),
            canonical=self.absolute(view, group.url),
            kind="tag" if kind == "tags" else "category",
            term={"name": group.name, "index_url": self.link(view, group.anchor_url)},
            posts=[self._summary(view, e, excerpt=False) for e in group.entries],
        )
        return self._html_listing(view, html, group.entries)

    def _group(self, view: View, group: listings.Group, *, with_page: bool) -> dict[str, Any]:
        return {
            "name": group.name,
            "id": group.anchor,
            "url": self.link(view, group.url) if with_page else None,
            "posts": [self._summary(view, e, excerpt=False) for e in group.entries],
        }

    def _home(self, view: View, number: int = 1) -> Page:
        page = listings.paginate(
            view.shown, view.config.paginate, number, self._paginate_path(view)
        )
        html = self.theme.render(
            "home.html",
            site=self.site_vars(view),
            posts=[self._summary(view, e) for e in page.items],
            canonical=self.absolute(view, page.url),
            newer_url=self.link(view, page.newer_url) if page.newer_url else None,
            older_url=self.link(view, page.older_url) if page.older_url else None,
        )
        return self._html_listing(view, html, page.items)

    def _html_listing(self, view: View, html: str, shown: tuple[Entry, ...] | list[Entry]) -> Page:
        modified = max((e.modified for e in shown), default=None)
        return Page.make(
            "listing", html.encode(), HTML, last_modified=modified, expires=view.next_change
        )

    def _summary(self, view: View, entry: Entry, *, excerpt: bool = True) -> dict[str, Any]:
        return {
            "title": entry.title,
            "url": self.link(view, entry.url),
            "date_iso": entry.date.isoformat(),
            "date_display": display_date(entry.date),
            "excerpt_html": self.excerpt(view, entry) if excerpt else None,
        }

    def _affordable(self, view: View, entry: Entry) -> bool:
        """Whether a listing may render ``entry`` now: it is cached, or the budget has room."""
        if self.posts.get((entry.key, entry.version, view.config.version)) is not None:
            return True
        if timing.over_budget(LISTING_BUDGET_SECONDS):
            timing.mark_partial()
            return False
        return True

    def _paginate_path(self, view: View) -> str:
        return listings.paginate_path(view.config)

    def _feed(self, view: View) -> Page:
        base = self.absolute(view, "")
        items = []
        for entry in feed.feed_entries(view.shown):
            if not self._affordable(view, entry):
                continue
            try:
                post, rendered = self.rendered(view, entry)
            except (ContentError, NotFound) as error:
                log.warning("left out of the feed: %s", error)
                continue
            items.append(feed.FeedItem.from_post(post, rendered, base_url=base))
        updated = max((i.updated for i in items), default=datetime(1970, 1, 1, tzinfo=UTC))
        body = feed.atom_feed(
            feed.SiteInfo.from_config(view.config),
            items,
            feed_url=self.absolute(view, FEED_PATH),
            site_url=self.absolute(view, "/"),
            updated=updated,
        )
        return Page.make("listing", body, ATOM, last_modified=updated, expires=view.next_change)

    def _sitemap(self, view: View) -> Page:
        posts = [
            (self.absolute(view, e.url), e.modified)
            for e in view.shown
            if e.sitemap and not e.redirect_to
        ]
        pages = listings.listing_pages(view.shown, view.config.paginate, self._paginate_path(view))
        urls = posts + [(self.absolute(view, path), modified) for path, modified in pages]
        return Page.make("listing", sitemap.sitemap_xml(urls), XML, expires=view.next_change)

    def _robots(self, view: View) -> Page:
        """The content's own robots.txt if it has one, else one that points to the sitemap."""
        try:
            return self._static(ROBOTS_PATH)
        except NotFound:
            body = sitemap.robots_txt(self.absolute(view, SITEMAP_PATH))
            return Page.make("listing", body, TEXT)

    def excerpt(self, view: View, entry: Entry) -> str:
        """A post's excerpt HTML, rendered with the post (and cached with it).

        Past the request's listing budget, posts not rendered yet get no excerpt this time (the
        page is then kept only briefly; see :meth:`page`).
        """
        if not self._affordable(view, entry):
            return ""
        try:
            return self.rendered(view, entry)[1].excerpt_html
        except (ContentError, NotFound) as error:
            log.warning("no excerpt for %s: %s", entry.key, error)
            return ""

    # --- static files ----------------------------------------------------------------------------

    def _static(self, path: str) -> Page:
        """A file the site serves as it is (``images/``, ``files/``, ``assets/``...)."""
        key = path.lstrip("/")  # request paths arrive percent-decoded once, by the server
        if not key or not is_static(key):
            raise NotFound(path)
        obj = self.store.get(key)
        media_type = obj.content_type
        if not media_type or media_type in GENERIC_TYPES:  # uploaded without a type
            media_type = guess_content_type(key)
        if media_type.startswith("text/") and "charset" not in media_type:
            media_type += "; charset=utf-8"
        return Page.make("static", obj.body, media_type, last_modified=obj.last_modified)

    # --- previews ------------------------------------------------------------------------------

    def preview(self, path: str, query: str, secret: str | None) -> Page:
        """A draft or unpublished post, for whoever holds a signed link; never cached.

        Anything that fails (no secret configured, a bad or expired signature, no such post)
        is ``NotFound``, so a preview link reveals nothing about what exists.
        """
        if not secret or not preview.verify(path, query, secret, self._now()):
            raise NotFound(path)
        view = self.view()
        path = self._strip_baseurl(view, path)
        entry = view.index.find(path) or view.index.find(path.removesuffix("index.html"))
        if entry is None:
            raise NotFound(path)
        page = self._post_page(view, entry)
        return Page.make("preview", page.body, page.media_type)

    # --- the manifest ----------------------------------------------------------------------------

    def manifest(self) -> bytes:
        """The site index as a manifest, rebuilt by scanning the store."""
        index = scan(self.store, None, max_post_bytes=self.max_post_bytes)
        try:
            config_text: str | None = self._text(CONFIG_KEY)
        except NotFound:
            config_text = None
        return manifest.dumps(index, config_text)

    # --- error pages ---------------------------------------------------------------------------

    def not_found_page(self) -> Page:
        view = self._last_view()
        html = self.theme.render("404.html", site=self.site_vars(view))
        expires = view.next_change if view is not None else None
        return Page.make("not_found", html.encode(), HTML, expires=expires)

    def error_page(self, status: int, message: str) -> bytes:
        html = self.theme.render(
            "error.html", site=self.site_vars(self._last_view()), status=status, message=message
        )
        return html.encode()

    def _last_view(self) -> View | None:
        return self._state.view

    # --- links ---------------------------------------------------------------------------------

    def base_url(self, view: View | None) -> str:
        """The absolute site URL: ``SITE_URL`` if set, else ``url`` from ``_config.yml``."""
        return self.site_url or (view.config.url if view is not None else "")

    def link(self, view: View, url: str) -> str:
        """A root-relative link (with ``baseurl``), as Jekyll's ``relative_url`` gives."""
        return view.config.baseurl + url

    def absolute(self, view: View, url: str) -> str:
        """An absolute URL from the configured site URL, never from the request's Host."""
        return self.base_url(view) + view.config.baseurl + url

    def site_vars(self, view: View | None) -> dict[str, Any]:
        config = view.config if view is not None else SiteConfig()
        return {
            **config.raw,
            "title": config.title,
            "lang": config.lang,
            "url": self.base_url(view),
        }


class _LiquidSite(Mapping[str, Any]):
    """The site config for Liquid, with ``posts``, ``tags`` and ``categories`` made on demand."""

    LAZY = ("posts", "tags", "categories")

    def __init__(self, base: dict[str, Any], view: View) -> None:
        self._values = base
        self._view: View | None = view

    def __getitem__(self, key: str) -> Any:
        if key in self.LAZY and self._view is not None:
            self._fill(self._view)
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter({**self._values, **dict.fromkeys(self.LAZY)})

    def __len__(self) -> int:
        return len({**self._values, **dict.fromkeys(self.LAZY)})

    def _fill(self, view: View) -> None:
        posts = [_liquid_post(e) for e in view.shown]
        tags: dict[str, list[dict[str, Any]]] = {}
        categories: dict[str, list[dict[str, Any]]] = {}
        for entry, item in zip(view.shown, posts, strict=True):
            for tag in entry.tags:
                tags.setdefault(tag, []).append(item)
            for category in entry.categories:
                categories.setdefault(category, []).append(item)
        self._values.update(posts=posts, tags=tags, categories=categories)
        self._view = None


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while a large index is built (it allocates in bulk)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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
    }


def _url_or_none(entry: Entry | None) -> str | None:
    return None if entry is None else entry.url


def _term(kind: listings.Kind, name: str) -> str:
    return listings.term_url(kind, listings.term_slug(name))


def display_date(moment: datetime) -> str:
    return f"{moment:%B} {moment.day}, {moment.year}"
