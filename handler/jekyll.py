"""What a Jekyll post means: file name, date, slug, title, categories, tags, permalink, excerpt.

Everything here follows Jekyll 4.3's own code (``document.rb``, ``url.rb``, ``utils.rb``,
``drops/url_drop.rb``, ``excerpt.rb``, ``publisher.rb``), so a post moved from GitHub Pages keeps
its URL, date, title and taxonomy. Pure functions over text: no I/O, no web, no AWS.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, tzinfo
from typing import Any
from urllib.parse import quote

from dateutil import parser as dateparser

from handler.engine.config import SiteConfig, defaults_for
from handler.errors import ContentError
from handler.engine.frontmatter import parse as parse_front_matter

# Document::DATE_FILENAME_MATCHER and DATELESS_FILENAME_MATCHER
DATE_FILENAME = re.compile(r"^(?:.+/)*?(\d{2,4}-\d{1,2}-\d{1,2})-([^/]*)(\.[^./]+)$")
DATELESS_FILENAME = re.compile(r"^(?:.+/)*(.*)(\.[^./]+)$")
MARKDOWN_EXTENSIONS = frozenset({".md", ".markdown", ".mkdown", ".mkdn", ".mkd", ".text"})
POSTS_DIR = "_posts"
DRAFTS_DIR = "_drafts"


@dataclass(frozen=True, slots=True)
class PostPath:
    """Where a post file sits: its key, the folder it counts from, and what its name says."""

    key: str  # e.g. "foo/_posts/bar/2008-12-12-topical-post.markdown"
    draft: bool
    path_categories: tuple[str, ...]
    name_date: str | None  # "2008-12-12" from the file name (None for drafts)
    slug: str
    ext: str


def classify(key: str) -> PostPath | None:
    """Return what ``key`` is if Jekyll would read it as a post or draft, else ``None``.

    Posts live in any ``_posts`` folder at any depth (the folders above it become categories) and
    must be named ``YYYY-MM-DD-slug.ext``; drafts live in ``_drafts`` and need no date. Files and
    folders whose names start with ``.``, ``_``, ``#`` or end with ``~`` are skipped, as Jekyll's
    EntryFilter does.
    """
    parts = key.split("/")
    for special, draft in ((POSTS_DIR, False), (DRAFTS_DIR, True)):
        if special not in parts[:-1]:
            continue
        at = parts.index(special)
        above, inside = parts[:at], parts[at + 1 :]
        if any(_filtered(p) for p in inside) or any(_hidden(p) for p in above):
            return None
        relative = "/".join(inside)
        if draft:
            match = DATELESS_FILENAME.match(relative)
            if match is None:
                return None
            slug, ext = match.group(1), match.group(2)
            name_date = None
        else:
            match = DATE_FILENAME.match(relative)
            if match is None:
                return None
            name_date, slug, ext = match.group(1), match.group(2), match.group(3)
        if ext.lower() not in MARKDOWN_EXTENSIONS:
            return None
        return PostPath(key, draft, tuple(above), name_date, slug, ext)
    return None


def _filtered(name: str) -> bool:
    return name[:1] in (".", "_", "#", "~") or name.endswith("~")


def _hidden(name: str) -> bool:
    return name.startswith(".")


@dataclass(frozen=True, slots=True)
class Post:
    """A post as Jekyll understands it, before rendering.

    ``data`` is the front matter merged over the ``defaults`` of ``_config.yml`` (Liquid's ``page``);
    ``body`` is the text after the front matter, byte for byte, starting at file line ``body_line``.
    """

    key: str
    version: str
    url: str
    date: datetime
    title: str
    slug: str
    categories: tuple[str, ...]
    tags: tuple[str, ...]
    published: bool
    draft: bool
    data: Mapping[str, Any]
    body: str
    body_line: int
    excerpt_separator: str
    last_modified_at: datetime | None = None
    id: str = field(default="")

    @property
    def front_matter_excerpt(self) -> str | None:
        value = self.data.get("excerpt")
        return None if value is None else str(value)

    @property
    def renders_liquid(self) -> bool:
        """Jekyll 4's ``render_with_liquid: false`` shows Liquid-looking text as it is."""
        return self.data.get("render_with_liquid", True) is not False

    def visible(self, now: datetime, *, future: bool, drafts: bool) -> bool:
        return shown(self.published, self.draft, self.date, now, future=future, drafts=drafts)


def shown(
    published: bool, draft: bool, date: datetime, now: datetime, *, future: bool, drafts: bool
) -> bool:
    """Jekyll's Publisher: shown unless unpublished, a draft not asked for, or in the future."""
    if not published or (draft and not drafts):
        return False
    return future or date <= now


def read_post(
    where: PostPath,
    text: str,
    version: str,
    config: SiteConfig,
    *,
    mtime: datetime | None = None,
) -> Post:
    """Read one post file's text the way Jekyll's ``Document#read`` does.

    ``mtime`` is the file's modification time, the date of a draft without a ``date``.
    Raises :class:`ContentError` (with the file's line) for broken front matter and bad dates.
    """
    matter = parse_front_matter(text, where.key)
    defaults = defaults_for(config, where.key, "posts")
    data = {**defaults, **matter.data}
    tz = config.timezone

    if data.get("date") not in (None, ""):
        moment = parse_date(data.get("date"), tz, where.key, _line_of(text, "date"))
    elif where.name_date is not None:
        moment = parse_date(where.name_date, tz, where.key, 1)
    else:
        moment = (mtime or datetime.now(tz)).astimezone(tz)

    slug = re.sub(r"\.*\Z", "", where.slug)
    slug = str(data["slug"]) if data.get("slug") not in (None, "") else slug
    title = data.get("title")
    title = (
        str(title) if title not in (None, "") else titleize_slug(re.sub(r"\.*\Z", "", where.slug))
    )
    categories = _categories(where.path_categories, defaults, matter.data)
    tags = _tags(data)
    published = data.get("published", True) is not False
    separator = str(data.get("excerpt_separator", config.excerpt_separator))

    page = {**data, "title": title, "slug": slug, "date": moment}
    page["categories"], page["tags"] = list(categories), list(tags)
    placeholders = url_placeholders(where, slug, moment, categories)
    permalink = data.get("permalink")
    template = str(permalink) if permalink not in (None, "") else config.permalink
    try:
        url = generate_url(template, placeholders)
    except KeyError as exc:
        raise ContentError(
            where.key,
            f"the permalink {template!r} uses an unknown placeholder :{exc.args[0]}",
            line=_line_of(text, "permalink"),
            hint="see https://jekyllrb.com/docs/permalinks/#placeholders",
        ) from None
    page["url"] = url
    page["id"] = _id_from_url(url)
    return Post(
        key=where.key,
        version=version,
        url=url,
        date=moment,
        title=title,
        slug=slug,
        categories=categories,
        tags=tags,
        published=published,
        draft=where.draft,
        data=page,
        body=matter.body,
        body_line=matter.body_line,
        excerpt_separator=separator,
        last_modified_at=_optional_date(data.get("last_modified_at"), tz),
        id=page["id"],
    )


def _line_of(text: str, key: str) -> int | None:
    """The 1-based line of a top-level front matter key, for error messages."""
    match = re.search(rf"^{re.escape(key)}\s*:", text, re.M)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _id_from_url(url: str) -> str:
    # Document#id: the URL without its output extension (and trailing index.html).
    return (
        re.sub(r"(\.html?|/index\.html?)\Z", "", url) if not url.endswith("/") else url.rstrip("/")
    )


def titleize_slug(slug: str) -> str:
    """Jekyll's ``Utils.titleize_slug``: split on ``-`` and capitalize each word (Ruby's rules)."""
    return " ".join(word[:1].upper() + word[1:].lower() for word in slug.split("-"))


def _optional_date(value: object, tz: tzinfo) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        return parse_date(value, tz, "", None)
    except ContentError:
        return None


def parse_date(value: object, tz: tzinfo, path: str, line: int | None) -> datetime:
    """Jekyll's ``Utils.parse_date`` (Ruby's ``Time.parse(...).localtime``) in the site timezone.

    YAML may hand us a ``date`` (``2023-06-07``), an aware ``datetime`` (``... +00:00``) or a
    string (``2010-01-10 13:07:09 +0100``, which PyYAML leaves alone). Naive times are wall-clock
    times in the site timezone; aware ones are converted to it, which can move the day.
    """
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time())
    else:
        text = str(value).strip()
        try:
            moment = dateparser.parse(text)
        except (ValueError, OverflowError):
            raise ContentError(
                path,
                f"invalid date {text!r}",
                line=line,
                hint="use YYYY-MM-DD or YYYY-MM-DD HH:MM:SS +0000",
            ) from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=tz)
    return moment.astimezone(tz)


