"""The Atom feed at ``/feed.xml``, as jekyll-feed makes it, built with ElementTree.

What jekyll-feed's ``feed.xml`` gives, kept: the latest 10 posts that are not drafts; per entry the
title, an ``alternate`` link, ``published`` (the date), ``updated`` (``last_modified_at``, else the
date), the id (``post.id`` made absolute, so readers that already hold the feed see no new posts),
the full content as ``type="html"`` with ``xml:base``, the author (the post's, else the site's),
categories then tags as ``<category term>``, and the excerpt as the summary.

Where Broadsheet differs, on purpose: titles and summaries are plain text (``type="text"``), so a
title such as ``Why <script> tags matter`` reaches a reader as written rather than stripped as
HTML; the feed's ``updated`` is passed in (the newest entry's, so the bytes only change when a post
does) instead of the build time; the generator is Broadsheet. Every string goes through
ElementTree, which escapes markup, and characters XML 1.0 cannot carry are dropped first.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring

from handler.engine.config import SiteConfig
from handler.engine.document import Document, parse_date
from handler.engine.outputs import Output
from handler.engine.plugins import Built, Context
from handler.engine.text import plain_text
from handler.engine.view import SiteView
from handler.errors import ContentError, NotFound

log = logging.getLogger(__name__)

ATOM_NS = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml"
FEED_PATH = "/feed.xml"
FEED_SIZE = 10  # jekyll-feed's default posts_limit
_XML_LANG = "xml:lang"
_XML_BASE = "xml:base"
# Code points XML 1.0 does not allow in a document, even escaped.
_NOT_XML = "[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
_SPACE = re.compile(r"\s+")
# What an IRI may not hold as it is (RFC 3987): percent-encoded in ids and links.
_NOT_IRI = re.compile(r'[\x00-\x20<>"{}|\\^`\x7f]')


@dataclass(frozen=True, slots=True)
class Author:
    name: str
    email: str | None = None
    uri: str | None = None

    @classmethod
    def parse(cls, value: object) -> Author | None:
        """A Jekyll ``author``: a name, or a mapping with ``name``, ``email`` and ``uri``."""
        if isinstance(value, Mapping):
            name = str(value.get("name") or "").strip()
            email, uri = value.get("email"), value.get("uri")
            if not name and not email and not uri:
                return None
            return cls(name, str(email) if email else None, str(uri) if uri else None)
        if isinstance(value, str | int | float) and str(value).strip():
            return cls(str(value).strip())
        return None


@dataclass(frozen=True, slots=True)
class SiteInfo:
    """The feed-level facts from ``_config.yml``."""

    title: str
    description: str = ""
    lang: str | None = None
    author: Author | None = None

    @classmethod
    def from_config(cls, config: SiteConfig) -> SiteInfo:
        raw = config.raw
        title = str(raw.get("title") or raw.get("name") or "")
        lang = raw.get("lang") or raw.get("locale")
        return cls(
            title=title,
            description=config.description,
            lang=str(lang) if lang else None,
            author=Author.parse(raw.get("author")),
        )


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One post in the feed; ``id`` and ``url`` are absolute."""

    id: str
    url: str
    title: str
    published: datetime
    updated: datetime
    content_html: str
    summary: str = ""
    categories: tuple[str, ...] = ()
    author: Author | None = None
    lang: str | None = None

    @classmethod
    def from_document(
        cls, document: Document, content_html: str, summary: str, *, base_url: str
    ) -> FeedItem:
        """The feed entry for a rendered post; ``base_url`` is the site URL plus ``baseurl``."""
        data = document.data
        authors = data.get("authors")
        author = data.get("author") or (
            authors[0] if isinstance(authors, list) and authors else None
        )
        lang = data.get("lang")
        published = document.date
        assert published is not None  # every collection document has a date
        return cls(
            id=base_url + (document.doc_id or document.url),
            url=base_url + document.url,
            title=document.title,
            published=published,
            updated=_updated(data, published),
            content_html=content_html.strip(),
            summary=summary,
            categories=_unique([*document.categories, *document.tags]),
            author=Author.parse(author),
            lang=str(lang) if lang else None,
        )


def _updated(data: Mapping[str, Any], published: datetime) -> datetime:
    value = data.get("last_modified_at")
    if value in (None, ""):
        return published
    try:
        return parse_date(value, published.tzinfo or published.astimezone().tzinfo, "", None)  # type: ignore[arg-type]
    except ContentError:
        return published


def feed_entries(documents: Iterable[Document], limit: int = FEED_SIZE) -> list[Document]:
    """The posts the feed lists: the first ``limit`` visible posts that are not drafts."""
    return [d for d in documents if not d.draft and d.published][:limit]


