"""A typed ctypes binding to libsass's C API, the one Ruby's ``sassc`` gem drives for Jekyll.

Why not ``sass.compile`` from the ``libsass`` package: its string mode neither takes an input path
nor returns the source map, and its file mode reads the entry file from disk. Jekyll's converter
compiles a *data* context with ``input_path``, ``output_path``, ``source_map_file`` and friends
set, and reads the map back; only the C API does all of that. The ``libsass`` wheel links libsass
3.6.6 statically into its ``_sass`` extension and exports the whole C API from it, so this module
loads that file with :mod:`ctypes` (any other ``libsass.so``, such as Debian's 3.6.5 that Jekyll
runs on, works too). Nothing here imports the ``sass`` Python module.

The importer callback is the only way content reaches libsass: :func:`compile_data` wraps a
Python callable as a libsass custom importer. It must answer every file import (see
:class:`Found`, :class:`PathOnly`, :class:`Refuse`); ``None`` hands the import back to libsass,
which is only safe for imports libsass keeps as plain CSS (URLs, ``.css``). Compiles are
serialised by a lock (the GIL is released while libsass runs, and its thread safety is not
documented) and run on a thread with a large stack (libsass recurses as deep as a stylesheet nests).
"""

from __future__ import annotations

import ctypes
import importlib.util
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

__all__ = [
    "Found",
    "LibSass",
    "NativeResult",
    "PathOnly",
    "Refuse",
    "compile_data",
    "default_library",
]

#: libsass's ``std::string::npos``: "no line/column" for an importer error (report at the @import).
NPOS = ctypes.c_size_t(-1).value

#: ``enum Sass_Output_Style``
STYLES = {"nested": 0, "expanded": 1, "compact": 2, "compressed": 3}

#: ``SASS2SCSS_PRETTIFY_1 | SASS2SCSS_KEEP_COMMENT``: what libsass's own ``read_file`` uses for
#: ``.sass`` files (content returned by an importer is *not* converted by libsass).
SASS2SCSS_OPTIONS = 1 | 32

_IMPORTER_FN = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p, ctypes.c_void_p)

_COMPILE_LOCK = threading.Lock()

#: The stack libsass runs on (address space; only the pages used are committed).
STACK_SIZE = 256 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Found:
    """The import resolves to ``path`` (libsass's abs_path for it) with this SCSS ``source``.

    libsass converts a ``.sass`` file it reads itself to SCSS but takes an importer's source as
    it is: convert those with :meth:`LibSass.sass2scss` first.
    """

    path: str
    source: bytes


@dataclass(frozen=True, slots=True)
class PathOnly:
    """Hand libsass just a path: it keeps the import as CSS if it has media queries, else looks
    the path up itself (which must find nothing) and reports "File to import not found"."""

    path: str


@dataclass(frozen=True, slots=True)
class Refuse:
    """Fail the compile with ``message`` at the position of the @import."""

    message: str


ImportAnswer = Found | PathOnly | Refuse | None
Importer = Callable[[str, str], ImportAnswer]  # (url as written, abs path of the importing file)


@dataclass(frozen=True, slots=True)
class NativeResult:
    """What one compile produced: output bytes and map, or libsass's error fields."""

    ok: bool
    css: bytes = b""
    source_map: bytes | None = None
    error_text: str = ""
    error_message: str = ""
    error_file: str | None = None
    error_line: int | None = None
    error_column: int | None = None


_CFunction = Callable[..., Any]


def _fn(lib: ctypes.CDLL, name: str, restype: object, *argtypes: object) -> _CFunction:
    """The C function ``name`` with its signature declared (ctypes checks arguments from it)."""
    func = getattr(lib, name)
    func.restype = restype
    func.argtypes = argtypes
    return func  # type: ignore[no-any-return]


