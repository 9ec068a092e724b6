"""The site: from a request path to a finished page, through the index, the engine and the cache.

``Site.page(path)`` is the whole story of a request (web -> site -> store, render, cache): find what
the path names in the output table of the current view (as GitHub Pages would serve Jekyll's
build), build it (render a document, read a static file, or let a plugin make it), keep it. It
raises :class:`~handler.errors.NotFound`, :class:`~handler.errors.ContentError` and
:class:`~handler.errors.StoreUnavailable`; turning those into HTTP is the web layer's job.

Freshness: the index is revalidated at most every ``index_ttl`` seconds (``LiveIndex``). A kept
page carries the token of the view it was built from; a page whose view is still current is
served without any I/O. When a rebuilt page fails (S3 down, a broken upload) the last good copy
is served and the cause logged with its file and line.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from handler import timing
from handler.cache import RenderCache
from handler.engine.document import Document
from handler.engine.drops import GeneratedPage
from handler.engine.index import Limits, SiteIndex
from handler.engine.outputs import Output, OutputTable, build_outputs
from handler.engine.plugins import Built, Plugin
from handler.engine.plugins.feed import Feed
from handler.engine.plugins.jemoji import emojify
from handler.engine.plugins.paginate import Paginate, per_page
from handler.engine.plugins.redirects import TARGET_HINT, RedirectFrom, redirect_to, target_problem
from handler.engine.plugins.relative_links import rewrite as rewrite_relative_links
from handler.engine.plugins.sass import SassPages
from handler.engine.plugins.sitemap import Sitemap
from handler.engine.renderer import (
    Converter,
    Notes,
    Renderer,
    RenderLimits,
    Transform,
    page_budget,
)
from handler.engine.url import absolute_base
from handler.engine.view import SiteView, Visibility
from handler.errors import ContentError, NotFound, SiteUnavailable, StoreUnavailable, TooLarge
from handler.site import preview
from handler.site.live import LiveIndex
from handler.site.page import HTML, Page, PageKind, media_type_for
from handler.site.routes import resolve, strip_baseurl
from handler.store import PresignedUrls, Store
from handler.theme import StoreLoader, Theme
from handler.theme.builtin import Archives, BuiltinTheme

if TYPE_CHECKING:
    from handler.engine.liquid import LiquidEngine

log = logging.getLogger(__name__)

THEME_DIR = "_theme/"  # a site's own templates for the built-in theme
THEME_ASSETS = "/_broadsheet/"  # the built-in theme's own files; never a path Jekyll writes
STYLESHEET_PATH = THEME_ASSETS + "broadsheet.css"
LISTING_BUDGET_SECONDS = 1.0  # a listing renders uncached posts for at most this long
PARTIAL_PAGE_SECONDS = 5  # how long a listing that left work undone may be kept anywhere
DEFAULT_MAX_STATIC_BYTES = 4 * 1024 * 1024  # what one Lambda response can carry, base64 and all
LARGE_FILE_URL_SECONDS = 3600  # a larger file is a redirect to a presigned URL valid this long


@dataclass(frozen=True, slots=True)
class _Kept:
    key: Hashable
    page: Page

    @property
    def size(self) -> int:
        return self.page.size


class Site:
    """Everything a request needs, built once per process and reused (warm Lambda, uvicorn)."""

    def __init__(
        self,
        store: Store,
        *,
        theme: Theme | None = None,
        site_url: str | None = None,
        manifest_key: str | None = None,
        index_ttl: float = 5.0,
        cache_max_bytes: int = 64 * 1024 * 1024,
        max_post_bytes: int = 512 * 1024,
        max_static_bytes: int = DEFAULT_MAX_STATIC_BYTES,
        show_drafts: bool = False,
        show_future: bool = False,
        environment: str = "production",
        github_pages: bool = True,
        liquid: LiquidEngine | None = None,
        converters: dict[str, Converter] | None = None,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.store = store
        self.theme = theme or Theme()
        self.site_url = site_url
        self.max_static_bytes = max_static_bytes
        self.live = LiveIndex(
            store,
            manifest_key=manifest_key,
            index_ttl=index_ttl,
            limits=Limits(document=max_post_bytes),
            visibility=Visibility(
                drafts=show_drafts, future=show_future, github_pages=github_pages
            ),
            clock=clock,
            now=now,
        )
        self.sass = SassPages(store, environment=environment)
        self.renderer = Renderer(
            store,
            liquid=liquid,
            site_url=site_url,
            environment=environment,
            limits=RenderLimits(document=max_post_bytes),
            converters={
                ".scss": self.sass.convert,
                ".sass": self.sass.convert,
                **(converters or {}),
            },
            before=[self._own_layouts_only(rewrite_relative_links)],
            after=[self._own_layouts_only(emojify)],
            bundles=manifest_key is not None,
        )
        self.renderer.generated_pages = self._generated_pages
        self.builtin = BuiltinTheme(self.theme, _Context(self))
        self.pages: RenderCache[_Kept] = RenderCache(cache_max_bytes)
        self._theme_loaded: tuple[str, Theme] | None = None

    def now(self) -> datetime:
        """The site's clock (aware UTC); tests pass their own."""
        return self.live.now()

    def view(self) -> SiteView:
        return self.live.view()

    def index(self) -> SiteIndex:
        return self.live.index()

    # --- what a view serves ----------------------------------------------------------------------

    def builtin_mode(self, view: SiteView) -> bool:
        """A site without layouts of its own wears the built-in theme."""
        return not view.index.layouts

    def _own_layouts_only(self, transform: Transform) -> Transform:
        """A plugin's transform (relative links, jemoji) for sites with layouts of their own:
        each checks whether its plugin runs for the view; the built-in theme's pages stay as
        they were."""

        def apply(view: SiteView, document: Document, text: str) -> str:
            return text if self.builtin_mode(view) else transform(view, document, text)

        return apply

    def plugins(self, view: SiteView) -> list[Plugin]:
        """The generators that run for this site, in Jekyll's order (redirects first)."""
        return list(self._plugins(view).values())

    def _plugins(self, view: SiteView) -> dict[str, Plugin]:
        def build() -> dict[str, Plugin]:
            listed = view.plugins
            builtin = self.builtin_mode(view)
            chosen: list[Plugin] = []
            if builtin or "jekyll-redirect-from" in listed:
                chosen.append(RedirectFrom(json=not builtin and _redirects_json(view)))
            archives = Archives(BuiltinTheme(self.theme_for(view), _Context(self)))
            if builtin:
                chosen.append(archives)
            if builtin or "jekyll-feed" in listed:
                chosen.append(Feed())
            if builtin:
                chosen.append(Sitemap(archives.sitemap_extra, modified=True))
            elif "jekyll-sitemap" in listed:
                chosen.append(Sitemap())
            if not builtin and "jekyll-paginate" in listed and per_page(view):
                chosen.append(Paginate())
            chosen.append(self.sass)  # Jekyll's own converter: always there
            return {p.name: p for p in chosen}

        return view.memo("site:plugins", build)

    def outputs(self, view: SiteView) -> OutputTable:
        """Every file the site writes, for this view (built once per view)."""
        reserved = ("broadsheet-archives", "jekyll-feed", "jekyll-sitemap")

        def build() -> OutputTable:
            chosen = reserved if self.builtin_mode(view) else ()
            return build_outputs(view, self.plugins(view), reserved=chosen)

        return view.memo("site:outputs", build)

    def _generated_pages(self, view: SiteView) -> list[Mapping[str, Any]]:
        """The pages plugins add to ``site.pages``, as Liquid sees them (in Jekyll's order)."""
        if self.builtin_mode(view):
            return []
        found: list[Mapping[str, Any]] = []
        for output in self.outputs(view).outputs.values():
            if output.kind == "generated":
                found.append(generated_page(view, output, _Context(self)))
        return found

    def _plugin(self, view: SiteView, name: str | None) -> Plugin:
        return self._plugins(view)[str(name)]

    # --- requests --------------------------------------------------------------------------------

    def cached(self, path: str) -> Page | None:
        """The page for ``path`` if it is kept and still current: no I/O at all."""
        view = self.live.current()
        if view is None:
            return None
        path = strip_baseurl(view.config.baseurl, path)
        hit = self.pages.get(path)
        if hit is None or hit.key != view.token:
            return None
        timing.mark_cache("hit")
        return hit.page

    def page(self, path: str) -> Page:
        """The page at ``path``; raises ``NotFound``, ``ContentError`` or ``StoreUnavailable``."""
        try:
            view = self.live.view()
        except StoreUnavailable:
            return self._stale(path)
        _usable(view)
        path = strip_baseurl(view.config.baseurl, path)
        kept = self.pages.get(path)
        if kept is not None and kept.key == view.token:
            timing.mark_cache("hit")
            return kept.page
        try:
            with timing.measure("render"):
                page = self.build(view, path)
        except (StoreUnavailable, ContentError) as error:
            if kept is None:
                raise
            log.error("serving the last good copy of %s: %s", path, error)
            timing.mark_cache("stale")
            return kept.page
        timing.mark_cache("miss")
        if timing.is_partial():
            # Some posts were left to later requests: keep this page out of the cache and tell
            # browsers and CDNs to ask again soon.
            return replace(page, expires=self._soon(), keep=False)
        if page.keep and page.kind != "static":
            self.pages.put(path, _Kept(view.token, page))
        return page

    def _soon(self) -> datetime:
        """When a page that is a stand-in (partial, or awaiting a compile) should be asked again."""
        return self.now() + timedelta(seconds=PARTIAL_PAGE_SECONDS)

    def _stale(self, path: str) -> Page:
        kept = self.pages.get(path)
        if kept is None:
            raise StoreUnavailable(f"no site index yet and no cached copy of {path}")
        timing.mark_cache("stale")
        return kept.page

    def build(self, view: SiteView, path: str) -> Page:
        """Build the page at the (``baseurl``-stripped, decoded) ``path`` from ``view``."""
        if path.startswith(THEME_ASSETS) and self.builtin_mode(view):
            asset = self.theme_for(view).asset(path[len(THEME_ASSETS) :])
            if asset is not None:
                return Page.make("asset", asset.body, asset.media_type)
        table = self.outputs(view)
        route = resolve(table, path)
        if route is None:
            raise NotFound(path)
        if route.redirect is not None:
            # /x when only x/index.html exists: a 301 to /x/ (straight to where /x/ itself
            # redirects, if it is a redirect page, so a reader takes one hop, not two).
            target = table.get(route.destination)
            if (
                target is not None
                and target.generator == "jekyll-redirect-from"
                and target.argument
            ):
                return self._redirect(view, target.argument)
            return self._redirect(view, route.redirect)
        output = route.output
        assert output is not None
        if output.kind == "static":
            return self._static(view, output)
        if output.kind == "document":
            return self._document(view, output, route.destination)
        return self._generated(view, output, route.destination)

    def _document(self, view: SiteView, output: Output, where: str) -> Page:
        document = view.by_key.get(str(output.key))
        if document is None:
            raise NotFound(where)
        target = redirect_to(document.data)
        if target is not None and (
            self.builtin_mode(view) or "jekyll-redirect-from" in view.plugins
        ):
            problem = target_problem(target)
            if problem is not None:
                raise ContentError(document.key, f"redirect_to {problem}", hint=TARGET_HINT)
            return self._redirect(view, target)
        body = self.render(view, document)
        kind: PageKind = "post" if document.kind == "document" else "document"
        keep = not (document.is_sass and self.sass.waiting(document.key))
        return Page.make(
            kind,
            body.encode(),
            media_type_for(where),
            last_modified=document.modified,
            expires=view.next_change if keep else self._soon(),
            themed=self.builtin_mode(view),
            keep=keep,
        )

    def render(self, view: SiteView, document: Document, *, notes: Notes | None = None) -> str:
        """A document's whole output, in the site's layouts or the built-in theme; ``notes``
        collects what Jekyll would have done differently (``broadsheet check`` reads it)."""
        if self.builtin_mode(view):
            layouts = BuiltinTheme(self.theme_for(view), _Context(self))
            return self.renderer.render(view, document, layouts=layouts, notes=notes)
        paginator = None
        if "jekyll-paginate" in view.plugins and per_page(view):
            plugin = self._plugin(view, "jekyll-paginate")
            assert isinstance(plugin, Paginate)
            paginator = plugin.paginator(view, document, _Context(self))
        return self.renderer.render(view, document, paginator=paginator, notes=notes)

    def theme_for(self, view: SiteView | None) -> Theme:
        """The built-in theme, with the site's own templates from ``_theme/`` first if it has
        any (rebuilt when one of them changes)."""
        if view is None:
            return self.theme
        files = sorted((k, v) for k, v in view.index.files.items() if k.startswith(THEME_DIR))
        token = repr(files) if files else ""
        kept = self._theme_loaded
        if kept is None or kept[0] != token:
            theme = (
                Theme(StoreLoader(self.store, THEME_DIR), budget_seconds=self.theme.budget_seconds)
                if files
                else self.theme
            )
            kept = (token, theme)
            self._theme_loaded = kept
        return kept[1]

    def _generated(self, view: SiteView, output: Output, where: str) -> Page:
        plugin = self._plugin(view, output.generator)
        # A listing renders other posts (each within a share of its own): twice a page's budget.
        seconds = self.renderer.limits.budget_seconds
        with page_budget(None if seconds is None else 2 * seconds, where):
            built: Built = plugin.build(view, output, _Context(self))
        if built.location is not None:
            return Page.make("redirect", b"", HTML, location=built.location)
        kind: PageKind = "listing" if output.generator != "jekyll-paginate" else "document"
        return Page.make(
            kind,
            built.body,
            built.media_type,
            last_modified=built.modified,
            expires=view.next_change if built.keep else self._soon(),
            themed=self.builtin_mode(view),
            keep=built.keep,
        )

    def _static(self, view: SiteView, output: Output) -> Page:
        key = str(output.key)
        static = view.index.statics_by_key.get(key)
        if static is not None and static.size > self.max_static_bytes:
            return self._large(key, static.size)
        obj = self.store.get(key, max_bytes=self.max_static_bytes)
        return Page.make(
            "static",
            obj.body,
            media_type_for(key, obj.content_type),
            last_modified=obj.last_modified,
            themed=self.builtin_mode(view),
        )

    def _large(self, key: str, size: int) -> Page:
        """A file too large for one response: a redirect to a short-lived URL of the object."""
        try:
            if isinstance(self.store, PresignedUrls):
                url = self.store.url_for(key, LARGE_FILE_URL_SECONDS)
                return Page.make("redirect", b"", HTML, location=url, status=307)
        except NotFound:
            pass
        raise TooLarge(key, size, self.max_static_bytes, "file to serve")

    def _redirect(self, view: SiteView, target: str) -> Page:
        location = target if "://" in target else view.config.baseurl + "/" + target.lstrip("/")
        return Page.make("redirect", b"", HTML, location=location)

    # --- previews --------------------------------------------------------------------------------

    def preview(self, path: str, query: str, secret: str | None) -> Page:
        """A draft, unpublished or scheduled document for whoever holds a signed link; never kept.

        Anything that fails (no secret, a bad or expired signature, no such document) is
        ``NotFound``, so a preview link reveals nothing about what exists.
        """
        if not secret or not preview.verify(path, query, secret, self.now()):
            raise NotFound(path)
        current = self.live.view()
        _usable(current)
        view = SiteView.of(
            current.index,
            self.now(),
            replace(self.live.visibility, drafts=True, future=True, unpublished=True),
        )
        path = strip_baseurl(view.config.baseurl, path)
        route = resolve(self.outputs(view), path)
        if route is None or route.output is None or route.output.kind != "document":
            raise NotFound(path)
        document = view.by_key[str(route.output.key)]
        body = self.render(view, document)
        return Page.make(
            "preview",
            body.encode(),
            media_type_for(route.destination),
            themed=self.builtin_mode(view),
        )

    # --- error pages -------------------------------------------------------------------------------

    def not_found_page(self) -> Page:
        """The site's own ``404.html`` (as GitHub Pages serves it), else the theme's."""
        view = self.live.last()
        expires = view.next_change if view is not None else None
        if view is not None and not self.builtin_mode(view):
            try:
                own = self.page("/404.html")
                return replace(own, kind="not_found", etag=own.etag)
            except (NotFound, ContentError, StoreUnavailable) as error:
                log.warning("the site's 404 page could not be served: %s", error)
        body = self._themed(view, lambda theme: theme.not_found(view))
        return Page.make("not_found", body, HTML, expires=expires)

    def error_page(self, status: int, message: str) -> bytes:
        view = self.live.last()
        return self._themed(view, lambda theme: theme.error(view, status, message))

    def _themed(self, view: SiteView | None, build: Callable[[BuiltinTheme], bytes]) -> bytes:
        """An error page in the site's theme; if the site's own ``_theme/`` template for it
        fails (it is bucket content), in the built-in one."""
        theme = self.theme_for(view)
        try:
            return build(BuiltinTheme(theme, _Context(self)))
        except ContentError as error:
            if theme is self.theme:
                raise
            log.error("the site's error page failed, the built-in one answers: %s", error)
            return build(BuiltinTheme(self.theme, _Context(self)))

    # --- links -------------------------------------------------------------------------------------

    def base_url(self, view: SiteView | None) -> str:
        """The absolute site URL: ``SITE_URL`` if set, else ``url`` from ``_config.yml``; ``""``
        when neither is an absolute http(s) URL (links are then site paths)."""
        return absolute_base(self.site_url) or absolute_base(
            view.config.raw.get("url") if view is not None else None
        )


