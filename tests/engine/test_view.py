"""handler.engine.view: what readers see of a site index at one moment (Jekyll's ``Publisher``),
for a real site folder."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from handler.engine.index import SiteIndex, scan
from handler.engine.view import SiteView, Visibility
from handler.store.local import LocalStore

NOW = datetime(2024, 1, 1, tzinfo=UTC)
DRAFT_TIME = datetime(2023, 5, 1, 12, tzinfo=UTC)


def write(root: Path, key: str, text: str) -> None:
    path = root / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def index(tmp_path: Path) -> SiteIndex:
    root = tmp_path / "site"
    write(root, "_config.yml", "title: Visibility\n")
    write(root, "_posts/2020-01-02-hidden.md", "---\npublished: false\n---\nSecret.\n")
    write(root, "_posts/2021-06-01-old.md", "---\ntitle: Old\n---\nOld.\n")
    write(root, "_posts/2023-03-04-new.md", "---\ntitle: New\n---\nNew.\n")
    write(root, "_posts/2030-01-02-later.md", "---\ntitle: Later\n---\nLater.\n")
    write(root, "_drafts/idea.md", "---\ntitle: Idea\n---\nDraft.\n")
    os.utime(root / "_drafts" / "idea.md", (DRAFT_TIME.timestamp(), DRAFT_TIME.timestamp()))
    write(root, "about.md", "---\ntitle: About\n---\nAbout.\n")
    return scan(LocalStore(root))


def keys(view: SiteView) -> list[str]:
    return [d.key for d in view.posts]


def test_readers_see_published_posts_up_to_now_newest_first(index: SiteIndex) -> None:
    view = SiteView.of(index, NOW)
    assert keys(view) == ["_posts/2023-03-04-new.md", "_posts/2021-06-01-old.md"]
    assert [d.key for d in view.pages] == ["about.md"]  # pages have no date to wait for
    later = index.by_key["_posts/2030-01-02-later.md"]
    assert view.next_change == later.date  # when the scheduled post goes live


def test_future_posts_go_live_at_their_date(index: SiteIndex) -> None:
    later = index.by_key["_posts/2030-01-02-later.md"]
    assert later.date is not None
    assert later.key in keys(SiteView.of(index, later.date))
    assert later.key in keys(SiteView.of(index, NOW, Visibility(future=True)))


def test_unpublished_posts_only_in_previews(index: SiteIndex) -> None:
    hidden = "_posts/2020-01-02-hidden.md"
    assert hidden not in keys(SiteView.of(index, NOW, Visibility(drafts=True, future=True)))
    assert hidden in keys(SiteView.of(index, NOW, Visibility(unpublished=True)))


def test_drafts_are_dated_by_their_file_and_shown_when_asked(index: SiteIndex) -> None:
    draft = index.by_key["_drafts/idea.md"]
    assert draft.draft and draft.date == DRAFT_TIME
    assert draft.key not in keys(SiteView.of(index, NOW))
    shown = SiteView.of(index, NOW, Visibility(drafts=True))
    assert keys(shown) == [
        "_drafts/idea.md",
        "_posts/2023-03-04-new.md",
        "_posts/2021-06-01-old.md",
    ]


def test_neighbours_are_jekylls_previous_and_next(index: SiteIndex) -> None:
    view = SiteView.of(index, NOW)
    old, new = (index.by_key[k] for k in ("_posts/2021-06-01-old.md", "_posts/2023-03-04-new.md"))
    assert view.neighbours(old) == (None, new)
    assert view.neighbours(new) == (old, None)
    assert view.neighbours(index.by_key["about.md"]) == (None, None)
