"""``broadsheet check``: read every post the way the server does and say what is wrong, and where.

Each finding is a :class:`Diagnostic` with the file, line and column an editor can jump to. The
story of a check: read the config -> read each file (bytes, front matter, dates, title, mojibake)
-> compare URLs across posts and with the site's own routes -> render each post's Liquid with
resolvers that record the links that lead nowhere.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any, Literal

from handler import mojibake
from handler.engine.config import CONFIG_KEY, SiteConfig, defaults_for
from handler.errors import ContentError, NotFound, location
from handler.engine.frontmatter import parse as parse_front_matter
from handler.index import Entry, SiteIndex, decode, is_static, url_key
from handler.jekyll import POSTS_DIR, Post, classify, read_post
from handler.liquid import LiquidContext, LiquidRenderer
from handler.listings import CATEGORIES_PATH, TAGS_PATH, YEAR_ARCHIVE_PATH
from handler.site import (
    FEED_PATH,
    ROBOTS_PATH,
    SITEMAP_PATH,
    STYLESHEET_PATH,
)
from handler.store import ObjectInfo, Store

Level = Literal["error", "warning", "info"]
LEVELS: tuple[Level, ...] = ("error", "warning", "info")

# Paths the site itself answers (handler.site and the listings); a post there would be hidden.
FIXED_ROUTES = {
    "/": "the home page",
    "/index.html": "the home page",
    FEED_PATH: "the feed",
    SITEMAP_PATH: "the sitemap",
    ROBOTS_PATH: "robots.txt",
    YEAR_ARCHIVE_PATH: "the year archive",
    STYLESHEET_PATH: "the theme's stylesheet",
}
PREFIX_ROUTES = {
    TAGS_PATH: "the tag pages",
    CATEGORIES_PATH: "the category pages",
}
DEFAULT_PAGINATE_PATH = "/page:num/"
BACKUP_SUFFIXES = ("~", ".bak", ".orig", ".swp", ".tmp")
_NUMBERED_BAK = re.compile(r"\.bak\.\d+$")


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding. ``line`` and ``column`` are 1-based; ``None`` when they do not apply."""

    path: str
    line: int | None
    column: int | None
    level: Level
    message: str
    hint: str | None = None

    @property
    def location(self) -> str:
        return location(self.path, self.line, self.column)

    @classmethod
    def of(cls, error: ContentError, level: Level = "error") -> Diagnostic:
        return cls(error.path, error.line, error.column, level, error.message, error.hint)


@dataclass(frozen=True, slots=True)
class CheckReport:
    """Everything ``check`` found, in file and line order, and how many posts it read."""

    diagnostics: list[Diagnostic]
    posts: int

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.level == "error"]

    def count(self, level: Level) -> int:
        return sum(1 for d in self.diagnostics if d.level == level)


def check_site(store: Store, *, now: datetime, max_post_bytes: int) -> list[Diagnostic]:
    """Every problem in the site held by ``store``, as the server would meet it at ``now``."""
    return check(store, now=now, max_post_bytes=max_post_bytes).diagnostics


def check(store: Store, *, now: datetime, max_post_bytes: int) -> CheckReport:
    """Like :func:`check_site`, with the number of posts read (for the summary line)."""
    found: list[Diagnostic] = []
    infos = list(store.list())
    config = _read_config(store, infos, found)
    posts: list[_Read] = []
    for info in infos:
        read = _check_file(store, info, config, max_post_bytes, now, found)
        if read is not None:
            posts.append(read)
    published = [r for r in posts if r.post.published and not r.post.draft]
    found += _check_urls(published, config)
    found += _check_liquid(store, posts, config, [i for i in infos if is_static(i.key)], now)
    read_count = sum(1 for i in infos if classify(i.key) is not None)
    return CheckReport(sorted(found, key=_order), read_count)


@dataclass(frozen=True, slots=True)
class _Read:
    """A post that read cleanly, with its text and object time (for the index)."""

    post: Post
    text: str
    modified: datetime
    front: Mapping[str, Any]


def _order(d: Diagnostic) -> tuple[str, int, int, int]:
    return (d.path, d.line or 0, d.column or 0, LEVELS.index(d.level))


# --- one file ---------------------------------------------------------------------------------


