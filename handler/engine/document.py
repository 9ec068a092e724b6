"""Documents as Jekyll reads them: pages, posts, drafts and the items of every collection.

One record type, :class:`Document`, holds what the site index keeps of a file that is rendered:
its key and version, its kind, its URL, the file it is written to, and ``data`` (front matter
over the defaults, plus what Jekyll computes: a post's date, title, slug, categories, tags).
The body is not kept: the renderer reads it again, by version, when a page is built.

``read_page`` follows ``Jekyll::Page`` (``page.rb``, ``convertible.rb``); ``read_document`` follows
``Jekyll::Document`` (``document.rb``: ``merge_defaults``, ``read_content``, ``read_post_data``).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, tzinfo
from typing import Any, Literal

from handler.engine.config import SiteConfig, add_permalink_suffix, deep_merge, defaults_for
from handler.engine.frontmatter import FrontMatter
from handler.engine.frontmatter import parse as parse_front_matter
from handler.engine.reader import lists_documents
from handler.engine.url import (
    UnknownPlaceholder,
    destination,
    document_placeholders,
    document_url,
    page_url,
)
from handler.errors import ContentError

Kind = Literal["page", "document"]

# Document::DATE_FILENAME_MATCHER and DATELESS_FILENAME_MATCHER
DATE_FILENAME = re.compile(r"^(?:.+/)*?(\d{2,4}-\d{1,2}-\d{1,2})-([^/]*)(\.[^.]+)$")
DATELESS_FILENAME = re.compile(r"^(?:.+/)*(.*)(\.[^.]+)$")
HTML_EXTENSIONS = frozenset({".html", ".xhtml", ".htm"})
SASS_EXTENSIONS = frozenset({".sass", ".scss"})
POSTS = "posts"
DRAFTS_DIR = "_drafts"


@dataclass(slots=True)
class Document:
    """A page or a collection document, as the site index keeps it (no body).

    Treated as immutable; not ``frozen`` because a frozen dataclass costs several times as much to
    build, and a large site's manifest builds tens of thousands.
    """

    key: str  # the file, relative to the site root: "_pages/about.md", "_posts/2023-...md"
    version: str
    kind: Kind
    collection: str | None  # "posts", "publications"...; None for a page
    url: str
    output_ext: str
    data: dict[str, Any]  # what Liquid's `page` shows: defaults, front matter, computed fields
    modified: datetime  # the file's time (or `last_modified_at`)
    draft: bool = False
    lists: bool = False  # its body reads site-wide lists (site.posts, paginator...)
    heading: str | None = None  # its first heading, if it has no title (titles-from-headings)
    optional: bool = False  # markdown without front matter (optional-front-matter, readme-index)
    dated: bool = True  # False: no date in front matter or file name (Jekyll gives site.time)
    # ``tags`` and ``categories``, made once: listings and related posts ask for them for every
    # post (``replace`` starts them afresh, as it may give new data).
    _tags: tuple[str, ...] | None = field(default=None, init=False, repr=False, compare=False)
    _categories: tuple[str, ...] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def name(self) -> str:
        """The file name (``about.md``)."""
        return self.key.rsplit("/", 1)[-1]

    @property
    def date(self) -> datetime | None:
        value = self.data.get("date")
        return value if isinstance(value, datetime) else None

    @property
    def published(self) -> bool:
        return self.data.get("published", True) is not False

    @property
    def title(self) -> str:
        value = self.data.get("title")
        return "" if value is None else str(value)

    @property
    def layout(self) -> str | None:
        value = self.data.get("layout")
        return None if value is None else str(value)

    @property
    def destination(self) -> str:
        """The file Jekyll writes, relative to the site root (``posts/2023/06/journey/index.html``)."""
        return destination(self.url, self.output_ext, page=self.kind == "page")

    @property
    def is_html(self) -> bool:
        return self.output_ext in HTML_EXTENSIONS

    @property
    def is_sass(self) -> bool:
        return posixpath.splitext(self.key)[1].lower() in SASS_EXTENSIONS

    @property
    def slug(self) -> str:
        value = self.data.get("slug")
        return "" if value is None else str(value)

    @property
    def categories(self) -> tuple[str, ...]:
        found = self._categories
        if found is None:
            found = self._categories = tuple(map(str, self.data.get("categories") or ()))
        return found

    @property
    def tags(self) -> tuple[str, ...]:
        found = self._tags
        if found is None:
            found = self._tags = tuple(map(str, self.data.get("tags") or ()))
        return found

    @property
    def doc_id(self) -> str:
        """``Document#id``: the URL's folder joined with the slug (``/posts/2023/06/journey``)."""
        slug = self.data.get("slug") or posixpath.splitext(self.name)[0]
        # Ruby's File.dirname ignores a trailing slash: dirname("/posts/2023/x/") is /posts/2023.
        folder = posixpath.dirname(self.url.rstrip("/")) if self.url != "/" else "/"
        return posixpath.join(folder, str(slug))