class LibSass:
    """One loaded libsass shared object, with the C functions this module calls."""

    def __init__(self, path: str) -> None:
        self.path = path
        lib = ctypes.CDLL(path)
        p, s, i, b, z = (
            ctypes.c_void_p,
            ctypes.c_char_p,
            ctypes.c_int,
            ctypes.c_bool,
            ctypes.c_size_t,
        )
        self._version = _fn(lib, "libsass_version", s)
        self.copy_c_string = _fn(lib, "sass_copy_c_string", p, s)
        self._sass2scss = _fn(lib, "sass2scss", p, s, i)
        self._free = _fn(lib, "sass_free_memory", None, p)
        self.make_data_context = _fn(lib, "sass_make_data_context", p, p)
        self.data_context_get_context = _fn(lib, "sass_data_context_get_context", p, p)
        self.context_get_options = _fn(lib, "sass_context_get_options", p, p)
        self.compile_data_context = _fn(lib, "sass_compile_data_context", i, p)
        self.delete_data_context = _fn(lib, "sass_delete_data_context", None, p)
        self.set_precision = _fn(lib, "sass_option_set_precision", None, p, i)
        self.set_output_style = _fn(lib, "sass_option_set_output_style", None, p, i)
        self.set_source_comments = _fn(lib, "sass_option_set_source_comments", None, p, b)
        self.set_source_map_embed = _fn(lib, "sass_option_set_source_map_embed", None, p, b)
        self.set_source_map_contents = _fn(lib, "sass_option_set_source_map_contents", None, p, b)
        self.set_omit_source_map_url = _fn(lib, "sass_option_set_omit_source_map_url", None, p, b)
        self.set_is_indented_syntax_src = _fn(
            lib, "sass_option_set_is_indented_syntax_src", None, p, b
        )
        self.set_input_path = _fn(lib, "sass_option_set_input_path", None, p, s)
        self.set_output_path = _fn(lib, "sass_option_set_output_path", None, p, s)
        self.set_source_map_file = _fn(lib, "sass_option_set_source_map_file", None, p, s)
        self.set_c_importers = _fn(lib, "sass_option_set_c_importers", None, p, p)
        self.make_importer_list = _fn(lib, "sass_make_importer_list", p, z)
        self.make_importer = _fn(lib, "sass_make_importer", p, _IMPORTER_FN, ctypes.c_double, p)
        self.importer_set_list_entry = _fn(lib, "sass_importer_set_list_entry", None, p, z, p)
        self.make_import_list = _fn(lib, "sass_make_import_list", p, z)
        self.make_import_entry = _fn(lib, "sass_make_import_entry", p, s, p, p)
        self.import_set_error = _fn(lib, "sass_import_set_error", p, p, s, z, z)
        self.import_set_list_entry = _fn(lib, "sass_import_set_list_entry", None, p, z, p)
        self.compiler_get_last_import = _fn(lib, "sass_compiler_get_last_import", p, p)
        self.import_get_abs_path = _fn(lib, "sass_import_get_abs_path", s, p)
        self.get_output_string = _fn(lib, "sass_context_get_output_string", s, p)
        self.get_source_map_string = _fn(lib, "sass_context_get_source_map_string", s, p)
        self.get_error_status = _fn(lib, "sass_context_get_error_status", i, p)
        self.get_error_text = _fn(lib, "sass_context_get_error_text", s, p)
        self.get_error_message = _fn(lib, "sass_context_get_error_message", s, p)
        self.get_error_file = _fn(lib, "sass_context_get_error_file", s, p)
        self.get_error_line = _fn(lib, "sass_context_get_error_line", z, p)
        self.get_error_column = _fn(lib, "sass_context_get_error_column", z, p)

    @property
    def version(self) -> str:
        raw = self._version()
        return raw.decode() if isinstance(raw, bytes) else "unknown"

    def sass2scss(self, source: bytes) -> bytes:
        """Indented syntax as SCSS, converted exactly as libsass converts ``.sass`` files."""
        converted = self._sass2scss(source, SASS2SCSS_OPTIONS)
        if not converted:
            raise MemoryError("libsass could not convert indented syntax")
        try:
            return ctypes.string_at(converted)
        finally:
            self._free(converted)

    def owned_c_string(self, data: bytes) -> int:
        """A ``malloc``'d copy of ``data`` that libsass takes ownership of (and frees)."""
        ptr = self.copy_c_string(data)
        if not ptr:
            raise MemoryError("libsass could not allocate a string")
        return int(ptr)


def extension_path() -> str | None:
    """Where the ``libsass`` wheel's ``_sass`` extension is, without importing it."""
    try:
        spec = importlib.util.find_spec("_sass")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin or spec.origin in ("built-in", "frozen"):
        return None
    return spec.origin


@lru_cache(maxsize=1)
def default_library() -> LibSass | None:
    """The libsass of the installed ``libsass`` wheel, or ``None`` if it is missing or unusable."""
    path = extension_path()
    if path is None:
        return None
    try:
        return LibSass(path)
    except (OSError, AttributeError):  # not loadable here, or a build without the C API exported
        return None


def _text(raw: object) -> str:
    return raw.decode("utf-8", "surrogateescape") if isinstance(raw, bytes) else ""


