"""Viewport screenshots of the same paths from two servers, compared pixel by pixel.

Each shot gets a fresh browser context (no cookies or storage carried over) at a fixed size, device
scale 1, light colour scheme, reduced motion, en-US, UTC. The page loads to network idle; then
animations and transitions are switched off, the caret hidden, web fonts and images awaited, and
the viewport (not the full page) captured.

Only 127.0.0.1 is reached: every other request is aborted (and listed in ``blocked``), except
those to an ``aliases`` origin, which are answered from the same side's own server. A Jekyll build
links its stylesheet as ``{{ site.url }}/assets/css/main.css``; with
``aliases=("https://academicpages.github.io",)`` that loads from the local copy instead of the
network, for both sides alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Browser, BrowserContext, Route, sync_playwright

from .environment import CHROMIUM, CHROMIUM_ARGS
from .pixels import PixelDiff, compare_images

LOCAL_HOST = "127.0.0.1"
# Belt and braces beside the router: no host name resolves (no DNS prefetch leaves the machine).
NO_DNS = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
LOAD_TIMEOUT_MS = 30_000
FREEZE_CSS = """
*, *::before, *::after {
  animation: none !important;
  transition: none !important;
  caret-color: transparent !important;
  scroll-behavior: auto !important;
}
"""
SETTLE_JS = """async () => {
  await document.fonts.ready;
  await Promise.all(Array.from(document.images, (img) => img.decode().catch(() => null)));
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
}"""


@dataclass(frozen=True)
class Viewport:
    name: str
    width: int
    height: int
    mobile: bool = False  # is_mobile + touch: the meta viewport applies, scrollbars overlay


DESKTOP = Viewport("desktop", 1280, 1600)
PHONE = Viewport("phone", 375, 812, mobile=True)


@dataclass(frozen=True)
class Shot:
    path: Path
    status: int | None  # the page's HTTP status; None if it did not load
    blocked: tuple[str, ...]  # requests aborted because they left 127.0.0.1


@dataclass(frozen=True)
class ScreenshotComparison:
    page: str  # the path compared, e.g. "/about/"
    viewport: Viewport
    ours: Shot
    theirs: Shot
    diff: Path
    pixels: PixelDiff

    @property
    def ratio(self) -> float:
        """Share of ink pixels that differ: 0.0 is the same picture."""
        return self.pixels.ratio

    def describe(self) -> str:
        return (
            f"{self.page} {self.viewport.name}: {self.ratio:.2%} of {self.pixels.ink} ink pixels "
            f"differ (status {self.ours.status} vs {self.theirs.status}); "
            f"ours {self.ours.path}, jekyll {self.theirs.path}, diff {self.diff}"
        )


@contextmanager
def chromium(executable: Path = CHROMIUM) -> Iterator[Browser]:
    """Debian's Chromium, headless, as the browser tests launch it, resolving no host names."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(executable), args=[*CHROMIUM_ARGS, NO_DNS]
        )
        try:
            yield browser
        finally:
            browser.close()


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and parts.hostname == LOCAL_HOST


def alias_target(url: str, base_url: str, aliases: Sequence[str]) -> str | None:
    """``url`` on ``base_url`` if it starts with one of the ``aliases`` origins."""
    for alias in aliases:
        origin = alias.rstrip("/")
        if url == origin or url.startswith(origin + "/"):
            return base_url.rstrip("/") + (url[len(origin) :] or "/")
    return None


class Router:
    """Let 127.0.0.1 through, answer alias origins from ``base_url``, abort the rest."""

    def __init__(self, base_url: str, aliases: Sequence[str]) -> None:
        self.base_url = base_url
        self.aliases = tuple(aliases)
        self.blocked: list[str] = []

    def __call__(self, route: Route) -> None:
        url = route.request.url
        if is_local(url):
            route.continue_()
            return
        target = alias_target(url, self.base_url, self.aliases)
        if target is None:
            self.blocked.append(url)
            route.abort("blockedbyclient")
            return
        route.fulfill(response=route.fetch(url=target))


def new_context(browser: Browser, viewport: Viewport) -> BrowserContext:
    return browser.new_context(
        viewport={"width": viewport.width, "height": viewport.height},
        device_scale_factor=1,
        is_mobile=viewport.mobile,
        has_touch=viewport.mobile,
        color_scheme="light",
        reduced_motion="reduce",
        locale="en-US",
        timezone_id="UTC",
        service_workers="block",
    )


def screenshot(
    browser: Browser,
    url: str,
    out: Path,
    viewport: Viewport,
    *,
    base_url: str,
    aliases: Sequence[str] = (),
) -> Shot:
    """Load ``url`` (on ``base_url``'s server) and save what the viewport shows to ``out``."""
    router = Router(base_url, aliases)
    context = new_context(browser, viewport)
    try:
        context.route("**/*", router)
        page = context.new_page()
        response = page.goto(url, wait_until="networkidle", timeout=LOAD_TIMEOUT_MS)
        page.add_style_tag(content=FREEZE_CSS)
        page.evaluate(SETTLE_JS)
        page.screenshot(path=out, full_page=False, animations="disabled", caret="hide")
    finally:
        context.close()
    status = response.status if response is not None else None
    return Shot(path=out, status=status, blocked=tuple(router.blocked))


def slug(path: str) -> str:
    """A file-name stem for a URL path: ``/posts/2023/x/`` -> ``posts-2023-x``; ``/`` -> ``index``."""
    return re.sub(r"[^A-Za-z0-9._]+", "-", path).strip("-.") or "index"


def compare_page(
    browser: Browser,
    bases: tuple[str, str],
    path: str,
    viewport: Viewport,
    out_dir: Path,
    aliases: Sequence[str] = (),
) -> ScreenshotComparison:
    """Shoot ``path`` on ours (``bases[0]``) and Jekyll's (``bases[1]``) and compare."""
    stem = out_dir / f"{slug(path)}.{viewport.name}"
    shots = [
        screenshot(browser, base.rstrip("/") + path, Path(f"{stem}.{side}.png"), viewport,
                   base_url=base, aliases=aliases)
        for base, side in zip(bases, ("ours", "jekyll"), strict=True)
    ]  # fmt: skip
    diff = Path(f"{stem}.diff.png")
    pixels = compare_images(shots[0].path, shots[1].path, diff)
    return ScreenshotComparison(path, viewport, shots[0], shots[1], diff, pixels)


def compare_screenshots(
    browser: Browser,
    ours_base: str,
    theirs_base: str,
    paths: Sequence[str],
    out_dir: Path,
    *,
    viewports: Sequence[Viewport] = (DESKTOP, PHONE),
    aliases: Sequence[str] = (),
) -> list[ScreenshotComparison]:
    """Every path at every viewport; PNGs (ours, jekyll, diff) are written to ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    bases = (ours_base, theirs_base)
    return [
        compare_page(browser, bases, path, viewport, out_dir, aliases)
        for path in paths
        for viewport in viewports
    ]
