"""screenshots.py in Debian's Chromium: Jekyll's build against itself, a restyled copy, and a
different page; and nothing but 127.0.0.1 is reached."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from .screenshots import DESKTOP, PHONE, compare_screenshots, screenshot
from .static_server import serve_site

pytestmark = pytest.mark.slow

ORIGIN = ("https://academicpages.github.io",)  # the build's site.url: served from the copy
POST = "/posts/2023/06/journey/"


def copy_site(source: Path, destination: Path) -> Path:
    shutil.copytree(source, destination)
    return destination


def test_the_same_build_twice_is_the_same_picture(
    browser: Browser, jekyll_site: Path, tmp_path: Path
) -> None:
    paths = ["/", POST, "/publications/", "/no/such/page/"]
    with serve_site(jekyll_site) as ours, serve_site(jekyll_site) as theirs:
        start = time.perf_counter()
        results = compare_screenshots(
            browser, ours.base_url, theirs.base_url, paths, tmp_path, aliases=ORIGIN
        )
        elapsed = time.perf_counter() - start
    print(f"{len(results)} screenshot pairs: {elapsed / len(results):.2f}s a pair")
    assert [(r.page, r.viewport) for r in results] == [
        (p, v) for p in paths for v in (DESKTOP, PHONE)
    ]
    for result in results:
        assert result.ratio == 0.0, result.describe()
        assert result.pixels.ink > 10_000, result.describe()  # styled and drawn, not blank
        assert result.ours.path.is_file()
        assert result.theirs.path.is_file()
        assert result.diff.is_file()
    assert [r.ours.status for r in results][-2:] == [404, 404]


def test_a_css_change_shows(browser: Browser, jekyll_site: Path, tmp_path: Path) -> None:
    ours_root = copy_site(jekyll_site, tmp_path / "ours")
    page = ours_root / POST.strip("/") / "index.html"
    restyle = "<style>.page__content p { color: #b00; }</style></head>"
    page.write_text(page.read_text(encoding="utf-8").replace("</head>", restyle, 1), "utf-8")
    with serve_site(ours_root) as ours, serve_site(jekyll_site) as theirs:
        changed, unchanged = compare_screenshots(
            browser, ours.base_url, theirs.base_url, [POST, "/"], tmp_path / "shots",
            viewports=[DESKTOP], aliases=ORIGIN,
        )  # fmt: skip
    print(changed.describe())
    assert 0.05 < changed.ratio < 0.9, changed.describe()
    assert unchanged.ratio == 0.0, unchanged.describe()


def test_a_different_page_compares_far_apart(
    browser: Browser, jekyll_site: Path, tmp_path: Path
) -> None:
    ours_root = copy_site(jekyll_site, tmp_path / "ours")
    shutil.copyfile(jekyll_site / "publications/index.html", ours_root / "index.html")
    with serve_site(ours_root) as ours, serve_site(jekyll_site) as theirs:
        results = compare_screenshots(
            browser, ours.base_url, theirs.base_url, ["/"], tmp_path / "shots", aliases=ORIGIN
        )
    for result in results:
        print(result.describe())
        assert result.ratio > 0.5, result.describe()


def test_nothing_but_loopback_is_reached(browser: Browser, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(
        '<!doctype html><html><head><link rel="stylesheet" href="https://cdn.example.com/a.css">'
        '<script src="http://192.168.1.1/x.js"></script></head>'
        '<body><p>hello</p><img src="https://images.example.org/i.png" alt="">'
        '<img src="/local.png" alt=""></body></html>',
        encoding="utf-8",
    )
    with serve_site(site) as served:
        start = time.perf_counter()
        shot = screenshot(
            browser, served.url("/"), tmp_path / "shot.png", DESKTOP, base_url=served.base_url
        )
    assert time.perf_counter() - start < 20
    assert shot.status == 200
    assert sorted(shot.blocked) == [
        "http://192.168.1.1/x.js",
        "https://cdn.example.com/a.css",
        "https://images.example.org/i.png",
    ]
