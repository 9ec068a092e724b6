"""Which URLs a change can show on: what the indexer asks the CDN to drop.

A static file shows only at its own URL (and in the sitemap). A page or document shows at its
URLs, old and new, and its redirects; and on every page that lists documents: the built-in
theme's archives, feed and sitemap, or, for a site with its own theme, every page when its
layouts or includes read site-wide lists (``site.posts``, ``site.related_posts``, ``paginator``,
``page.next``...), as most themes' do. Anything else (the configuration, a data file, a layout,
an include, a Sass partial) can show anywhere: everything goes.
"""

from __future__ import annotations

from collections.abc import Iterable

from handler.engine.config import CONFIG_KEY
from handler.engine.index import SiteIndex
from handler.engine.url import unescape_path

EVERYTHING = "/*"
BUILTIN_LISTINGS = frozenset(
    {"/", "/index.html", "/feed.xml", "/sitemap.xml", "/page*", "/tags/*", "/categories/*",
     "/year-archive/*"}
)  # fmt: skip


def affected(previous: SiteIndex | None, index: SiteIndex, keys: Iterable[str]) -> set[str]:
    """URL patterns (CloudFront invalidation paths) that changes to ``keys`` can show on."""
    urls: set[str] = set()
    for key in keys:
        found = _one(previous, index, key)
        if EVERYTHING in found:
            return {EVERYTHING}
        urls |= found
    return urls


def _one(previous: SiteIndex | None, index: SiteIndex, key: str) -> set[str]:
    if key == CONFIG_KEY or previous is None:
        return {EVERYTHING}
    old = previous.by_key.get(key)
    new = index.by_key.get(key)
    if old is not None or new is not None:
        urls = set()
        for document in (old, new):
            if document is not None:
                urls |= forms(document.url)
                urls |= {f for path in _redirects(document.data) for f in forms(path)}
        if not index.layouts:
            return urls | BUILTIN_LISTINGS
        if index.listing_templates:
            return {EVERYTHING}  # the site's layouts or includes list documents on its pages
        listing = [d for d in index.documents if d.lists]
        return urls | {"/feed.xml", "/sitemap.xml"} | {f for d in listing for f in forms(d.url)}
    old_static = previous.statics_by_key.get(key)
    new_static = index.statics_by_key.get(key)
    if old_static is not None or new_static is not None:
        urls = {"/sitemap.xml"}
        for static in (old_static, new_static):
            if static is not None:
                urls |= forms(static.url)
        return urls
    return {EVERYTHING}  # a layout, include, data file, Sass partial or theme template


def forms(url: str) -> set[str]:
    """The request paths one URL answers at (``/x/`` and ``/x/index.html``; ``/x.html``, ``/x``)."""
    url = unescape_path(url) if "%" in url else url
    if url.endswith("/"):
        return {url, url + "index.html"}
    if url.endswith(".html"):
        return {url, url.removesuffix(".html")}
    return {url, url + ".html"}


def _redirects(data: dict[str, object]) -> list[str]:
    value = data.get("redirect_from")
    items = value if isinstance(value, list) else [value]
    return ["/" + str(item).lstrip("/") for item in items if item]
