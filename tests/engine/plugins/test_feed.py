"""handler.engine.plugins.feed: the Atom feed, built by the jekyll-feed plugin from real posts
through the real read/render pipeline (``Site.page("/feed.xml")``), read back with feedparser (no
bozo flag) and checked against RFC 4287's rules for what a feed and an entry hold.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

import feedparser  # type: ignore[import-untyped]
import pytest

from handler.engine.config import SiteConfig
from handler.engine.document import Document, read_document
from handler.engine.plugins.feed import (
    ATOM_NS,
    FEED_PATH,
    Author,
    FeedItem,
    SiteInfo,
    atom_feed,
    feed_entries,
    rfc3339,
)
from handler.site import Site
from handler.store.local import LocalStore

ROOT = Path(__file__).resolve().parents[3]
HOMEBREW = ROOT / "tests" / "fixtures" / "jekyll-corpus" / "Homebrew__brew.sh"
A = f"{{{ATOM_NS}}}"
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")


def build(root: Path, *, drafts: bool = False) -> tuple[bytes, list[Document]]:
    """The feed of the site in ``root`` as the site serves it, and the visible posts."""
    site = Site(LocalStore(root), show_drafts=drafts)
    body = site.page(FEED_PATH).body
    return body, list(site.view().posts)


def parse(body: bytes) -> Any:
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def atom_problems(body: bytes) -> list[str]:
    """What RFC 4287 requires that a reader (or a schema) can see, as a list of violations."""
    root = ET.fromstring(body)
    problems: list[str] = []
    if root.tag != f"{A}feed":
        return [f"root is {root.tag}"]

    def exactly_one(parent: ET.Element, tag: str, where: str) -> None:
        count = len(parent.findall(f"{A}{tag}"))
        if count != 1:
            problems.append(f"{where}: {count} <{tag}>")

    def absolute_iri(value: str | None, where: str) -> None:
        parts = urlsplit(value or "")
        if parts.scheme not in ("http", "https") or not parts.netloc or " " in (value or ""):
            problems.append(f"{where}: {value!r} is not an absolute IRI")

    for tag in ("id", "title", "updated"):
        exactly_one(root, tag, "feed")
    absolute_iri(root.findtext(f"{A}id"), "feed id")
    feed_has_author = root.find(f"{A}author/{A}name") is not None
    rels = [link.get("rel", "alternate") for link in root.findall(f"{A}link")]
    if rels.count("self") != 1 or rels.count("alternate") != 1:
        problems.append(f"feed links: {rels}")
    for link in root.iter(f"{A}link"):
        absolute_iri(link.get("href"), "link href")
    for date in [*root.iter(f"{A}updated"), *root.iter(f"{A}published")]:
        if not RFC3339.fullmatch(date.text or ""):
            problems.append(f"date {date.text!r} is not RFC 3339")
    for number, entry in enumerate(root.findall(f"{A}entry"), 1):
        where = f"entry {number}"
        for tag in ("id", "title", "updated"):
            exactly_one(entry, tag, where)
        absolute_iri(entry.findtext(f"{A}id"), f"{where} id")
        alternates = [
            link
            for link in entry.findall(f"{A}link")
            if link.get("rel", "alternate") == "alternate"
        ]
        if len(alternates) != 1:
            problems.append(f"{where}: {len(alternates)} alternate links")
        if not feed_has_author and entry.find(f"{A}author/{A}name") is None:
            problems.append(f"{where}: no author and none on the feed")
        for content in entry.findall(f"{A}content"):
            if content.get("type") not in ("text", "html", "xhtml") or content.get("src"):
                problems.append(f"{where}: content type {content.get('type')}")
        for category in entry.findall(f"{A}category"):
            if not category.get("term"):
                problems.append(f"{where}: category without a term")
    return problems


# ---- a real site: Homebrew's 45 posts -----------------------------------------------------------


def homebrew_references() -> list[dict[str, Any]]:
    lines = (HOMEBREW / "reference.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


@pytest.fixture(scope="module")
def homebrew() -> tuple[bytes, list[Document]]:
    return build(HOMEBREW)


def test_feed_parses_cleanly_and_lists_the_latest_ten(
    homebrew: tuple[bytes, list[Document]],
) -> None:
    parsed = parse(homebrew[0])
    newest = sorted(homebrew_references(), key=lambda r: (r["date"], r["file"]), reverse=True)[:10]

    assert len(parsed.entries) == 10
    assert [e.link for e in parsed.entries] == ["https://brew.sh" + r["url"] for r in newest]
    # Jekyll's post.id, made absolute: a reader that held the jekyll-feed feed sees no new posts.
    assert [e.id for e in parsed.entries] == ["https://brew.sh" + r["id"] for r in newest]
    assert [e.title for e in parsed.entries] == [r["title"] for r in newest]
    assert parsed.feed.title == "Homebrew"
    assert parsed.feed.subtitle == "The Package Manager for Everywhere."
    assert parsed.feed.id == "https://brew.sh/"
    assert parsed.feed.author == "Homebrew"  # no author in _config.yml: the site's title
    links = {link.rel: link.href for link in parsed.feed.links}
    assert links == {"self": "https://brew.sh/feed.xml", "alternate": "https://brew.sh/"}
    assert parsed.feed.updated == parsed.entries[0].updated


def test_feed_meets_the_atom_rules(homebrew: tuple[bytes, list[Document]]) -> None:
    assert atom_problems(homebrew[0]) == []


def test_entries_carry_dates_summary_and_full_content(
    homebrew: tuple[bytes, list[Document]],
) -> None:
    body, entries = homebrew
    parsed = parse(body)
    first, entry = parsed.entries[0], entries[0]

    assert entry.date is not None
    assert first.published == rfc3339(entry.date)
    assert first.updated == rfc3339(entry.date)  # no last_modified_at: the date
    assert first.summary and "<" not in first.summary
    xml_entry = ET.fromstring(body).find(f"{A}entry")
    assert xml_entry is not None
    content = xml_entry.find(f"{A}content")
    assert content is not None
    assert content.get("type") == "html"
    assert content.get("{http://www.w3.org/XML/1998/namespace}base") == first.link
    assert (content.text or "").startswith("<")
    assert "Homebrew" in (content.text or "")


# ---- the seed site ----------------------------------------------------------------------------


def seed_site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(ROOT / "content", root)
    return root


def write_post(root: Path, name: str, text: str) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_seed_feed_names_the_author_language_and_post(tmp_path: Path) -> None:
    body, _ = build(seed_site(tmp_path))
    parsed = parse(body)

    assert parsed.feed.title == "Your Name / Site Title"
    assert parsed.feed.author == "Your Sidebar Name"
    assert parsed.feed.language == "en-US"
    (entry,) = parsed.entries
    assert entry.title == "From sci-fi writer to AI engineer: a strange journey"
    assert entry.link == "https://academicpages.github.io/posts/2023/06/journey/"
    assert entry.id == "https://academicpages.github.io/posts/2023/06/journey"
    assert entry.summary.startswith("This post tries to 1) explain what I\u2019ve been up to")
    assert "p.s. my advice" in entry.content[0].value
    assert entry.published == "2023-06-07T00:00:00-07:00"  # America/Los_Angeles
    assert atom_problems(body) == []


def test_summary_is_the_excerpt_of_a_post_with_liquid(tmp_path: Path) -> None:
    root = seed_site(tmp_path)
    write_post(
        root,
        "_posts/2024-02-05-liquid.md",
        "---\ntitle: Liquid\n---\nFirst of {{ page.title }}.\n\nSecond paragraph.\n",
    )
    body, _ = build(root)
    entry = parse(body).entries[0]
    assert "Second paragraph" in entry.content[0].value
    assert entry.summary == "First of Liquid."


def test_titles_tags_and_names_with_markup_round_trip(tmp_path: Path) -> None:
    root = seed_site(tmp_path)
    config = (root / "_config.yml").read_text(encoding="utf-8")
    config = config.replace(
        'title: "Your Name / Site Title"', """title: 'Tom & "Jerry" <b>bold</b>'"""
    )
    (root / "_config.yml").write_text(config, encoding="utf-8")
    write_post(
        root,
        "_posts/2024-02-01-hostile.md",
        "---\n"
        """title: '<script>alert("x")</script> & ''quotes'' ]]>'\n"""
        "tags: ['<script>', 'say \"hi\"', 'a & b']\n"
        "categories: ['C&C']\n"
        "author: {name: 'Ann <ann@example.com>', uri: 'https://example.com/?a=1&b=2'}\n"
        "---\n"
        "Body with <em>markup</em> & an ampersand.\n",
    )
    body, _ = build(root)
    parsed = parse(body)
    entry = parsed.entries[0]

    assert b"<script>" not in body
    assert parsed.feed.title == 'Tom & "Jerry" <b>bold</b>'
    assert entry.title == """<script>alert("x")</script> & 'quotes' ]]>"""
    assert [tag.term for tag in entry.tags] == ["C&C", "<script>", 'say "hi"', "a & b"]
    assert entry.author_detail.name == "Ann <ann@example.com>"
    assert entry.author_detail.href == "https://example.com/?a=1&b=2"
    xml_entry = ET.fromstring(body).find(f"{A}entry")
    assert xml_entry is not None
    assert "<em>markup</em> &amp; an ampersand" in (xml_entry.findtext(f"{A}content") or "")
    assert atom_problems(body) == []


def test_characters_xml_cannot_carry_are_dropped(tmp_path: Path) -> None:
    root = seed_site(tmp_path)
    write_post(
        root,
        "_posts/2024-02-02-bell.md",
        '---\ntitle: "ring \\a the \\x1b bell"\ntags: ["t\\x01ag"]\n---\nText.\n',
    )
    body, _ = build(root)
    parsed = parse(body)

    assert parsed.entries[0].title == "ring the bell"
    assert [tag.term for tag in parsed.entries[0].tags] == ["tag"]


def test_updated_is_last_modified_at_and_drafts_stay_out(tmp_path: Path) -> None:
    root = seed_site(tmp_path)
    write_post(
        root,
        "_posts/2024-03-01-revised.md",
        "---\ntitle: Revised\nlast_modified_at: 2024-04-02 10:00:00 +0000\n---\nText.\n",
    )
    write_post(root, "_drafts/unfinished.md", "---\ntitle: Unfinished\n---\nText.\n")
    body, entries = build(root, drafts=True)
    parsed = parse(body)

    assert [e.title for e in parsed.entries] == [
        "Revised",
        "From sci-fi writer to AI engineer: a strange journey",
    ]
    assert parsed.entries[0].updated == "2024-04-02T03:00:00-07:00"  # in the site's time zone
    assert parsed.entries[0].published == "2024-03-01T00:00:00-08:00"
    assert parsed.feed.updated == parsed.entries[0].updated
    assert [e.title for e in entries if e.draft] == ["Unfinished"]  # shown on the site, not here


# ---- the pieces -------------------------------------------------------------------------------


def test_an_empty_feed_is_still_a_valid_feed() -> None:
    body = atom_feed(
        SiteInfo(title="Empty"),
        [],
        feed_url="https://example.com/feed.xml",
        site_url="https://example.com/",
        updated=datetime(2024, 1, 1, tzinfo=UTC),
    )

    parsed = parse(body)
    assert parsed.entries == []
    assert parsed.feed.author == "Empty"
    assert atom_problems(body) == []


def test_an_entry_by_another_author_names_them() -> None:
    when = datetime(2024, 1, 1, 12, tzinfo=timezone(timedelta(hours=2)))
    item = FeedItem(
        id="https://example.com/a",
        url="https://example.com/a/",
        title="A",
        published=when,
        updated=when,
        content_html="<p>a</p>",
        author=Author("Guest", email="guest@example.com"),
        lang="fr",
    )
    body = atom_feed(
        SiteInfo("Site", author=Author("Owner")),
        [item],
        feed_url="https://example.com/feed.xml",
        site_url="https://example.com/",
        updated=when,
    )

    entry = parse(body).entries[0]
    assert (entry.author_detail.name, entry.author_detail.email) == ("Guest", "guest@example.com")
    assert entry.updated == "2024-01-01T12:00:00+02:00"
    assert 'xml:lang="fr"' in body.decode()


@pytest.mark.parametrize(
    ("value", "author"),
    [
        ("Your Name", Author("Your Name")),
        ({"name": "N", "email": "n@example.com"}, Author("N", "n@example.com")),
        ({"name": "", "uri": "https://x.org"}, Author("", None, "https://x.org")),
        ({}, None),
        ("  ", None),
        (None, None),
        (["a", "b"], None),
    ],
)
def test_author_parse(value: object, author: Author | None) -> None:
    assert Author.parse(value) == author


def test_dates_must_carry_a_time_zone() -> None:
    with pytest.raises(ValueError, match="time zone"):
        rfc3339(datetime(2024, 1, 1))
    assert rfc3339(datetime(2024, 1, 1, 0, 0, 0, 123456, tzinfo=UTC)) == "2024-01-01T00:00:00+00:00"


def test_ids_jekyll_makes_with_spaces_become_valid_iris() -> None:
    """jekyll/jekyll test/source has a post whose id is ``/2014/03/22/escape-+ %20[]``."""
    when = datetime(2014, 3, 22, tzinfo=UTC)
    item = FeedItem(
        id="https://example.com/2014/03/22/escape-+ %20[]",
        url="https://example.com/2014/03/22/escape-+-20.html",
        title="Escape",
        published=when,
        updated=when,
        content_html="",
    )
    body = atom_feed(
        SiteInfo("Site"),
        [item],
        feed_url="https://example.com/feed.xml",
        site_url="https://example.com/",
        updated=when,
    )

    assert parse(body).entries[0].id == "https://example.com/2014/03/22/escape-+%20%20[]"
    assert atom_problems(body) == []


def read_post(key: str, text: str, *, draft: bool = False) -> Document:
    config = SiteConfig.parse("timezone: Europe/Paris\n")
    modified = datetime(2024, 5, 1, tzinfo=UTC)
    return read_document(
        key, text, "v1", config, collection="posts", modified=modified, draft=draft
    ).document


def test_an_item_from_a_document() -> None:
    document = read_post(
        "_posts/2024-03-02-notes.md",
        "---\ntitle: Notes\ncategories: [a, b]\ntags: [b, c]\nlang: de\n"
        "authors: [Ann, Bob]\nlast_modified_at: 2024-03-05 10:00:00\n---\nText.\n",
    )
    item = FeedItem.from_document(document, "  <p>Text.</p>\n", "Text.", base_url="https://x.org")

    assert (item.url, item.id) == (
        "https://x.org/a/b/2024/03/02/notes.html",
        "https://x.org/a/b/2024/03/02/notes",
    )
    assert (item.title, item.content_html, item.summary) == ("Notes", "<p>Text.</p>", "Text.")
    assert item.published == datetime(2024, 3, 2, tzinfo=timezone(timedelta(hours=1)))
    assert item.updated == datetime(2024, 3, 5, 10, tzinfo=timezone(timedelta(hours=1)))
    assert item.categories == ("a", "b", "c")  # categories, then tags, each once
    assert (item.author, item.lang) == (Author("Ann"), "de")  # the first of `authors`


def test_feed_entries_are_the_latest_ten_posts_that_are_not_drafts() -> None:
    posts = [read_post(f"_posts/2024-01-{day:02d}-p.md", "x\n") for day in range(20, 5, -1)]
    draft = read_post("_drafts/idea.md", "x\n", draft=True)
    hidden = read_post("_posts/2024-01-30-h.md", "---\npublished: false\n---\n")

    assert feed_entries([draft, hidden, *posts]) == posts[:10]
    assert feed_entries(posts, limit=3) == posts[:3]
