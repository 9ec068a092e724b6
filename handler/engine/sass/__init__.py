"""Sass/SCSS pages compiled the way Jekyll 4.3.1 does it (jekyll-sass-converter 2.2.0 on libsass).

Jekyll's converter hands the page's content (after front matter, after Liquid) to the ``sassc``
gem, which compiles a libsass *data context* with, for ``assets/css/main.scss``::

    input_path "./main.scss"   output_path "./main.css"   source_map_file "./main.css.map"
    style (sass.style, default compact)   include paths: sass.load_paths, sass_dir, the theme's
    source_map_contents true   omit_source_map_url unless sass.sourcemap requires a map

(the ``./`` is the site source relative to the working directory, which is the site source when
``jekyll build`` runs there). Note the page's *name* only: the main file sits at the site root as
far as libsass knows, so relative imports in it resolve against the site root, and the map's
``sources`` are written relative to the site root although the map is written next to the CSS.

This module does the same through libsass's C API (:mod:`._native`), with one change: libsass
never touches the file system. Every import it would look up on disk is resolved here over site
keys through ``read`` (:mod:`._paths` reproduces libsass's candidates and their order), under a
virtual root that cannot exist on any machine (``/dev/null/...``), so even a path libsass is given
back cannot reach a real file. Imports that leave the site, absolute paths and ``file:`` URLs are
refused; URL and ``*.css`` imports stay plain CSS ``@import`` rules as libsass makes them.

Content is untrusted, so a compile is bounded where it can be: the bytes read
(:data:`MAX_INPUT_BYTES`), the number of imports (:data:`MAX_IMPORTS`) and block nesting down the
import chain (:data:`MAX_NESTING`; deeper nesting would overflow libsass's stack and kill the
process). libsass cannot be interrupted, so a compile runs in a worker process (:mod:`._worker`)
with a wall-clock and a memory limit: a runaway loop is the stylesheet's error, not a hang.

libsass itself comes from the ``libsass`` wheel (3.6.6; x86_64 and macOS only, no Linux arm64
wheel): :func:`available` says whether it can be used here. Nothing is loaded at import time.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from handler.engine.paths import is_private
from handler.engine.sass import _native, _paths, _worker
from handler.engine.sass._imports import QuotedImport, nesting_depth, scan
from handler.engine.sass._sourcemap import drop_repeated_sources
from handler.errors import ContentError, NotFound, location

__all__ = [
    "MAX_IMPORTS",
    "MAX_INPUT_BYTES",
    "MAX_NESTING",
    "Reader",
    "SassOptions",
    "SassResult",
    "SassUnavailable",
    "available",
    "compile_page",
    "compile_string",
    "libsass_version",
]

#: Refuse to compile when the page and everything it imports exceed this (each file counted once).
MAX_INPUT_BYTES = 4 * 1024 * 1024
#: Refuse more @import resolutions than this in one compile (an import fan-out bomb).
MAX_IMPORTS = 5000
#: Refuse block nesting deeper than this, counted down the import chain (each import adds one).
#: libsass recurses that deep; real stylesheets stay under a few dozen.
MAX_NESTING = 1000

#: Where the site root sits as far as libsass knows. ``/dev/null`` is not a directory, so nothing
#: below it exists on any POSIX machine: libsass can never find a real file here.
VIRTUAL_ROOT = "/dev/null/broadsheet-site"

_STYLES = ("nested", "expanded", "compact", "compressed")
_GLOB = re.compile(r"[*?\[\]{}]")
_UNSAFE_KEY = re.compile(r"[\x00-\x1f\x7f\\]")
_VIRTUAL_IN_TEXT = re.compile(r"(?:\.\./)*/?" + re.escape(VIRTUAL_ROOT.lstrip("/")) + "/")
_BOM = re.compile("^\ufeff", re.MULTILINE)
_TRACE = re.compile(
    r"^\s+from line (?P<line>\d+)(?::\d+)? of (?P<file>.+?)(?:, in [^\n]*)?$", re.MULTILINE
)

Reader = Callable[[str], str | bytes | None]
"""``read(key)``: the text (or bytes) of the site file at ``key``, or ``None`` if there is none."""


class SassUnavailable(RuntimeError):
    """libsass cannot be loaded here (no ``libsass`` wheel, e.g. on Linux arm64)."""


def available() -> bool:
    """Whether libsass can be used in this process (the ``libsass`` wheel is installed)."""
    return _native.default_library() is not None


def libsass_version() -> str | None:
    """The libsass version that would compile (``"3.6.6"``), or ``None`` if unavailable."""
    lib = _native.default_library()
    return lib.version if lib else None


def _truthy(value: object) -> bool:
    """Ruby truthiness: everything but ``nil`` and ``false``."""
    return value is not None and value is not False


def _sanitized(path: str) -> str:
    """``Jekyll.sanitized_path(source, path)`` as a key prefix: ``..`` cannot climb out of the
    site (resolved against ``/``), a leading ``/`` means the site root. ``""`` is the root."""
    if path.startswith("~"):
        path = "/" + path
    return posixpath.normpath("/" + path).lstrip("/")


def _inside(path: str) -> str | None:
    """``File.expand_path(path)`` from the site source, as a key prefix; ``None`` if outside."""
    if path.startswith(("/", "~")):
        return None
    norm = posixpath.normpath(path)
    if norm == "..":
        return None
    if norm.startswith("../"):
        return None
    return "" if norm == "." else norm


@dataclass(frozen=True, slots=True)
class SassOptions:
    """The effective settings of Jekyll's Sass converter for one site (see :meth:`from_config`).

    ``load_paths`` are site key prefixes (``""`` is the site root) libsass searches, in order, after
    the directory of the importing file: ``sass.load_paths``, then ``sass_dir``, then the theme's.
    """

    style: str = "compact"
    sass_dir: str = "_sass"
    load_paths: tuple[str, ...] = ("_sass",)
    sourcemap: str = "always"
    jekyll_env: str = "development"
    line_comments: bool = False
    precision: int | None = None
    source_map_embed: bool = False
    add_charset: bool = False
    safe: bool = False

    def __post_init__(self) -> None:
        if self.style not in _STYLES:
            raise ValueError(f"style must be one of {', '.join(_STYLES)}, not {self.style!r}")

    @classmethod
    def from_config(
        cls,
        site_config: Mapping[str, object],
        *,
        jekyll_env: str = "development",
        theme_sass_dir: str | None = None,
    ) -> SassOptions:
        """The options from the *whole* site config (its ``sass:`` mapping and ``safe``).

        ``jekyll_env`` is ``JEKYLL_ENV`` (Jekyll's default: development), which only matters for
        ``sourcemap: development``. ``theme_sass_dir`` is the key prefix under which ``read``
        serves a gem theme's ``_sass`` folder (searched last), if the site has such a theme.

        Raises :class:`ContentError` (naming ``_config.yml``) for settings this cannot honour:
        glob patterns in ``load_paths`` (Jekyll expands them on disk) and the Dart Sass
        implementation.
        """
        raw = site_config.get("sass")
        sass: Mapping[str, object] = raw if isinstance(raw, Mapping) else {}
        safe = _truthy(site_config.get("safe", False))

        implementation = sass.get("implementation")
        if implementation == "sass-embedded":
            raise ContentError(
                "_config.yml",
                "sass.implementation: sass-embedded (Dart Sass) is not supported; "
                "Broadsheet compiles with libsass, like Jekyll's default sassc",
            )

        style = "compact"
        if "style" in sass:
            value = sass["style"]
            name = "" if value is None else _ruby_to_s(value).removeprefix(":")
            style = name if name in _STYLES else "compact"

        sass_dir_value = sass.get("sass_dir")
        sass_dir_text = "" if sass_dir_value is None else _ruby_to_s(sass_dir_value)
        sass_dir = _sanitized(sass_dir_text or "_sass")

        user = sass.get("load_paths")
        user_paths = (
            [] if user is None else list(user) if isinstance(user, list | tuple) else [user]
        )
        paths: list[str] = []
        for entry in [*user_paths, sass_dir]:
            if not isinstance(entry, str):
                continue
            if _GLOB.search(entry):
                raise ContentError(
                    "_config.yml",
                    f"sass.load_paths: glob pattern {entry!r} is not supported; list the folders",
                )
            prefix = _sanitized(entry) if safe else _inside(entry)
            if prefix is not None and prefix not in paths:
                paths.append(prefix)
        if theme_sass_dir is not None:
            paths.append(theme_sass_dir.strip("/"))

        sourcemap_value = sass.get("sourcemap", "always")
        sourcemap = _ruby_to_s(sourcemap_value).removeprefix(":")

        precision = sass.get("precision")
        return cls(
            style=style,
            sass_dir=sass_dir,
            load_paths=tuple(paths),
            sourcemap=sourcemap,
            jekyll_env=jekyll_env,
            # The engine options below reach sassc only through the merged user config, which
            # the converter skips in safe mode.
            line_comments=not safe and _truthy(sass.get("line_comments")),
            precision=(
                precision
                if not safe and isinstance(precision, int) and not isinstance(precision, bool)
                else None
            ),
            source_map_embed=not safe and _truthy(sass.get("source_map_embed")),
            add_charset=_truthy(sass.get("add_charset")),
            safe=safe,
        )

    @property
    def writes_source_map(self) -> bool:
        """Whether Jekyll writes ``<name>.css.map`` (and the ``sourceMappingURL`` comment)."""
        if self.sourcemap == "never":
            return False
        return not (self.sourcemap == "development" and self.jekyll_env != "development")


def _ruby_to_s(value: object) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


@dataclass(frozen=True, slots=True)
class SassResult:
    """A compiled page.

    ``css`` is the page's output (at ``css_key``); ``source_map`` the ``.css.map`` Jekyll writes
    beside it (at ``map_key``), or ``None`` when it writes none. ``dependencies`` are the site keys
    the output was made from, the page first; ``missing`` are keys that were looked for and not
    found (an import candidate that later appears can change the output too). Bytes that are not
    UTF-8 survive as surrogate escapes: ``css.encode("utf-8", "surrogateescape")``.
    """

    css: str
    source_map: str | None
    css_key: str
    map_key: str | None
    dependencies: tuple[str, ...]
    missing: tuple[str, ...]


class _Resolver:
    """The custom importer: libsass's file lookup, over site keys, with limits."""

    def __init__(
        self,
        read: Reader,
        load_paths: tuple[str, ...],
        *,
        main_key: str,
        main_vpath: str,
        main_source: bytes,
        main_scss: bytes,
        max_input_bytes: int,
        sass2scss: Callable[[bytes], bytes],
    ) -> None:
        self._read_fn = read
        self._dirs = tuple(
            VIRTUAL_ROOT + "/" + (prefix.strip("/") + "/" if prefix.strip("/") else "")
            for prefix in load_paths
        )
        self._cache: dict[str, bytes | None] = {}
        self._total = len(main_source)
        self._max = max_input_bytes
        self._calls = 0
        self._imports: dict[str, list[QuotedImport]] = {}
        self._cursor: dict[str, int] = {}
        self._depth: dict[str, int] = {}
        self._sass2scss = sass2scss
        self.main_key = main_key
        self.main_vpath = main_vpath
        self.dependencies: list[str] = [main_key]
        self.missing: list[str] = []
        self._parsing(main_vpath, main_scss, 0)

    def key_of(self, vpath: str) -> str | None:
        """The site key a virtual path stands for; ``None`` if it is outside the site.

        (The page itself has a virtual path of its own, ``/<root>/<name>``, which stands for the
        site-root file of that name here, as it would on disk for Jekyll.)
        """
        if not vpath.startswith(VIRTUAL_ROOT + "/"):
            return None
        norm = posixpath.normpath(vpath[len(VIRTUAL_ROOT) + 1 :] or ".")
        if norm == ".." or norm.startswith(("../", "/")):
            return None
        return "" if norm == "." else norm

    def _parsing(self, vpath: str, source: bytes, depth: int) -> None:
        """libsass is about to parse SCSS ``source`` as ``vpath``, imported ``depth`` blocks deep.

        Its imports will be asked for in order; its nesting adds to the depth.
        """
        text = source.decode("utf-8", "replace")
        depth += nesting_depth(text)
        if depth > MAX_NESTING:
            raise _LimitExceeded(f"nesting limit: blocks nest more than {MAX_NESTING} deep")
        self._imports[vpath] = scan(text)
        self._cursor[vpath] = 0
        self._depth[vpath] = depth

    def _next_import(self, prev: str, url: str) -> QuotedImport | None:
        """The next quoted import of ``url`` in the importing file (the rule being parsed)."""
        entries = self._imports.get(prev, [])
        for index in range(self._cursor.get(prev, 0), len(entries)):
            if entries[index].url == url:
                self._cursor[prev] = index + 1
                return entries[index]
        return None

    def _load(self, key: str) -> bytes | None:
        if not key:
            return None  # the site root itself is no file
        if key in self._cache:
            return self._cache[key]
        data: bytes | None = None
        if not _UNSAFE_KEY.search(key) and not is_private(key):
            try:
                text = self._read_fn(key)
            except NotFound:
                text = None
            if isinstance(text, str):
                data = text.encode("utf-8", "surrogateescape")
            elif isinstance(text, bytes | bytearray):
                data = bytes(text)
        self._cache[key] = data
        if data is None:
            self.missing.append(key)
            return None
        self._total += len(data)
        if self._total > self._max:
            raise _LimitExceeded(
                f"input limit: the stylesheet and its imports exceed {self._max} bytes (at {key})"
            )
        self.dependencies.append(key)
        return data

    def __call__(self, url: str, prev: str) -> _native.ImportAnswer:
        try:
            return self._resolve(url, prev)
        except _LimitExceeded as exc:
            return _native.Refuse(str(exc))

    def _resolve(self, url: str, prev: str) -> _native.ImportAnswer:
        self._calls += 1
        if self._calls > MAX_IMPORTS:
            raise _LimitExceeded(f"import limit: more than {MAX_IMPORTS} imports")
        rule = self._next_import(prev, url)
        if _paths.is_url(url):
            return None  # libsass keeps it as a plain CSS @import
        if _paths.is_absolute_path(url) or _UNSAFE_KEY.search(url):
            return _native.Refuse(
                f'import of "{url}" refused: only files inside the site can be imported'
            )
        imp_path = _paths.make_canonical_path(url)
        parent_dir = _paths.make_canonical_path(_paths.dir_name(prev))
        if self.key_of(parent_dir) is None:
            parent_dir = VIRTUAL_ROOT + "/"
        searches = [
            group
            for root in (parent_dir, *self._dirs)
            for group in (
                _paths.candidates(root, imp_path),
                _paths.index_candidates(root, imp_path),
            )
        ]
        outside = [any(self.key_of(vpath) is None for _rel, vpath in group) for group in searches]
        # A bare path handed back makes libsass look for the file itself, relative to the
        # importing file only (it has no include paths): safe if those candidates stay under the
        # virtual root (nothing exists below /dev/null; a leading "../" is collapsed textually).
        bare_path_safe = not any(outside[:2])
        as_written = rule.quoted if rule else (f'"{url}"' if '"' not in url else url)
        if rule is not None and rule.has_queries and bare_path_safe:
            return _native.PathOnly(as_written)  # @import "x" screen; stays CSS in libsass
        for group in searches:
            hits: list[tuple[str, str, bytes]] = []
            for rel, vpath in group:
                key = self.key_of(vpath)
                data = None if key is None else self._load(key)
                if data is not None:
                    hits.append((rel, vpath, data))
            if len(hits) > 1:
                names = "".join(f"  {rel}\n" for rel, _vpath, _data in hits)
                return _native.Refuse(
                    f"It's not clear which file to import for '@import \"{imp_path}\"'.\n"
                    f"Candidates:\n{names}Please delete or rename all but one of these files.\n"
                )
            if hits:
                _rel, vpath, data = hits[0]
                if vpath[-5:].lower() == ".sass":  # libsass converts the .sass files it reads
                    data = self._sass2scss(data)
                self._parsing(vpath, data, self._depth.get(prev, 0) + 1)
                return _native.Found(vpath, data)
        if any(outside):
            return _native.Refuse(f'import of "{url}" refused: it leads outside the site')
        # Not in the site: libsass looks under the virtual root (nothing there) and reports
        # "File to import not found or unreadable", as Jekyll would.
        return _native.PathOnly(as_written)


class _LimitExceeded(Exception):
    pass


def _library(lib: _native.LibSass | None) -> _native.LibSass:
    lib = lib or _native.default_library()
    if lib is None:
        raise SassUnavailable(
            "libsass is not available here (install the libsass wheel; there is none for "
            "Linux arm64): serve CSS compiled elsewhere"
        )
    return lib


def _syntax_of(key: str) -> str:
    ext = posixpath.splitext(key)[1].lower()
    if ext not in (".scss", ".sass"):
        raise ValueError(f"not a Sass page: {key}")
    return ext[1:]


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def _compile(
    source: str,
    *,
    syntax: str,
    error_key: str,
    name: str,
    stem: str,
    source_map_file: str | None,
    options: SassOptions,
    read: Reader,
    body_line: int,
    max_input_bytes: int,
    lib: _native.LibSass | None,
    want_map: bool,
) -> tuple[str, str | None, tuple[str, ...], tuple[str, ...]]:
    """CSS, source map, dependencies and missing keys of one compile: in a worker process with
    a time and memory limit (``_worker``), unless ``lib`` names a libsass of the caller's (a
    library loaded here stays here)."""
    request: dict[str, Any] = {
        "source": source,
        "syntax": syntax,
        "error_key": error_key,
        "name": name,
        "stem": stem,
        "source_map_file": source_map_file,
        "options": options,
        "body_line": body_line,
        "max_input_bytes": max_input_bytes,
        "want_map": want_map,
    }
    if lib is not None or len(_encode(source)) > max_input_bytes or not source:
        return _compile_here(read=read, lib=lib, **request)  # no libsass run, or the caller's
    _library(None)  # SassUnavailable here, before any worker starts
    request["limits"] = {"MAX_IMPORTS": MAX_IMPORTS, "MAX_NESTING": MAX_NESTING}
    try:
        return _worker.compile_in_worker(request, read)
    except _worker.CompileTimeout:
        seconds = _worker.TIMEOUT_SECONDS
        raise ContentError(
            error_key,
            f"the Sass compile took more than {seconds:g} s and was stopped",
            line=body_line,
            hint="look for a @while or @for loop that never ends or runs too long",
        ) from None
    except _worker.WorkerFailed as error:
        megabytes = _worker.MEMORY_BYTES // (1024 * 1024)
        raise ContentError(
            error_key,
            f"the Sass compile failed ({error}); it may need more than {megabytes} MiB",
            line=body_line,
            hint="look for a loop that builds a huge output",
        ) from None


def _compile_here(
    source: str,
    *,
    syntax: str,
    error_key: str,
    name: str,
    stem: str,
    source_map_file: str | None,
    options: SassOptions,
    read: Reader,
    body_line: int,
    max_input_bytes: int,
    lib: _native.LibSass | None,
    want_map: bool,
) -> tuple[str, str | None, tuple[str, ...], tuple[str, ...]]:
    """One compile, in this process (libsass cannot be interrupted here: see ``_worker``)."""
    data = _encode(source)
    main_vpath = f"{VIRTUAL_ROOT}/{name}"
    if len(data) > max_input_bytes:
        raise ContentError(
            error_key, f"input limit: the stylesheet is larger than {max_input_bytes} bytes"
        )
    if not data:  # SassC::Engine#render returns an empty template as is
        return "", None, (error_key,), ()
    libsass = _library(lib)
    try:
        resolver = _Resolver(
            read,
            options.load_paths,
            main_key=error_key,
            main_vpath=main_vpath,
            main_source=data,
            main_scss=libsass.sass2scss(data) if syntax == "sass" else data,
            max_input_bytes=max_input_bytes,
            sass2scss=libsass.sass2scss,
        )
    except _LimitExceeded as exc:
        raise ContentError(error_key, str(exc)) from None
    result = _native.compile_data(
        libsass,
        data,
        importer=resolver,
        input_path=main_vpath,
        output_path=f"{VIRTUAL_ROOT}/{stem}.css",
        source_map_file=source_map_file,
        style=options.style,
        indented=syntax == "sass",
        precision=options.precision,
        source_comments=options.line_comments,
        source_map_embed=options.source_map_embed,
        source_map_contents=True,
        omit_source_map_url=not want_map,
    )
    if not result.ok:
        raise _error(
            result, resolver, main_vpath=main_vpath, main_key=error_key, body_line=body_line
        )
    css = result.css.decode("utf-8", "surrogateescape")
    if options.line_comments:
        css = _VIRTUAL_IN_TEXT.sub("", css)
    css = _BOM.sub('@charset "UTF-8";' if options.add_charset else "", css, count=1)
    source_map = None
    if want_map and result.source_map is not None:
        source_map = drop_repeated_sources(result.source_map.decode("utf-8", "surrogateescape"))
    return css, source_map, tuple(resolver.dependencies), tuple(resolver.missing)


def _error(
    result: _native.NativeResult,
    resolver: _Resolver,
    *,
    main_vpath: str,
    main_key: str,
    body_line: int,
) -> ContentError:
    main_name = main_vpath.rsplit("/", 1)[1]

    def place(path: str, line: int | None) -> tuple[str, int | None]:
        """A libsass path (virtual, or site-relative as in messages) as a site key and line."""
        if path in (main_vpath, main_name):
            return main_key, None if line is None else line + body_line - 1
        vpath = VIRTUAL_ROOT + "/" + path.removeprefix(VIRTUAL_ROOT + "/")
        return resolver.key_of(vpath) or path, line

    key, line = place(result.error_file or main_vpath, result.error_line)
    message = _VIRTUAL_IN_TEXT.sub("", result.error_text.strip() or "Sass error")
    trace: list[str] = []  # where it was imported or called from, innermost first
    for match in _TRACE.finditer(result.error_message):
        step = location(*place(_VIRTUAL_IN_TEXT.sub("", match["file"]), int(match["line"])))
        if not trace or trace[-1] != step:
            trace.append(step)
    if len(trace) > 5:
        trace[4:] = [f"… {len(trace) - 5} more"]
    return ContentError(
        key,
        f"Sass: {message}",
        line=line,
        column=result.error_column,
        hint="via " + ", ".join(trace) if trace else None,
    )


def compile_page(
    source: str,
    *,
    key: str,
    options: SassOptions,
    read: Reader,
    body_line: int = 1,
    max_input_bytes: int = MAX_INPUT_BYTES,
    libsass: _native.LibSass | None = None,
) -> SassResult:
    """Compile the Sass page at ``key`` as Jekyll's converter does.

    ``source`` is the page's content after front matter *and after Liquid* (Jekyll renders Liquid
    in a ``.scss`` page first); ``body_line`` is the file line it starts on, so errors in the page
    name the file's own line. ``read`` gives every imported file; nothing else is read.

    Raises :class:`ContentError` for Sass errors (the file, partials included, and its line and
    column), refused imports and inputs over ``max_input_bytes``; :class:`SassUnavailable` when
    libsass cannot be loaded; whatever ``read`` raises (such as ``StoreUnavailable``).
    """
    syntax = _syntax_of(key)
    name = posixpath.basename(key)
    stem = name[: -len(posixpath.splitext(name)[1])]
    directory = posixpath.dirname(key)
    css_key = posixpath.join(directory, stem + ".css")
    want_map = options.writes_source_map
    css, source_map, dependencies, missing = _compile(
        source,
        syntax=syntax,
        error_key=key,
        name=name,
        stem=stem,
        source_map_file=f"{VIRTUAL_ROOT}/{stem}.css.map",
        options=options,
        read=read,
        body_line=body_line,
        max_input_bytes=max_input_bytes,
        lib=libsass,
        want_map=want_map,
    )
    return SassResult(
        css=css,
        source_map=source_map,
        css_key=css_key,
        map_key=posixpath.join(directory, stem + ".css.map") if source_map is not None else None,
        dependencies=dependencies,
        missing=missing,
    )


def compile_string(
    text: str,
    syntax: Literal["scss", "sass"],
    options: SassOptions,
    *,
    read: Reader | None = None,
    path: str = "stdin",
    max_input_bytes: int = MAX_INPUT_BYTES,
    libsass: _native.LibSass | None = None,
) -> str:
    """The ``scssify`` (``syntax="scss"``) and ``sassify`` (``"sass"``) Liquid filters.

    Jekyll runs the site's converter with no page: the input is named ``stdin`` (imports resolve
    from the site root, then the load paths), and no source map is made. ``path`` names the file
    in errors (the page that used the filter).
    """
    if syntax not in ("scss", "sass"):
        raise ValueError(f"syntax must be 'scss' or 'sass', not {syntax!r}")
    css, _map, _dependencies, _missing = _compile(
        text,
        syntax=syntax,
        error_key=path,
        name="stdin",
        stem="stdin",
        source_map_file="",
        options=options,
        read=read or _nothing,
        body_line=1,
        max_input_bytes=max_input_bytes,
        lib=libsass,
        want_map=False,
    )
    return css


def _nothing(_key: str) -> None:
    return None