@dataclass(frozen=True, slots=True)
class Loaded:
    """A document read from its file: the record and its body (with the body's first line)."""

    document: Document
    body: str
    body_line: int


def output_ext_for(ext: str, config: SiteConfig) -> str:
    """The extension a converter gives a file (``Renderer#converter_output_ext``)."""
    lowered = ext.lower()
    if lowered in config.markdown_exts:
        return ".html"
    if lowered in SASS_EXTENSIONS:
        return ".css"
    return ext


def _permalink_ext(permalink: object) -> str | None:
    if not isinstance(permalink, str) or not permalink or permalink.endswith("/"):
        return None
    ext = posixpath.splitext(permalink)[1]
    return ext or None


# --- pages ------------------------------------------------------------------------------------


def read_page(
    key: str,
    text: str,
    version: str,
    config: SiteConfig,
    *,
    modified: datetime,
    optional: bool = False,
) -> Loaded:
    """A page (``Jekyll::Page``): a file with front matter outside the special folders, or,
    with ``optional``, a markdown file without any (jekyll-optional-front-matter's pages)."""
    matter = parse_front_matter(text, key)
    if matter.data.get("permalink") == "":
        raise ContentError(key, "the permalink is empty", line=_line_of(text, "permalink"))
    folder, name = key.rsplit("/", 1) if "/" in key else ("", key)
    base, ext = _split_name(name)
    data = deep_merge(defaults_for(config, key, "pages"), matter.data)
    permalink = data.get("permalink")
    output_ext = _permalink_ext(permalink) or output_ext_for(ext, config)
    if output_ext not in HTML_EXTENSIONS:
        template = "/:path/:basename:output_ext"
    elif base == "index":
        template = "/:path/"
    else:
        template = add_permalink_suffix("/:path/:basename", config.permalink_style)
    url = page_url(
        template,
        str(permalink) if permalink not in (None, "") else None,
        [("path", "/" + folder if folder else ""), ("basename", base), ("output_ext", output_ext)],
    )
    document = Document(
        key=key,
        version=version,
        kind="page",
        collection=None,
        url=url,
        output_ext=output_ext,
        data=data,
        modified=_last_modified(data, config.timezone, key, text) or modified,
        lists=lists_documents(matter.body),
        heading=first_heading(matter.body) if ext.lower() in config.markdown_exts else None,
        optional=optional,
    )
    return Loaded(document, matter.body, matter.body_line)


# jekyll-titles-from-headings' TITLE_REGEX: an atx heading of 1-3 #, or a setext heading.
_TITLE = re.compile(r"\A\s*(?:\#{1,3}\s+(.*)(?:\s+\#{1,3})?|(.*)\r?\n[-=]+\s*)$", re.M)


def first_heading(body: str) -> str | None:
    """The text of a markdown body's first heading, as jekyll-titles-from-headings finds it."""
    match = _TITLE.match(body)
    if match is None:
        return None
    return match.group(1) if match.group(1) is not None else match.group(2)


def _split_name(name: str) -> tuple[str, str]:
    """``Page#process``: the extension, and the base name without it (trailing dots dropped)."""
    ext = posixpath.splitext(name)[1]
    base = name[: len(name) - len(ext)] if ext else name
    return re.sub(r"\.*\Z", "", base), ext


# --- collection documents ---------------------------------------------------------------------


