"""Listings: the home page's pages, the tag, category and year archives, and related posts.

Pure functions over index entries; the site layer turns their results into pages. Paths are the ones
a Jekyll site on academicpages already has, so old links keep working:

- home pages as jekyll-paginate makes them: page 1 is ``/``, page N is ``paginate_path`` with
  ``:num`` replaced (``/page2/``); the directory form is canonical, as Jekyll writes
  ``page2/index.html``. Only the home page is paginated (a ``paginate_path`` under a folder still
  numbers from ``/``).
- ``/tags/`` and ``/categories/``: one ``<h2 id="{{ name | slugify }}">`` per name, names in
  Liquid ``sort`` order, each with its posts newest first (academicpages' ``group-by-array``).
- ``/tags/<slug>/`` and ``/categories/<slug>/``: one page per tag or category (Broadsheet's own).
- ``/year-archive/``: one ``<h2 id="YYYY">`` per year, newest first.

Names that slugify alike (``Python`` and ``python``, ``C`` and ``C++``) share one group, one anchor
and one page, so ids stay unique; academicpages would repeat the id.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, Literal, TypeVar
from urllib.parse import quote

from handler.engine.config import CONFIG_KEY, SiteConfig
from handler.engine.document import Document as Entry  # posts, as listings show them
from handler.engine.url import slugify
from handler.errors import ContentError, NotFound

T = TypeVar("T")
_NEVER = datetime.min.replace(tzinfo=UTC)
Kind = Literal["tags", "categories"]

DEFAULT_PAGINATE_PATH = "/page:num"  # jekyll-paginate's default
TAGS_PATH = "/tags/"
CATEGORIES_PATH = "/categories/"
YEAR_ARCHIVE_PATH = "/year-archive/"
RELATED_LIMIT = 4
# Ids the theme's base.html uses itself: an anchor that would repeat one gets a prefix.
RESERVED_IDS = frozenset({"content"})
_MAX_PAGE_DIGITS = 9

# --- pagination ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Pagination(Generic[T]):
    """One page of a paginated listing (jekyll-paginate's ``paginator``).

    URLs are site paths without ``baseurl``; ``newer_url`` is Jekyll's ``previous_page_path``
    (towards page 1), ``older_url`` its ``next_page_path``.
    """

    page: int
    pages: int
    total: int
    items: tuple[T, ...]
    url: str
    newer_url: str | None
    older_url: str | None


def paginate_path(config: SiteConfig) -> str:
    """``paginate_path`` from ``_config.yml``, or jekyll-paginate's default ``/page:num``."""
    value = config.raw.get("paginate_path")
    return str(value) if value else DEFAULT_PAGINATE_PATH


def page_url(number: int, path_template: str = DEFAULT_PAGINATE_PATH) -> str:
    """The path of page ``number``: ``/`` for page 1, else the template with ``:num`` filled in."""
    if ":num" not in path_template:
        raise ContentError(
            CONFIG_KEY,
            f"invalid paginate_path {path_template!r}: it must include ':num'",
            hint="for example paginate_path: /page:num/",
        )
    if number <= 1:
        return "/"
    filled = path_template.replace(":num", str(number), 1)
    return "/" + filled.strip("/") + "/"


def paginate(
    items: Sequence[T], per_page: int, page: int, path_template: str = DEFAULT_PAGINATE_PATH
) -> Pagination[T]:
    """Page ``page`` (1-based) of ``items``; ``NotFound`` past the last page.

    Page 1 always exists, empty when there is nothing to list.
    """
    if per_page < 1:
        raise ValueError(f"per_page must be at least 1, not {per_page}")
    pages = max(1, math.ceil(len(items) / per_page))
    if not 1 <= page <= pages:
        raise NotFound(f"page {page} of {pages}")
    start = (page - 1) * per_page
    return Pagination(
        page=page,
        pages=pages,
        total=len(items),
        items=tuple(items[start : start + per_page]),
        url=page_url(page, path_template),
        newer_url=page_url(page - 1, path_template) if page > 1 else None,
        older_url=page_url(page + 1, path_template) if page < pages else None,
    )


def parse_page_path(path: str, path_template: str = DEFAULT_PAGINATE_PATH) -> int | None:
    """The page number (2 or more) a request path names, else ``None``.

    Accepts the canonical ``/page2/`` and ``/page2/index.html``; ``/`` is page 1 and is the home
    route's business, and ``/page1/`` or ``/page02/`` are not pages (Jekyll never writes them).
    """
    if ":num" not in path_template:
        return None
    canonical = "/" + path_template.strip("/") + "/"
    before, after = canonical.split(":num", 1)
    pattern = re.escape(before) + rf"([1-9][0-9]{{0,{_MAX_PAGE_DIGITS - 1}}})" + re.escape(after)
    match = re.fullmatch(pattern, path.removesuffix("index.html"))
    if match is None:
        return None
    number = int(match.group(1))
    return number if number >= 2 else None


# --- groups ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Group:
    """Posts that share a tag, a category or a year, newest first.

    ``name`` is what a reader sees (the first of ``names`` in sort order); ``slug`` names the term
    page; ``anchor`` is the heading id on the archive page (the slug unless the theme uses it).
    """

    kind: Literal["tags", "categories", "year"]
    name: str
    slug: str
    names: tuple[str, ...]
    entries: tuple[Entry, ...]

    @property
    def anchor(self) -> str:
        return anchor_for(self.slug)

    @property
    def url(self) -> str:
        """The group's own page (for a year, its place on the year archive)."""
        if self.kind == "year":
            return f"{YEAR_ARCHIVE_PATH}#{self.anchor}"
        return term_url(self.kind, self.slug)

    @property
    def anchor_url(self) -> str:
        """The group's heading on the archive page: ``/tags/#python``."""
        if self.kind == "year":
            return self.url
        return f"/{self.kind}/#{self.anchor}"

    @property
    def modified(self) -> datetime | None:
        return max((e.modified for e in self.entries), default=None)


def term_slug(name: str) -> str:
    """``{{ name | slugify }}``; a name with no letter or digit gets its code points instead."""
    return slugify(name) or "-".join(f"{ord(ch):x}" for ch in name.strip())


def anchor_for(slug: str) -> str:
    return f"term-{slug}" if slug in RESERVED_IDS else slug


def term_url(kind: Kind, slug: str) -> str:
    """``/tags/<slug>/``, percent-encoded."""
    return f"/{kind}/{quote(slug, safe='')}/"


def parse_term_path(path: str) -> tuple[Kind, str] | None:
    """``("tags", slug)`` for ``/tags/<slug>/`` (decoded, as the server passes it), else ``None``."""
    inner = path.removesuffix("index.html")
    kinds: tuple[Kind, ...] = ("tags", "categories")
    for kind in kinds:
        prefix = f"/{kind}/"
        if inner.startswith(prefix) and inner.endswith("/"):
            slug = inner[len(prefix) : -1]
            if slug and "/" not in slug:
                return kind, slug
    return None


def newest_first(entries: Iterable[Entry]) -> list[Entry]:
    """Jekyll's ``site.posts`` order: by date, then path, newest first."""
    return sorted(entries, key=lambda e: (e.date or _NEVER, e.key), reverse=True)


def group_by_tag(entries: Iterable[Entry]) -> list[Group]:
    return _group_by_names("tags", entries, _tags_of)


def group_by_category(entries: Iterable[Entry]) -> list[Group]:
    return _group_by_names("categories", entries, _categories_of)


def terms(kind: Kind, entries: Sequence[Entry]) -> dict[str, list[str]]:
    """Each group's slug and the names spelled into it (sorted), in the groups' order: what
    :func:`group_by_tag` (or ``_category``) would give, without collecting each group's posts.

    A site's route table asks this of every post at a cold start: front matter lists of strings
    are merged as they are, without making each post's ``tags`` tuple first."""
    raw: set[Any] = set()
    try:
        raw = raw.union(*[e.data.get(kind) or () for e in entries])
        plain = all(type(name) is str for name in raw)  # not 1 and True (equal), nor 1 and "1"
    except TypeError:  # a name that is a list or a mapping
        plain = False
    if not plain:
        return _spellings(entries, _tags_of if kind == "tags" else _categories_of)
    return _spelled({name for name in raw if name.strip()})


def _tags_of(entry: Entry) -> Sequence[str]:
    return entry.tags


def _categories_of(entry: Entry) -> Sequence[str]:
    return entry.categories


def _spellings(
    entries: Iterable[Entry], names_of: Callable[[Entry], Sequence[str]]
) -> dict[str, list[str]]:
    every: set[str] = set().union(*map(names_of, entries))
    return _spelled({n for n in every if n.strip()})


def _spelled(names: set[str]) -> dict[str, list[str]]:
    spellings: dict[str, list[str]] = {}
    for name in sorted(names):  # in sort order, so groups and their spellings are too
        spellings.setdefault(term_slug(name), []).append(name)
    return spellings


def _group_by_names(
    kind: Kind, entries: Iterable[Entry], names_of: Callable[[Entry], Sequence[str]]
) -> list[Group]:
    ordered = newest_first(entries)
    spellings = _spellings(ordered, names_of)
    slugs = {name: slug for slug, spelled in spellings.items() for name in spelled}
    members: dict[str, list[Entry]] = {slug: [] for slug in spellings}
    for entry in ordered:
        for slug in dict.fromkeys(slugs[n] for n in names_of(entry) if n in slugs):
            members[slug].append(entry)
    return [
        Group(kind, spelled[0], slug, tuple(spelled), tuple(members[slug]))
        for slug, spelled in spellings.items()
    ]


def group_by_year(entries: Iterable[Entry]) -> list[Group]:
    """Years newest first, each with its posts newest first (dates in the site's time zone)."""
    groups: dict[int, list[Entry]] = {}
    for entry in newest_first(entries):
        if entry.date is not None:  # every post has a date
            groups.setdefault(entry.date.year, []).append(entry)
    return [
        Group("year", f"{year:04d}", f"{year:04d}", (f"{year:04d}",), tuple(members))
        for year, members in groups.items()
    ]


def find_group(groups: Iterable[Group], slug: str) -> Group | None:
    """The group whose slug is ``slug`` (compared decoded and case-sensitively, like a path)."""
    return next((g for g in groups if g.slug == slug), None)


# --- related posts -------------------------------------------------------------------------------


def related(
    entry: Entry, entries: Iterable[Entry], limit: int = RELATED_LIMIT, *, fill: bool = True
) -> list[Entry]:
    """Up to ``limit`` other posts: most shared tags first, then newest.

    With ``fill``, posts that share no tag make up the number, newest first, as Jekyll's
    ``site.related_posts`` (the most recent posts) would.
    """
    others = [e for e in newest_first(entries) if e.key != entry.key]
    tags = set(entry.tags)
    shared = [(len(tags.intersection(e.tags)), e) for e in others]
    ranked = [e for count, e in sorted(shared, key=lambda s: -s[0]) if count > 0]
    if fill:
        ranked += [e for count, e in shared if count == 0]
    return ranked[:limit]


# --- every listing page ----------------------------------------------------------------------------


def listing_pages(
    entries: Sequence[Entry], per_page: int, path_template: str = DEFAULT_PAGINATE_PATH
) -> list[tuple[str, datetime | None]]:
    """Every listing path with the newest modification among its posts (for the sitemap).

    ``entries`` are the visible posts, newest first: home pages, ``/tags/``, ``/categories/``,
    each term page and ``/year-archive/``.
    """
    ordered = newest_first(entries)
    pages = max(1, math.ceil(len(ordered) / per_page))
    found: list[tuple[str, datetime | None]] = []
    for number in range(1, pages + 1):
        chunk = ordered[(number - 1) * per_page : number * per_page]
        found.append((page_url(number, path_template), _newest(chunk)))
    for index_path, groups in (
        (TAGS_PATH, group_by_tag(ordered)),
        (CATEGORIES_PATH, group_by_category(ordered)),
    ):
        if groups:
            found.append((index_path, _newest(entries_in(groups))))
            found.extend((g.url, g.modified) for g in groups)
    if ordered:
        found.append((YEAR_ARCHIVE_PATH, _newest(ordered)))
    return found


def entries_in(groups: Iterable[Group]) -> list[Entry]:
    """Every entry in ``groups``, once."""
    return list({e.key: e for g in groups for e in g.entries}.values())


def _newest(entries: Iterable[Entry]) -> datetime | None:
    return max((e.modified for e in entries), default=None)
