"""The site index: everything Jekyll's reader finds, without the bodies.

:func:`scan` lists a store once and builds a :class:`SiteIndex`: the configuration, every page and
document with its front matter and URL, every static file, the layouts, and the versions of every
other file a render may read (includes, data, Sass partials). It is small enough to live in the
bucket as one JSON object (``handler.engine.manifest``) that an S3-event indexer keeps current, and
rebuilding it reuses every record whose file is unchanged, so a refresh reads only what changed.

One broken file never takes the site down: its error is kept in ``problems`` (and logged), and its
last good record, if the previous index had one, stays.
"""

from __future__ import annotations

import hashlib
import logging
import posixpath
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, cmp_to_key
from typing import TYPE_CHECKING, Any

from handler.engine.config import CONFIG_KEY, SiteConfig
from handler.engine.data import parse_data
from handler.engine.document import (
    Document,
    Loaded,
    read_document,
    read_page,
    split_front_matter,
)
from handler.engine.liquid.host import Source
from handler.engine.reader import Classifier, Place, has_header, lists_documents, needs_header
from handler.engine.static_file import StaticFile, static_file
from handler.errors import (
    BroadsheetError,
    ContentError,
    Forbidden,
    NotFound,
    StoreUnavailable,
    TooLarge,
)
from handler.store import ObjectInfo, Store, StoredObject

if TYPE_CHECKING:
    from handler.engine.liquid.engine import LiquidEngine

log = logging.getLogger(__name__)

DEFAULT_MAX_DOCUMENT_BYTES = 512 * 1024  # pages and documents (MAX_POST_BYTES)
MAX_CONFIG_BYTES = 1024 * 1024
MAX_LAYOUT_BYTES = 256 * 1024
MAX_INCLUDE_BYTES = 256 * 1024
MAX_DATA_BYTES = 2 * 1024 * 1024
# Files a render reads on demand: each is checked as the render would read it before the index
# records its version (a broken upload keeps the last good one, as a broken post does).
CHECKED_ROLES = ("layout", "include", "data")
HEADER_BYTES = 8  # "---" and a line end, as `Utils.has_yaml_header?` reads the first line
IGNORED_PREFIXES = ("_broadsheet/",)  # Broadsheet's own objects (the manifest, compiled CSS)


@dataclass(frozen=True, slots=True)
class FileRef:
    """A file the engine reads on demand (a layout, an include, a data file): key and version."""

    key: str
    version: str


