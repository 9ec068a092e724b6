"""The site index: every post's URL, version and the front matter listings need.

Built by scanning a store (``scan``); kept small and JSON-serialisable so it can also live in the
bucket as a manifest that an S3-event indexer keeps current. Rebuilding reuses every entry whose
version is unchanged, so a refresh reads only the posts that changed.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import unquote

from handler.engine.config import CONFIG_KEY, SiteConfig
from handler.errors import ContentError, NotFound
from handler.jekyll import Post, PostPath, classify, read_post, shown
from handler.settings import DEFAULT_MAX_POST_BYTES
from handler.store import ObjectInfo, Store, StoredObject

log = logging.getLogger(__name__)

THEME_DIR = "_theme/"  # a site's own templates, which override the built-in theme


@dataclass(slots=True)
class Entry:
    """One post in the index (what listings, feeds and routing need, not the body).

    Treated as immutable (change one with ``dataclasses.replace``), but not ``frozen``: a frozen
    dataclass costs four times as much to construct, and a 10,000-post manifest builds 10,000.
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
    modified: datetime  # last_modified_at, else the object's time
    redirect_from: tuple[str, ...] = ()  # old paths that answer 301 to this post
    redirect_to: str | None = None  # this post answers 301 to here
    sitemap: bool = True  # `sitemap: false` leaves the post out of /sitemap.xml

    @property
    def name(self) -> str:
        """What ``{% post_url %}`` calls it: the path inside ``_posts`` without the extension."""
        inside = self.key.split("/_posts/", 1)[-1].removeprefix("_posts/")
        return inside.rsplit(".", 1)[0]

    def visible(self, now: datetime, *, future: bool, drafts: bool) -> bool:
        return shown(self.published, self.draft, self.date, now, future=future, drafts=drafts)

    @classmethod
    def from_post(cls, post: Post, modified: datetime) -> Entry:
        return cls(
            key=post.key,
            version=post.version,
            url=post.url,
            date=post.date,
            title=post.title,
            slug=post.slug,
            categories=post.categories,
            tags=post.tags,
            published=post.published,
            draft=post.draft,
            modified=post.last_modified_at or modified,
            redirect_from=_paths(post.data.get("redirect_from")),
            redirect_to=str(post.data["redirect_to"]) if post.data.get("redirect_to") else None,
            sitemap=post.data.get("sitemap", True) is not False,
        )


def _paths(value: object) -> tuple[str, ...]:
    """``redirect_from`` as a tuple of site paths (a string or a list in front matter)."""
    items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return tuple(dict.fromkeys("/" + str(v).strip().lstrip("/") for v in items if str(v).strip()))


def decode(obj: StoredObject, max_bytes: int) -> str:
    """A post's bytes as text, or a ContentError that names the offending line and column."""
    if len(obj.body) > max_bytes:
        raise _too_big(obj.key, len(obj.body), max_bytes)
    if b"\0" in obj.body:
        line, column = _position(obj.body, obj.body.index(b"\0"))
        raise ContentError(
            obj.key, "the file contains a NUL byte (is it binary?)", line=line, column=column
        )
    try:
        return obj.body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _position(obj.body, exc.start)
        raise ContentError(
            obj.key,
            f"byte 0x{obj.body[exc.start]:02x} is not valid UTF-8",
            line=line,
            column=column,
            hint="save the file as UTF-8",
        ) from None


def _too_big(key: str, size: int, max_bytes: int) -> ContentError:
    return ContentError(
        key,
        f"the file is {size:,} bytes, over the {max_bytes:,}-byte limit for a post",
        hint="split it, or raise MAX_POST_BYTES",
    )


def _position(data: bytes, offset: int) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", "replace")) + 1
    return data.count(b"\n", 0, offset) + 1, column


def load_post(obj: StoredObject, where: PostPath, config: SiteConfig, max_bytes: int) -> Post:
    """read -> parse front matter -> resolve URL, for one stored object."""
    return read_post(where, decode(obj, max_bytes), obj.version, config, mtime=obj.last_modified)


