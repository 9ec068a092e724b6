"""The built-in theme at work: for a site with no ``_layouts`` of its own.

It plays two parts of Jekyll's pipeline. As the layouts (:meth:`BuiltinTheme.place`), it wraps a
post's or page's converted content in ``post.html`` or ``page.html``. As a plugin
(:class:`Archives`), it adds the pages a blog reader expects and such a site has no page for: the
home page and its pages 2, 3... (jekyll-paginate's paths), ``/tags/``, ``/categories/``, one page
per tag and category, and ``/year-archive/`` (academicpages' paths, so old links keep working).
A site's own file at one of those paths always wins.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import unquote

from handler.engine.document import Document
from handler.engine.index import sort_key
from handler.engine.outputs import Output
from handler.engine.plugins import Built, Context
from handler.engine.text import plain_text
from handler.engine.url import destination
from handler.engine.view import SiteView
from handler.errors import ContentError, NotFound
from handler.theme import Theme, listings

NAME = "broadsheet-archives"
HTML = "text/html; charset=utf-8"
WORDS_PER_MINUTE = 160  # academicpages' read_time rule


def display_date(moment: datetime) -> str:
    return f"{moment:%B} {moment.day}, {moment.year}"


class BuiltinTheme:
    """Wraps documents in the theme's templates and builds its archive pages."""

    def __init__(self, theme: Theme, context: Context) -> None:
        self.theme = theme
        self.context = context

    # --- as the layouts -------------------------------------------------------------------------

    def place(
        self, view: SiteView, content: str, document: Document, payload: dict[str, Any]
    ) -> str:
        if document.kind == "page":
            return self.page(view, document, content)
        return self.post(view, document, content)

    def page(self, view: SiteView, document: Document, content: str) -> str:
        page = {
            "title": document.title,
            "url": self.context.link(document.url),
            "canonical": self.context.absolute(document.url),
            "html": content,
            "excerpt_text": plain_text(str(document.data.get("excerpt") or "")),
        }
        return self.theme.render("page.html", site=self.site_vars(view), page=page)

    def post(self, view: SiteView, document: Document, content: str) -> str:
        date = document.date
        assert date is not None
        older, newer = view.neighbours(document)
        link = self.context.link
        page = {
            "title": document.title,
            "url": link(document.url),
            "canonical": self.context.absolute(document.url),
            "date": date,
            "date_iso": date.isoformat(),
            "date_display": display_date(date),
            "read_minutes": read_minutes(content),
            "tags": [{"name": t, "url": link(_term("tags", t))} for t in document.tags],
            "categories": [
                {"name": c, "url": link(_term("categories", c))} for c in document.categories
            ],
            "html": content,
            "excerpt_text": self.excerpt_text(view, document),
            "previous": self._nav(older),
            "next": self._nav(newer),
            "related": [self.summary(view, d, excerpt=False) for d in related(view, document)],
        }
        return self.theme.render("post.html", site=self.site_vars(view), page=page)

    def _nav(self, document: Document | None) -> dict[str, str] | None:
        if document is None:
            return None
        return {"title": document.title, "url": self.context.link(document.url)}

    def excerpt_text(self, view: SiteView, document: Document) -> str:
        given = document.data.get("excerpt")
        if given is not None:
            return str(given)
        try:
            return plain_text(self.context.renderer.excerpt(view, document) or "")
        except (ContentError, NotFound):
            return ""

    def excerpt_html(self, view: SiteView, document: Document) -> str:
        """A post's excerpt for a listing: as written in front matter (escaped), else rendered.

        Past the request's listing budget, posts not rendered yet get no excerpt this time.
        """
        given = document.data.get("excerpt")
        if given is not None:
            from html import escape

            return f"<p>{escape(str(given))}</p>"
        if not self.context.affordable(document):
            return ""
        try:
            return self.context.renderer.excerpt(view, document) or ""
        except (ContentError, NotFound) as error:
            import logging

            logging.getLogger(__name__).warning("no excerpt for %s: %s", document.key, error)
            return ""

    def summary(
        self, view: SiteView, document: Document, *, excerpt: bool = True
    ) -> dict[str, Any]:
        date = document.date
        assert date is not None
        return {
            "title": document.title,
            "url": self.context.link(document.url),
            "date_iso": date.isoformat(),
            "date_display": display_date(date),
            "excerpt_html": self.excerpt_html(view, document) if excerpt else None,
        }

    def site_vars(self, view: SiteView | None) -> dict[str, Any]:
        if view is None:
            return {"title": "", "lang": "en", "url": ""}
        config = view.config
        return {
            **config.raw,
            "title": config.title,
            "lang": config.lang,
            "url": self.context.absolute("").removesuffix(config.baseurl),
        }

    # --- error pages -----------------------------------------------------------------------------

    def not_found(self, view: SiteView | None) -> bytes:
        return self.theme.render("404.html", site=self.site_vars(view)).encode()

    def error(self, view: SiteView | None, status: int, message: str) -> bytes:
        html = self.theme.render(
            "error.html", site=self.site_vars(view), status=status, message=message
        )
        return html.encode()


