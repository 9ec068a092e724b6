"""screenshots.py's pure parts: which requests leave 127.0.0.1, alias origins, file names."""

from __future__ import annotations

import pytest

from .screenshots import DESKTOP, PHONE, alias_target, is_local, slug

BASE = "http://127.0.0.1:8123"
ALIASES = ("https://academicpages.github.io/",)


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("http://127.0.0.1:8123/assets/main.css", True),
        ("https://127.0.0.1/x", True),
        ("http://localhost:8123/", False),
        ("http://127.0.0.2/", False),
        ("https://fonts.googleapis.com/css", False),
        ("http://127.0.0.1.example.com/", False),
    ],
)
def test_only_127_0_0_1_is_local(url: str, local: bool) -> None:
    assert is_local(url) is local


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("https://academicpages.github.io/assets/css/main.css", BASE + "/assets/css/main.css"),
        ("https://academicpages.github.io", BASE + "/"),
        ("https://academicpages.github.io/?q=1", BASE + "/?q=1"),
        ("https://academicpages.github.io.evil.example/x", None),
        ("http://academicpages.github.io/x", None),
        ("https://cdn.jsdelivr.net/npm/mermaid", None),
    ],
)
def test_alias_origins_map_to_the_same_sides_server(url: str, target: str | None) -> None:
    assert alias_target(url, BASE + "/", ALIASES) == target


def test_slugs_name_files() -> None:
    assert slug("/") == "index"
    assert slug("/posts/2023/06/journey/") == "posts-2023-06-journey"
    assert slug("/edge%20case/x.html") == "edge-20case-x.html"
    assert slug("/../etc") == "etc"


def test_the_viewports_are_the_briefs() -> None:
    assert (DESKTOP.width, DESKTOP.height, DESKTOP.mobile) == (1280, 1600, False)
    assert (PHONE.width, PHONE.height, PHONE.mobile) == (375, 812, True)
