"""The one pipeline every page goes through, as ``Jekyll::Renderer#run`` runs it.

read -> Liquid (with ``site``, ``page``, ``layout``, ``paginator``, ``jekyll``) -> convert (markdown,
Sass, or as it is) -> place in layouts (each layout's Liquid with ``content``) -> done. The whole
render of one page, the content and excerpts of the documents it lists included, runs inside one
CPU budget (``handler.engine.budget``); every file it reads is read with a byte limit and through
the store, so nothing outside the site is reachable.

The renderer keeps what is expensive and immutable by version: parsed layouts and includes (in the
Liquid engine), converted content and excerpts of documents, parsed data files. It knows nothing of
HTTP or of which store it reads: the site layer above decides what a URL is and caches pages.
"""

from __future__ import annotations

import logging
import posixpath
import threading
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from handler.engine import budget
from handler.engine.budget import BudgetExceeded
from handler.engine.bundle import Bundle, bundle_key, read_bundle
from handler.engine.config import SiteConfig
from handler.engine.data import parse_data
from handler.engine.document import Document, split_front_matter
from handler.engine.drops import (
    DocumentDrop,
    Drop,
    PageDrop,
    RenderState,
    SiteData,
    SiteDrop,
    jekyll_drop,
    layout_data,
)
from handler.engine.excerpt import extract_excerpt
from handler.engine.frontmatter import split_body
from handler.engine.index import (
    DEFAULT_MAX_DOCUMENT_BYTES,
    MAX_DATA_BYTES,
    MAX_INCLUDE_BYTES,
    MAX_LAYOUT_BYTES,
    decode,
)
from handler.engine.liquid.host import Source
from handler.engine.markdown import TABLES_OPTION, MarkdownLimit, MarkdownRenderer
from handler.engine.paths import include_key, relative_include_key
from handler.engine.view import SiteView
from handler.errors import ContentError, LiquidError, NotFound, RenderError, TooLarge
from handler.store import Store, StoredObject, VersionedStore, clean_key

if TYPE_CHECKING:
    from handler.engine.liquid import LiquidEngine

log = logging.getLogger(__name__)

PAGE_BUDGET_SECONDS = 2.0  # CPU for one whole page (layouts, includes, listed content)
MAX_LAYOUT_DEPTH = 16
MARKDOWNIFY_KEPT_CHARS = 4096  # markdownify results kept for texts up to this long
_KEPT = 4096  # rendered contents, excerpts and parsed files kept (by version)...
_KEPT_CHARS = 16 * 1024 * 1024  # ...and the characters each of those caches may hold
_ENTRY_CHARS = 256  # what an entry costs besides its text (keys, tuples, small values)
# A listing (twice a page's budget) starts rendering a post only while a whole page budget for it
# and this share of one more, to finish the listing with, are left.
LISTING_RESERVE = 0.25


@dataclass(frozen=True, slots=True)
class RenderLimits:
    """Byte limits on each kind of file a render reads, and the page's CPU budget."""

    document: int = DEFAULT_MAX_DOCUMENT_BYTES
    layout: int = MAX_LAYOUT_BYTES
    include: int = MAX_INCLUDE_BYTES
    data: int = MAX_DATA_BYTES
    budget_seconds: float | None = PAGE_BUDGET_SECONDS


class Converter(Protocol):
    """Turns a document's text into its output (``Jekyll::Converter#convert``)."""

    def __call__(self, text: str, document: Document, view: SiteView) -> str: ...


class Transform(Protocol):
    """A plugin's change to a document's text: before Liquid (jekyll-relative-links rewrites
    the markdown's links) or after layouts (jemoji turns ``:shortcodes:`` into images)."""

    def __call__(self, view: SiteView, document: Document, text: str) -> str: ...


class Layouts(Protocol):
    """Places converted content in layouts (the site's ``_layouts``, or the built-in theme)."""

    def place(
        self, view: SiteView, content: str, document: Document, payload: dict[str, Any]
    ) -> str: ...


@dataclass
class Notes:
    """What one render met that Jekyll would have done differently (for logs and ``check``)."""

    unsupported: list[tuple[str, str, str, int | None]] = field(default_factory=list)