def read_minutes(content: str) -> int:
    return max(1, round(len(plain_text(content).split()) / WORDS_PER_MINUTE))


def related(
    view: SiteView, document: Document, limit: int = listings.RELATED_LIMIT
) -> list[Document]:
    """Up to ``limit`` visible posts sharing the most tags with ``document``, newest first.

    Only the posts that share a tag are put in ``site.posts`` order, not all of them: a post is
    often a cold start's first page, and sorting a large site's posts would add to it.
    """
    shared: dict[str, int] = {}
    found: dict[str, Document] = {}
    by_tag = _by_tag(view)
    for tag in set(document.tags):
        for other in by_tag.get(tag, ()):
            if other.key != document.key:
                shared[other.key] = shared.get(other.key, 0) + 1
                found[other.key] = other
    try:
        newest = sorted(found.values(), key=sort_key, reverse=True)
    except TypeError:  # dates that do not compare: Ruby's <=> over all of site.posts decides
        places = view.memo(
            "builtin:post_places", lambda: {d.key: i for i, d in enumerate(view.posts)}
        )
        newest = sorted(found.values(), key=lambda d: places[d.key])
    place = {d.key: i for i, d in enumerate(newest)}
    ranked = sorted(shared, key=lambda key: (-shared[key], place[key]))
    return [found[key] for key in ranked[:limit]]


def _by_tag(view: SiteView) -> dict[str, list[Document]]:
    def build() -> dict[str, list[Document]]:
        found: dict[str, list[Document]] = {}
        for post in view.collection("posts"):
            for tag in post.data.get("tags") or ():  # post.tags, without a tuple per post
                found.setdefault(tag if type(tag) is str else str(tag), []).append(post)
        return found

    return view.memo("builtin:by_tag", build)


def _term(kind: listings.Kind, name: str) -> str:
    return listings.term_url(kind, listings.term_slug(name))


# --- the archive pages ----------------------------------------------------------------------------