@dataclass(frozen=True, slots=True)
class SiteIndex:
    """Pages, documents and static files in Jekyll's order, and the files they may read.

    ``documents`` holds pages first (by file name, as ``Reader#sort_files!``), then each
    collection's documents in the collection's order (``posts`` first). Unpublished and future
    documents are kept: whether a reader may see one is decided at request time.
    """

    config: SiteConfig
    documents: tuple[Document, ...] = ()
    statics: tuple[StaticFile, ...] = ()
    layouts: Mapping[str, FileRef] = field(default_factory=dict)
    files: Mapping[str, str] = field(default_factory=dict)
    problems: Mapping[str, ContentError] = field(default_factory=dict)
    config_token: str = ""
    version: str = ""
    listing_templates: frozenset[str] = frozenset()  # layouts and includes that list documents
    # ``_config.yml`` is broken and there was never a good one to keep: ``config`` is Jekyll's
    # defaults standing in, and the site is not to be served as if it were the author's.
    config_fallback: bool = False
    _lazy: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    # --- lookups, built on first use ----------------------------------------------------------

    def derived(self, name: str, build: Callable[[], Any]) -> Any:
        """A value computed from the index once, on first use (the index never changes)."""
        found = self._lazy.get(name)
        if found is None:
            found = self._lazy[name] = build()
        return found

    @property
    def by_key(self) -> Mapping[str, Document]:
        result: Mapping[str, Document] = self.derived(
            "by_key", lambda: {d.key: d for d in self.documents}
        )
        return result

    @property
    def statics_by_key(self) -> Mapping[str, StaticFile]:
        result: Mapping[str, StaticFile] = self.derived(
            "statics_by_key", lambda: {s.key: s for s in self.statics}
        )
        return result

    @property
    def pages(self) -> tuple[Document, ...]:
        result: tuple[Document, ...] = self.derived(
            "pages", lambda: tuple(d for d in self.documents if d.kind == "page")
        )
        return result

    def collection(self, label: str) -> tuple[Document, ...]:
        """The documents of ``label`` in the collection's order (posts: oldest first)."""
        result: tuple[Document, ...] = self.derived(
            "collection:" + label,
            lambda: tuple(d for d in self.documents if d.collection == label),
        )
        return result

    def version_of(self, key: str) -> str | None:
        """The version of any file the index knows (documents, statics, layouts, others)."""
        if (document := self.by_key.get(key)) is not None:
            return document.version
        if (static := self.statics_by_key.get(key)) is not None:
            return static.version
        return self.files.get(key)

    @classmethod
    def build(
        cls,
        config: SiteConfig,
        documents: Iterable[Document],
        statics: Iterable[StaticFile] = (),
        *,
        layouts: Mapping[str, FileRef] | None = None,
        files: Mapping[str, str] | None = None,
        problems: Mapping[str, ContentError] | None = None,
        config_token: str = "",
        version: str | None = None,
        ordered: bool = False,
        listing_templates: Iterable[str] = (),
        config_fallback: bool = False,
    ) -> SiteIndex:
        """An index of these records, put in Jekyll's order unless ``ordered`` says they are."""
        docs = tuple(documents) if ordered else order_documents(config, documents)
        stats = tuple(statics) if ordered else tuple(sorted(statics, key=lambda s: s.relative_path))
        layouts = dict(layouts or {})
        files = dict(files or {})
        if version is None:
            version = _digest(config, docs, stats, layouts, files)
        return cls(
            config=config,
            documents=docs,
            statics=stats,
            layouts=layouts,
            files=files,
            problems=dict(problems or {}),
            config_token=config_token,
            version=version,
            listing_templates=frozenset(listing_templates),
            config_fallback=config_fallback,
        )

    @property
    def config_error(self) -> ContentError | None:
        """Why ``_config.yml`` as it is in the store is not the configuration in use, if it is
        not (the index keeps the last good one, or, with ``config_fallback``, the defaults)."""
        return self.problems.get(CONFIG_KEY)


def _digest(
    config: SiteConfig,
    documents: tuple[Document, ...],
    statics: tuple[StaticFile, ...],
    layouts: Mapping[str, FileRef],
    files: Mapping[str, str],
) -> str:
    digest = hashlib.sha256(config.version.encode())
    for document in documents:
        digest.update(f"\0d{document.key}\0{document.version}".encode())
    for static in statics:
        digest.update(f"\0s{static.key}\0{static.version}".encode())
    for name, ref in sorted(layouts.items()):
        digest.update(f"\0l{name}\0{ref.key}\0{ref.version}".encode())
    for key, version in sorted(files.items()):
        digest.update(f"\0f{key}\0{version}".encode())
    return digest.hexdigest()[:16]


# --- Jekyll's order -------------------------------------------------------------------------------


def order_documents(config: SiteConfig, documents: Iterable[Document]) -> tuple[Document, ...]:
    """Pages by file name, then every collection in configuration order, each sorted as
    ``Collection#sort_docs!`` sorts it (``order:``, ``sort_by:``, else date then path)."""
    everything = list(documents)
    pages = sorted((d for d in everything if d.kind == "page"), key=lambda d: (d.name, d.key))
    ordered: list[Document] = list(pages)
    for collection in config.collections:
        docs = [d for d in everything if d.collection == collection.label]
        if collection.order is not None:
            docs = _custom_order(docs, collection.order, collection.relative_directory)
        elif collection.sort_by is not None:
            docs = sorted(docs, key=cmp_to_key(_by_property(collection.sort_by)))
        else:
            docs = sorted(docs, key=cmp_to_key(compare_documents))
        ordered.extend(docs)
    return tuple(ordered)


