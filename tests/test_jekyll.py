"""Jekyll's post semantics, case by case, with real file names and front matter."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from handler.engine.config import SiteConfig
from handler.errors import ContentError
from handler.jekyll import (
    Post,
    classify,
    escape_path,
    extract_excerpt,
    generate_url,
    read_post,
    slugify,
    titleize_slug,
)

SEED = Path(__file__).parents[1] / "content" / "_posts" / "2023-06-07-journey.md"


def post(key: str, text: str, config: str = "{}") -> Post:
    where = classify(key)
    assert where is not None, key
    return read_post(where, text, "v1", SiteConfig.parse(config))


@pytest.mark.parametrize(
    ("key", "slug", "categories"),
    [
        ("_posts/2023-06-07-journey.md", "journey", ()),
        ("_posts/2017-2-5-i-dont-like-zeroes.md", "i-dont-like-zeroes", ()),
        ("_posts/es/2008-11-21-nested.markdown", "nested", ()),
        ("foo/_posts/bar/2008-12-12-topical-post.markdown", "topical-post", ("foo",)),
        ("a/b/_posts/2008-12-12-x.md", "x", ("a", "b")),
        ("_posts/2018-10-12-trailing-dots...markdown", "trailing-dots..", ()),
    ],
)
def test_posts_are_found_where_jekyll_finds_them(
    key: str, slug: str, categories: tuple[str, ...]
) -> None:
    where = classify(key)
    assert where is not None
    assert (where.slug, where.path_categories, where.draft) == (slug, categories, False)


@pytest.mark.parametrize(
    "key",
    [
        "_posts/2013-03-19-not-a-post/dubious.markdown",
        "_posts/readme.md",
        "_posts/2023-06-07-notes.txt.bak",
        "_posts/2023-06-07-image.png",
        "_posts/.2023-06-07-hidden.md",
        "_posts/_2023-06-07-underscore.md",
        "_posts/2023-06-07-backup.md~",
        "about.md",
        "_config.yml",
        ".git/_posts/2023-06-07-x.md",
    ],
)
def test_other_files_are_not_posts(key: str) -> None:
    assert classify(key) is None


def test_drafts_need_no_date() -> None:
    where = classify("_drafts/work-in-progress.md")
    assert where is not None and where.draft and where.slug == "work-in-progress"


def test_seed_post() -> None:
    p = post("_posts/2023-06-07-journey.md", SEED.read_text(encoding="utf-8"),
             "timezone: America/Los_Angeles\npermalink: /:categories/:title/")  # fmt: skip
    assert p.url == "/posts/2023/06/journey/"
    assert p.title == "From sci-fi writer to AI engineer: a strange journey"
    assert p.date == datetime(2023, 6, 7, tzinfo=ZoneInfo("America/Los_Angeles"))


@pytest.mark.parametrize(
    ("front", "tz", "expected"),
    [
        ("", "UTC", datetime(2010, 1, 9, tzinfo=UTC)),  # from the file name
        ("date: 2010-01-10", "UTC", datetime(2010, 1, 10, tzinfo=UTC)),
        ("date: '2010-01-10'", "UTC", datetime(2010, 1, 10, tzinfo=UTC)),
        ("date: 2010-01-10 13:07:09", "UTC", datetime(2010, 1, 10, 13, 7, 9, tzinfo=UTC)),
        ("date: 2010-01-10 13:07:09 +00:00", "UTC", datetime(2010, 1, 10, 13, 7, 9, tzinfo=UTC)),
        # PyYAML leaves "+0100" alone as a string; Jekyll's Time.parse reads it.
        ("date: 2010-01-10 13:07:09 +0100", "UTC", datetime(2010, 1, 10, 12, 7, 9, tzinfo=UTC)),
        ("date: '2010-01-10T13:07:09Z'", "UTC", datetime(2010, 1, 10, 13, 7, 9, tzinfo=UTC)),
        # A naive time is wall-clock time in the site's zone.
        ("date: 2010-01-10 23:30", "America/New_York",
         datetime(2010, 1, 10, 23, 30, tzinfo=ZoneInfo("America/New_York"))),
    ],
)  # fmt: skip
def test_dates(front: str, tz: str, expected: datetime) -> None:
    p = post("_posts/2010-01-09-x.md", f"---\n{front}\n---\nbody", f"timezone: {tz}")
    assert p.date == expected
    assert p.date.utcoffset() == expected.utcoffset()


def test_timezone_can_move_the_day_in_the_url() -> None:
    text = "---\ndate: 2020-03-01 02:00:00 +0000\n---\nbody"
    p = post("_posts/2020-03-01-moved.md", text, "timezone: America/Los_Angeles")
    assert p.url == "/2020/02/29/moved.html"
    assert p.date.utcoffset() == timedelta(hours=-8)


def test_invalid_date_names_the_line() -> None:
    with pytest.raises(ContentError) as caught:
        post("_posts/2010-01-09-x.md", "---\ntitle: t\ndate: someday soon\n---\nbody")
    assert caught.value.location == "_posts/2010-01-09-x.md:3"
    assert "invalid date" in caught.value.message


@pytest.mark.parametrize(
    ("front", "categories", "tags"),
    [
        ("category: foo", ("foo",), ()),
        ("categories: foo bar baz", ("foo", "bar", "baz"), ()),
        ("categories: [foo, bar]", ("foo", "bar"), ()),
        ("categories:\n- 2013", ("2013",), ()),
        ("tag: code", (), ("code",)),
        ("tags: food cooking pizza", (), ("food", "cooking", "pizza")),
        ("tags: [a b, c]", (), ("a b", "c")),
        ("tags:", (), ()),
        ("category: foo\ncategories: [bar]", ("bar", "foo"), ()),
    ],
)
def test_categories_and_tags(
    front: str, categories: tuple[str, ...], tags: tuple[str, ...]
) -> None:
    p = post("_posts/2009-01-27-x.md", f"---\n{front}\n---\n")
    assert (p.categories, p.tags) == (categories, tags)


def test_folder_categories_come_first() -> None:
    p = post("foo/_posts/2009-01-27-x.md", "---\ncategories: [bar, foo]\n---\n")
    assert p.categories == ("foo", "bar")
    assert p.url == "/foo/bar/2009/01/27/x.html"


@pytest.mark.parametrize(
    ("style", "url"),
    [
        ("date", "/cat/2009/04/05/my-post.html"),
        ("pretty", "/cat/2009/04/05/my-post/"),
        ("ordinal", "/cat/2009/095/my-post.html"),
        ("weekdate", "/cat/2009/W14/Sun/my-post.html"),
        ("none", "/cat/my-post.html"),
        ("/:year/:i_month/:i_day/:short_year/:hour:minute:second/:slug:output_ext",
         "/2009/4/5/09/133005/my-post.html"),
        ("/:categories/:title", "/cat/my-post"),
        ("/blog/:title_:year/", "/blog/my-post_2009/"),
    ],
)  # fmt: skip
def test_permalink_styles(style: str, url: str) -> None:
    text = "---\ncategory: Cat\ndate: 2009-04-05 13:30:05\n---\n"
    p = post("_posts/2009-04-05-my-post.md", text, f"permalink: '{style}'")
    assert p.url == url


def test_front_matter_permalink_and_defaults() -> None:
    config = (
        "permalink: date\ndefaults:\n"
        "  - scope: {path: '', type: posts}\n    values: {permalink: '/:year/:title/', layout: post}\n"
        "  - scope: {path: '_posts/news', type: posts}\n    values: {permalink: '/news/:title/'}\n"
    )
    assert post("_posts/2020-01-02-a.md", "x", config).url == "/2020/a/"
    assert post("_posts/news/2020-01-02-b.md", "x", config).url == "/news/b/"
    given = post("_posts/news/2020-01-02-c.md", "---\npermalink: /c.html\n---\n", config)
    assert given.url == "/c.html"
    assert given.data["layout"] == "post"


def test_unknown_placeholder_is_a_clear_error() -> None:
    with pytest.raises(ContentError) as caught:
        post("_posts/2020-01-02-a.md", "---\ntitle: A\npermalink: /:nope/\n---\n")
    assert caught.value.line == 3
    assert ":nope" in caught.value.message


def test_urls_are_cleaned_and_escaped_like_jekyll() -> None:
    assert generate_url("/%2e%2e/%2e%2e/baddie.html", {}) == "/%2e%2e/%2e%2e/baddie.html"
    assert generate_url("/../../x.html", {}) == "/x.html"
    assert generate_url("//a///b/", {}) == "/a/b/"
    assert escape_path("edge case") == "edge%20case"
    assert escape_path("café") == "caf%C3%A9"
    assert escape_path("a+b(c)") == "a+b(c)"


@pytest.mark.parametrize(
    ("text", "mode", "cased", "slug"),
    [
        ("Hello, World!", "default", False, "hello-world"),
        ("escape-+ %20[]", "pretty", True, "escape-+-20"),
        ("special-chars-(+)", "pretty", True, "special-chars-(+)"),
        ("hash-#1", "pretty", True, "hash-1"),
        ("Café au lait", "default", False, "café-au-lait"),
        ("Café au lait", "ascii", False, "caf-au-lait"),
        ("The _config.yml file", "raw", False, "the-_config.yml-file"),
    ],
)
def test_slugify(text: str, mode: str, cased: bool, slug: str) -> None:
    assert slugify(text, mode=mode, cased=cased) == slug


def test_title_from_slug_and_slug_override() -> None:
    assert titleize_slug("hello-wORLD-#1") == "Hello World #1"
    p = post("_posts/2020-01-02-file-name.md", "---\nslug: chosen\n---\n")
    assert (p.title, p.slug, p.url) == ("File Name", "chosen", "/2020/01/02/chosen.html")


def test_visibility_published_future_drafts() -> None:
    now = datetime(2024, 1, 1, tzinfo=UTC)
    assert not post("_posts/2020-01-02-a.md", "---\npublished: false\n---\n").visible(
        now, future=True, drafts=True
    )
    later = post("_posts/2030-01-02-later.md", "x")
    assert not later.visible(now, future=False, drafts=False)
    assert later.visible(now, future=True, drafts=False)
    where = classify("_drafts/idea.md")
    assert where is not None
    mtime = datetime(2023, 5, 1, 12, tzinfo=UTC)
    draft = read_post(where, "x", "v", SiteConfig(), mtime=mtime)
    assert draft.date == mtime and not draft.visible(now, future=False, drafts=False)
    assert draft.visible(now, future=False, drafts=True)


def test_excerpt_closes_open_liquid_blocks_and_keeps_link_references() -> None:
    body = "{% raw %}\nFirst [link][ref]\n\nSecond {% endraw %}\n\n[ref]: https://example.com\n"
    assert extract_excerpt(body, "\n\n") == (
        "{% raw %}\nFirst [link][ref]\n{% endraw %}\n\n[ref]: https://example.com"
    )
    assert extract_excerpt("only one paragraph", "\n\n") == "only one paragraph"
    assert extract_excerpt("a<!--more-->b", "<!--more-->") == "a\n\n"
