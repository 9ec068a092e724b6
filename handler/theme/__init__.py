"""The theme: Jinja2 templates and the site stylesheet, both shipped in ``handler/theme/``.

Templates are looked up first through the loader the caller passes (a site's own overrides, e.g. its
``_theme/`` folder), then in the package, so a site replaces ``post.html`` or ``base.html`` by
dropping a file of the same name into its content root. Every template is autoescaped.

The stylesheet is ``theme/static/broadsheet.css`` followed by Pygments rules for ``.highlight``
(kramdown/rouge and Pygments output both use it): a light scheme, then a dark one inside
``@media (prefers-color-scheme: dark)``. Token colours that would fall below WCAG AA contrast
(4.5:1) against the code background are darkened or lightened until they pass.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import Any

import jinja2
from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    Template,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
)
from pygments.style import StyleMeta
from pygments.styles import get_style_by_name
from pygments.token import STANDARD_TYPES

from handler.engine.renderer import PAGE_BUDGET_SECONDS, page_budget
from handler.errors import ContentError, NotFound, RenderError
from handler.store import Store
from handler.theme import sandbox
from handler.theme.bytecode import TemplateBytecode, fingerprint
from handler.theme.sandbox import ThemeEnvironment, ThemeLimits

THEME_DIR = Path(__file__).parent
TEMPLATE_DIR = THEME_DIR / "templates"
STATIC_DIR = THEME_DIR / "static"
STYLESHEET = STATIC_DIR / "broadsheet.css"

AA_CONTRAST = 4.5


@dataclass(frozen=True, slots=True)
class CodeScheme:
    """A Pygments style drawn on a given code background (the theme's ``--code-bg``)."""

    style: str
    background: str
    foreground: str


LIGHT_CODE = CodeScheme(style="default", background="#f5f5f2", foreground="#1d1f23")
DARK_CODE = CodeScheme(style="github-dark", background="#1f2227", foreground="#e4e2dc")


@dataclass(frozen=True, slots=True)
class ThemeAsset:
    """A file the theme serves under ``/_broadsheet/``: its bytes, media type and content version."""

    body: bytes
    media_type: str
    version: str


_STATIC_TYPES = {"favicon.svg": "image/svg+xml"}


# How every theme environment compiles templates (part of the compiled templates' fingerprint).
_OPTIONS: dict[str, Any] = {
    "autoescape": True,
    "trim_blocks": True,
    "lstrip_blocks": True,
    "keep_trailing_newline": True,
}

MAX_TEMPLATE_BYTES = 256 * 1024  # one template of a site's _theme/ (as a layout)
MAX_CACHED_TEMPLATE_BYTES = 4 * 1024 * 1024  # the sources of the compiled templates kept


class Theme:
    """Renders pages from templates and serves the one stylesheet they link to.

    Every template renders in a bounded sandbox (:mod:`handler.theme.sandbox`) under a page's
    CPU budget: a site's ``_theme/`` templates come from the bucket, and are untrusted code.
    """

    def __init__(
        self,
        overrides: BaseLoader | None = None,
        *,
        budget_seconds: float | None = PAGE_BUDGET_SECONDS,
        limits: ThemeLimits | None = None,
    ) -> None:
        """``overrides`` is searched before the built-in templates (a site's ``_theme/`` folder)."""
        loaders: list[BaseLoader] = [] if overrides is None else [overrides]
        loaders.append(FileSystemLoader(TEMPLATE_DIR))
        self.budget_seconds = budget_seconds
        self._env = ThemeEnvironment(limits=limits, loader=ChoiceLoader(loaders), **_OPTIONS)
        self._env.bytecode_cache = _package_bytecode()
        self._sizes: dict[str, int] = getattr(overrides, "sizes", {})
        cache = TemplateCache(MAX_CACHED_TEMPLATE_BYTES, self._source_size)
        self._env.cache = cache  # type: ignore[assignment]
        self._env.globals["css_version"] = self.css_version

    def render(self, template_name: str, **context: Any) -> str:
        """The page ``template_name`` renders to; template faults raise ``RenderError``.

        Under a page's CPU budget of its own, or the budget of the page render it is part of
        (the built-in theme as a post's layout).
        """
        with page_budget(self.budget_seconds, template_name):
            return self._render(template_name, context)

    def _render(self, template_name: str, context: dict[str, Any]) -> str:
        try:
            return self._env.get_template(template_name).render(**context)
        except ContentError:
            raise  # a template file too large, or outside the theme's folder
        except TemplateNotFound as error:
            raise RenderError(
                error.name if isinstance(error.name, str) else template_name,
                "no such template",
                hint="templates are looked up in the site's _theme/ folder, then the built-in theme",
            ) from None
        except TemplateSyntaxError as error:
            raise RenderError(
                error.filename or error.name or template_name,
                error.message or "syntax error",
                line=error.lineno,
            ) from None
        except TemplateError as error:
            path, line = _template_frame(error.__traceback__, template_name)
            raise RenderError(path, str(error), line=line) from None
        except Exception as error:  # whatever else a template from the bucket did
            path, line = _template_frame(error.__traceback__, template_name)
            raise RenderError(path, f"{type(error).__name__}: {error}"[:500], line=line) from None

    def _source_size(self, template: Template) -> int:
        """The bytes of a compiled template's source: what keeping it costs, roughly."""
        name = template.filename or ""
        size = self._sizes.get(name)
        if size is None:
            try:
                size = Path(name).stat().st_size
            except OSError:
                size = MAX_TEMPLATE_BYTES
        return max(size, 1)

    def stylesheet(self) -> str:
        """The site CSS: the theme's rules, then Pygments rules for light and dark schemes."""
        return self._stylesheet

    def asset(self, name: str) -> ThemeAsset | None:
        """The theme file served at ``/_broadsheet/<name>`` (the stylesheet, the icon), else ``None``.

        Not under ``/assets/``, which belongs to the site (and, with the CDN, to the bucket).
        """
        if name == "broadsheet.css":
            return ThemeAsset(
                self._stylesheet.encode(), "text/css; charset=utf-8", self.css_version
            )
        media_type = _STATIC_TYPES.get(name)
        if media_type is None:
            return None
        body = (STATIC_DIR / name).read_bytes()
        return ThemeAsset(body, media_type, hashlib.sha256(body).hexdigest()[:12])

    @cached_property
    def _stylesheet(self) -> str:
        return "\n".join(
            [
                STYLESHEET.read_text(encoding="utf-8").rstrip(),
                "",
                f"/* Code highlighting: Pygments '{LIGHT_CODE.style}' (light), "
                f"'{DARK_CODE.style}' (dark). */",
                pygments_rules(LIGHT_CODE, with_font=True),
                "@media (prefers-color-scheme: dark) {",
                pygments_rules(DARK_CODE, with_font=False, indent="  "),
                "}",
                "",
            ]
        )

    @cached_property
    def css_version(self) -> str:
        """A short content hash of the stylesheet, for cache-busting ``?v=`` links."""
        return hashlib.sha256(self._stylesheet.encode()).hexdigest()[:12]


@cache
def _package_bytecode(
    folder: Path | None = None, write: bool | None = None, recorded_as: str | None = None
) -> TemplateBytecode | None:
    """The compiled built-in templates (:mod:`handler.theme.bytecode`), or ``None`` when the
    sandbox's source cannot be read to fingerprint them (nothing is kept then)."""
    try:
        generator = Path(sandbox.__file__).read_bytes()
    except OSError:
        return None
    version = fingerprint(
        jinja2.__version__,
        repr(sorted(_OPTIONS.items())),
        ThemeEnvironment.__qualname__,
        generator,
    )
    return TemplateBytecode(
        TEMPLATE_DIR, version, folder=folder, write=write, recorded_as=recorded_as
    )


def precompile(folder: Path | None = None, *, root: str | None = None) -> list[str]:
    """Compile every built-in template into ``folder`` (default: where a render looks for them),
    whatever ``PYTHONDONTWRITEBYTECODE`` says; ``infra/build.sh`` runs it for the artifact, with
    ``root`` the folder the package will be in (``/var/task``), which the compiled code names as
    its templates' (the same bytes whatever folder the build ran in). Returns the template names."""
    recorded_as = None
    if root is not None:
        package = Path(__file__).resolve().parents[1]  # the handler package's folder
        recorded_as = str(PurePosixPath(root) / TEMPLATE_DIR.resolve().relative_to(package.parent))
    cache = _package_bytecode(folder, write=True, recorded_as=recorded_as)
    if cache is None:
        raise RuntimeError(f"cannot read {sandbox.__file__}: compiled templates need its source")
    env = Theme()._env
    env.bytecode_cache = cache
    names = sorted(p.name for p in TEMPLATE_DIR.iterdir() if p.is_file())
    for name in names:
        env.get_template(name)
    return names


def _template_frame(tb: TracebackType | None, fallback: str) -> tuple[str, int | None]:
    """The innermost template file and line in a traceback Jinja2 rewrote to point at templates."""
    found: tuple[str, int | None] = (fallback, None)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".xml", ".txt")) or filename.startswith("<template"):
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def pygments_rules(scheme: CodeScheme, *, with_font: bool, indent: str = "") -> str:
    """One rule per Pygments token class, every colour at least AA against the code background.

    Every class gets an explicit ``color`` (``inherit`` when the style has none), so the dark rules
    fully replace the light ones. Weight and style come from the light scheme only.
    """
    style: StyleMeta = get_style_by_name(scheme.style)
    rules = []
    for token, short in sorted(STANDARD_TYPES.items(), key=lambda item: item[1]):
        if not short:
            continue
        spec = style.style_for_token(token)
        color = spec["color"]
        declarations = [
            f"color: {readable(f'#{color}', scheme.background, scheme.foreground)}"
            if color
            else "color: inherit"
        ]
        if with_font:
            declarations.append("font-weight: bold" if spec["bold"] else "font-weight: inherit")
            declarations.append("font-style: italic" if spec["italic"] else "font-style: inherit")
        rules.append(f"{indent}.highlight .{short} {{ {'; '.join(declarations)} }}")
    return "\n".join(rules)