def read_document(
    key: str,
    text: str,
    version: str,
    config: SiteConfig,
    *,
    collection: str,
    modified: datetime,
    draft: bool = False,
) -> Loaded:
    """A document of ``collection`` (posts and drafts included), as ``Document#read`` does."""
    matter = parse_front_matter(text, key)
    relative_directory = DRAFTS_DIR if draft else "_" + collection
    inside = _inside(key, config, "_" + collection)
    data = _merge_data(
        {"categories": _categories_from_path(key, config, relative_directory)},
        defaults_for(config, key, collection),
        key,
        text,
        config.timezone,
        "front matter defaults",
    )
    data = _merge_data(data, matter.data, key, text, config.timezone, "YAML front matter")
    _populate_title(data, _relative(key, config), key, config.timezone)
    _populate_taxonomy(data)
    data["draft"] = draft
    dated = isinstance(data.get("date"), datetime)
    if not dated:
        # Document#date: a draft's file time, else the time of the build (a view sets it to
        # the moment it is built; the file's time stands in until then).
        data["date"] = modified.astimezone(config.timezone)
        dated = draft
    ext = posixpath.splitext(key)[1]
    permalink = data.get("permalink")
    output_ext = _permalink_ext(permalink) or output_ext_for(ext, config)
    cleaned = re.sub(r"\.*\Z", "", inside[: len(inside) - len(ext)] if ext else inside)
    placeholders = document_placeholders(
        collection=collection,
        cleaned_path=cleaned,
        basename=posixpath.splitext(posixpath.basename(key))[0],
        slug=str(data["slug"]) if data.get("slug") not in (None, "") else None,
        categories=list(data.get("categories") or []),
        date=data["date"],
        output_ext=output_ext,
    )
    template = config.collection(collection).url_template
    try:
        url = document_url(
            template, str(permalink) if permalink not in (None, "") else None, placeholders
        )
    except UnknownPlaceholder as missing:
        raise ContentError(
            key,
            f"the permalink uses an unknown placeholder :{missing.args[0]}",
            line=_line_of(text, "permalink"),
            hint="see https://jekyllrb.com/docs/permalinks/#placeholders",
        ) from None
    document = Document(
        key=key,
        version=version,
        kind="document",
        collection=collection,
        url=url,
        output_ext=output_ext,
        data=data,
        modified=_last_modified(data, config.timezone, key, text) or modified,
        draft=draft,
        lists=lists_documents(matter.body),
        heading=first_heading(matter.body) if ext.lower() in config.markdown_exts else None,
        dated=dated,
    )
    return Loaded(document, matter.body, matter.body_line)


def _inside(key: str, config: SiteConfig, relative_directory: str) -> str:
    """The path inside the collection folder (``Document#cleaned_relative_path`` before cleaning).

    Jekyll removes the first occurrence of the collection folder's name from the relative path.
    """
    return _relative(key, config).replace(relative_directory, "", 1)


def _categories_from_path(key: str, config: SiteConfig, special: str) -> list[str]:
    """``Document#categories_from_path``: the folders above the special folder."""
    relative = _relative(key, config)
    if relative.startswith(special):
        return []
    above = re.sub(re.escape(special) + ".*", "", relative, count=1, flags=re.S)
    name = posixpath.basename(key)
    return [part for part in above.split("/") if part and part not in (special, name)]


def _merge_data(
    data: dict[str, Any],
    other: Mapping[str, Any],
    key: str,
    text: str,
    tz: tzinfo,
    source: str,
) -> dict[str, Any]:
    """``Document#merge_data!``: categories merged as a set, then a deep merge, then the date."""
    other = dict(other)
    value = other.get("categories")
    if value is not None:
        if isinstance(value, str):
            value = value.split()
        if isinstance(data.get("categories"), list):
            value = list(dict.fromkeys([*data["categories"], *_as_list(value)]))
        other["categories"] = value
    merged = deep_merge(data, other)
    if merged.get("date") is not None:
        line = _line_of(text, "date") if source == "YAML front matter" else None
        merged["date"] = parse_date(merged["date"], tz, key, line)
    return merged


def _relative(key: str, config: SiteConfig) -> str:
    """``Document#relative_path``: the key below ``collections_dir``."""
    base = config.collections_dir
    return key[len(base) + 1 :] if base and key.startswith(base + "/") else key


def _populate_title(data: dict[str, Any], relative: str, key: str, tz: tzinfo) -> None:
    """``Document#populate_title``: date and slug from the file name, a title from the slug."""
    match = DATE_FILENAME.match(relative)
    ext: str | None
    if match:
        day, slug, ext = match.groups()
        if data.get("date") is None:
            data["date"] = parse_date(day, tz, key, 1)
    else:
        dateless = DATELESS_FILENAME.match(relative)
        slug, ext = dateless.groups() if dateless else (None, None)
    if slug is None:
        slug = posixpath.splitext(posixpath.basename(key))[0]
    slug = re.sub(r"\.*\Z", "", slug)
    if data.get("title") is None:
        data["title"] = titleize_slug(slug)
    if data.get("slug") is None:
        data["slug"] = slug
    if data.get("ext") is None:
        data["ext"] = ext