def _categories(
    from_path: tuple[str, ...], defaults: Mapping[str, Any], front: Mapping[str, Any]
) -> tuple[str, ...]:
    # Document#categories_from_path, then merge_categories! once for the defaults and once for the
    # front matter (each a set union), then populate_categories adds `category`/`categories` again.
    merged: list[Any] = list(from_path)
    for layer in (defaults, front):
        value = layer.get("categories")
        for category in value.split() if isinstance(value, str) else _as_list(value):
            if category not in merged:
                merged.append(category)
    merged += _pluralized({**defaults, **front}, "category", "categories")
    return _unique(str(c) for c in _flatten(merged) if c is not None)


def _tags(data: Mapping[str, Any]) -> tuple[str, ...]:
    return _unique(str(t) for t in _flatten(_pluralized(data, "tag", "tags")) if t is not None)


def _pluralized(data: Mapping[str, Any], singular: str, plural: str) -> list[Any]:
    # Utils.pluralized_array_from_hash: the singular key wins; a plural string splits on spaces.
    value = data.get(singular)
    if value is not None:
        return [value]
    value = data.get(plural)
    if isinstance(value, str):
        return list(value.split())
    if isinstance(value, list):
        return [v for v in value if v is not None]
    return []


def _as_list(value: object) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def _flatten(values: list[Any]) -> list[Any]:
    flat: list[Any] = []
    for value in values:
        if isinstance(value, list):
            flat.extend(_flatten(value))
        else:
            flat.append(value)
    return flat