def _usable(view: SiteView) -> None:
    """Refuse to serve a site whose ``_config.yml`` is broken with no good one before it: its
    pages would come out at other URLs, in another theme (the defaults are not the author's)."""
    if view.index.config_fallback:
        raise SiteUnavailable(f"the site's configuration is broken: {view.index.config_error}")


def generated_page(view: SiteView, output: Output, context: _Context) -> dict[str, Any]:
    """A plugin's page as ``Page#to_liquid`` shows it (``PageWithoutAFile``, ``RedirectPage``)."""
    url = output.url
    name = url.rsplit("/", 1)[-1] or "index.html"
    data: dict[str, Any] = {"layout": None}
    if output.generator == "jekyll-redirect-from" and output.argument != "redirects.json":
        name = "redirect.html"
        target = output.argument or "/"
        data = {
            "sitemap": False,
            "layout": "redirect",
            "permalink": url,
            "redirect": {
                "from": url,
                "to": target if "://" in target else context.absolute(target),
            },
        }
    elif output.generator in ("jekyll-feed", "jekyll-sitemap"):
        data["sitemap"] = False
    elif output.generator == "jekyll-paginate" and output.source is not None:
        template = view.by_key.get(output.source)
        if template is not None:
            data = dict(template.data)
            name = template.name
    folder = url if url.endswith("/") else url.rsplit("/", 1)[0] + "/"
    page = GeneratedPage(
        {
            **data,
            "content": "",
            "dir": folder,
            "excerpt": None,
            "name": name,
            "path": name,
            "url": url,
        }
    )
    if output.generator == "jekyll-sass-converter" and output.argument is not None:
        # The source map page joins site.pages while its Sass page renders: pages render in
        # name order, so only those after it see it (and no collection document does).
        page.after = output.argument.rsplit("/", 1)[-1]
    return page


