"""``broadsheet serve --content SITE``: a whole Jekyll site on this machine, with no other flag.

The real command in a subprocess, on a free port of 127.0.0.1, asked over HTTP."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
from conftest import broadsheet_serve

ROOT = Path(__file__).resolve().parents[1]
ACADEMICPAGES = ROOT / "tests" / "fixtures" / "academicpages" / "src"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with broadsheet_serve(["--content", str(ACADEMICPAGES)], dict(os.environ), log) as base:
        yield base


def test_the_whole_site_is_served_and_points_at_this_machine(served: str) -> None:
    post = httpx.get(served + "/posts/2023/06/journey/", timeout=30)
    assert post.status_code == 200
    assert "From sci-fi writer to AI engineer" in post.text
    # As `jekyll serve` does, site.url is the server's own: the theme's absolute links to its
    # stylesheet and pages stay here instead of going to academicpages.github.io.
    stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', post.text)
    assert stylesheet is not None
    assert stylesheet.group(1) == served + "/assets/css/main.css"
    css = httpx.get(stylesheet.group(1), timeout=30)
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")
    assert b".masthead" in css.content
    for path in (
        "/",
        "/publications/",
        "/talks/",
        "/cv/",
        "/publication/2009-10-01-paper-title-number-1",
    ):
        answer = httpx.get(served + path, timeout=30, follow_redirects=False)
        assert answer.status_code == 200, path
