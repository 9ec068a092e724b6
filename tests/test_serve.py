"""``broadsheet serve --content SITE``: a whole Jekyll site on this machine, with no other flag.

The real command in a subprocess, on a free port of 127.0.0.1, asked over HTTP."""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
from conftest import broadsheet_serve

ROOT = Path(__file__).resolve().parents[1]
ACADEMICPAGES = ROOT / "tests" / "fixtures" / "academicpages" / "src"


@pytest.fixture(scope="module")
def serve_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("serve") / "serve.log"


@pytest.fixture(scope="module")
def served(serve_log: Path) -> Iterator[str]:
    with broadsheet_serve(["--content", str(ACADEMICPAGES)], dict(os.environ), serve_log) as base:
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


def test_each_request_is_logged_as_one_json_line(served: str, serve_log: Path) -> None:
    # serve writes its log in batches (handler/batchlog.py): the line comes, a moment later.
    assert httpx.get(served + "/no-such-page-to-log/", timeout=30).status_code == 404
    prefix = "INFO broadsheet.access: "
    deadline = time.monotonic() + 30  # a bound for a busy machine, not a measured duration
    lines: list[str] = []
    while not lines and time.monotonic() < deadline:
        time.sleep(0.05)
        text = serve_log.read_text(encoding="utf-8")
        lines = [x for x in text.splitlines() if "/no-such-page-to-log/" in x]
    assert len(lines) == 1
    assert lines[0].startswith(prefix)
    record = json.loads(lines[0].removeprefix(prefix))
    assert record["path"] == "/no-such-page-to-log/"
    assert record["method"] == "GET"
    assert record["status"] == 404
    assert set(record) == {
        "path",
        "method",
        "status",
        "cache",
        "ms",
        "render_ms",
        "s3_ms",
        "request_id",
    }