def _populate_taxonomy(data: dict[str, Any]) -> None:
    """``populate_categories`` and ``populate_tags``."""
    categories = _flatten(
        _as_list(data.get("categories")) + pluralized(data, "category", "categories")
    )
    data["categories"] = list(dict.fromkeys(str(c) for c in categories))
    data["tags"] = _flatten(pluralized(data, "tag", "tags"))


def pluralized(data: Mapping[str, Any], singular: str, plural: str) -> list[Any]:
    """``Utils.pluralized_array_from_hash``: the singular key wins; a plural string splits."""
    value = data.get(singular)
    if value is not None:
        return [value]
    value = data.get(plural)
    if value is None:
        return []
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list):
        return [v for v in value if v is not None]
    return []


def _as_list(value: object) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _flatten(values: list[Any]) -> list[Any]:
    flat: list[Any] = []
    for value in values:
        if isinstance(value, list):
            flat.extend(_flatten(value))
        else:
            flat.append(value)
    return flat


def titleize_slug(slug: str) -> str:
    """``Utils.titleize_slug``: split on ``-``, capitalize each word as Ruby does."""
    return " ".join(word[:1].upper() + word[1:].lower() for word in slug.split("-"))


def parse_date(value: object, tz: tzinfo, path: str, line: int | None) -> datetime:
    """``Utils.parse_date`` (Ruby's ``Time.parse(...).localtime``) in the site timezone.

    A YAML date is midnight; a string is read as Ruby's ``Time.parse`` reads it; naive times are
    wall-clock times in the site timezone; aware ones are converted to it, which can move the day.
    """
    try:
        if isinstance(value, datetime):
            moment = value
        elif isinstance(value, date):
            moment = datetime.combine(value, time())
        else:
            moment = _read_date(str(value), tz, path, line)
        return representable(moment, tz)
    except (OverflowError, ValueError):
        raise ContentError(
            path,
            f"the date {value!s} is outside the years 1 to 9999 (in UTC and in the site's "
            "timezone), which is all that can be represented here",
            line=line,
            hint="use a date between 0001-01-02 and 9999-12-30",
        ) from None


def _read_date(text: str, tz: tzinfo, path: str, line: int | None) -> datetime:
    """A date string as Ruby's ``Time.parse`` reads it (``ruby_time``, shared with Liquid's
    ``date`` filter); ``OverflowError`` for one outside Python's years."""
    # Reading a site, not serving one: the reader (its regexes) is loaded on the first string.
    from handler.engine.liquid.timeparse import RubyTimeError, ruby_time

    try:
        return ruby_time(text, tz)
    except RubyTimeError:
        raise ContentError(
            path,
            f"invalid date {text.strip()!r}",
            line=line,
            hint="use YYYY-MM-DD or YYYY-MM-DD HH:MM:SS +0000",
        ) from None


def representable(moment: datetime, tz: tzinfo) -> datetime:
    """``moment`` in ``tz`` (a naive one is taken as a wall-clock time there), provided it can be
    told in UTC too (HTTP dates, feeds and sitemaps do); ``OverflowError`` when it cannot."""
    local = moment.replace(tzinfo=tz) if moment.tzinfo is None else moment.astimezone(tz)
    local.astimezone(UTC)
    local.utcoffset()
    return local


def _last_modified(data: Mapping[str, Any], tz: tzinfo, key: str, text: str) -> datetime | None:
    """``last_modified_at`` as a time (jekyll-sitemap and jekyll-feed print it; Jekyll fails the
    build on one it cannot read, Broadsheet fails the file, at its line)."""
    value = data.get("last_modified_at")
    if value in (None, ""):
        return None
    return parse_date(value, tz, key, _line_of(text, "last_modified_at"))


def _line_of(text: str, key: str) -> int | None:
    """The 1-based line of a top-level front matter key, for error messages."""
    match = re.search(rf"^{re.escape(key)}\s*:", text, re.M)
    return text.count("\n", 0, match.start()) + 1 if match else None


def split_front_matter(text: str, key: str) -> FrontMatter:
    """The body of a document's file (the renderer's read step)."""
    return parse_front_matter(text, key)
