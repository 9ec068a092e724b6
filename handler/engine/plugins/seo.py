"""jekyll-seo-tag 2.8.0: what ``{% seo %}`` writes, as the gem writes it.

The gem renders its own Liquid template (``templates/seo.html``, vendored as the gem ships it
and minified as the gem minifies it, ``MINIFY_REGEX``) with the site's payload, the page, the
paginator and ``seo_tag``: a drop (``Jekyll::SeoTag::Drop``) that works out the title, the
description, the canonical URL, the author, the image and the JSON-LD. :class:`SeoDrop` computes
the same values from the same inputs (``lib/jekyll-seo-tag/drop.rb``, ``author_drop.rb``,
``image_drop.rb``, ``json_ld_drop.rb``), through this engine's copies of the filters the gem
calls (``markdownify``, ``strip_html``, ``normalize_whitespace``, ``escape_once``,
``absolute_url``, ``uri_escape``, ``date_to_xmlschema``).

Every drop here answers templates through ``__getitem__`` only (``handler.engine.drops.Drop``):
a template reads values, never the render context the drop was built with.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from handler.engine.drops import Drop
from handler.engine.liquid.addressable import is_absolute
from handler.engine.liquid.expressions import find_variable
from handler.engine.liquid.filters.dates import date_to_xmlschema
from handler.engine.liquid.filters.jekyll import normalize_whitespace, uri_escape
from handler.engine.liquid.filters.strings import escape_once, strip_html
from handler.engine.liquid.filters.urls import absolute_url
from handler.engine.liquid.host import Source
from handler.engine.liquid.values import is_truthy, to_s

if TYPE_CHECKING:
    from handler.engine.liquid.context import JekyllContext

__all__ = ["PLUGIN", "VERSION", "SeoDrop", "template_source"]

PLUGIN = "jekyll-seo-tag"
VERSION = "2.8.0"
TEMPLATE = Path(__file__).with_name("templates") / "seo.html"
# The gem's MINIFY_REGEX, ``(?<=[{}]|[>,]\n)\s+(?!-)``, with Python's fixed-width lookbehinds.
MINIFY = re.compile(r"(?:(?<=[{}])|(?<=[>,]\n))\s+(?!-)", re.ASCII)
TITLE_SEPARATOR = " | "
HOMEPAGE_OR_ABOUT = re.compile(r"^/(about/)?(index.html?)?$", re.M)
_INDEX_HTML = re.compile(r"/index\.html$", re.M)
_TITLE_FALSE = re.compile(r"title=false", re.I)
_AT = re.compile(r"^@", re.M)
_FORMAT = re.compile(r"%(?:(%)|<(\w+)>[-+ 0#]*\d*(?:\.\d+)?[sd]|\{(\w+)\})")
VALID_ENTITY_TYPES = ("BlogPosting", "CreativeWork")
VALID_AUTHOR_TYPES = ("Organization", "Person")


@cache
def template_source() -> Source:
    """The gem's template, minified as ``SeoTag.template_contents`` minifies it."""
    text = TEMPLATE.read_text(encoding="utf-8")
    return Source(MINIFY.sub("", text), "jekyll-seo-tag/template.html", VERSION)


def _get(value: object, key: str) -> Any:
    """Ruby's ``hash[key]`` on a hash or a drop; ``nil`` for anything else or a missing key."""
    if isinstance(value, Mapping):
        try:
            return value[key]
        except KeyError:
            return None
    return None


def _sub_hash(value: object, key: str) -> Mapping[str, Any]:
    """``sub_hash``: ``value[key]`` if it is a hash, else an empty one."""
    found = _get(value, key)
    return found if isinstance(found, Mapping) else {}


def _ruby_format(message: str, values: Mapping[str, object]) -> str:
    """Ruby's ``format`` for the named references a ``seo_paginator_message`` can hold."""

    def substitute(match: re.Match[str]) -> str:
        if match.group(1):
            return "%"
        name = match.group(2) or match.group(3)
        return to_s(values[name]) if name in values else match.group(0)

    return _FORMAT.sub(substitute, message)