def compare_documents(a: Document, b: Document) -> int:
    """``Document#<=>``: by date, then by path."""
    result = _ruby_cmp(a.data.get("date"), b.data.get("date"))
    if not result:
        result = _ruby_cmp(a.key, b.key) or 0
    return result


def _by_property(name: str) -> Callable[[Document, Document], int]:
    def compare(a: Document, b: Document) -> int:
        left, right = a.data.get(name), b.data.get(name)
        if left is None and right is not None:
            return 1
        if left is not None and right is None:
            return -1
        order = _ruby_cmp(left, right)
        return order if order else compare_documents(a, b)

    return compare


def _ruby_cmp(left: object, right: object) -> int | None:
    """Ruby's ``<=>``: ``None`` for values that do not compare (different types, nil)."""
    try:
        if left == right:
            return 0
        return -1 if left < right else 1  # type: ignore[operator]
    except TypeError:
        return None


def _custom_order(docs: list[Document], order: list[str], folder: str) -> list[Document]:
    by_path = {
        d.key.rsplit(folder + "/", 1)[-1]: d
        for d in sorted(docs, key=cmp_to_key(compare_documents))
    }
    listed = [by_path.pop(name) for name in order if name in by_path]
    return listed + list(by_path.values())


# --- scanning a store ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Limits:
    """Byte limits on what the reader reads (bucket content is untrusted input)."""

    document: int = DEFAULT_MAX_DOCUMENT_BYTES
    config: int = MAX_CONFIG_BYTES
    layout: int = MAX_LAYOUT_BYTES
    include: int = MAX_INCLUDE_BYTES
    data: int = MAX_DATA_BYTES

    def of(self, role: str) -> int:
        """The limit on a file of ``role`` (a layout, an include, a data file)."""
        limit: int = getattr(self, role)
        return limit


@dataclass(frozen=True, slots=True)
class ConfigRead:
    """``_config.yml`` as a scan takes it: the configuration to use and its token, and, when the
    store's file is broken, its error and whether ``config`` is only Jekyll's defaults standing
    in (no good configuration before it)."""

    config: SiteConfig
    token: str
    error: ContentError | None = None
    fallback: bool = False


def read_config(store: Store, previous: SiteIndex | None = None) -> ConfigRead:
    """``_config.yml`` (Jekyll's defaults without one). A broken one (unreadable, too large,
    bad YAML or bad values) keeps the previous good configuration, logged; with none before it,
    the defaults stand in and ``fallback`` says so."""
    try:
        obj = store.get(CONFIG_KEY, max_bytes=MAX_CONFIG_BYTES)
        if previous is not None and previous.config_token == obj.version:
            return ConfigRead(previous.config, obj.version)
        return ConfigRead(SiteConfig.parse(decode(obj)), obj.version)
    except Forbidden:
        raise refused(store, CONFIG_KEY) from None  # not "no config": every URL would move
    except NotFound:
        return ConfigRead(SiteConfig(), "")
    except ContentError as error:
        log.error("content error: %s", error, extra={"key": CONFIG_KEY})
        if previous is not None and not previous.config_fallback:
            return ConfigRead(previous.config, previous.config_token, error)
        return ConfigRead(SiteConfig(), "", error, fallback=True)


def read_config_text(store: Store) -> str | None:
    """``_config.yml``'s text, for the manifest (``None`` when the site has none)."""
    try:
        return decode(store.get(CONFIG_KEY, max_bytes=MAX_CONFIG_BYTES))
    except Forbidden:
        raise refused(store, CONFIG_KEY) from None
    except NotFound:
        return None
    except ContentError as error:
        log.error("content error: %s", error)
        return None