class Feed:
    """jekyll-feed: ``/feed.xml`` with the latest posts, unless the site has its own."""

    name = "jekyll-feed"

    def generate(self, view: SiteView, taken: Mapping[str, Output]) -> Iterable[tuple[str, Output]]:
        path = feed_path(view.config)
        if path.lstrip("/") not in taken and view.index.version_of(path.lstrip("/")) is None:
            yield path.lstrip("/"), Output("generated", generator=self.name, url=path)

    def build(self, view: SiteView, output: Output, context: Context) -> Built:
        items = []
        for document in feed_entries(view.posts):
            if not context.affordable(document):
                continue
            try:
                html = context.renderer.content(view, document)
                excerpt = context.renderer.excerpt(view, document) or ""
            except (ContentError, NotFound) as error:
                log.warning("left out of the feed: %s", error)
                continue
            base = context.absolute("")
            items.append(FeedItem.from_document(document, html, plain_text(excerpt), base_url=base))
        updated = max((i.updated for i in items), default=datetime(1970, 1, 1, tzinfo=UTC))
        body = atom_feed(
            SiteInfo.from_config(view.config),
            items,
            feed_url=context.absolute(output.url),
            site_url=context.absolute("/"),
            updated=updated,
        )
        return Built(body, MEDIA_TYPE + "; charset=utf-8", modified=updated)


def feed_path(config: SiteConfig) -> str:
    """``feed: path:`` from the configuration, else ``/feed.xml``."""
    settings = config.raw.get("feed")
    path = settings.get("path") if isinstance(settings, Mapping) else None
    return "/" + str(path).lstrip("/") if path else FEED_PATH


def atom_feed(
    site: SiteInfo,
    items: Sequence[FeedItem],
    *,
    feed_url: str,
    site_url: str,
    updated: datetime,
) -> bytes:
    """The feed document, UTF-8 with an XML declaration.

    ``site_url`` is the home page's absolute URL (it is also the feed's id), ``feed_url`` the
    feed's own; ``updated`` is when the feed last changed (the newest item's ``updated``).
    """
    feed = Element("feed", {"xmlns": ATOM_NS})
    if site.lang:
        feed.set(_XML_LANG, _clean(site.lang))
    _text(feed, "generator", "Broadsheet")
    _link(feed, feed_url, "self", MEDIA_TYPE)
    _link(feed, site_url, "alternate", "text/html", hreflang=site.lang)
    _text(feed, "updated", rfc3339(updated))
    _text(feed, "id", iri(site_url))
    _text(feed, "title", _one_line(site.title) or site_url, type="text")
    if site.description:
        _text(feed, "subtitle", _one_line(site.description))
    # Atom wants an author on the feed unless every entry has one: fall back to the title.
    _author(feed, site.author or Author(_one_line(site.title) or site_url))
    for item in items:
        _entry(feed, item, site.author)
    return bytes(tostring(feed, encoding="utf-8", xml_declaration=True))


def _entry(feed: Element, item: FeedItem, site_author: Author | None) -> None:
    entry = SubElement(feed, "entry")
    if item.lang:
        entry.set(_XML_LANG, _clean(item.lang))
    _text(entry, "title", _one_line(item.title), type="text")
    _link(entry, item.url, "alternate", "text/html", title=_one_line(item.title))
    _text(entry, "published", rfc3339(item.published))
    _text(entry, "updated", rfc3339(item.updated))
    _text(entry, "id", iri(item.id))
    content = _text(entry, "content", item.content_html, type="html")
    content.set(_XML_BASE, iri(item.url))
    if item.author is not None and item.author != site_author:
        _author(entry, item.author)
    for term in item.categories:
        SubElement(entry, "category", {"term": _clean(term)})
    if item.summary.strip():
        _text(entry, "summary", _one_line(item.summary), type="text")


def _text(parent: Element, tag: str, value: str, **attributes: str) -> Element:
    element = SubElement(parent, tag, attributes)
    element.text = _clean(value)
    return element


def _link(parent: Element, href: str, rel: str, media_type: str, **extra: str | None) -> None:
    attributes = {"href": iri(href), "rel": rel, "type": media_type}
    attributes.update({k: _clean(v) for k, v in extra.items() if v})
    SubElement(parent, "link", attributes)


def _author(parent: Element, author: Author) -> None:
    element = SubElement(parent, "author")
    _text(element, "name", _one_line(author.name))
    if author.email:
        _text(element, "email", author.email)
    if author.uri:
        _text(element, "uri", author.uri)


def rfc3339(moment: datetime) -> str:
    """``2023-06-07T00:00:00-07:00``: Atom's date construct (also a W3C datetime)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment!r} has no time zone: feed and sitemap dates must be aware")
    return moment.isoformat(timespec="seconds")


def iri(value: str) -> str:
    """``value`` with spaces, controls and ``<>"{}|\\^`` percent-encoded; Jekyll's ids can hold them."""
    return _NOT_IRI.sub(lambda m: "".join(f"%{b:02X}" for b in m[0].encode()), _clean(value))


def _clean(text: str) -> str:
    return _not_xml().sub("", text)


@cache
def _not_xml() -> re.Pattern[str]:
    """Compiled on first use: its ranges take ~5 ms to compile, in every cold start otherwise."""
    return re.compile(_NOT_XML)


def _one_line(text: str) -> str:
    return _SPACE.sub(" ", _clean(text)).strip()


def _unique(values: Iterable[Any]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(str(v) for v in values if str(v).strip()))
