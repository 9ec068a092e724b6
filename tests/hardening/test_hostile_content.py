"""A site of broken and hostile posts beside good ones, served by uvicorn's app and the Lambda entry.

Every hostile post has one answer (404 when it is not a post at all, else the themed 500 page),
the same through ``TestClient`` and through ``make_handler(app)`` with API Gateway v2 events; the
good posts answer 200 with their own text before and after each hostile request; each refusal is a
limit in code (named in the log line, with the file), so no request can run long by construction.
"""

from __future__ import annotations

import logging
import shutil
import time
import tracemalloc
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import feedparser  # type: ignore[import-untyped]
import pytest
from conftest import api_event, body_bytes, call
from fastapi.testclient import TestClient
from mangum import Mangum

from handler.app import make_handler
from handler.engine.index import scan
from handler.engine.markdown import MarkdownLimit, MarkdownRenderer, check_limits
from handler.site import Site
from handler.store.local import LocalStore
from handler.web import create_app

ROOT = Path(__file__).parents[2]
CORPUS = ROOT / "tests" / "fixtures" / "jekyll-corpus"
SEED_URL = "/posts/2023/06/journey/"
GOOD = {
    SEED_URL: "p.s. my advice for anyone",
    "/good-one/": "The first good post, still here.",
    "/good-two/": "The second good post, also here.",
}
XSS_TITLE = '<script>alert("t")</script> " onmouseover="alert(1)'
XSS_TAGS = ["<img src=x onerror=alert(2)>", '" onfocus="alert(3)']
XSS_EXCERPT = "<script>alert(4)</script> & 'more'"
BILLION_LAUGHS = "\n".join(
    ['lol0: &a0 ["lol"]']
    + [f"lol{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    + ["title: *a9"]
)

# A page budget's exception is asynchronous: it may land in a gc callback (hypothesis installs
# one), which prints it as "unraisable" and goes on; the budget then fires again (test_budget.py).
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


@dataclass(frozen=True)
class Hostile:
    """A post file, the URL it would have, the answer it must get and the log text naming why."""

    name: str
    body: bytes
    status: int
    why: str = ""

    @property
    def file(self) -> str:
        return f"_posts/2024-02-01-{self.name}.md"

    @property
    def url(self) -> str:
        return f"/{self.name}/"


def matter(front: str, body: str) -> bytes:
    return f"---\n{front}\n---\n{body}\n".encode()


HOSTILE = [
    Hostile("alias-bomb", f"---\n{BILLION_LAUGHS}\n---\nx\n".encode(), 404, "too many aliases"),
    Hostile("huge", matter("title: Huge", "word " * 4_200_000), 404, "-byte limit"),
    Hostile("deep-quotes", matter("title: Deep", ">" * 3000 + " x"), 500, "nested 3000 deep"),
    Hostile("deep-list", matter("title: Deep list", "- " * 3000 + "x"), 500, "nested 3000 deep"),
    Hostile("deep-mixed", matter("title: Mixed", "> - " * 1500 + "x"), 500, "nested 3000 deep"),
    Hostile("brackets", matter("title: Brackets", "[" * 20_000), 500, "unclosed `[`"),
    Hostile("bracket-words", matter("title: Words", "a [" * 5000), 500, "unclosed `[`"),
    Hostile("link-parens", matter("title: Parens", "[a](" * 5000), 500, "unclosed `[`"),
    # The page's one CPU budget stops these (markdown's own would, outside a page render).
    # Inputs python-markdown still works through slowly (seconds unguarded).
    Hostile("slow-markup", matter("title: Slow", "`a " * 60_000), 500, "took more than"),
    Hostile(
        "abbreviations",
        matter("title: Abbr", "".join(f"*[A{i}]: x\n" for i in range(3000)) + "A1 A2"),
        500,
        "took more than",
    ),
    # Over MAX_POST_BYTES (512 KiB): refused when the index is built, so not a post at all.
    Hostile(
        "too-long",
        matter("title: Long", "ordinary words. " * 40_000),
        404,
        "-byte limit",
    ),
    Hostile(
        "liquid-loop",
        matter("title: Loop", "{% for i in (1..100000000) %}x{% endfor %}"),
        500,
        "range of more than",
    ),
    Hostile("liquid-include-bomb", matter("title: Inc", "{% include x0.html %}"), 500, "includes"),
    # An unknown tag renders nothing (check reports it); an unclosed block is an error.
    Hostile("liquid-error", matter("title: Broken", "{% if x %}never closed"), 500, "never closed"),
    Hostile("nul", matter("title: Nul", "before\0after"), 404, "NUL byte"),
    Hostile("binary", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(range(256)) * 8, 404, "NUL"),
    Hostile(
        "latin1", matter("title: Latin", "caf\xe9").replace(b"\xc3\xa9", b"\xe9"), 404, "UTF-8"
    ),
    Hostile("unclosed", b"---\ntitle: Never closed\nbody text\n", 404, "never closes"),
    Hostile("not-mapping", b"---\n- a\n- b\n---\nBody\n", 404, "must be a mapping"),
    Hostile("scalar", b"---\njust a string\n---\nBody\n", 404, "must be a mapping"),
    Hostile("bad-date", matter("date: 2024-13-45", "x"), 404, "not a real date"),
    Hostile("bad-yaml", matter('title: "unterminated', "x"), 404, "invalid YAML"),
    Hostile("deep-yaml", matter("title: " + "[" * 200 + "]" * 200, "x"), 404, "nested deeper"),
]
# Posts that are odd but valid: they serve 200 with this text.
ODD = {
    "/empty/": ("_posts/2024-03-01-empty.md", b"", "<title>Empty"),
    "/bom/": (
        "_posts/2024-03-02-bom.md",
        b"\xef\xbb\xbf---\ntitle: BOM post\n---\nBody after a BOM.\n",
        "Body after a BOM.",
    ),
    "/crlf/": (
        "_posts/2024-03-03-crlf.md",
        b"---\r\ntitle: CRLF post\r\n---\r\nLine one.\r\n\r\nLine two.\r\n",
        "<p>Line two.</p>",
    ),
    "/caf%C3%A9/na%C3%AFve/": (
        "_posts/2024-03-04-unicode.md",
        matter("title: Unicode\npermalink: /café/naïve/", "Accented URL."),
        "Accented URL.",
    ),
    "/outside/secret/": (
        "_posts/2024-03-05-dotdot.md",
        matter("title: Dots\npermalink: /../../outside/secret/", "Dot dot permalink."),
        "Dot dot permalink.",
    ),
    "/xss/": (
        "_posts/2024-03-06-xss.md",
        matter(
            f"title: '{XSS_TITLE}'\ntags: {XSS_TAGS!r}\nexcerpt: {XSS_EXCERPT!r}\npermalink: /xss/",
            "Hostile metadata, plain body.",
        ),
        "Hostile metadata, plain body.",
    ),
    "/q&a/x/": (
        "_posts/2024-03-07-amp.md",
        matter("title: Q and A\npermalink: /q&a/x/", "Ampersand URL."),
        "Ampersand URL.",
    ),
}
DUPLICATES = {
    "_posts/2024-04-01-dup-a.md": matter("title: Dup A\npermalink: /same/", "Copy A."),
    "_posts/2024-04-02-dup-b.md": matter("title: Dup B\npermalink: /same/", "Copy B."),
    "_posts/2024-04-03-steals-feed.md": matter("title: Thief\npermalink: /feed.xml", "Mine."),
}


def write_hostile_site(root: Path) -> None:
    shutil.copytree(ROOT / "content", root)
    posts = root / "_posts"
    (posts / "2024-01-10-good-one.md").write_text(
        f"---\ntitle: Good one\ntags: [fine]\n---\n{GOOD['/good-one/']}\n", encoding="utf-8"
    )
    (posts / "2024-01-11-good-two.md").write_text(
        f"---\ntitle: Good two\n---\n{GOOD['/good-two/']}\n", encoding="utf-8"
    )
    files = {h.file: h.body for h in HOSTILE}
    files.update({file: body for file, body, _ in ODD.values()})
    files.update(DUPLICATES)
    for key, body in files.items():
        (root / key).write_bytes(body)
    includes = root / "_includes"
    includes.mkdir(exist_ok=True)
    for level in range(4):  # 10 x 10 x 10 x 10 includes, no recursion: only a count stops it
        (includes / f"x{level}.html").write_text(f"{{% include x{level + 1}.html %}}" * 10)
    (includes / "x4.html").write_text("leaf ")


class Entry:
    """One way in: ``get(path) -> (status, headers, body)``."""

    def __init__(self, name: str, client: TestClient | None, handler: Mangum | None) -> None:
        self.name = name
        self.client = client
        self.handler = handler

    def get(self, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
        if self.client is not None:
            r = self.client.request(method, path, follow_redirects=False)
            return r.status_code, {k.lower(): v for k, v in r.headers.items()}, r.content
        assert self.handler is not None
        response = call(self.handler, api_event("2.0", method, path))
        return response["statusCode"], response["headers"], body_bytes(response)


@pytest.fixture(scope="module")
def site_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile") / "site"
    write_hostile_site(root)
    return root


@pytest.fixture(scope="module")
def entries(site_root: Path) -> Iterator[list[Entry]]:
    """The same folder behind two independent apps: uvicorn's (TestClient) and Lambda's."""
    asgi = TestClient(create_app(Site(LocalStore(site_root))), raise_server_exceptions=False)
    handler = make_handler(create_app(Site(LocalStore(site_root))))
    with asgi:
        yield [Entry("asgi", asgi, None), Entry("lambda", None, handler)]


def assert_good_posts_serve(entry: Entry) -> None:
    for url, text in GOOD.items():
        status, _, body = entry.get(url)
        assert (entry.name, url, status) == (entry.name, url, 200)
        assert text in body.decode()


def assert_no_leak(body: bytes, site_root: Path) -> None:
    text = body.decode("utf-8", "replace")
    for leak in (str(site_root), "_posts/", "Traceback", 'File "', "handler/", ".py"):
        assert leak not in text


@pytest.mark.parametrize("hostile", HOSTILE, ids=lambda h: h.name)
def test_hostile_post_has_one_answer_and_good_posts_keep_serving(
    hostile: Hostile,
    entries: list[Entry],
    site_root: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    answers = []
    for entry in entries:
        assert_good_posts_serve(entry)
        for attempt in range(2):  # the second answer comes from a remembered refusal
            began = time.perf_counter()
            with caplog.at_level(logging.WARNING):
                status, headers, body = entry.get(hostile.url)
            elapsed = time.perf_counter() - began
            print(f"{entry.name} {hostile.name} #{attempt + 1}: {status} in {elapsed:.3f} s")
            answers.append((status, headers["content-type"], body))
        assert_good_posts_serve(entry)
        assert_no_leak(body, site_root)
    assert {a[0] for a in answers} == {hostile.status}
    assert {a[1] for a in answers} == {"text/html; charset=utf-8"}
    assert len({a[2] for a in answers}) == 1  # byte for byte the same page every time
    assert b'<link rel="stylesheet"' in answers[0][2]  # the themed page
    if hostile.status == 500:
        assert b"This page could not be rendered." in answers[0][2]


@pytest.mark.parametrize("hostile", HOSTILE, ids=lambda h: h.name)
def test_each_refusal_is_logged_with_its_file_and_limit(
    hostile: Hostile, site_root: Path, caplog: pytest.LogCaptureFixture
) -> None:
    client = TestClient(create_app(Site(LocalStore(site_root))), raise_server_exceptions=False)
    with caplog.at_level(logging.WARNING):
        client.get(hostile.url)
    named = [r.getMessage() for r in caplog.records if hostile.file in r.getMessage()]
    assert named, f"no log line names {hostile.file}"
    assert any(hostile.why in line for line in named), named


@pytest.mark.parametrize("url", sorted(ODD))
def test_odd_but_valid_posts_serve_the_same_everywhere(url: str, entries: list[Entry]) -> None:
    answers = {entry.name: entry.get(url) for entry in entries}
    for status, headers, body in answers.values():
        assert status == 200, url
        assert headers["content-type"] == "text/html; charset=utf-8"
        assert ODD[url][2] in body.decode()
    assert answers["asgi"][2] == answers["lambda"][2]


def test_unicode_permalink_answers_in_decoded_form_too(entries: list[Entry]) -> None:
    for entry in entries[:1]:  # API Gateway always sends the encoded form
        status, _, body = entry.get("/café/naïve/")
        assert status == 200 and b"Accented URL." in body


def test_duplicate_urls_resolve_one_way_and_routes_win(entries: list[Entry]) -> None:
    bodies = set()
    for entry in entries:
        status, _, body = entry.get("/same/")
        assert status == 200
        bodies.add(body)
        status, headers, feed = entry.get("/feed.xml")
        assert status == 200 and headers["content-type"].startswith("application/atom+xml")
        assert b"Mine." not in feed or b"<feed" in feed
    assert len(bodies) == 1
    (body,) = bodies
    assert b"Copy B." in body  # the newer post wins, as Jekyll writes it last


def test_titles_tags_and_excerpts_are_escaped_in_html(entries: list[Entry]) -> None:
    for entry in entries:
        for path in ("/xss/", "/", "/tags/", "/year-archive/"):
            status, _, body = entry.get(path)
            assert status == 200, path
            text = body.decode()
            for raw in ("<script>alert", "<img src=x", 'onmouseover="', 'onfocus="'):
                assert raw not in text, (path, raw)
        _, _, page = entry.get("/xss/")
        assert b"&lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt;" in page or (
            b"&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;" in page
        )


def test_titles_and_excerpts_round_trip_through_the_feed(entries: list[Entry]) -> None:
    for entry in entries:
        status, _, body = entry.get("/feed.xml")
        assert status == 200
        parsed = feedparser.parse(body)
        assert not parsed.bozo, parsed.get("bozo_exception")
        (item,) = [e for e in parsed.entries if e.link.endswith("/xss/")]
        assert item.title == XSS_TITLE  # escaped in XML, so it reads back exactly
        assert {t.term for t in item.get("tags", [])} >= set(XSS_TAGS)
        root = ET.fromstring(body)  # well-formed XML, whatever the titles held
        assert root.tag.endswith("feed")
        assert b"<script>" not in body


def test_sitemap_is_well_formed_with_hostile_urls(entries: list[Entry]) -> None:
    for entry in entries:
        status, _, body = entry.get("/sitemap.xml")
        assert status == 200
        root = ET.fromstring(body)
        locs = [el.text or "" for el in root.iter() if el.tag.endswith("loc")]
        assert "https://academicpages.github.io/q&a/x/" in locs  # & escaped in XML, read back
        assert "https://academicpages.github.io/caf%C3%A9/na%C3%AFve/" in locs
        assert not [loc for loc in locs if "<" in loc or '"' in loc]


def test_the_oversized_post_is_never_read_into_memory(site_root: Path) -> None:
    """The 20 MB post is refused from the listing's size; scanning the site stays small."""
    huge = site_root / "_posts" / "2024-02-01-huge.md"
    assert huge.stat().st_size > 20_000_000
    tracemalloc.start()
    try:
        index = scan(LocalStore(site_root))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    print(f"scan of {len(index.documents)} posts + {len(index.problems)} problems: peak {peak:,} B")
    assert "_posts/2024-02-01-huge.md" in index.problems
    assert peak < 8_000_000


def test_listings_survive_a_post_that_fails_to_render(tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(ROOT / "content", root)
    (root / "_posts" / "2024-01-01-broken.md").write_text(
        "---\ntitle: Broken\n---\n{% if x %}never closed\n", encoding="utf-8"
    )
    client = TestClient(create_app(Site(LocalStore(root))), raise_server_exceptions=False)
    assert client.get("/broken/").status_code == 500
    for path in ("/", "/tags/", "/sitemap.xml", SEED_URL, "/feed.xml"):
        assert client.get(path).status_code == 200, path


# --- the markdown limits on their own ------------------------------------------------------------


def test_markdown_budget_interrupts_a_slow_conversion_and_the_renderer_recovers() -> None:
    renderer = MarkdownRenderer(budget=0.05)
    began = time.thread_time()
    with pytest.raises(MarkdownLimit, match=r"took longer than 0\.05 s"):
        renderer.convert("`a " * 60_000)  # seconds of work for python-markdown unguarded
    used = time.thread_time() - began
    print(f"interrupted after {used:.3f} s of CPU")
    again = time.thread_time()
    with pytest.raises(MarkdownLimit, match="took longer"):
        renderer.convert("`a " * 60_000)
    assert time.thread_time() - again < 0.05  # refused from memory, no second budget spent
    assert renderer.convert("*still* [fine](/x)\n") == (
        '<p><em>still</em> <a href="/x">fine</a></p>\n'
    )


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("ok\n\n" + ">" * 33 + " x\n", 3, "nested 33 deep"),
        ("- a\n" + "  " * 200 + "- b\n", 2, "nested"),
        ("```\n" + ">" * 500 + "\n```\n", None, None),  # fenced code is not nesting
        ("para\n\n" + "[" * 2000, 3, "unclosed"),
        ("[ok](/a) " * 5000, None, None),  # many closed links are cheap
        ("x" * (600 * 1024), None, "characters"),
    ],
)
def test_check_limits(text: str, line: int | None, message: str | None) -> None:
    if message is None:
        check_limits(text)
        return
    with pytest.raises(MarkdownLimit, match=message) as caught:
        check_limits(text)
    assert caught.value.line == line


def test_no_real_post_trips_a_markdown_limit() -> None:
    """The limits leave every corpus post and the seed post alone (no false refusals)."""
    files = [p for p in CORPUS.rglob("*") if "_posts" in p.parts and p.is_file()]
    files.append(ROOT / "content" / "_posts" / "2023-06-07-journey.md")
    assert len(files) == 123
    for path in files:
        check_limits(path.read_text(encoding="utf-8", errors="replace"))


def test_escaped_urls_reach_the_same_post(entries: list[Entry]) -> None:
    for entry in entries:
        status, _, _ = entry.get(quote("/café/naïve/"))
        assert status == 200


def test_check_names_every_post_the_server_refuses_and_no_other(
    site_root: Path, entries: list[Entry]
) -> None:
    """`check` and the server share one validation (the same reader, renderer, limits and
    budget): every post a reader gets a 404 or 500 for is an error of `check` at that file, and
    every post that serves is not."""
    from datetime import UTC, datetime

    from handler.settings import Settings
    from handler.tools import check

    report = check.check(
        LocalStore(site_root),
        now=datetime.now(UTC),
        max_post_bytes=Settings.from_mapping({}).max_post_bytes,
        github_pages=False,
    )
    found = [d for d in report.diagnostics if d.level == "error"]
    errors = {d.path for d in found}
    lambda_entry = next(e for e in entries if e.name == "lambda")
    for hostile in HOSTILE:
        assert lambda_entry.get(hostile.url)[0] == hostile.status
        # At the post, or at the include where its limit tripped "(while rendering <post>)".
        named = [d for d in found if hostile.file in f"{d.path} {d.message} {d.hint}"]
        assert named, (hostile.name, sorted(errors))
    served = [file for file, _, _ in ODD.values()] + ["_posts/2024-01-10-good-one.md"]
    assert not errors & set(served), sorted(errors & set(served))