class Archives:
    """The built-in theme's generated pages (see the module's docstring)."""

    name = NAME

    def __init__(self, builtin: BuiltinTheme) -> None:
        self.builtin = builtin

    def generate(self, view: SiteView, taken: Mapping[str, Output]) -> Iterable[tuple[str, Output]]:
        # Which pages there are needs only the names of the terms, not their posts (grouped
        # when a page is built): this runs in every cold start, before the first response.
        posts = view.collection("posts")  # the same posts as view.posts; the order is not needed
        template = listings.paginate_path(view.config)
        pages = max(1, math.ceil(len(posts) / view.config.paginate))
        found: list[tuple[str, str, str]] = [
            ("home", str(n), listings.page_url(n, template)) for n in range(1, pages + 1)
        ]
        found.append(("tags", "", listings.TAGS_PATH))
        found += [
            ("term", "tags/" + slug, listings.term_url("tags", slug))
            for slug in listings.terms("tags", posts)
        ]
        found.append(("categories", "", listings.CATEGORIES_PATH))
        found += [
            ("term", "categories/" + slug, listings.term_url("categories", slug))
            for slug in listings.terms("categories", posts)
        ]
        found.append(("years", "", listings.YEAR_ARCHIVE_PATH))
        for kind, argument, url in found:
            where = destination(_decoded(url), ".html")
            if where not in taken:
                yield (
                    where,
                    Output("generated", generator=NAME, argument=f"{kind}:{argument}", url=url),
                )

    def build(self, view: SiteView, output: Output, context: Context) -> Built:
        kind, _, argument = (output.argument or "").partition(":")
        posts = list(view.posts)
        builtin = self.builtin
        site = builtin.site_vars(view)
        if kind == "home":
            page = listings.paginate(
                posts, view.config.paginate, int(argument), listings.paginate_path(view.config)
            )
            html = builtin.theme.render(
                "home.html",
                site=site,
                posts=[builtin.summary(view, d) for d in page.items],
                canonical=context.absolute(page.url),
                newer_url=context.link(page.newer_url) if page.newer_url else None,
                older_url=context.link(page.older_url) if page.older_url else None,
            )
            return _listing(html, page.items)
        if kind == "term":
            return self._term(view, argument, context, site)
        template, title = {
            "tags": ("tags.html", "Posts by Tags"),
            "categories": ("categories.html", "Posts by Category"),
            "years": ("year-archive.html", "Posts by Year"),
        }[kind]
        groups = _groups(view, kind)
        html = builtin.theme.render(
            template,
            site=site,
            canonical=context.absolute(output.url),
            title=title,
            groups=[self._group(view, g, with_page=kind != "years") for g in groups],
        )
        return _listing(html, posts)

    def _term(self, view: SiteView, argument: str, context: Context, site: dict[str, Any]) -> Built:
        kind, _, slug = argument.partition("/")
        group = listings.find_group(_groups(view, "tags" if kind == "tags" else "categories"), slug)
        if group is None:
            raise NotFound(argument)
        html = self.builtin.theme.render(
            "term.html",
            site=site,
            canonical=context.absolute(group.url),
            kind="tag" if kind == "tags" else "category",
            term={"name": group.name, "index_url": context.link(group.anchor_url)},
            posts=[self.builtin.summary(view, d, excerpt=False) for d in group.entries],
        )
        return _listing(html, group.entries)

    def _group(self, view: SiteView, group: listings.Group, *, with_page: bool) -> dict[str, Any]:
        link = self.builtin.context.link
        return {
            "name": group.name,
            "id": group.anchor,
            "url": link(group.url) if with_page else None,
            "posts": [self.builtin.summary(view, d, excerpt=False) for d in group.entries],
        }

    def sitemap_extra(self, view: SiteView) -> list[tuple[str, datetime | None]]:
        """The archive pages for the sitemap, with the newest change among their posts."""
        return listings.listing_pages(
            list(view.posts), view.config.paginate, listings.paginate_path(view.config)
        )


def _groups(view: SiteView, kind: str) -> list[listings.Group]:
    """The view's posts grouped by tag, category or year, once per view (not per request)."""
    grouping = {
        "tags": listings.group_by_tag,
        "categories": listings.group_by_category,
        "years": listings.group_by_year,
    }[kind]
    return view.memo("builtin:groups:" + kind, lambda: grouping(view.posts))


def _listing(html: str, shown: Iterable[Document]) -> Built:
    modified = max((d.modified for d in shown), default=None)
    return Built(html.encode(), HTML, modified=modified)


def _decoded(url: str) -> str:
    return unquote(url)