def _unique(values: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


# --- URLs: Jekyll::Drops::UrlDrop, Jekyll::URL, Jekyll::Utils.slugify --------------------------

_PRETTY_KEEP = set("._~!$&'()+,;=@")


def slugify(text: str, *, mode: str = "default", cased: bool = False) -> str:
    """Jekyll's ``Utils.slugify`` for the ``raw``, ``default``, ``pretty`` and ``ascii`` modes."""
    if mode == "raw":
        slug = re.sub(r"\s+", "-", text)
    else:
        out: list[str] = []
        for ch in text:
            keep = _word_char(ch) if mode != "ascii" else (ch.isascii() and ch.isalnum())
            if keep or (mode == "pretty" and ch in _PRETTY_KEEP):
                out.append(ch)
            elif not out or out[-1] != "\0":
                out.append("\0")
        slug = "".join(out).replace("\0", "-")
    slug = re.sub(r"^-|-$", "", slug, flags=re.M)
    return slug if cased else slug.lower()


def _word_char(ch: str) -> bool:
    category = unicodedata.category(ch)
    return category[0] in ("L", "M") or category == "Nd"


def url_placeholders(
    where: PostPath, slug: str, moment: datetime, categories: tuple[str, ...]
) -> dict[str, str]:
    """Every placeholder Jekyll's ``UrlDrop`` offers for a post."""
    basename = where.key.rsplit("/", 1)[-1][: -len(where.ext)]
    relative = where.key[: -len(where.ext)]
    special = DRAFTS_DIR if where.draft else POSTS_DIR
    cleaned = re.sub(r"\.*\Z", "", relative.replace(special, "", 1))
    lowered = _unique(c.lower() for c in categories)
    return {
        "collection": "posts",
        "path": cleaned,
        "name": slugify(basename),
        "title": slugify(slug, mode="pretty", cased=True),
        "slug": slugify(slug),
        "categories": "/".join(lowered),
        "slugified_categories": "/".join(_unique(slugify(c) for c in categories)),
        "year": f"{moment.year:04d}",
        "month": f"{moment.month:02d}",
        "day": f"{moment.day:02d}",
        "hour": f"{moment.hour:02d}",
        "minute": f"{moment.minute:02d}",
        "second": f"{moment.second:02d}",
        "i_day": str(moment.day),
        "i_month": str(moment.month),
        "short_month": moment.strftime("%b"),
        "long_month": moment.strftime("%B"),
        "short_year": moment.strftime("%y"),
        "w_year": f"{moment.isocalendar().year}",
        "week": f"{moment.isocalendar().week:02d}",
        "w_day": str(moment.isoweekday()),
        "short_day": moment.strftime("%a"),
        "long_day": moment.strftime("%A"),
        "y_day": moment.strftime("%j"),
        "output_ext": ".html",
    }


_PLACEHOLDER = re.compile(r":([a-z_]+)")
_PATH_SAFE = re.compile(r"^[a-zA-Z0-9./-]+$")


def escape_path(value: str) -> str:
    """``Jekyll::URL.escape_path``: percent-encode what is not allowed in a URL path segment."""
    if not value or _PATH_SAFE.match(value):
        return value
    return quote(value, safe="-._~!$&'()*+,;=:@/")


def generate_url(template: str, placeholders: Mapping[str, str]) -> str:
    """Fill ``template``'s placeholders and clean up the result as ``Jekyll::URL#to_s`` does.

    Raises ``KeyError(name)`` for a placeholder Jekyll does not know.
    """

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        pool = [name, name[:-1]] if name.endswith("_") else [name]
        for key in pool:
            if key in placeholders:
                rest = match.group(0)[len(key) + 1 :]
                return escape_path(placeholders[key]) + rest
        raise KeyError(name)

    filled = re.sub(r"/+", "/", _PLACEHOLDER.sub(fill, template))
    url = ("/" + filled).replace("..", "/").replace("./", "")
    return re.sub(r"/+", "/", url)


# --- Excerpts: Jekyll::Excerpt#extract_excerpt -------------------------------------------------

_LIQUID_TAG = re.compile(r"{%-?\s*(\w+)\s*.*?-?%}", re.S)
_LINK_REFERENCE = re.compile(r"^ {0,3}(?:(\[[^\]]+\])(:.+))$", re.M)
LIQUID_BLOCKS = frozenset(
    {"raw", "highlight", "if", "unless", "for", "case", "capture", "comment", "tablerow"}
)


def extract_excerpt(body: str, separator: str) -> str:
    """The markdown of a post's generated excerpt: the body up to ``separator``.

    As Jekyll does, Liquid blocks left open by the cut are closed, and the body's link reference
    definitions are appended so reference-style links in the excerpt still resolve.
    """
    head, found, tail = body.partition(separator)
    if "{%" in head:
        for name in reversed(_LIQUID_TAG.findall(head)):
            if name in LIQUID_BLOCKS and not re.search(rf"{{%-?\s*end{name}\s*-?%}}", head):
                head += f"\n{{% end{name} %}}"
    if not found or not tail:
        return head
    references = ["".join(m) for m in _LINK_REFERENCE.findall(tail)]
    return head + "\n\n" + "\n".join(references)
