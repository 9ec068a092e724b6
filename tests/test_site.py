"""The site's view of the index: visibility, neighbours, related posts, scheduled changes."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from handler.engine.view import SiteView
from handler.site import Site
from handler.site.routes import resolve
from handler.store.local import LocalStore
from handler.theme import listings
from handler.theme.builtin import related

CORPUS = Path(__file__).parent / "fixtures" / "jekyll-corpus"


@pytest.mark.parametrize("name", ["mmistakes__minimal-mistakes", "jekyll__jekyll-testsource"])
def test_related_posts_match_the_listing_rule(name: str) -> None:
    view = Site(LocalStore(CORPUS / name)).view()
    assert any(e.tags for e in view.posts)
    for entry in view.posts:
        assert related(view, entry) == listings.related(entry, view.posts, fill=False)


def test_neighbours_follow_jekylls_order() -> None:
    view = Site(LocalStore(CORPUS / "Homebrew__brew.sh")).view()
    newest, second, third = view.posts[:3]
    assert view.neighbours(newest) == (second, None)
    assert view.neighbours(second) == (third, newest)
    assert view.neighbours(view.posts[-1])[0] is None


def find(site: Site, view: SiteView, path: str) -> str | None:
    route = resolve(site.outputs(view), path)
    return None if route is None or route.output is None else route.output.key


def test_future_posts_are_hidden_until_their_date() -> None:
    clock = datetime(2010, 10, 24, tzinfo=UTC)
    site = Site(LocalStore(CORPUS / "mmistakes__minimal-mistakes"), now=lambda: clock)
    view = site.view()
    assert all(e.date is not None and e.date <= clock for e in view.posts)
    assert view.next_change is not None and view.next_change > clock
    assert find(site, view, "/post/post-future-date/") is None
    later = Site(LocalStore(CORPUS / "mmistakes__minimal-mistakes"), show_future=True)
    assert find(later, later.view(), "/post/post-future-date/") is not None


def test_baseurl_is_accepted_and_optional() -> None:
    site = Site(LocalStore(CORPUS / "mmistakes__minimal-mistakes"))
    url = "/edge case/edge-case-nested-and-mixed-lists/"
    assert site.page(url).kind == "post"
    assert site.page("/minimal-mistakes" + url).body == site.page(url).body


def test_a_listing_past_its_budget_leaves_work_for_later_and_is_not_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fastapi.testclient import TestClient

    from handler.site import site as site_module
    from handler.web import create_app

    shutil.copytree(CORPUS / "Homebrew__brew.sh", tmp_path / "brew")
    site = Site(LocalStore(tmp_path / "brew"))
    client = TestClient(create_app(site))
    monkeypatch.setattr(site_module, "LISTING_BUDGET_SECONDS", 0.0)  # out of time at once
    hurried = client.get("/")
    assert hurried.status_code == 200
    assert 'class="excerpt"' not in hurried.text  # no post rendered: no excerpts yet
    max_age = int(re.search(r"max-age=(\d+)", hurried.headers["cache-control"]).group(1))  # type: ignore[union-attr]
    assert max_age <= 5 and "stale-while-revalidate" not in hurried.headers["cache-control"]
    assert site.pages.get("/") is None  # not kept
    monkeypatch.setattr(site_module, "LISTING_BUDGET_SECONDS", 1.0)
    full = client.get("/")
    assert full.text.count('class="excerpt"') == 10
    assert "max-age=30" in full.headers["cache-control"]
