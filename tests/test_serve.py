"""``broadsheet serve --content SITE``: a whole Jekyll site on this machine, with no other flag.

The real command in a subprocess, on a free port of 127.0.0.1, asked over HTTP."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
ACADEMICPAGES = ROOT / "tests" / "fixtures" / "academicpages" / "src"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "handler.cli", "serve", "--content", str(ACADEMICPAGES),
         "--port", str(port)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):  # up to ~20 s for the server to listen
            try:
                httpx.get(base + "/robots.txt", timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None:
                    output = process.stdout.read().decode() if process.stdout else ""
                    pytest.fail(f"serve exited: {output}")
                time.sleep(0.1)
        else:
            pytest.fail("serve did not start listening")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


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