class _Kept:
    """A small bounded cache (first in, first out), by count and by the characters it holds:
    safe to share across threads."""

    def __init__(self, size: int = _KEPT, max_chars: int = _KEPT_CHARS) -> None:
        self._items: dict[Hashable, tuple[Any, int]] = {}
        self._size = size
        self._max_chars = max_chars
        self._chars = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        found = self._items.get(key)
        return None if found is None else found[0]

    def put(self, key: Hashable, value: Any, chars: int | None = None) -> None:
        """Keep ``value``; ``chars`` is what it costs (else the text it holds is counted)."""
        cost = (_chars(value) if chars is None else chars) + _ENTRY_CHARS
        if cost > self._max_chars:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._chars -= old[1]
            while self._items and (
                len(self._items) >= self._size or self._chars + cost > self._max_chars
            ):
                self._chars -= self._items.pop(next(iter(self._items)))[1]
            self._items[key] = (value, cost)
            self._chars += cost

    @property
    def chars(self) -> int:
        return self._chars


def _chars(value: Any) -> int:
    """The text a kept value holds: strings, sources, and tuples of them."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, Source):
        return len(value.text)
    if isinstance(value, tuple):
        return sum(_chars(item) for item in value)
    return _ENTRY_CHARS


class Renderer:
    """Renders documents of a site held in ``store``; one per site, reused across requests."""

    def __init__(
        self,
        store: Store,
        *,
        liquid: LiquidEngine | None = None,
        site_url: str | None = None,
        environment: str = "production",
        limits: RenderLimits | None = None,
        converters: Mapping[str, Converter] | None = None,
        layouts: Layouts | None = None,
        generated_pages: Callable[[SiteView], list[Mapping[str, Any]]] | None = None,
        before: Sequence[Transform] = (),
        after: Sequence[Transform] = (),
        bundles: bool = False,
    ) -> None:
        self.store = store
        # Layouts, includes and data files from the index's template bundle (``bundle``), where
        # the indexer keeps one: a bucket's, not a folder's (read there one by one, as cheap).
        self.bundles = bundles
        self._bundle: tuple[str, Bundle | None] | None = None
        self.generated_pages = generated_pages
        self.before = list(before)  # on the source, before Liquid (pre_render)
        self.after = list(after)  # on the whole output (post_render)
        self._liquid_engine = liquid
        self.site_url = site_url
        self.environment = environment
        self.limits = limits or RenderLimits()
        self.extra_converters = dict(converters or {})
        self.layouts = layouts
        self._markdown: tuple[str, MarkdownRenderer] | None = None
        self._site_data: tuple[str, SiteData] | None = None
        self._contents = _Kept()
        self._excerpts = _Kept()
        self._files = _Kept(max_chars=2 * _KEPT_CHARS)
        self._failed = _Kept(256)  # contents and excerpts that spent a whole budget
        self._lock = threading.Lock()

    @property
    def liquid(self) -> LiquidEngine:
        """The Liquid engine, built on first use (a page without Liquid never imports it)."""
        engine = self._liquid_engine
        if engine is None:
            with self._lock:
                engine = self._liquid_engine
                if engine is None:
                    from handler.engine.liquid.engine import LiquidEngine
                    from handler.engine.plugins.tags import TAGS

                    engine = self._liquid_engine = LiquidEngine(tags=TAGS)
        return engine

    # --- the story of a page ------------------------------------------------------------------

    def render(
        self,
        view: SiteView,
        document: Document,
        *,
        paginator: Mapping[str, Any] | None = None,
        notes: Notes | None = None,
        layouts: Layouts | None = None,
    ) -> str:
        """The whole output of ``document``: Liquid, converted, placed in its layouts (the site's
        ``_layouts``, unless ``layouts`` says otherwise)."""
        with page_budget(self.limits.budget_seconds, document.key), _naming(document.key):
            body, body_line = self._body(document)
            body = self._before(view, document, body)
            state = RenderState(body)
            payload = self.payload(view, document, state, paginator)
            host = _Host(self, view, document.key, notes)
            state.content = self._convert(
                self._liquid(body, body_line, document, payload, host), document, view
            )
            output = state.content
            if self._placed_in_layout(document):
                placer = layouts or self.layouts or LiquidLayouts(self, host)
                output = placer.place(view, state.content, document, payload)
            for transform in self.after:
                output = transform(view, document, output)
            return output

    def payload(
        self,
        view: SiteView,
        document: Document,
        state: RenderState | None = None,
        paginator: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """What Liquid sees while rendering ``document`` (``Site#site_payload`` + the page)."""
        site_data = self.site_data(view)
        page: Drop
        if document.kind == "page":
            page = PageDrop(view, document, self, state)
        else:
            page = DocumentDrop(view, document, self, state)
        return {
            "site": SiteDrop(site_data, view.now, document),
            "page": page,
            "layout": self._first_layout_data(view, document),
            "paginator": paginator,
            "jekyll": jekyll_drop(self.environment),
            "content": None,
            "highlighter_prefix": "",
            "highlighter_suffix": "",
        }

    def site_data(self, view: SiteView) -> SiteData:
        kept = self._site_data
        if kept is None or kept[0] != view.token:
            # site.url: SITE_URL (ours), else _config.yml's url as written: nil when it has none.
            site_url = self.site_url.rstrip("/") if self.site_url else view.config.raw.get("url")
            kept = (view.token, SiteData(view, self, site_url, self.generated_pages))
            self._site_data = kept
        return kept[1]

    # --- steps ----------------------------------------------------------------------------------

    def _body(self, document: Document) -> tuple[str, int]:
        kept = self._files.get(("body", document.key, document.version))
        if kept is not None:
            return kept  # type: ignore[no-any-return]
        obj = self._recorded(document)
        text = decode(obj)
        # The index loaded these very bytes' front matter (its data is the document's): only
        # the body is wanted, so the YAML is not loaded again.
        found = split_body(text) if obj.version == document.version else None
        if found is None:
            matter = split_front_matter(text, document.key)
            found = (matter.body, matter.body_line)
        if obj.version == document.version:
            self._files.put(("body", document.key, document.version), found)
        return found

    def _recorded(self, document: Document) -> StoredObject:
        return self.recorded(document.key, document.version, self.limits.document)

    def recorded(self, key: str, version: str | None, limit: int) -> StoredObject:
        """The bytes of the version of ``key`` the index recorded (a post, a layout, an include,
        a data file). The object may have changed since: a newer upload the index has not taken
        yet, or a broken one it refused (it keeps the last good version). A versioned bucket
        still holds the recorded version: the page is rendered from it, so a cold container
        serves the last good copy rather than an error. Without history (a folder), or with no
        version recorded (``None``, or ``""``: no good copy), the current bytes, as they are."""
        refused: TooLarge | None = None
        try:
            obj = self.store.get(key, max_bytes=limit)
            if not version or obj.version == version:
                return obj
        except TooLarge as error:  # a broken upload may be an oversized one
            if not version:
                raise
            refused = error
        if isinstance(self.store, VersionedStore):
            try:
                return self.store.get_version(key, version, max_bytes=limit)
            except NotFound:
                pass
        if refused is not None:
            raise refused
        return obj

    def _before(self, view: SiteView, document: Document, body: str) -> str:
        for transform in self.before:
            body = transform(view, document, body)
        return body

    def _liquid(
        self,
        text: str,
        first_line: int,
        document: Document,
        payload: dict[str, Any],
        host: _Host,
        *,
        part: str = "",
    ) -> str:
        """``text`` through Liquid; ``part`` tells apart texts of one file (its excerpt), which
        the engine caches parsed by file, version and part."""
        if not renders_liquid(document, text):
            return text
        source = Source(text, document.key, document.version + part)
        template = self.liquid.parse(source, first_line=first_line)
        return self.liquid.render(template, payload, host)

    def _convert(self, text: str, document: Document, view: SiteView) -> str:
        ext = posixpath.splitext(document.key)[1].lower()
        if ext in view.config.markdown_exts:
            return self.markdown(view.config).convert_for(text, document)
        converter = self.extra_converters.get(ext)
        if converter is not None:
            return converter(text, document, view)
        return text

    def markdown(self, config: SiteConfig) -> _Markdown:
        kept = self._markdown
        if kept is None or kept[0] != config.version:
            options = {**config.kramdown, TABLES_OPTION: config.tables}
            kept = (config.version, MarkdownRenderer(options, budget=None))
            self._markdown = kept
        return _Markdown(kept[1])

    def markdownify(self, config: SiteConfig, text: str) -> str:
        """The ``markdownify`` filter: kept by text, as themes call it on the same titles and
        excerpts on every page (a page of academicpages calls it some 25 times)."""
        if len(text) > MARKDOWNIFY_KEPT_CHARS:
            return self.markdown(config).convert(text)
        key = ("md", config.version, text)
        kept = self._files.get(key)
        if kept is None:
            kept = self.markdown(config).convert(text)
            self._files.put(key, kept)
        return kept  # type: ignore[no-any-return]

    @staticmethod
    def _placed_in_layout(document: Document) -> bool:
        """``place_in_layout?``: not for Sass, YAML or ``layout: none`` documents."""
        ext = posixpath.splitext(document.key)[1].lower()
        if ext in (".sass", ".scss", ".coffee", ".yml", ".yaml"):
            return False
        return document.data.get("layout") != "none"

    def _first_layout_data(self, view: SiteView, document: Document) -> dict[str, Any] | None:
        name = document.data.get("layout")
        if name is None:
            return None
        try:
            found = self.layout(view, str(name))
        except (NotFound, ContentError):
            return None
        return None if found is None else dict(found[0])

    # --- layouts and other files, cached by version ---------------------------------------------

    def layout(self, view: SiteView, name: str) -> tuple[Mapping[str, Any], Source, int] | None:
        """A layout's front matter, its body as a Liquid source, and the body's first line."""
        ref = view.index.layouts.get(name)
        if ref is None:
            return None
        kept = self._files.get(("layout", ref.key, ref.version)) if ref.version else None
        if kept is not None:
            return kept  # type: ignore[no-any-return]
        obj = self._theme_file(view, ref.key, ref.version, self.limits.layout)
        text = decode(obj)
        # The bundle's copy of its front matter, as loaded (no YAML to load), else the text's.
        bundle = self._bundle_of(view) if ref.version else None
        data = bundle.matter(ref.key, obj.version) if bundle is not None else None
        split = split_body(text) if data is not None else None
        if data is not None and split is not None:
            found = (data, Source(split[0], ref.key, obj.version), split[1])
        else:
            matter = split_front_matter(text, ref.key)
            found = (matter.data, Source(matter.body, ref.key, obj.version), matter.body_line)
        self._files.put(("layout", ref.key, obj.version), found)
        return found

    def read_source(self, view: SiteView, key: str, limit: int) -> Source:
        """A template file (an include) from the store, kept by version; ``NotFound`` if absent.

        The index knows every file's version, so a kept include costs no read until it changes.
        """
        version = view.index.version_of(key)
        kept = self._files.get(("source", key, version)) if version else None
        if kept is not None:
            return kept  # type: ignore[no-any-return]  # kept only under a clean key
        key = clean_key(key)
        obj = self._theme_file(view, key, version, limit)
        source = Source(decode(obj), key, obj.version)
        self._files.put(("source", key, obj.version), source)
        return source

    def _theme_file(
        self, view: SiteView, key: str, version: str | None, limit: int
    ) -> StoredObject:
        """A layout, include or data file at the version ``view``'s index records: from the
        index's template bundle when it holds that very version (read once per bundle, under
        the lock: a second render waits for it rather than reading it again), else on its own
        (:meth:`recorded`)."""
        bundle = self._bundle_of(view) if version else None
        found = bundle.get(key, version, limit) if bundle is not None else None
        return found if found is not None else self.recorded(key, version, limit)

    def _bundle_of(self, view: SiteView) -> Bundle | None:
        """The template bundle of ``view``'s index (read once per bundle, under the lock: a
        second render waits for it rather than reading it again); ``None`` without one."""
        name = bundle_key(view.index) if self.bundles else None
        if name is None:
            return None
        kept = self._bundle
        if kept is None or kept[0] != name:
            with self._lock:
                kept = self._bundle
                if kept is None or kept[0] != name:
                    kept = self._bundle = (name, read_bundle(self.store, view.index))
        return kept[1]

    # --- the Resolver drops use -------------------------------------------------------------------

    def content(self, view: SiteView, document: Document) -> str:
        """A document's content after Liquid and conversion (not placed in layouts)."""
        source, body_line = self._body(document)
        body = self._before(view, document, source)
        # Liquid, or a transform (relative links: other files' URLs), makes it the view's.
        by_view = renders_liquid(document, body) or body != source
        cache_key = (
            document.key,
            document.version,
            view.config.version,
            view.token if by_view else "",
        )
        kept = self._contents.get(cache_key)
        if kept is not None:
            return kept  # type: ignore[no-any-return]
        with self._own_budget(document, ("content", *cache_key)):
            text = body
            if renders_liquid(document, body):  # else no payload is needed at all
                payload = self.payload(view, document, RenderState(body))
                host = _Host(self, view, document.key, None)
                text = self._liquid(body, body_line, document, payload, host)
            elif self._excerpt_is_whole(view, document, body):
                # The excerpt's text is this very text, without Liquid: converted, the same.
                kept = self._excerpts.get(cache_key)
                if kept is not None:
                    self._contents.put(cache_key, kept)
                    return kept  # type: ignore[no-any-return]
            output = self._convert(text, document, view)
        self._contents.put(cache_key, output)
        return output

    def _excerpt_is_whole(self, view: SiteView, document: Document, body: str) -> bool:
        """Whether ``document``'s excerpt is its whole ``body`` in a markdown file (no excerpt
        separator in it): its excerpt and its content are then one conversion of one text."""
        if document.kind != "document":
            return False
        separator = str(document.data.get("excerpt_separator", view.config.excerpt_separator) or "")
        if not separator or separator in body:
            return False
        return posixpath.splitext(document.key)[1].lower() in view.config.markdown_exts

    def excerpt(self, view: SiteView, document: Document) -> str | None:
        """A document's generated excerpt, rendered as Jekyll renders an ``Excerpt``."""
        if document.kind != "document":
            return None
        separator = str(document.data.get("excerpt_separator", view.config.excerpt_separator) or "")
        if not separator:
            return None
        raw, body_line = self._body(document)
        body = self._before(view, document, raw)  # the excerpt of the transformed text
        block_tags = self.liquid.block_tags() if "{%" in body else ()  # no tag, no engine
        source = extract_excerpt(body, separator, block_tags)
        by_view = renders_liquid(document, source) or body != raw
        cache_key = (
            document.key,
            document.version,
            view.config.version,
            view.token if by_view else "",
        )
        kept = self._excerpts.get(cache_key)
        if kept is not None:
            return kept  # type: ignore[no-any-return]
        if source == body and not renders_liquid(document, body):
            ext = posixpath.splitext(document.key)[1].lower()
            # The whole text, without Liquid: the content's conversion, if it has been made
            # (the cache keys agree: one text, one flag for the view).
            kept = self._contents.get(cache_key) if ext in view.config.markdown_exts else None
            if kept is not None:
                self._excerpts.put(cache_key, kept)
                return kept  # type: ignore[no-any-return]
        excerpt = Document(
            key=document.key,
            version=document.version,
            kind="document",
            collection=document.collection,
            url=document.url,
            output_ext=document.output_ext,
            data={k: v for k, v in document.data.items() if k not in ("layout", "excerpt")},
            modified=document.modified,
            draft=document.draft,
        )
        with self._own_budget(document, ("excerpt", *cache_key)):
            text = source
            if renders_liquid(excerpt, source):  # else no payload is needed at all
                payload = self.payload(view, document)
                payload["page"] = _ExcerptDrop(view, excerpt, self, document)
                host = _Host(self, view, document.key, None)
                text = self._liquid(source, body_line, excerpt, payload, host, part="#excerpt")
            output = self._convert(text, excerpt, view)
        self._excerpts.put(cache_key, output)
        return output

    @contextmanager
    def _own_budget(self, document: Document, key: tuple[Hashable, ...]) -> Iterator[None]:
        """A document's content or excerpt rendered for another page (a listing, the feed, a
        loop over ``site.posts``): a page budget of its own inside the enclosing page's, so a
        slow post is that post's error (unless the enclosing page runs out first: its error).

        A post that spent its whole budget is refused from memory after, so a listing does not
        pay for it again on every request (it fails the same way until it changes).
        """
        failed = self._failed.get(key)
        if failed is not None:
            raise OverBudget(failed.path, failed.message, hint=failed.hint)
        try:
            with page_budget(self.limits.budget_seconds, document.key, share=True):
                yield
        except OverBudget as error:
            self._failed.put(key, error)
            raise

    def affordable(self, view: SiteView, document: Document) -> bool:
        """Whether a listing can show ``document``'s content and excerpt: kept, refused from
        memory, or the listing's budget still holds a whole page budget for it and a reserve to
        finish with (so one slow post is skipped, never the listing's failure)."""
        if self.has_rendered(view, document):
            return True
        left = budget.remaining()
        seconds = self.limits.budget_seconds
        if left is None or seconds is None:
            return True
        return left >= seconds * (1 + LISTING_RESERVE)

    def has_rendered(self, view: SiteView, document: Document) -> bool:
        """Whether ``document``'s content and excerpt are kept (a listing shows them for free)."""
        kept = self._files.get(("body", document.key, document.version))
        if kept is None:
            return False
        body = self._before(view, document, kept[0])
        by_view = renders_liquid(document, body) or body != kept[0]
        token = view.token if by_view else ""
        key = (document.key, document.version, view.config.version, token)
        return (
            self._contents.get(key) is not None
            or self._excerpts.get(key) is not None
            or self._failed.get(("content", *key)) is not None
            or self._failed.get(("excerpt", *key)) is not None
        )

    def raw(self, document: Document) -> str:
        return self._body(document)[0]

    def data(self, view: SiteView, key: str) -> Any:
        version = view.index.version_of(key)
        kept = self._files.get(("data", key, version)) if version else None
        if kept is not None:
            return kept[0]
        obj = self._theme_file(view, key, version, self.limits.data)
        bundle = self._bundle_of(view) if version else None
        loaded = bundle.value(key, obj.version) if bundle is not None else None
        value = loaded[0] if loaded is not None else parse_data(key, decode(obj), view.config.raw)
        self._files.put(("data", key, obj.version), (value,), chars=2 * len(obj.body))
        return value


def renders_liquid(document: Document, text: str) -> bool:
    """``render_with_liquid?``: unless turned off, any text with ``{{`` or ``{%``."""
    if document.data.get("render_with_liquid") is False:
        return False
    ext = posixpath.splitext(document.key)[1].lower()
    if ext in (".coffee", ".yml", ".yaml"):
        return False
    return "{{" in text or "{%" in text


class _Markdown:
    """The site's markdown converter, with its limits reported against the document's file."""

    def __init__(self, renderer: MarkdownRenderer) -> None:
        self.renderer = renderer

    def convert(self, text: str) -> str:
        return self.renderer.convert(text)

    def convert_for(self, text: str, document: Document) -> str:
        try:
            return self.renderer.convert(text)
        except MarkdownLimit as limit:
            raise RenderError(
                document.key, limit.message, line=limit.line, hint=limit.hint
            ) from None


class _ExcerptDrop(DocumentDrop):
    """``Drops::ExcerptDrop``: the document's drop, with its layout and date, and no excerpt."""

    __slots__ = ("_of",)

    def __init__(self, view: SiteView, excerpt: Document, resolver: Any, of: Document) -> None:
        super().__init__(view, excerpt, resolver)
        self._of = of

    def compute(self, key: str) -> Any:
        if key == "layout":
            return self._of.data.get("layout")
        if key == "excerpt":
            return None
        if key == "id":
            return self._of.doc_id + "#excerpt"
        return super().compute(key)


class LiquidLayouts:
    """The site's own ``_layouts``: ``Renderer#place_in_layouts``."""

    def __init__(self, renderer: Renderer, host: _Host) -> None:
        self.renderer = renderer
        self.host = host

    def place(
        self, view: SiteView, content: str, document: Document, payload: dict[str, Any]
    ) -> str:
        name = document.data.get("layout")
        found = self.renderer.layout(view, str(name)) if name is not None else None
        if found is None and name is not None:
            log.warning("%s: layout %r does not exist", document.key, name)
        used: set[str] = set()
        chain: list[Mapping[str, Any]] = []
        output = content
        while found is not None:
            data, source, first_line = found
            if source.key in used or len(used) >= MAX_LAYOUT_DEPTH:
                break
            used.add(source.key)
            chain.append(data)
            payload["content"] = output
            payload["layout"] = layout_data(chain)
            template = self.renderer.liquid.parse(source, first_line=first_line)
            output = self.renderer.liquid.render(template, payload, self.host)
            parent = data.get("layout")
            found = self.renderer.layout(view, str(parent)) if parent is not None else None
        return output


@contextmanager
def _naming(key: str) -> Iterator[None]:
    """An error in a layout or include also says which page was being rendered."""
    try:
        yield
    except ContentError as error:
        if error.path != key and "rendering " + key not in (error.hint or ""):
            where = f"while rendering {key}"
            error.hint = f"{error.hint}; {where}" if error.hint else where
            error.args = (f"{error.location}: {error.message} ({error.hint})",)
        raise


@contextmanager
def page_budget(seconds: float | None, key: str, *, share: bool = False) -> Iterator[None]:
    """The page's CPU budget; an overrun becomes a RenderError naming the page's file.

    Inside another budget it adds nothing, unless ``share``: then ``key`` gets ``seconds`` of its
    own (never past the enclosing budget), and spending them is ``key``'s error, not the
    enclosing page's.
    """
    shared = share and seconds is not None
    entered = budget.share(seconds) if shared and seconds is not None else budget.limit(seconds)
    own: budget.Budget | None = None
    try:
        with entered as own:
            yield
    except BudgetExceeded:
        if own is None or not own.spent:
            raise  # an enclosing render's budget: that render reports it
        raise OverBudget(
            key,
            f"rendering took more than {seconds:.3g} s of CPU",
            hint="look for a loop over a large list in the page, its layouts or includes",
        ) from None


class OverBudget(RenderError):
    """A render that spent its CPU budget."""


class _Host:
    """The site as Liquid's tags and filters see it during one render (``LiquidHost``)."""

    def __init__(
        self, renderer: Renderer, view: SiteView, current: str, notes: Notes | None
    ) -> None:
        self.renderer = renderer
        self.view = view
        self.current = current
        self.notes = notes
        self._includes: dict[str, Source] = {}  # by name: one render, one view

    @property
    def baseurl(self) -> str:
        return self.view.config.baseurl

    @property
    def site_url(self) -> str:
        return (self.renderer.site_url or self.view.config.url).rstrip("/")

    @property
    def plugins(self) -> frozenset[str]:
        return self.view.plugins

    def include(self, name: str) -> Source:
        source = self._includes.get(name)
        if source is None:
            key = include_key(self.current, self.view.config.includes_dir, name)
            source = self.renderer.read_source(self.view, key, self.renderer.limits.include)
            self._includes[name] = source
        return source

    def include_relative(self, name: str, relative_to: str) -> Source:
        includes = self.view.config.includes_dir
        key = relative_include_key(self.current, name, relative_to, includes)
        return self.renderer.read_source(self.view, key, self.renderer.limits.include)

    def post_url(self, name: str) -> str | None:
        from handler.engine.links import find_post

        found = find_post(self.view, name)
        return None if found is None else self.baseurl + found.url

    def link(self, path: str) -> str | None:
        from handler.engine.links import find_link

        found = find_link(self.view, path)
        return None if found is None else self.baseurl + found

    def markdownify(self, text: str) -> str:
        return self.renderer.markdownify(self.view.config, text)

    def sassify(self, text: str, syntax: str) -> str:
        converter = self.renderer.extra_converters.get("sassify:" + syntax)
        if converter is None:
            raise LiquidError(self.current, f"{syntax}ify: Sass is not available in this runtime")
        return converter(text, self.view.by_key[self.current], self.view)

    def unsupported(self, kind: str, name: str, path: str, line: int | None) -> None:
        log.warning("%s:%s: unsupported Liquid %s %r (left out)", path, line or "?", kind, name)
        if self.notes is not None:
            self.notes.unsupported.append((kind, name, path, line))