@dataclass(frozen=True, slots=True)
class SiteIndex:
    """All posts (visible or not), newest first, with lookups by URL, key and post name."""

    config: SiteConfig
    entries: tuple[Entry, ...]
    problems: Mapping[str, ContentError] = field(default_factory=dict)
    statics: frozenset[str] = frozenset()
    by_url: Mapping[str, Entry] = field(default_factory=dict)
    version: str = ""
    config_token: str = ""  # the store version of _config.yml the config was read from
    theme_token: str = ""  # a digest of the site's own templates in _theme/ ("" for none)
    # Lookups most requests never need, built on first use (a 10,000-post site loads faster).
    _lazy: dict[str, dict[str, Entry]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @property
    def by_key(self) -> Mapping[str, Entry]:
        """Posts by their key in the store."""
        return self._lookup("key", lambda: {e.key: e for e in self.entries})

    @property
    def by_name(self) -> Mapping[str, Entry]:
        """Posts by ``{% post_url %}`` name."""
        return self._lookup("name", lambda: {e.name: e for e in self.entries})

    @property
    def redirects(self) -> Mapping[str, Entry]:
        """Posts by the (decoded) old paths their ``redirect_from`` names."""
        return self._lookup(
            "redirects",
            lambda: {url_key(p): e for e in reversed(self.entries) for p in e.redirect_from},
        )

    def _lookup(self, name: str, build: Callable[[], dict[str, Entry]]) -> dict[str, Entry]:
        found = self._lazy.get(name)
        if found is None:
            found = self._lazy[name] = build()
        return found

    @classmethod
    def build(
        cls,
        config: SiteConfig,
        entries: Iterable[Entry],
        *,
        problems: Mapping[str, ContentError] | None = None,
        statics: Iterable[str] = (),
        config_token: str = "",
        theme_token: str = "",
        version: str | None = None,
        ordered: bool = False,
    ) -> SiteIndex:
        """The index of ``entries``.

        ``version`` is trusted when given, and ``ordered`` says the entries are already newest
        first (a manifest carries both, so a large site loads without re-sorting or re-hashing).
        """
        # Jekyll sorts by date, then path; we keep newest first.
        entries = (
            tuple(entries) if ordered else tuple(sorted(entries, key=_newest_first, reverse=True))
        )
        if version is None:
            digest = hashlib.sha256(config.version.encode())
            for entry in entries:
                digest.update(f"\0{entry.key}\0{entry.version}".encode())
            version = digest.hexdigest()[:16]
        return cls(
            config=config,
            entries=entries,
            problems=dict(problems or {}),
            statics=frozenset(statics),
            by_url={url_key(e.url) if "%" in e.url else e.url: e for e in reversed(entries)},
            version=version,
            config_token=config_token,
            theme_token=theme_token,
        )

    def visible(self, now: datetime, *, future: bool, drafts: bool) -> list[Entry]:
        future = future or self.config.future
        return [e for e in self.entries if e.visible(now, future=future, drafts=drafts)]

    def find(self, path: str) -> Entry | None:
        """The post at a (percent-decoded) request path."""
        return self.by_url.get(path)

    def with_entry(self, entry: Entry) -> SiteIndex:
        """This index with ``entry`` added or replacing the entry of the same key."""
        others = [e for e in self.entries if e.key != entry.key]
        problems = {k: v for k, v in self.problems.items() if k != entry.key}
        return self._rebuilt([*others, entry], problems)

    def without(self, key: str) -> SiteIndex:
        """This index with the post at ``key`` (and any problem recorded for it) gone."""
        problems = {k: v for k, v in self.problems.items() if k != key}
        return self._rebuilt([e for e in self.entries if e.key != key], problems)

    def with_problem(self, key: str, error: ContentError) -> SiteIndex:
        """This index recording ``error`` for ``key``; its last good entry, if any, stays."""
        return self._rebuilt(list(self.entries), {**self.problems, key: error})

    def _rebuilt(self, entries: list[Entry], problems: Mapping[str, ContentError]) -> SiteIndex:
        return SiteIndex.build(
            self.config,
            entries,
            problems=problems,
            statics=self.statics,
            config_token=self.config_token,
            theme_token=self.theme_token,
        )


def _newest_first(entry: Entry) -> tuple[datetime, str]:
    return entry.date, entry.key


def url_key(url: str) -> str:
    """URLs compare in decoded form, so ``/edge%20case/x/`` and ``/edge case/x/`` are one page."""
    return unquote(url)


def scan(
    store: Store,
    previous: SiteIndex | None = None,
    *,
    max_post_bytes: int = DEFAULT_MAX_POST_BYTES,
    skip: Iterable[str] = (),
) -> SiteIndex:
    """Build the index by listing the store; reuse ``previous`` entries whose version is unchanged.

    A post that fails to read keeps its last good entry (if the previous index had one), and the
    error is kept in ``problems`` and logged, so one broken upload never takes a post down.
    """
    infos = list(store.list())
    skipped = set(skip)
    config, config_token = _config(store, infos, previous)
    last_good = previous.by_key if previous is not None else {}
    same_config = previous is not None and previous.config.version == config.version
    reusable = last_good if same_config else {}
    entries: list[Entry] = []
    problems: dict[str, ContentError] = {}
    statics: list[str] = []
    for info in infos:
        if info.key in skipped or info.key == CONFIG_KEY:
            continue
        where = classify(info.key)
        if where is None:
            if is_static(info.key):
                statics.append(info.key)
            continue
        old = reusable.get(info.key)
        if old is not None and old.version == info.version:
            entries.append(old)
            continue
        try:
            if info.size > max_post_bytes:  # refused from the listing: never read into memory
                raise _too_big(info.key, info.size, max_post_bytes)
            post = load_post(store.get(info.key), where, config, max_post_bytes)
        except NotFound:
            continue  # deleted between the listing and the read
        except ContentError as error:
            problems[info.key] = error
            log.warning("content error: %s", error, extra={"key": info.key})
            if (good := last_good.get(info.key)) is not None:
                entries.append(good)
            continue
        entries.append(Entry.from_post(post, info.last_modified))
    return SiteIndex.build(
        config,
        entries,
        problems=problems,
        statics=statics,
        config_token=config_token,
        theme_token=theme_token([i for i in infos if i.key.startswith(THEME_DIR)]),
    )


def theme_token(infos: Iterable[ObjectInfo]) -> str:
    """A digest of the templates under ``_theme/`` (their keys and versions); ``""`` if none."""
    pairs = sorted((i.key, i.version) for i in infos if i.key.startswith(THEME_DIR))
    if not pairs:
        return ""
    return hashlib.sha256(repr(pairs).encode()).hexdigest()[:16]


def _config(
    store: Store, infos: list[ObjectInfo], previous: SiteIndex | None
) -> tuple[SiteConfig, str]:
    """The site config, re-read only when ``_config.yml``'s version changed.

    A broken ``_config.yml`` keeps the previous good config (logged); with none, Jekyll's defaults.
    """
    info = next((i for i in infos if i.key == CONFIG_KEY), None)
    if info is None:
        return SiteConfig(), ""
    if previous is not None and previous.config_token == info.version:
        return previous.config, info.version
    try:
        obj = store.get(CONFIG_KEY)
        return SiteConfig.parse(obj.body.decode("utf-8", "replace")), obj.version
    except NotFound:
        return SiteConfig(), ""
    except ContentError as error:
        log.error("content error: %s", error, extra={"key": CONFIG_KEY})
        if previous is not None:
            return previous.config, previous.config_token
        return SiteConfig(), ""


def is_static(key: str) -> bool:
    """Files Jekyll would copy as they are: not under ``_``/``.`` folders, not markdown sources."""
    parts = key.split("/")
    if any(p[:1] in ("_", ".", "#") or p.endswith("~") for p in parts):
        return False
    return not key.lower().endswith((".md", ".markdown"))


# The manifest stores each entry as a row of these columns (smaller and faster to read than
# one object per post); dates are ISO 8601 with their offset.
COLUMNS = (
    "key", "version", "url", "date", "title", "slug", "categories", "tags", "published", "draft",
    "modified", "redirect_from", "redirect_to", "sitemap",
)  # fmt: skip


def entry_row(entry: Entry) -> list[Any]:
    """An entry as a manifest row (see ``COLUMNS``)."""
    return [
        entry.key,
        entry.version,
        entry.url,
        entry.date.isoformat(),
        entry.title,
        entry.slug,
        list(entry.categories),
        list(entry.tags),
        entry.published,
        entry.draft,
        entry.modified.isoformat(),
        list(entry.redirect_from),
        entry.redirect_to,
        entry.sitemap,
    ]


def entry_from_row(row: list[Any]) -> Entry:
    """The inverse of :func:`entry_row`."""
    fromiso = datetime.fromisoformat
    return Entry(
        row[0],
        row[1],
        row[2],
        fromiso(row[3]),
        row[4],
        row[5],
        tuple(row[6]),
        tuple(row[7]),
        row[8],
        row[9],
        fromiso(row[10]),
        tuple(row[11]),
        row[12],
        row[13],
    )
