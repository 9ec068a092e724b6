"""jekyll-sass-converter: ``.scss`` and ``.sass`` pages compiled to CSS, with their source maps.

libsass (the engine Jekyll 4.3's converter uses, so the CSS is byte for byte Jekyll's) has no
Linux arm64 build, and the render function runs on arm64. So Sass is compiled where libsass
runs (the indexer function, which is x86_64; ``broadsheet publish`` and ``index``; ``serve``) and
the result is kept in the bucket under ``_broadsheet/sass/<digest>.css`` (and ``.map``). The digest
covers everything the output depends on: the page's source after Liquid, the Sass options, and
the version of every file under the Sass folders. A render that finds no libsass reads the
compiled file for the current digest; when an edit has not been compiled yet, it keeps the
last good stylesheet (logged) until the indexer catches up, or, with none, answers "not yet"
(:class:`StoreUnavailable`: a 503 with ``Retry-After``). A compile that fails leaves its error
under the digest (``<digest>.error``), so the render function reports it with file and line as
Jekyll would, instead of waiting for a stylesheet that will never come.
"""

from __future__ import annotations

import hashlib
import json
import logging
import posixpath
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from handler.engine.document import Document
from handler.engine.outputs import Output
from handler.engine.plugins import Built, Context
from handler.engine.view import SiteView
from handler.errors import ContentError, NotFound, StoreUnavailable
from handler.store import Store, WritableStore

if TYPE_CHECKING:
    from handler.engine import sass

log = logging.getLogger(__name__)

NAME = "jekyll-sass-converter"
PRECOMPILED = "_broadsheet/sass/"
MAX_SASS_FILE_BYTES = 2 * 1024 * 1024
_PRECOMPILED_TYPES = {".css": "text/css", ".map": "application/json", ".error": "application/json"}


@dataclass(frozen=True, slots=True)
class Compiled:
    css: str
    source_map: str | None