def _read_config(store: Store, infos: list[ObjectInfo], found: list[Diagnostic]) -> SiteConfig:
    if not any(i.key == CONFIG_KEY for i in infos):
        return SiteConfig()
    try:
        return SiteConfig.parse(decode(store.get(CONFIG_KEY), 10 * 1024 * 1024))
    except NotFound:
        return SiteConfig()
    except ContentError as error:
        found.append(Diagnostic.of(error))
        return SiteConfig()


def _check_file(
    store: Store,
    info: ObjectInfo,
    config: SiteConfig,
    max_post_bytes: int,
    now: datetime,
    found: list[Diagnostic],
) -> _Read | None:
    where = classify(info.key)
    if where is None:
        if (problem := misnamed_post(info.key)) is not None:
            found.append(problem)
        return None
    try:
        obj = store.get(info.key)
        text = decode(obj, max_post_bytes)
    except NotFound:
        return None
    except ContentError as error:
        found.append(Diagnostic.of(error))
        return None
    found += mojibake_diagnostics(info.key, text)
    try:
        post = read_post(where, text, obj.version, config, mtime=obj.last_modified)
    except ContentError as error:
        found.append(Diagnostic.of(error))
        return None
    front = parse_front_matter(text, info.key).data
    read = _Read(post, text, info.last_modified, front)
    found += _check_post(read, config, now)
    return read


def misnamed_post(key: str) -> Diagnostic | None:
    """A warning for a file in ``_posts/`` that Jekyll (and Broadsheet) will not read as a post."""
    parts = key.split("/")
    if POSTS_DIR not in parts[:-1]:
        return None
    inside = parts[parts.index(POSTS_DIR) + 1 :]
    if any(p[:1] in (".", "_", "#") or p.endswith("~") for p in inside) or is_backup(key):
        return None  # Jekyll skips these on purpose, and so do we
    name = parts[-1]
    if re.match(r"^\d{2,4}-\d{1,2}-\d{1,2}-.+\.\w+$", name):
        message = f"{name!r} is not read as a post: only markdown posts (.md, .markdown) are"
        hint = "rename it to .md, or move it out of _posts/"
    else:
        message = f"{name!r} is not read as a post: its name does not start with a date"
        hint = 'name posts YYYY-MM-DD-title.md (e.g. `broadsheet new "Title"` does)'
    return Diagnostic(key, None, None, "warning", message, hint)


def is_backup(key: str) -> bool:
    """Editor and ``check --fix`` backups: never posts, never published."""
    name = key.rsplit("/", 1)[-1]
    return (
        name.endswith(BACKUP_SUFFIXES)
        or name.startswith("#")
        or _NUMBERED_BAK.search(name) is not None
    )


def mojibake_diagnostics(key: str, text: str) -> list[Diagnostic]:
    return [
        Diagnostic(
            key,
            s.line,
            s.column,
            "warning",
            f"suspected mojibake {s.found!r}: it reads {s.fixed!r} decoded as UTF-8",
            "run `broadsheet check --fix` to repair it (a .bak copy is kept)",
        )
        for s in mojibake.find(text)
    ]


def _check_post(read: _Read, config: SiteConfig, now: datetime) -> list[Diagnostic]:
    post, found = read.post, []
    defaults = defaults_for(config, post.key, "posts")
    if read.front.get("title") in (None, "") and defaults.get("title") in (None, ""):
        found.append(
            Diagnostic(
                post.key,
                1,
                None,
                "warning",
                f"no title: it will be {post.title!r}, made from the file name",
                "add `title: ...` to the front matter",
            )
        )
    future = config.future or post.draft or not post.published
    if post.date > now and not future:
        found.append(
            Diagnostic(
                post.key,
                front_matter_line(read.text, "date") or 1,
                None,
                "info",
                f"dated in the future: goes live at {post.date.isoformat()} "
                f"({post.date.astimezone(now.tzinfo):%Y-%m-%d %H:%M %Z})",
                "until then it is hidden; `broadsheet serve --future` shows it",
            )
        )
    return found


def front_matter_line(text: str, key: str) -> int | None:
    """The 1-based line of a top-level front matter key."""
    match = re.search(rf"^{re.escape(key)}\s*:", text, re.M)
    return text.count("\n", 0, match.start()) + 1 if match else None