def scan(
    store: Store,
    previous: SiteIndex | None = None,
    *,
    limits: Limits | None = None,
) -> SiteIndex:
    """Build the index by listing ``store``, reusing ``previous`` records whose file is unchanged.

    Drafts are read too (a signed preview link shows them); views hide them unless asked.
    """
    limits = limits or Limits()
    infos = [i for i in store.list() if not i.key.startswith(IGNORED_PREFIXES)]
    read = read_config(store, previous)
    config = read.config
    same_config = previous is not None and previous.config.version == config.version
    reader = _Reader(store, config, limits, previous if same_config else None, previous)
    for info in infos:
        reader.add(info)
    if read.error is not None:
        reader.problems[CONFIG_KEY] = read.error
    return SiteIndex.build(
        config,
        reader.documents,
        reader.statics,
        layouts=reader.layouts,
        files=reader.files,
        problems=reader.problems,
        config_token=read.token,
        listing_templates=reader.listing & set(reader.files),
        config_fallback=read.fallback,
    )


class _Reader:
    """One scan's state: what each listed key turned out to be."""

    def __init__(
        self,
        store: Store,
        config: SiteConfig,
        limits: Limits,
        reusable: SiteIndex | None,
        previous: SiteIndex | None,
    ) -> None:
        self.store = store
        self.config = config
        self.limits = limits
        self.classifier = Classifier(config)
        self.reusable = reusable
        self.previous = previous
        self.last_good = previous.by_key if previous is not None else {}
        self.documents: list[Document] = []
        self.statics: list[StaticFile] = []
        self.layouts: dict[str, FileRef] = {}
        self.files: dict[str, str] = {}
        self.problems: dict[str, ContentError] = {}
        self.listing: set[str] = set(reusable.listing_templates) if reusable else set()

    def add(self, info: ObjectInfo) -> None:
        place = self.classifier.place(info.key)
        if place.role == "config":
            return
        if place.role in CHECKED_ROLES:
            self._file(info, place)
            return
        if place.role == "other":
            self.files[info.key] = info.version
            return
        if self._reuse(info):
            return
        try:
            self._read(info, place)
        except Forbidden:
            # Listed, so it exists: a refused read is a missing permission, never a deletion
            # (the index would drop the post). Fail loudly; the event is retried.
            raise refused(self.store, info.key) from None
        except NotFound:
            return  # deleted between the listing and the read
        except ContentError as error:
            self._problem(info.key, error)
        except BroadsheetError:
            raise  # the store failed: the whole refresh is retried
        except Exception as error:
            # A value no check foresaw (a number or a date Python cannot hold): this file's
            # error, with its traceback in the log, never the whole index's.
            log.exception("unexpected error reading %s", info.key)
            self._problem(
                info.key,
                ContentError(info.key, f"could not be read ({type(error).__name__}: {error})"),
            )

    def _problem(self, key: str, error: ContentError) -> None:
        """``key`` is broken: note why, and keep its last good record if there is one."""
        self.problems[key] = error
        log.warning("content error: %s", error, extra={"key": key})
        if (good := self.last_good.get(key)) is not None:
            self.documents.append(good)

    def _file(self, info: ObjectInfo, place: Place) -> None:
        """A layout, include or data file, recorded at the version a render can use."""
        version = self._checked(info, place)
        if version is None:
            return  # deleted between the listing and the read
        if place.role == "layout" and place.name is not None:
            self.layouts.setdefault(place.name, FileRef(info.key, version))
        self.files[info.key] = version

    def _checked(self, info: ObjectInfo, place: Place) -> str | None:
        """The version of ``info`` to record: its own once it reads as a render reads it (read
        again only when it changed), else its last good one, kept in the bucket's history, with
        the problem noted; ``""`` when there is none (the render then meets the error)."""
        reusable = self.reusable
        if (
            reusable is not None
            and reusable.files.get(info.key) == info.version
            and info.key not in reusable.problems
        ):
            return info.version
        try:
            text = self._read_checked(info, place)
        except Forbidden:
            raise refused(self.store, info.key) from None
        except NotFound:
            return None
        except ContentError as error:
            return self._file_problem(info, place, error)
        except BroadsheetError:
            raise  # the store failed: the whole refresh is retried
        except Exception as error:  # a parser's failure no check foresaw: this file's error
            log.exception("unexpected error reading %s", info.key)
            found = ContentError(info.key, f"could not be read ({type(error).__name__}: {error})")
            return self._file_problem(info, place, found)
        if place.role in ("layout", "include"):
            self.listing.discard(info.key)
            if lists_documents(text):
                self.listing.add(info.key)
        return info.version

    def _read_checked(self, info: ObjectInfo, place: Place) -> str:
        limit = self.limits.of(place.role)
        if info.size > limit:  # refused from the listing: never read
            raise TooLarge(info.key, info.size, limit)
        return check_file(self.store.get(info.key, max_bytes=limit), place.role, self.config)

    def _file_problem(self, info: ObjectInfo, place: Place, error: ContentError) -> str:
        self.problems[info.key] = error
        log.warning("content error: %s", error, extra={"key": info.key})
        previous = self.previous
        good = previous.files.get(info.key) if previous is not None else None
        if not good or good == info.version:
            return ""
        if previous is not None and info.key in previous.listing_templates:
            self.listing.add(info.key)
        return good

    def _reuse(self, info: ObjectInfo) -> bool:
        if self.reusable is None:
            return False
        document = self.reusable.by_key.get(info.key)
        if document is not None and document.version == info.version and not document.optional:
            self.documents.append(document)
            return True
        static = self.reusable.statics_by_key.get(info.key)
        if static is not None and static.version == info.version:
            self.statics.append(static)
            optional = self.reusable.by_key.get(info.key)
            if optional is not None and optional.version == info.version:
                self.documents.append(optional)  # its optional-front-matter page
            return True
        return False

    def _read(self, info: ObjectInfo, place: Place) -> None:
        if place.role in ("page", "collection") and not self._has_header(info):
            self.statics.append(
                static_file(
                    info.key, info.version, info.size, info.last_modified, self.config,
                    place.collection,
                )
            )  # fmt: skip
            if (
                place.role == "page"
                and self._markdown(info.key)
                and info.size <= self.limits.document
            ):
                self._optional(info)
            return
        if info.size > self.limits.document:  # refused from the listing: never read
            raise TooLarge(info.key, info.size, self.limits.document)
        obj = self.store.get(info.key, max_bytes=self.limits.document)
        self.documents.append(load(obj, place, self.config).document)

    def _markdown(self, key: str) -> bool:
        return posixpath.splitext(key)[1].lower() in self.config.markdown_exts

    def _optional(self, info: ObjectInfo) -> None:
        """A markdown file without front matter is also a page candidate: GitHub Pages' plugins
        (optional-front-matter, readme-index) make it one; views decide whether it shows."""
        try:
            obj = self.store.get(info.key, max_bytes=self.limits.document)
            text = decode(obj)
        except Forbidden:
            raise refused(self.store, info.key) from None
        except (NotFound, ContentError):
            return  # it stays a static file
        loaded = read_page(
            obj.key, text, obj.version, self.config, modified=obj.last_modified, optional=True
        )
        self.documents.append(loaded.document)

    def _has_header(self, info: ObjectInfo) -> bool:
        if info.size < 4 or not needs_header(info.key):
            return False
        return has_header(self.store.head(info.key, HEADER_BYTES))


