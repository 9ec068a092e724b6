"""academicpages in headless Chromium: Broadsheet's pages against Jekyll's, pixel for pixel.

Both are served on 127.0.0.1 (Broadsheet by uvicorn over the site's folder, Jekyll's build by a
GitHub Pages-like static server) and shot at 1280x1600 and 375x812; the share of inked pixels
(not near-white) that differ must stay at or under 1%. The Nu HTML checker must find no error in
a page of ours that Jekyll's own page of the same path does not have.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from compare.environment import nu_or_skip
from compare.nu import command, compare_documents
from compare.screenshots import compare_screenshots
from compare.static_server import serve_site
from conftest import free_port
from playwright.sync_api import Browser

from acceptance.academicpages import SITE_URL, SOURCE, Reference, build_reference
from handler.site import Site
from handler.store.local import LocalStore
from handler.web import create_app

pytestmark = pytest.mark.slow
PAGES = (
    "/",
    "/posts/2023/06/journey/",
    "/publications/",
    "/talks/",
    "/cv/",
    "/talks/2012-03-01-talk-1",
)
INK_DIFFERENCE = 0.01
START_SECONDS = 30.0


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Reference:
    return build_reference(tmp_path_factory.mktemp("jekyll") / "site")


@dataclass(frozen=True)
class Served:
    base_url: str


@pytest.fixture(scope="module")
def ours(reference: Reference) -> Iterator[Served]:
    site = Site(
        LocalStore(SOURCE),
        environment="development",
        github_pages=False,
        now=lambda: reference.built_at,
    )
    port = free_port()
    config = uvicorn.Config(create_app(site), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="broadsheet", daemon=True)
    thread.start()
    deadline = time.monotonic() + START_SECONDS
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield Served(f"http://127.0.0.1:{port}")
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_pages_look_the_same_as_jekylls(
    browser: Browser,
    ours: Served,
    reference: Reference,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with serve_site(reference.root, max_seconds=600) as theirs:
        results = compare_screenshots(
            browser, ours.base_url, theirs.base_url, PAGES, tmp_path, aliases=(SITE_URL,)
        )
    with capsys.disabled():
        print("\nacademicpages screenshots (share of inked pixels that differ):")
        for result in results:
            print(f"    {result.ratio:7.3%}  {result.viewport.name:7s} {result.page}")
    for result in results:
        assert result.ours.status == 200 and result.theirs.status == 200, result.describe()
        assert result.ratio <= INK_DIFFERENCE, result.describe()


def test_no_html_error_that_jekylls_page_does_not_have(
    ours: Served, reference: Reference, tmp_path: Path
) -> None:
    import urllib.request

    java, jar = nu_or_skip()
    pairs = {}
    for path in PAGES:
        with urllib.request.urlopen(ours.base_url + path, timeout=30) as answer:
            mine = answer.read().decode()
        relative = path.lstrip("/")
        relative = relative + "index.html" if path.endswith("/") else relative + ".html"
        pairs[path] = (mine, reference.read(relative).decode())
    fresh = compare_documents(pairs, tmp_path, checker=command(java, jar))
    assert all(not errors for errors in fresh.values()), fresh


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    from compare.environment import chromium_or_skip
    from compare.screenshots import chromium

    with chromium(chromium_or_skip()) as launched:
        yield launched