class _Filters:
    """The filters the gem calls (``Jekyll::SeoTag::Filters``), bound to the render context."""

    def __init__(self, context: JekyllContext) -> None:
        self.context = context

    def format_string(self, value: object) -> str | None:
        """``format_string``: markdownify, strip_html, normalize_whitespace, escape_once; ``nil``
        when nothing is left."""
        text = self.context.state.host.markdownify(to_s(value))
        text = escape_once(normalize_whitespace(strip_html(text)))
        return text or None

    def absolute_url(self, value: object) -> Any:
        return absolute_url(value, context=self.context)

    def uri_escape(self, value: object) -> Any:
        return uri_escape(value)

    def date_to_xmlschema(self, value: object) -> Any:
        return date_to_xmlschema(value, context=self.context)


class SeoDrop(Drop):
    """``seo_tag``: ``Jekyll::SeoTag::Drop`` for one page render.

    ``text`` is the tag's markup (``title=false`` turns the ``<title>`` off); ``page`` and
    ``site`` are the render's ``page`` and ``site`` values.
    """

    __slots__ = ("_context", "_filters", "_page", "_site", "_text")
    METHODS = (
        "version", "title?", "site_title", "site_tagline", "site_description", "page_title",
        "site_tagline_or_description", "title", "name", "description", "author", "json_ld",
        "image", "date_modified", "date_published", "type", "links", "logo", "page_lang",
        "page_locale", "canonical_url",
    )  # fmt: skip

    def __init__(self, text: str, context: JekyllContext, page: object, site: object) -> None:
        super().__init__()
        self._text = text
        self._context = context
        self._filters = _Filters(context)
        self._page = page
        self._site = site

    def keys_list(self) -> list[str]:
        return list(self.METHODS)

    def compute(self, key: str) -> Any:
        if key not in self.METHODS:
            raise KeyError(key)
        return getattr(self, "_" + key.replace("?", "_p"))()

    def value(self, key: str) -> Any:
        """A method's value, for the other drops of this module."""
        return self[key]

    # --- titles ---------------------------------------------------------------------------

    def _version(self) -> str:
        return VERSION

    def _title_p(self) -> bool:
        if not is_truthy(self["title"]):
            return False
        return _TITLE_FALSE.search(self._text) is None

    def _site_title(self) -> str | None:
        site = self._site
        title = _get(site, "title")
        return self._filters.format_string(title if is_truthy(title) else _get(site, "name"))

    def _site_tagline(self) -> str | None:
        return self._filters.format_string(_get(self._site, "tagline"))

    def _site_description(self) -> str | None:
        return self._filters.format_string(_get(self._site, "description"))

    def _page_title(self) -> str | None:
        return self._filters.format_string(_get(self._page, "title")) or self["site_title"]

    def _site_tagline_or_description(self) -> str | None:
        tagline: str | None = self["site_tagline"]
        return tagline or self["site_description"]

    def _title(self) -> str | None:
        site_title: str | None = self["site_title"]
        page_title: str | None = self["page_title"]
        title: str | None
        if site_title and page_title != site_title:
            title = f"{page_title}{TITLE_SEPARATOR}{site_title}"
        elif self["site_description"] and site_title:
            title = f"{site_title}{TITLE_SEPARATOR}{self['site_tagline_or_description']}"
        else:
            title = page_title or site_title
        number = self._page_number()
        return number + (title or "") if number is not None else title

    def _page_number(self) -> str | None:
        paginator = find_variable(self._context, "paginator")
        current = _get(paginator, "page")
        if not is_truthy(paginator) or not is_truthy(current):
            return None
        if not isinstance(current, int) or isinstance(current, bool) or current <= 1:
            return None
        message = _get(self._site, "seo_paginator_message")
        if not is_truthy(message):
            message = "Page %<current>s of %<total>s for "
        values = {"current": current, "total": _get(paginator, "total_pages")}
        return _ruby_format(to_s(message), values)

    # --- who and what ---------------------------------------------------------------------

    def _homepage_or_about(self) -> bool:
        url = _get(self._page, "url")
        return isinstance(url, str) and HOMEPAGE_OR_ABOUT.search(url) is not None

    def _page_seo(self) -> Mapping[str, Any]:
        return _sub_hash(self._page, "seo")

    def _name(self) -> str | None:
        seo_name = self._page_seo().get("name")
        if is_truthy(seo_name):
            found: str | None = self._filters.format_string(seo_name)
            if found:
                return found
        if not self._homepage_or_about():
            return None
        social = _sub_hash(self._site, "social").get("name")
        if is_truthy(social):
            return self._filters.format_string(social)
        site_title: str | None = self["site_title"]
        return site_title

    def _description(self) -> str | None:
        value = _get(self._page, "description")
        if not is_truthy(value):
            value = _get(self._page, "excerpt")
        return self._filters.format_string(value) or self["site_description"]

    def _author(self) -> AuthorDrop:
        return AuthorDrop(self._page, self._site)

    def _json_ld(self) -> dict[str, Any]:
        return json_ld(self)

    def _image(self) -> ImageDrop | None:
        image = ImageDrop(self._page, self._filters)
        return image if is_truthy(image["path"]) else None

    def _date_modified(self) -> Any:
        date = self._page_seo().get("date_modified")
        if not is_truthy(date):
            date = _get(self._page, "last_modified_at")
        if not is_truthy(date):
            date = _get(self._page, "date")
        return self._filters.date_to_xmlschema(date) if is_truthy(date) else None

    def _date_published(self) -> Any:
        date = _get(self._page, "date")
        return self._filters.date_to_xmlschema(date) if is_truthy(date) else None

    def _type(self) -> Any:
        given = self._page_seo().get("type")
        if is_truthy(given):
            return given
        if self._homepage_or_about():
            return "WebSite"
        if is_truthy(_get(self._page, "date")):
            return "BlogPosting"
        return "WebPage"

    def _links(self) -> Any:
        given = self._page_seo().get("links")
        if is_truthy(given):
            return given
        if self._homepage_or_about():
            links = _sub_hash(self._site, "social").get("links")
            return links if is_truthy(links) else None
        return None

    def _logo(self) -> Any:
        logo = _get(self._site, "logo")
        if not is_truthy(logo):
            return None
        if isinstance(logo, str) and is_absolute(logo):
            return self._filters.uri_escape(logo)
        return self._filters.uri_escape(self._filters.absolute_url(logo))

    def _page_lang(self) -> Any:
        for value in (_get(self._page, "lang"), _get(self._site, "lang")):
            if is_truthy(value):
                return value
        return "en_US"

    def _page_locale(self) -> str:
        locale = _get(self._page, "locale")
        if not is_truthy(locale):
            locale = _get(self._site, "locale")
        if not is_truthy(locale):
            locale = self["page_lang"]
        return to_s(locale).replace("-", "_")

    def _canonical_url(self) -> Any:
        given = _get(self._page, "canonical_url")
        if to_s(given) == "":
            url = self._filters.absolute_url(_get(self._page, "url"))
            return _INDEX_HTML.sub("/", to_s(url))
        return given