# --- URLs ---------------------------------------------------------------------------------------


def reserved_route(url: str, paginate_path: str = DEFAULT_PAGINATE_PATH) -> str | None:
    """What the site serves at ``url`` itself (``"the feed"``), or ``None`` if it is free."""
    path = url_key(url)
    if path.endswith("/index.html"):
        path = path.removesuffix("index.html")
    for candidate in (path, path.rstrip("/") + "/"):
        if candidate in FIXED_ROUTES:
            return FIXED_ROUTES[candidate]
    for prefix, what in PREFIX_ROUTES.items():
        if path == prefix.rstrip("/") or path.startswith(prefix):
            return what
    pattern = re.escape(paginate_path.strip("/")).replace(re.escape(":num"), r"\d+")
    if re.fullmatch(rf"/{pattern}/?", path):
        return "a page of the post listing"
    return None


def redirects(data: Mapping[str, Any]) -> list[str]:
    """``redirect_from`` values (jekyll-redirect-from accepts one string or a list)."""
    value = data.get("redirect_from")
    values = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return ["/" + str(v).lstrip("/") for v in values if v not in (None, "")]


def _check_urls(posts: Sequence[_Read], config: SiteConfig) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    paginate_path = str(config.raw.get("paginate_path") or DEFAULT_PAGINATE_PATH)
    owners: dict[str, list[_Read]] = {}
    for read in posts:
        owners.setdefault(url_key(read.post.url), []).append(read)
    for url, group in owners.items():
        for read in group:
            line = front_matter_line(read.text, "permalink")
            others = ", ".join(o.post.key for o in group if o is not read)
            if others:
                found.append(
                    Diagnostic(
                        read.post.key,
                        line,
                        None,
                        "error",
                        f"two posts have the URL {url}: this one and {others}",
                        "change one post's permalink or file name",
                    )
                )
            if (route := reserved_route(url, paginate_path)) is not None:
                found.append(
                    Diagnostic(
                        read.post.key,
                        line,
                        None,
                        "error",
                        f"the URL {url} is {route}, a page of the site itself",
                        "give the post another permalink",
                    )
                )
    found += _check_redirects(posts, owners, paginate_path)
    return found


def _check_redirects(
    posts: Sequence[_Read], owners: Mapping[str, list[_Read]], paginate_path: str
) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    seen: dict[str, str] = {}
    for read in posts:
        for source in redirects(read.post.data):
            path = url_key(source)
            line = _value_line(read.text, "redirect_from", source.lstrip("/"))
            clash = _redirect_clash(path, read, owners, seen, paginate_path)
            if clash is not None:
                found.append(
                    Diagnostic(
                        read.post.key,
                        line,
                        None,
                        "error",
                        f"redirect_from {source} {clash}",
                        "remove the redirect or change it",
                    )
                )
            seen.setdefault(path, read.post.key)
    return found


def _redirect_clash(
    path: str,
    read: _Read,
    owners: Mapping[str, list[_Read]],
    seen: Mapping[str, str],
    paginate_path: str,
) -> str | None:
    if (route := reserved_route(path, paginate_path)) is not None:
        return f"is {route}, a page of the site itself"
    if path in owners:
        return f"is the URL of {', '.join(o.post.key for o in owners[path])}"
    if path in seen:
        return f"is also a redirect in {seen[path]}"
    return None


def _value_line(text: str, key: str, value: str) -> int | None:
    """The line of ``value`` inside the front matter entry ``key`` (list item or scalar)."""
    start = front_matter_line(text, key)
    if start is None:
        return None
    lines = text.split("\n")
    for number in range(start, min(len(lines), start + 200) + 1):
        line = lines[number - 1]
        if number > start and re.match(r"^(---|\.\.\.)\s*$|^\S", line):
            break
        if value in line:
            return number
    return start


# --- Liquid -------------------------------------------------------------------------------------

_LOOKUP_TAG = r"\{{%-?\s*{tag}\s+{argument}\s*-?%\}}"


