"""handler.engine.document: Jekyll's post semantics, case by case, with real file names and front
matter (``Jekyll::Document`` in Jekyll 4.3)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from handler.engine.config import SiteConfig
from handler.engine.document import Document, read_document, titleize_slug
from handler.engine.reader import Classifier
from handler.errors import ContentError

SEED = Path(__file__).parents[2] / "content" / "_posts" / "2023-06-07-journey.md"
MODIFIED = datetime(2024, 1, 1, 12, tzinfo=UTC)  # the file's time


def post(key: str, text: str, config: str = "{}", *, modified: datetime = MODIFIED) -> Document:
    """Read ``key`` as Jekyll's reader would: a post or a draft of ``posts``."""
    site = SiteConfig.parse(config)
    role = Classifier(site).place(key).role
    assert role in ("post", "draft"), key
    loaded = read_document(
        key, text, "v1", site, collection="posts", modified=modified, draft=role == "draft"
    )
    return loaded.document


@pytest.mark.parametrize(
    ("key", "slug", "categories"),
    [
        ("_posts/2023-06-07-journey.md", "journey", ()),
        ("_posts/2017-2-5-i-dont-like-zeroes.md", "i-dont-like-zeroes", ()),
        ("_posts/es/2008-11-21-nested.markdown", "nested", ()),
        ("foo/_posts/bar/2008-12-12-topical-post.markdown", "topical-post", ("foo",)),
        ("a/b/_posts/2008-12-12-x.md", "x", ("a", "b")),
        ("_posts/2018-10-12-trailing-dots...markdown", "trailing-dots", ()),
    ],
)
def test_slug_and_categories_come_from_the_path(
    key: str, slug: str, categories: tuple[str, ...]
) -> None:
    # The slug loses its trailing dots, as Jekyll's populate_title strips them.
    p = post(key, "---\n---\n")
    assert (p.slug, p.categories, p.draft) == (slug, categories, False)


def test_drafts_need_no_date() -> None:
    p = post("_drafts/work-in-progress.md", "---\n---\n")
    assert (p.draft, p.slug, p.title) == (True, "work-in-progress", "Work In Progress")
    assert p.date == MODIFIED  # a draft's date is its file's time


def test_seed_post() -> None:
    p = post("_posts/2023-06-07-journey.md", SEED.read_text(encoding="utf-8"),
             "timezone: America/Los_Angeles\npermalink: /:categories/:title/")  # fmt: skip
    assert p.url == "/posts/2023/06/journey/"
    assert p.title == "From sci-fi writer to AI engineer: a strange journey"
    assert p.date == datetime(2023, 6, 7, tzinfo=ZoneInfo("America/Los_Angeles"))
    assert p.destination == "posts/2023/06/journey/index.html"


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
        # Issue 14 gap 13: Time.parse takes the zone only right after the time, so the stray year
        # and the offset after it are ignored: 18:30:22 wall-clock (Jekyll 4.3.1 prints
        # 2023-01-29 18:30:22 -0800 for page.date with this timezone).
        ("date: 2023-01-29 18:30:22 2023 -0800", "America/Los_Angeles",
         datetime(2023, 1, 29, 18, 30, 22, tzinfo=ZoneInfo("America/Los_Angeles"))),
        ("date: 2023-01-29 18:30:22 2023 -0800", "UTC", datetime(2023, 1, 29, 18, 30, 22, tzinfo=UTC)),
        ("date: Sun, 29 Jan 2023 18:30:22 PST", "UTC", datetime(2023, 1, 30, 2, 30, 22, tzinfo=UTC)),
        ("date: January 29th, 2023 6:30pm", "UTC", datetime(2023, 1, 29, 18, 30, tzinfo=UTC)),
    ],
)  # fmt: skip
def test_dates(front: str, tz: str, expected: datetime) -> None:
    p = post("_posts/2010-01-09-x.md", f"---\n{front}\n---\nbody", f"timezone: {tz}")
    assert p.date == expected
    assert p.date is not None and p.date.utcoffset() == expected.utcoffset()


def test_timezone_can_move_the_day_in_the_url() -> None:
    text = "---\ndate: 2020-03-01 02:00:00 +0000\n---\nbody"
    p = post("_posts/2020-03-01-moved.md", text, "timezone: America/Los_Angeles")
    assert p.url == "/2020/02/29/moved.html"
    assert p.date is not None and p.date.utcoffset() == timedelta(hours=-8)


@pytest.mark.parametrize(
    "value",
    # Each raises ArgumentError in Ruby's Time.parse (no date or time; month 13; day 32; 24:30;
    # day 366 of a common year; month 29 of 01/29/2023, read as yyyy/mm/dd's mm). Quoted: YAML
    # refuses an unquoted 2023-13-01 itself, as Psych does.
    ["someday soon", "2023-13-01", "2023-01-32", "2023-01-01 24:30", "2023-366", "01/29/2023"],
)
def test_invalid_date_names_the_line(value: str) -> None:
    with pytest.raises(ContentError) as caught:
        post("_posts/2010-01-09-x.md", f"---\ntitle: t\ndate: '{value}'\n---\nbody")
    assert caught.value.location == "_posts/2010-01-09-x.md:3"
    assert f"invalid date {value!r}" in caught.value.message


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
        ("categories: [foo, foo, bar]", ("foo", "bar"), ()),  # categories are a set...
        # ...tags are flattened but keep repeats, as Jekyll 4.3's populate_tags leaves them.
        ("tags: [a, [b, a]]", (), ("a", "b", "a")),
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


def test_title_from_slug_and_slug_override() -> None:
    assert titleize_slug("hello-wORLD-#1") == "Hello World #1"
    p = post("_posts/2020-01-02-file-name.md", "---\nslug: chosen\n---\n")
    assert (p.title, p.slug, p.url) == ("File Name", "chosen", "/2020/01/02/chosen.html")


def test_a_post_need_not_be_markdown() -> None:
    # Jekyll reads any dated file in _posts; only markdown is converted to .html.
    html = post("_posts/2020-01-02-page.html", "---\ntitle: Page\n---\n<p>x</p>\n")
    text = post("_posts/2020-01-02-notes.txt", "plain words, no front matter\n")
    assert (html.url, html.output_ext) == ("/2020/01/02/page.html", ".html")
    assert (text.url, text.title) == ("/2020/01/02/notes.txt", "Notes")


def test_published_flag() -> None:
    assert post("_posts/2020-01-02-a.md", "---\npublished: false\n---\n").published is False
    assert post("_posts/2020-01-02-b.md", "---\ntitle: B\n---\n").published is True


def test_id_is_the_url_folder_and_the_slug() -> None:
    # Document#id: File.join(File.dirname(url), slug).
    p = post("_posts/2009-04-05-my-post.md", "---\ncategory: cat\n---\n")
    assert p.doc_id == "/cat/2009/04/05/my-post"
    chosen = post("_posts/2009-04-05-my-post.md", "---\nslug: other\npermalink: /x/y.html\n---\n")
    assert chosen.doc_id == "/x/other"


def test_id_of_a_pretty_url_drops_the_trailing_folder() -> None:
    # Ruby's File.dirname("/cat/2009/04/05/my-post/") is "/cat/2009/04/05".
    p = post("_posts/2009-04-05-my-post.md", "---\ncategory: cat\n---\n", "permalink: pretty")
    assert p.url == "/cat/2009/04/05/my-post/"
    assert p.doc_id == "/cat/2009/04/05/my-post"