def check_file(obj: StoredObject, role: str, config: SiteConfig) -> str:
    """The text of a layout, include or data file, once it reads as a render reads it: UTF-8
    without NUL bytes, and a layout's front matter and Liquid, an include's Liquid (through the
    engine's own parser), a data file's YAML, JSON, CSV or TSV; else a ContentError at its line."""
    text = decode(obj)
    if role == "data":
        parse_data(obj.key, text, config.raw)
    elif role == "layout":
        matter = split_front_matter(text, obj.key)
        source = Source(matter.body, obj.key, obj.version)
        _checking_engine().parse(source, first_line=matter.body_line)
    else:
        _checking_engine().parse(Source(text, obj.key, obj.version))
    return text


@cache
def _checking_engine() -> LiquidEngine:
    """The renderer's Liquid, with its tags, keeping no parsed template (a check parses each
    changed file once)."""
    from handler.engine.liquid.engine import LiquidEngine
    from handler.engine.liquid.limits import Limits as LiquidLimits
    from handler.engine.plugins.tags import TAGS

    return LiquidEngine(tags=TAGS, limits=LiquidLimits(max_cached_templates=0, max_cached_chars=0))


def refused(store: Store, key: str) -> StoreUnavailable:
    """A listed key whose read was refused (S3's 403): the index must not read it as deleted."""
    return StoreUnavailable(
        f"{store.describe()}{key}: listed, but reading it was refused (403): check that the "
        "role's s3:GetObject grant covers every key of the site"
    )