class AuthorDrop(Drop):
    """``seo_tag.author``: the page's ``author``, else its first ``authors``, else the site's;
    a name found in ``site.data.authors`` brings that entry's keys along."""

    __slots__ = ("_hash", "_page", "_site")

    def __init__(self, page: object, site: object) -> None:
        super().__init__()
        self._page = page
        self._site = site
        self._hash = self._author_hash()

    def _resolved(self) -> object:
        sources = [_get(self._page, "author")]
        authors = _get(self._page, "authors")
        if isinstance(authors, list | tuple):
            sources.append(authors[0] if authors else None)
        sources.append(_get(self._site, "author"))
        return next((s for s in sources if to_s(s) != ""), None)

    def _author_hash(self) -> Mapping[str, Any]:
        resolved = self._resolved()
        if isinstance(resolved, Mapping):
            return resolved
        if isinstance(resolved, str):
            found: dict[str, Any] = {"name": resolved}
            authors = _get(_get(self._site, "data"), "authors")
            entry = _get(authors, resolved) if isinstance(authors, Mapping) else None
            if isinstance(entry, Mapping):
                found.update(entry)
            return found
        return {}

    def compute(self, key: str) -> Any:
        if key == "name":
            return _get(self._hash, "name")
        if key == "twitter":
            twitter = _get(self._hash, "twitter")
            if not is_truthy(twitter):
                twitter = _get(self._hash, "name")
            return _AT.sub("", twitter, count=1) if isinstance(twitter, str) else None
        return self._hash[key]

    def keys_list(self) -> list[str]:
        return list(dict.fromkeys(["name", "twitter", *self._hash]))