def readable(color: str, background: str, toward: str) -> str:
    """``color``, mixed step by step with ``toward`` until it reaches AA contrast on ``background``."""
    candidate = color
    for step in range(21):
        candidate = _mix(color, toward, step / 20)
        if contrast_ratio(candidate, background) >= AA_CONTRAST:
            return candidate
    return candidate


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast ratio between two ``#rrggbb`` (or ``#rgb``) colours, from 1 to 21."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _rgb(color: str) -> tuple[int, int, int]:
    digits = color.lstrip("#")
    if len(digits) == 3:
        digits = "".join(char * 2 for char in digits)
    if len(digits) != 6:
        raise ValueError(f"{color!r} is not a #rrggbb colour")
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def _luminance(color: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(value) for value in _rgb(color))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def _mix(color: str, other: str, weight: float) -> str:
    mixed = (round(a + (b - a) * weight) for a, b in zip(_rgb(color), _rgb(other), strict=True))
    return "#" + "".join(f"{value:02x}" for value in mixed)


class StoreLoader(BaseLoader):
    """Templates from a content store's ``_theme/`` folder: a site's own overrides.

    A name is a path inside the folder (no ``..``, no hidden or empty segments, as Jinja's own
    ``split_template_path`` has it) and a file is read only up to ``max_bytes``. Freshness is the
    caller's business: the site index carries a digest of ``_theme/``, and the site builds a new
    :class:`Theme` (a new Jinja2 environment) when it changes.
    """

    def __init__(
        self, store: Store, folder: str = "_theme/", *, max_bytes: int = MAX_TEMPLATE_BYTES
    ) -> None:
        self.store = store
        self.folder = folder
        self.max_bytes = max_bytes
        self.sizes: dict[str, int] = {}  # by key: what each template read costs to keep

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        parts = template.split("/")
        if any(not part or part.startswith(".") for part in parts):
            raise TemplateNotFound(template)
        key = self.folder + template
        try:
            body = self.store.get(key, max_bytes=self.max_bytes).body
        except NotFound:
            raise TemplateNotFound(template) from None
        self.sizes[key] = len(body)
        return body.decode("utf-8", "replace"), key, lambda: True


class TemplateCache:
    """Compiled templates, least recently used first out, bounded by the bytes of their sources
    (Jinja's own cache counts templates, whatever their size)."""

    def __init__(self, max_bytes: int, size_of: Callable[[Template], int]) -> None:
        self.max_bytes = max_bytes
        self.size_of = size_of
        self._items: OrderedDict[Any, tuple[Template, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Any) -> Template | None:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            self._items.move_to_end(key)
            return found[0]

    def __setitem__(self, key: Any, template: Template) -> None:
        size = self.size_of(template)
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            if size > self.max_bytes:
                return
            self._items[key] = (template, size)
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, (_, dropped) = self._items.popitem(last=False)
                self._bytes -= dropped

    def __len__(self) -> int:
        return len(self._items)

    @property
    def bytes(self) -> int:
        return self._bytes
