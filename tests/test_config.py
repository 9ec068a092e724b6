"""_config.yml as Jekyll reads it: permalink styles, timezone, defaults and their precedence."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from handler.engine.config import PERMALINK_STYLES, SiteConfig, deep_merge, defaults_for
from handler.errors import ContentError

ROOT = Path(__file__).parents[1]


def test_the_first_users_config() -> None:
    config = SiteConfig.parse((ROOT / "content" / "_config.yml").read_text(encoding="utf-8"))
    assert config.permalink == "/:categories/:title/"
    assert config.timezone == ZoneInfo("America/Los_Angeles")
    assert config.title == "Your Name / Site Title"
    assert config.url == "https://academicpages.github.io"
    assert config.author_name == "Your Sidebar Name"
    assert config.lang == "en-US"
    assert config.paginate == 5
    assert config.kramdown["input"] == "GFM"
    assert defaults_for(config, "_posts/2023-06-07-journey.md", "posts")["layout"] == "single"


def test_jekyll_defaults_without_a_config() -> None:
    config = SiteConfig.parse(None)
    assert config.permalink == PERMALINK_STYLES["date"]
    assert config.excerpt_separator == "\n\n"
    assert config.future is False
    assert config.paginate == 10
    assert SiteConfig.parse("# only a comment\n").permalink == PERMALINK_STYLES["date"]


@pytest.mark.parametrize("style", sorted(PERMALINK_STYLES))
def test_named_permalink_styles(style: str) -> None:
    assert SiteConfig.parse(f"permalink: {style}").permalink == PERMALINK_STYLES[style]


def test_defaults_precedence_longer_path_and_type_win() -> None:
    config = SiteConfig.parse(
        """
defaults:
  - scope: {path: ""}
    values: {layout: page, author: everyone, nested: {a: 1, b: 1}}
  - scope: {path: "", type: posts}
    values: {layout: post}
  - scope: {path: "_posts/travel"}
    values: {author: traveller, nested: {b: 2}}
  - scope: {path: "_posts/travel", type: pages}
    values: {layout: never}
  - scope: {path: "_posts/*/2020-*"}
    values: {globbed: true}
"""
    )
    assert defaults_for(config, "_posts/2020-01-01-a.md", "posts") == {
        "layout": "post",
        "author": "everyone",
        "nested": {"a": 1, "b": 1},
    }
    travel = defaults_for(config, "_posts/travel/2020-01-01-b.md", "posts")
    assert travel == {
        "layout": "post",
        "author": "traveller",
        "nested": {"a": 1, "b": 2},
        "globbed": True,
    }


def test_legacy_singular_type_names() -> None:
    config = SiteConfig.parse("defaults:\n  - scope: {type: post}\n    values: {x: 1}\n")
    assert defaults_for(config, "_posts/2020-01-01-a.md", "posts") == {"x": 1}


@pytest.mark.parametrize(
    ("text", "location", "words"),
    [
        ("title: [broken\n", "_config.yml:2", "invalid YAML"),
        ("- a list\n", "_config.yml:1", "must be a mapping"),
        ("timezone: Mars/Olympus_Mons\n", "_config.yml:1", "unknown timezone"),
    ],
)
def test_broken_config_is_a_clear_error(text: str, location: str, words: str) -> None:
    with pytest.raises(ContentError) as caught:
        SiteConfig.parse(text)
    assert caught.value.location == location
    assert words in str(caught.value)


def test_deep_merge() -> None:
    assert deep_merge({"a": {"b": 1, "c": 1}, "d": 1}, {"a": {"c": 2}, "d": [1]}) == {
        "a": {"b": 1, "c": 2},
        "d": [1],
    }