class SassPages:
    """Compiles Sass pages (or finds them compiled) and serves their source maps."""

    name = NAME

    def __init__(self, store: Store, *, environment: str = "production") -> None:
        self.store = store
        self.environment = environment
        self._kept: dict[str, Compiled] = {}
        self._last_good: dict[str, Compiled] = {}
        self._latest: dict[str, tuple[str, Compiled]] = {}  # page key -> (digest, output)
        self._failed: dict[str, tuple[str, ContentError]] = {}  # page key -> (digest, error)
        self._waiting: set[str] = set()  # pages served from their last good CSS for now
        self._lock = threading.Lock()

    # --- as the converter ---------------------------------------------------------------------

    def options(self, view: SiteView) -> sass.SassOptions:
        from handler.engine import sass  # on first use: most sites have no Sass page

        return sass.SassOptions.from_config(view.config.raw, jekyll_env=self.environment)

    def convert(self, text: str, document: Document, view: SiteView) -> str:
        return self.compiled(view, document, text).css

    def digest(self, view: SiteView, document: Document, source: str) -> str:
        """What the output depends on: source, options, every Sass file's version."""
        options = self.options(view)
        folders = tuple(d.rstrip("/") + "/" for d in view.config.sass_dirs)
        versions = sorted((k, v) for k, v in view.index.files.items() if k.startswith(folders))
        # Not the libsass version: the render function (no libsass) must find what the
        # indexer compiled. A libsass upgrade ships with a deploy, and `broadsheet index` then
        # compiles again.
        text = repr((document.key, source, options, versions))
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    def compiled(self, view: SiteView, document: Document, source: str) -> Compiled:
        digest = self.digest(view, document, source)
        kept = self._kept.get(digest)
        if kept is not None:
            return kept
        from handler.engine import sass

        if sass.available():
            try:
                result = sass.compile_page(
                    source, key=document.key, options=self.options(view), read=self._reader(view)
                )
            except ContentError as error:
                with self._lock:
                    self._failed[document.key] = (digest, error)
                raise
            found = Compiled(result.css, result.source_map)
        else:
            found = self._precompiled(digest, document)
            if self.waiting(document.key):
                return found  # a stand-in: not kept under the new digest
        with self._lock:
            if len(self._kept) > 64:
                self._kept.clear()
            self._kept[digest] = found
            self._last_good[document.key] = found
            self._latest[document.key] = (digest, found)
            self._failed.pop(document.key, None)
            self._waiting.discard(document.key)
        return found

    def waiting(self, key: str) -> bool:
        """Whether the Sass page ``key`` is served from its last good CSS while an edit to it is
        compiled elsewhere: what is served now must not be kept."""
        return key in self._waiting

    def _reader(self, view: SiteView) -> sass.Reader:
        def read(key: str) -> bytes | None:
            if view.index.version_of(key) is None:
                return None  # libsass probes many names: the index answers misses, not S3
            try:
                return self.store.get(key, max_bytes=MAX_SASS_FILE_BYTES).body
            except NotFound:
                return None

        return read

    def _precompiled(self, digest: str, document: Document) -> Compiled:
        try:
            css = self.store.get(PRECOMPILED + digest + ".css", max_bytes=16 * 1024 * 1024)
        except NotFound:
            failed = self._compile_error(digest)
            if failed is not None:
                raise failed from None
            last = self._last_good.get(document.key)
            if last is not None:
                log.warning(
                    "%s: the Sass edit is not compiled yet, serving the last CSS", document.key
                )
                with self._lock:
                    self._waiting.add(document.key)
                return last
            raise StoreUnavailable(
                f"{document.key}: this stylesheet is not compiled yet (libsass does not run "
                "here: the indexer compiles it on upload, or run `broadsheet index`)"
            ) from None
        try:
            source_map = self.store.get(
                PRECOMPILED + digest + ".css.map", max_bytes=32 * 1024 * 1024
            )
            map_text: str | None = source_map.body.decode("utf-8")
        except NotFound:
            map_text = None
        return Compiled(css.body.decode("utf-8"), map_text)

    def _compile_error(self, digest: str) -> ContentError | None:
        """The error a precompile left for ``digest``, if its compile failed."""
        try:
            stored = self.store.get(PRECOMPILED + digest + ".error", max_bytes=64 * 1024)
            fields = json.loads(stored.body)
            return ContentError(
                str(fields["path"]),
                str(fields["message"]),
                line=fields.get("line"),
                column=fields.get("column"),
                hint=fields.get("hint"),
            )
        except NotFound:
            return None
        except (ValueError, KeyError, TypeError):
            log.warning("unreadable Sass compile error %s%s.error", PRECOMPILED, digest)
            return None

    # --- precompiling, where libsass runs -------------------------------------------------------

    def precompiled_objects(self) -> list[tuple[str, bytes]]:
        """What the compiles so far leave in the bucket for a render function without libsass:
        each page's CSS and source map, or the error its compile ended with."""
        objects: list[tuple[str, bytes]] = []
        for digest, compiled in self._latest.values():
            objects.append((PRECOMPILED + digest + ".css", compiled.css.encode()))
            if compiled.source_map is not None:
                objects.append((PRECOMPILED + digest + ".css.map", compiled.source_map.encode()))
        for digest, error in self._failed.values():
            fields = {
                "path": error.path,
                "line": error.line,
                "column": error.column,
                "message": error.message,
                "hint": error.hint,
            }
            objects.append((PRECOMPILED + digest + ".error", json.dumps(fields).encode()))
        return objects

    # --- the source maps, as pages -----------------------------------------------------------------

    def generate(self, view: SiteView, taken: Mapping[str, Output]) -> Iterable[tuple[str, Output]]:
        pages = sass_pages(view)
        if not pages or not self.options(view).writes_source_map:
            return
        for page in pages:
            where = page.destination + ".map"
            if where not in taken:
                yield where, Output("generated", generator=NAME, argument=page.key, url="/" + where)

    def build(self, view: SiteView, output: Output, context: Context) -> Built:
        document = view.by_key.get(str(output.argument))
        if document is None:
            raise NotFound(output.url)
        context.renderer.render(view, document)  # compiles (or finds) the page and its map
        kept = self._last_good.get(document.key)
        if kept is None or kept.source_map is None:
            raise NotFound(output.url)
        return Built(
            kept.source_map.encode(),
            "application/json; charset=utf-8",
            keep=not self.waiting(document.key),
        )


def sass_pages(view: SiteView) -> list[Document]:
    """The site's Sass pages (written like any page, converted to ``.css``)."""
    return [d for d in view.pages if d.is_sass]


def css_name(key: str) -> str:
    return posixpath.splitext(key)[0] + ".css"


def precompile(
    store: WritableStore, view: SiteView, *, environment: str = "production"
) -> list[str]:
    """Compile every Sass page of ``view`` here (libsass must run here) and keep the results in
    ``store`` for render functions that cannot compile (the indexer, ``publish``, ``index``).

    Returns the keys written. A page whose compile fails is logged, and its error kept for the
    render function to report (or, warm, to serve the last good stylesheet meanwhile).
    """
    from handler.engine import sass
    from handler.engine.renderer import Renderer

    if not sass.available():
        log.warning("libsass is not available here: Sass pages are not precompiled")
        return []
    pages = SassPages(store, environment=environment)
    renderer = Renderer(
        store, environment=environment, converters={".scss": pages.convert, ".sass": pages.convert}
    )
    for page in sass_pages(view):
        try:
            renderer.render(view, page)
        except ContentError as error:
            log.error("Sass page not compiled: %s", error)
    written = []
    for key, body in pages.precompiled_objects():
        store.put(key, body, content_type=_PRECOMPILED_TYPES[posixpath.splitext(key)[1]])
        written.append(key)
    return written
