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

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring

from handler.engine.config import SiteConfig
from handler.index import Entry
from handler.jekyll import Post
from handler.render import RenderedPost

ATOM_NS = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml"
FEED_PATH = "/feed.xml"
FEED_SIZE = 10  # jekyll-feed's default posts_limit
_XML_LANG = "xml:lang"
_XML_BASE = "xml:base"
# Code points XML 1.0 does not allow in a document, even escaped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
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
    def from_post(cls, post: Post, rendered: RenderedPost, *, base_url: str) -> FeedItem:
        """The feed entry for a rendered post; ``base_url`` is the site URL plus ``baseurl``."""
        data = post.data
        authors = data.get("authors")
        author = data.get("author") or (
            authors[0] if isinstance(authors, list) and authors else None
        )
        lang = data.get("lang")
        return cls(
            id=base_url + (post.id or post.url),
            url=base_url + post.url,
            title=post.title,
            published=post.date,
            updated=post.last_modified_at or post.date,
            content_html=rendered.html.strip(),
            summary=rendered.excerpt_text,
            categories=_unique([*post.categories, *post.tags]),
            author=Author.parse(author),
            lang=str(lang) if lang else None,
        )


def feed_entries(entries: Iterable[Entry], limit: int = FEED_SIZE) -> list[Entry]:
    """The posts the feed lists: the first ``limit`` visible posts that are not drafts."""
    return [e for e in entries if not e.draft and e.published][:limit]


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
    return _NOT_XML.sub("", text)


def _one_line(text: str) -> str:
    return _SPACE.sub(" ", _clean(text)).strip()


def _unique(values: Iterable[Any]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(str(v) for v in values if str(v).strip()))