class ImageDrop(Drop):
    """``seo_tag.image``: ``path`` is the image's absolute, escaped URL (from ``image``,
    ``image.path``, ``image.facebook`` or ``image.twitter``); other keys are the page's."""

    __slots__ = ("_filters", "_hash")

    def __init__(self, page: object, filters: _Filters) -> None:
        super().__init__()
        self._filters = filters
        image = _get(page, "image")
        if isinstance(image, Mapping):
            self._hash: dict[str, Any] = {"path": None, **image}
        elif isinstance(image, str):
            self._hash = {"path": image}
        else:
            self._hash = {"path": None}

    def compute(self, key: str) -> Any:
        if key == "path":
            url = self._absolute_url()
            return self._filters.uri_escape(url) if is_truthy(url) else None
        return self._hash[key]

    def _absolute_url(self) -> Any:
        raw = None
        for key in ("path", "facebook", "twitter"):
            raw = self._hash.get(key)
            if is_truthy(raw):
                break
        if not is_truthy(raw):
            return None
        if isinstance(raw, str) and not is_absolute(raw):
            return self._filters.absolute_url(raw)
        return raw

    def keys_list(self) -> list[str]:
        return list(dict.fromkeys(["path", *self._hash]))


def json_ld(seo: SeoDrop) -> dict[str, Any]:
    """``seo_tag.json_ld`` as ``JSONLDDrop#to_json`` writes it: keys sorted, ``nil`` left out."""
    author: AuthorDrop = seo.value("author")
    image: ImageDrop | None = seo.value("image")
    logo = seo.value("logo")
    found: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": seo.value("type"),
        "author": _json_author(author),
        "dateModified": seo.value("date_modified"),
        "datePublished": seo.value("date_published"),
        "description": seo.value("description"),
        "headline": seo.value("page_title"),
        "image": _json_image(image),
        "mainEntityOfPage": None,
        "name": seo.value("name"),
        "publisher": None,
        "sameAs": seo.value("links"),
        "url": seo.value("canonical_url"),
    }
    if is_truthy(logo):
        publisher: dict[str, Any] = {
            "@type": "Organization",
            "logo": {"@type": "ImageObject", "url": logo},
        }
        if is_truthy(author["name"]):
            publisher["name"] = author["name"]
        found["publisher"] = publisher
    if found["@type"] in VALID_ENTITY_TYPES:
        found["mainEntityOfPage"] = {"@type": "WebPage", "@id": seo.value("canonical_url")}
    return {key: found[key] for key in sorted(found) if found[key] is not None}


def _json_author(author: AuthorDrop) -> dict[str, Any] | None:
    name = author["name"]
    if not is_truthy(name):
        return None
    kind = _get(author, "type")
    if is_truthy(kind) and kind not in VALID_AUTHOR_TYPES:
        return None
    found: dict[str, Any] = {"@type": kind if is_truthy(kind) else "Person", "name": name}
    url = _get(author, "url")
    if is_truthy(url):
        found["url"] = url
    return found


def _json_image(image: ImageDrop | None) -> Any:
    if image is None:
        return None
    keys = image.keys_list()
    if len(keys) == 1:
        return image["path"]
    found = {key: image[key] for key in keys}
    found["url"] = found.pop("path")
    found["@type"] = "imageObject"
    return found