def load(obj: StoredObject, place: Place, config: SiteConfig) -> Loaded:
    """read -> parse front matter -> resolve URL, for one stored page or document."""
    text = decode(obj)
    if place.role == "page":
        return read_page(obj.key, text, obj.version, config, modified=obj.last_modified)
    collection = place.collection or "posts"
    return read_document(
        obj.key,
        text,
        obj.version,
        config,
        collection=collection,
        modified=obj.last_modified,
        draft=place.role == "draft",
    )


def decode(obj: StoredObject) -> str:
    """A file's bytes as text, or a ContentError naming the offending line and column."""
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


def _position(data: bytes, offset: int) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", "replace")) + 1
    return data.count(b"\n", 0, offset) + 1, column


def newest_first(documents: Iterable[Document]) -> list[Document]:
    """Documents newest first (``site.posts``), the reverse of Jekyll's collection order."""
    listed = list(documents)
    try:
        return sorted(listed, key=sort_key, reverse=True)
    except TypeError:  # a date that does not compare with another: Ruby's <=> rules
        return sorted(listed, key=cmp_to_key(compare_documents), reverse=True)


def sort_key(document: Document) -> tuple[Any, str]:
    """(date, key): the order of :func:`compare_documents` wherever the dates compare (all
    times, or all absent; else sorting raises ``TypeError``), at a fraction of its cost."""
    return document.data.get("date"), document.key


def refresh(
    store: Store, index: SiteIndex, keys: Iterable[str], *, limits: Limits | None = None
) -> SiteIndex:
    """``index`` with the files at ``keys`` as the store holds them now (the indexer's update).

    Each key is looked up afresh (a listing of that exact key), so late or repeated events
    converge on the store's state. A change to ``_config.yml`` can move every URL: it rebuilds.
    """
    keys = [k for k in dict.fromkeys(keys) if not k.startswith(IGNORED_PREFIXES)]
    if CONFIG_KEY in keys:
        return scan(store, index, limits=limits)
    reader = _Reader(store, index.config, limits or Limits(), index, index)
    changed = set(keys)
    reader.documents = [d for d in index.documents if d.key not in changed]
    reader.statics = [s for s in index.statics if s.key not in changed]
    reader.layouts = {n: r for n, r in index.layouts.items() if r.key not in changed}
    reader.files = {k: v for k, v in index.files.items() if k not in changed}
    reader.problems = {k: e for k, e in index.problems.items() if k not in changed}
    for key in keys:
        info = next((i for i in store.list(key) if i.key == key), None)
        if info is not None:
            reader.add(info)
    return SiteIndex.build(
        index.config,
        reader.documents,
        reader.statics,
        layouts=reader.layouts,
        files=reader.files,
        problems=reader.problems,
        config_token=index.config_token,
        listing_templates=reader.listing & set(reader.files),
        config_fallback=index.config_fallback,
    )
