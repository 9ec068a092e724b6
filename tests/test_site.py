"""The site's view of the index: visibility, neighbours, related posts, scheduled changes."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from handler import listings
from handler.site import Site
from handler.store.local import LocalStore

CORPUS = Path(__file__).parent / "fixtures" / "jekyll-corpus"


@pytest.mark.parametrize("name", ["mmistakes__minimal-mistakes", "jekyll__jekyll-testsource"])
def test_related_posts_match_the_listing_rule(name: str) -> None:
    view = Site(LocalStore(CORPUS / name)).view()
    assert any(e.tags for e in view.shown)
    for entry in view.shown:
        assert view.related(entry) == listings.related(entry, view.shown, fill=False)


def test_neighbours_follow_jekylls_order() -> None:
    view = Site(LocalStore(CORPUS / "Homebrew__brew.sh")).view()
    newest, second, third = view.shown[:3]
    assert view.neighbours(newest) == (second, None)
    assert view.neighbours(second) == (third, newest)
    assert view.neighbours(view.shown[-1])[0] is None


def test_future_posts_are_hidden_until_their_date() -> None:
    clock = datetime(2010, 10, 24, tzinfo=UTC)
    site = Site(LocalStore(CORPUS / "mmistakes__minimal-mistakes"), now=lambda: clock)
    view = site.view()
    assert all(e.date <= clock for e in view.shown)
    assert view.next_change is not None and view.next_change > clock
    assert view.find("/post/post-future-date/") is None
    shown = Site(LocalStore(CORPUS / "mmistakes__minimal-mistakes"), show_future=True).view()
    assert shown.find("/post/post-future-date/") is not None


def test_baseurl_is_accepted_and_optional() -> None:
    site = Site(LocalStore(CORPUS / "mmistakes__minimal-mistakes"))
    url = "/edge case/edge-case-nested-and-mixed-lists/"
    assert site.page(url).kind == "post"
    assert site.page("/minimal-mistakes" + url).body == site.page(url).body