def _check_liquid(
    store: Store,
    posts: Sequence[_Read],
    config: SiteConfig,
    statics: Iterable[ObjectInfo],
    now: datetime,
) -> list[Diagnostic]:
    """Render each post's Liquid as the server would, recording ``post_url``/``link`` misses."""
    entries = [Entry.from_post(r.post, r.modified) for r in posts]
    index = SiteIndex.build(config, entries, statics=[s.key for s in statics])
    renderer = LiquidRenderer()
    found: list[Diagnostic] = []
    for read in posts:
        if not read.post.renders_liquid or not LiquidRenderer.needs_liquid(read.post.body):
            continue
        misses: list[tuple[str, str]] = []
        context = _recording(liquid_context(store, index, read.post, now), misses)
        try:
            renderer.render(
                read.post.body, path=read.post.key, first_line=read.post.body_line, context=context
            )
        except ContentError as error:
            found.append(Diagnostic.of(error))
        found += [_missing_link(read, tag, target) for tag, target in misses]
    return found


def liquid_context(store: Store, index: SiteIndex, post: Post, now: datetime) -> LiquidContext:
    """What a post's Liquid reaches, resolved as ``handler.site.Site`` resolves it."""
    folder = posixpath.dirname(post.key)

    def text(key: str) -> str:
        return store.get(key).body.decode("utf-8", "replace")

    def post_url(name: str) -> str | None:
        entry = index.by_name.get(name.strip())
        return None if entry is None else entry.url

    def link(path: str) -> str | None:
        path = path.strip().lstrip("/")
        entry = index.by_key.get(path)
        if entry is not None:
            return entry.url
        return "/" + path if path in index.statics else None

    return LiquidContext(
        site={**index.config.raw, "time": now},
        page=post.data,
        post_url=post_url,
        link=link,
        include=text,
        include_relative=lambda name: text(posixpath.normpath(f"{folder}/{name}")),
    )


def _recording(context: LiquidContext, misses: list[tuple[str, str]]) -> LiquidContext:
    def recorder(tag: str, resolve: Callable[[str], str | None]) -> Callable[[str], str]:
        def lookup(target: str) -> str:
            url = resolve(target)
            if url is None:
                misses.append((tag, target))
                return "#"
            return url

        return lookup

    return replace(
        context,
        post_url=recorder("post_url", context.post_url),
        link=recorder("link", context.link),
    )


def _missing_link(read: _Read, tag: str, target: str) -> Diagnostic:
    pattern = _LOOKUP_TAG.format(tag=tag, argument=re.escape(target.strip()))
    match = re.search(pattern, read.post.body)
    line, column = read.post.body_line, None
    if match is not None:
        line += read.post.body.count("\n", 0, match.start())
        column = match.start() - (read.post.body.rfind("\n", 0, match.start()) + 1) + 1
    what = "post" if tag == "post_url" else "file"
    hint = (
        "post_url takes a post's file name without .md, e.g. 2023-06-07-journey"
        if tag == "post_url"
        else "link takes a file's path from the site's root, e.g. _posts/2023-06-07-journey.md"
    )
    return Diagnostic(
        read.post.key, line, column, "error", f"{tag}: no {what} {target.strip()!r}", hint
    )


# --- output -------------------------------------------------------------------------------------


def format_text(diagnostics: Iterable[Diagnostic], root: str = "") -> str:
    """``file:line:col: level: message`` lines (hints indented below), for terminals and editors."""
    prefix = root.rstrip("/") + "/" if root and root != "." else ""
    lines = []
    for d in diagnostics:
        lines.append(f"{prefix}{d.location}: {d.level}: {d.message}")
        if d.hint:
            lines.append(f"    hint: {d.hint}")
    return "\n".join(lines)


def format_json(report: CheckReport, root: str = "") -> str:
    """The report as one JSON document: ``{"diagnostics": [...], "summary": {...}}``."""
    document = {
        "root": root,
        "diagnostics": [asdict(d) for d in report.diagnostics],
        "summary": {
            "posts": report.posts,
            "errors": report.count("error"),
            "warnings": report.count("warning"),
            "info": report.count("info"),
        },
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def summary(report: CheckReport) -> str:
    """One line: ``checked 12 posts: 2 errors, 1 warning, 1 note``."""
    counts = [
        _plural(report.count("error"), "error"),
        _plural(report.count("warning"), "warning"),
        _plural(report.count("info"), "note"),
    ]
    tail = ", ".join(c for c in counts if not c.startswith("0 ")) or "no problems"
    return f"checked {_plural(report.posts, 'post')}: {tail}"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
