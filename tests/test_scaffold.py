"""``new``: a post in the site's own style, at the URL it says, never over another file."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from handler.app import build_site
from handler.settings import Settings
from handler.tools.scaffold import ScaffoldError, new_post

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2025, 3, 4, 12, 0, tzinfo=UTC)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(ROOT / "content", root)
    return root


def test_a_post_follows_the_newest_posts_style_and_is_served_at_its_url(site: Path) -> None:
    made = new_post(site, "It's a new day", now=NOW, tags=["ml", "life notes"])
    assert made.path == site / "_posts" / "2025-03-04-it-s-a-new-day.md"
    assert made.path.read_text(encoding="utf-8") == (
        "---\n"
        "title: 'It''s a new day'\n"
        "date: 2025-03-04\n"
        "permalink: /posts/2025/03/it-s-a-new-day/\n"
        "tags:\n"
        "  - ml\n"
        "  - life notes\n"
        "---\n"
        "\n"
        "Write the first paragraph here: it is the excerpt shown on the home page.\n"
    )
    assert made.url == "/posts/2025/03/it-s-a-new-day/"
    served = build_site(Settings(content_dir=site)).page(made.url)
    assert served.kind == "post" and b"It&#39;s a new day" in served.body


def test_the_date_option_names_the_file(site: Path) -> None:
    made = new_post(site, "Back then", now=NOW, day=date(2021, 12, 31))
    assert made.key == "_posts/2021-12-31-back-then.md"
    assert made.url == "/posts/2021/12/back-then/"


def test_a_draft_goes_to_drafts_without_a_date(site: Path) -> None:
    made = new_post(site, "Half an idea", now=NOW, draft=True)
    assert made.key == "_drafts/half-an-idea.md"
    assert "date:" not in made.text and "permalink:" not in made.text
    assert made.url == "/half-an-idea/"  # _config.yml's permalink: /:categories/:title/


def test_it_refuses_to_overwrite(site: Path) -> None:
    made = new_post(site, "Once", now=NOW)
    made.path.write_text("my words\n", encoding="utf-8")
    with pytest.raises(ScaffoldError, match="already exists"):
        new_post(site, "Once", now=NOW)
    assert made.path.read_text(encoding="utf-8") == "my words\n"


def test_it_refuses_a_url_another_post_has(site: Path) -> None:
    with pytest.raises(ScaffoldError, match=r"2023-06-07-journey\.md already has the URL"):
        new_post(site, "Journey", now=NOW, day=date(2023, 6, 30))
    assert not (site / "_posts" / "2023-06-30-journey.md").exists()


def test_a_title_without_letters_is_refused(site: Path) -> None:
    with pytest.raises(ScaffoldError, match="empty file name"):
        new_post(site, "?!", now=NOW)


def test_an_empty_folder_gets_jekyll_defaults(tmp_path: Path) -> None:
    made = new_post(tmp_path / "blank", "Hello: world", now=NOW, tags=["a"])
    assert made.text.startswith("---\ntitle: 'Hello: world'\ndate: 2025-03-04\ntags:\n  - a\n---\n")
    assert made.url == "/2025/03/04/hello-world.html"


def test_double_quoted_titles_stay_double_quoted(tmp_path: Path) -> None:
    posts = tmp_path / "_posts"
    posts.mkdir()
    (posts / "2020-01-01-old.md").write_text('---\ntitle: "Old"\n---\nx\n', encoding="utf-8")
    made = new_post(tmp_path, 'Say "hi"', now=NOW)
    assert 'title: "Say \\"hi\\""\n' in made.text
    assert "permalink" not in made.text