def _redirects_json(view: SiteView) -> bool:
    settings = view.config.raw.get("redirect_from")
    return not (isinstance(settings, dict) and settings.get("json") is False)


class _Context:
    """What plugins and the built-in theme may ask of the site during a request."""

    def __init__(self, site: Site) -> None:
        self.site = site

    @property
    def renderer(self) -> Renderer:
        return self.site.renderer

    def _view(self) -> SiteView | None:
        return self.site.live.last()

    def absolute(self, url: str) -> str:
        view = self._view()
        path = (view.config.baseurl if view is not None else "") + url
        # One leading slash: a baseurl without one, or with two (``//host`` would be another
        # site's URL wherever the site has no absolute URL of its own).
        base = self.site.base_url(view)
        return base + "/" + path.lstrip("/") if path else base

    def link(self, url: str) -> str:
        view = self._view()
        return (view.config.baseurl if view is not None else "") + url

    def affordable(self, document: Document) -> bool:
        """Whether a listing may render ``document`` now: rendered already, or budget left."""
        view = self._view()
        if view is not None and self.site.renderer.has_rendered(view, document):
            return True
        if timing.over_budget(LISTING_BUDGET_SECONDS) or (
            view is not None and not self.site.renderer.affordable(view, document)
        ):
            timing.mark_partial()
            return False
        return True