def compile_data(
    lib: LibSass,
    source: bytes,
    *,
    importer: Importer,
    input_path: str,
    output_path: str,
    source_map_file: str | None,
    style: str,
    indented: bool = False,
    precision: int | None = None,
    source_comments: bool = False,
    source_map_embed: bool = False,
    source_map_contents: bool = False,
    omit_source_map_url: bool = False,
) -> NativeResult:
    """Compile ``source`` as sassc's ``SassC::Engine#render`` does (a data context).

    An exception raised by ``importer`` aborts the compile and is re-raised here.
    """
    failure: list[BaseException] = []

    def answer(url: bytes | None, _entry: int | None, compiler: int | None) -> int | None:
        url_text = _text(url)
        try:
            prev = _text(lib.import_get_abs_path(lib.compiler_get_last_import(compiler)))
            result = importer(url_text, prev)
            if result is None:
                return None
            if isinstance(result, Found):
                body = lib.owned_c_string(result.source)
                entry = lib.make_import_entry(_encode(result.path), body, None)
            elif isinstance(result, PathOnly):
                entry = lib.make_import_entry(_encode(result.path), None, None)
            else:
                entry = lib.make_import_entry(url or b"", None, None)
                lib.import_set_error(entry, _encode(result.message), NPOS, NPOS)
        except BaseException as exc:  # never let an exception unwind through C
            failure.append(exc)
            entry = lib.make_import_entry(url or b"", None, None)
            lib.import_set_error(entry, b"import failed", NPOS, NPOS)
        imports = lib.make_import_list(1)
        lib.import_set_list_entry(imports, 0, entry)
        return int(imports)

    callback = _IMPORTER_FN(answer)

    def run() -> NativeResult:
        data_context = lib.make_data_context(lib.owned_c_string(source))
        try:
            context = lib.data_context_get_context(data_context)
            options = lib.context_get_options(context)
            if indented:
                lib.set_is_indented_syntax_src(options, True)
            lib.set_input_path(options, _encode(input_path))
            if precision is not None:
                lib.set_precision(options, precision)
            lib.set_output_style(options, STYLES[style])
            if source_comments:
                lib.set_source_comments(options, True)
            lib.set_output_path(options, _encode(output_path))
            if source_map_file is not None:
                lib.set_source_map_file(options, _encode(source_map_file))
            if source_map_embed:
                lib.set_source_map_embed(options, True)
            if source_map_contents:
                lib.set_source_map_contents(options, True)
            if omit_source_map_url:
                lib.set_omit_source_map_url(options, True)
            importers = lib.make_importer_list(1)
            lib.importer_set_list_entry(importers, 0, lib.make_importer(callback, 0.0, None))
            lib.set_c_importers(options, importers)

            status = lib.compile_data_context(data_context)

            if failure:
                raise failure[0]
            if status != 0 or lib.get_error_status(context):
                error_file = lib.get_error_file(context)
                return NativeResult(
                    ok=False,
                    error_text=_text(lib.get_error_text(context)),
                    error_message=_text(lib.get_error_message(context)),
                    error_file=_text(error_file) if error_file else None,
                    error_line=_position(lib.get_error_line(context)),
                    error_column=_position(lib.get_error_column(context)),
                )
            css = lib.get_output_string(context)
            source_map = lib.get_source_map_string(context)
            return NativeResult(
                ok=True,
                css=css if isinstance(css, bytes) else b"",
                source_map=source_map if isinstance(source_map, bytes) else None,
            )
        finally:
            lib.delete_data_context(data_context)

    return _on_big_stack(run)


def _on_big_stack(work: Callable[[], NativeResult]) -> NativeResult:
    """Run ``work`` on a fresh thread with a :data:`STACK_SIZE` stack, one at a time.

    libsass recurses as deep as the stylesheet nests; a deep enough stylesheet overflows a normal
    8 MiB stack and kills the process. The callers also cap nesting, far below what this holds.
    """
    outcome: list[NativeResult] = []
    error: list[BaseException] = []

    def target() -> None:
        try:
            outcome.append(work())
        except BaseException as exc:
            error.append(exc)

    with _COMPILE_LOCK:
        previous = threading.stack_size(STACK_SIZE)
        try:
            worker = threading.Thread(target=target, name="libsass", daemon=True)
            worker.start()
        finally:
            threading.stack_size(previous)
        worker.join()
    if error:
        raise error[0]
    return outcome[0]


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def _position(raw: object) -> int | None:
    return raw if isinstance(raw, int) and 0 < raw < NPOS else None
