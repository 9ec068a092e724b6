"""handler.engine.reader: which files Jekyll's reader picks up as posts and drafts, by key."""

from __future__ import annotations

import pytest

from handler.engine.config import SiteConfig
from handler.engine.reader import Classifier, Place


def place(key: str, config: str = "{}") -> Place:
    return Classifier(SiteConfig.parse(config)).place(key)


@pytest.mark.parametrize(
    "key",
    [
        "_posts/2023-06-07-journey.md",
        "_posts/2017-2-5-i-dont-like-zeroes.md",
        "_posts/es/2008-11-21-nested.markdown",
        "foo/_posts/bar/2008-12-12-topical-post.markdown",
        "a/b/_posts/2008-12-12-x.md",
        "_posts/2018-10-12-trailing-dots...markdown",
    ],
)
def test_posts_are_found_where_jekyll_finds_them(key: str) -> None:
    assert place(key) == Place("post", collection="posts")


@pytest.mark.parametrize(
    "key",
    [
        # Jekyll reads any YYYY-MM-DD-slug.ext in _posts as a post, not only markdown.
        "_posts/2023-06-07-notes.txt",
        "_posts/2023-06-07-page.html",
        "_posts/2023-06-07-feed.xml",
    ],
)
def test_any_dated_text_file_in_posts_is_a_post(key: str) -> None:
    assert place(key).role == "post"


@pytest.mark.parametrize(
    "key",
    [
        "_posts/2013-03-19-not-a-post/dubious.markdown",
        "_posts/readme.md",
        "_posts/2023-06-07-notes.txt.bak",  # an editor backup
        "_posts/2023-06-07-notes.md.bak.2",
        "_posts/#2023-06-07-notes.md#",
        "_posts/2023-06-07-image.png",  # a binary format: never a post
        "_posts/2023-06-07-paper.pdf",
        "_posts/.2023-06-07-hidden.md",
        "_posts/_2023-06-07-underscore.md",
        "_posts/2023-06-07-backup.md~",
        "about.md",
        "_config.yml",
        ".git/_posts/2023-06-07-x.md",
        "_site/_posts/2023-06-07-x.md",
    ],
)
def test_other_files_are_not_posts(key: str) -> None:
    assert place(key).role not in ("post", "draft")


def test_excluded_folders_hold_no_posts() -> None:
    assert place("old/_posts/2023-06-07-x.md", "exclude: [old]").role == "other"
    assert place("new/_posts/2023-06-07-x.md", "exclude: [old]").role == "post"


def test_drafts_need_no_date() -> None:
    assert place("_drafts/work-in-progress.md") == Place("draft", collection="posts")
    assert place("_drafts/.hidden.md").role == "other"


def test_what_a_build_reads() -> None:
    classifier = Classifier(SiteConfig.parse("exclude: [notes]"))
    assert classifier.read("_posts/2023-06-07-journey.md")
    assert classifier.read("_config.yml")
    assert classifier.read("_sass/main.scss")  # Sass partials, imported by pages
    assert not classifier.read("notes/todo.md")
    assert not classifier.read("Gemfile")  # Jekyll's default excludes
    assert not classifier.read("_posts/2023-06-07-journey.md.bak")
