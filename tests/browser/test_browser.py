"""The seed post in a real browser: headless Chromium against ``broadsheet serve`` on 127.0.0.1.

Checks what a reader would notice: the page loads with no console errors and no Content-Security-
Policy violations, the ``p.s. ...`` heading shows, nothing scrolls sideways on a phone or a laptop,
the stylesheet applies (light and dark), and the keyboard reaches a visible skip link.

``BROADSHEET_SCREENSHOTS=1`` also refreshes ``docs/screenshot.png`` and ``docs/screenshot-mobile.png``
(CI leaves them alone).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import free_port
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, sync_playwright

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
SEED = "/posts/2023/06/journey/"
PS_HEADING = re.compile(r"^p\.s\. my advice for anyone trying to break into a field")
START_TIMEOUT = 30.0

# Collects CSP violations in the page. Injected by Playwright over the DevTools protocol, so the
# page's own policy does not apply to it.
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


def wait_until_serving(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"broadsheet serve exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers; the status is the tests' business
        except OSError:
            time.sleep(0.2)
    pytest.fail(
        f"broadsheet serve did not answer {url} in {START_TIMEOUT:.0f}s:\n{log.read_text()}"
    )


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``broadsheet serve --content content`` on a free 127.0.0.1 port; yields its base URL."""
    port = free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    command = [str(Path(sys.executable).with_name("broadsheet")), "serve", "--content", "content"]
    env = {k: v for k, v in os.environ.items() if k not in ("CONTENT_BUCKET", "CONTENT_DIR")}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*command, "--host", "127.0.0.1", "--port", str(port)],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base + SEED, process, log)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(
            f"{CHROMIUM} is absent: run `make system` (infra/setup-system.sh) to install it"
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Visit:
    """A page opened at one viewport, with everything the browser complained about."""

    page: Page
    status: int
    headers: dict[str, str]
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)

    def csp_violations(self) -> list[str]:
        found: list[str] = self.page.evaluate("window.__cspViolations")
        return found

    def horizontal_overflow(self) -> int:
        """How many CSS pixels the document is wider than the viewport (0 when it fits)."""
        width: int = self.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        return max(width, 0)


def visit(
    browser: Browser, url: str, width: int, height: int = 900, scheme: str = "light", scale: int = 1
) -> Visit:
    context = browser.new_context(
        viewport={"width": width, "height": height},
        color_scheme="dark" if scheme == "dark" else "light",
        device_scale_factor=scale,
    )
    page = context.new_page()
    page.add_init_script(WATCH_CSP)
    errors: list[str] = []
    failures: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(f"{message.text} [{message.location.get('url', '?')}]")

    def on_failed(request: Request) -> None:
        failures.append(f"{request.url}: {request.failure}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("requestfailed", on_failed)
    response = page.goto(url, wait_until="load")
    assert response is not None
    page.wait_for_load_state("networkidle")
    return Visit(page, response.status, response.headers, errors, failures)


@pytest.fixture
def seed_desktop(browser: Browser, server: str) -> Iterator[Visit]:
    seen = visit(browser, server + SEED, 1280)
    yield seen
    seen.page.context.close()


def test_seed_post_loads_without_console_errors_or_csp_violations(seed_desktop: Visit) -> None:
    assert seed_desktop.status == 200
    assert "default-src 'self'" in seed_desktop.headers["content-security-policy"]
    assert seed_desktop.console_errors == []
    assert seed_desktop.failed_requests == []
    assert seed_desktop.csp_violations() == []


def test_seed_post_shows_its_title_and_ps_heading(seed_desktop: Visit) -> None:
    page = seed_desktop.page
    title = page.get_by_role("heading", level=1)
    heading = page.get_by_role("heading", level=2, name=PS_HEADING)

    assert title.inner_text() == "From sci-fi writer to AI engineer: a strange journey"
    assert heading.is_visible()
    heading.scroll_into_view_if_needed()
    box = heading.bounding_box()
    assert box is not None and box["width"] > 0 and box["x"] >= 0
    assert page.locator("article time[datetime]").inner_text() == "June 7, 2023"


def test_seed_post_is_styled_by_the_theme_stylesheet(seed_desktop: Visit) -> None:
    page = seed_desktop.page
    measure = page.evaluate("document.querySelector('main').getBoundingClientRect().width")
    font = page.evaluate("getComputedStyle(document.body).fontFamily")

    assert 500 < measure < 900, "the text column should keep a readable measure"
    assert "Charter" in font


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("path", [SEED, "/", "/no/such/page/"])
def test_no_horizontal_scroll(browser: Browser, server: str, path: str, width: int) -> None:
    seen = visit(browser, server + path, width)
    try:
        assert seen.status == (404 if path.startswith("/no/") else 200)
        assert seen.horizontal_overflow() == 0
        assert seen.csp_violations() == []
    finally:
        seen.page.context.close()


def test_dark_scheme_darkens_the_page(browser: Browser, server: str) -> None:
    seen = visit(browser, server + SEED, 1280, scheme="dark")
    try:
        background = seen.page.evaluate("getComputedStyle(document.body).backgroundColor")
        red, green, blue = (int(n) for n in re.findall(r"\d+", background)[:3])
        assert max(red, green, blue) < 64, background
        assert seen.console_errors == []
    finally:
        seen.page.context.close()


def test_keyboard_reaches_a_visible_skip_link_first(seed_desktop: Visit) -> None:
    page = seed_desktop.page
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "(() => { const el = document.activeElement; const box = el.getBoundingClientRect();"
        " const style = getComputedStyle(el);"
        " return [el.getAttribute('href'), box.top, style.outlineStyle]; })()"
    )

    assert focused[0] == "#content"
    assert focused[1] >= 0, "the skip link must move on screen when focused"
    assert focused[2] != "none", "focus must be visible"


def test_screenshots(browser: Browser, server: str, tmp_path: Path) -> None:
    """Screenshots of the seed post; copied into docs/ only with BROADSHEET_SCREENSHOTS=1."""
    shots = {"screenshot.png": (1280, 860, 1), "screenshot-mobile.png": (375, 812, 2)}
    for name, (width, height, scale) in shots.items():
        seen = visit(browser, server + SEED, width, height, scale=scale)
        try:
            png = seen.page.screenshot(path=tmp_path / name)
        finally:
            seen.page.context.close()
        assert png.startswith(b"\x89PNG")
        assert int.from_bytes(png[16:20], "big") == width * scale
    if os.environ.get("BROADSHEET_SCREENSHOTS") == "1":
        DOCS.mkdir(exist_ok=True)
        for name in shots:
            shutil.copyfile(tmp_path / name, DOCS / name)
