"""The corpus test: every post of four real Jekyll sites against Jekyll 4.3.1's own output.

Metadata (published or not, URL, title, date to the second with offset, categories, tags, slug)
must equal Jekyll's for 100% of posts. Body and excerpt HTML are compared as visible text (parsed,
whitespace collapsed) and as tag structure; the per-set figures are printed, and each must stay at
or above the floor recorded here (raise a floor when the engine improves; never lower one without
saying why in the commit).
"""

from __future__ import annotations

import json
import shutil
import statistics
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from handler.engine.config import SiteConfig
from handler.errors import ContentError
from handler.jekyll import classify, read_post
from handler.site import Site
from handler.store.local import LocalStore

CORPUS = Path(__file__).parent / "fixtures" / "jekyll-corpus"
SETS = sorted(p.parent.name for p in CORPUS.glob("*/reference.jsonl"))

# Floors per set, as measured: exact visible-text matches, median and minimum text similarity and
# median tag-structure similarity of bodies; median and minimum text similarity of excerpts.
FLOORS: dict[str, dict[str, float]] = {
    "Homebrew__brew.sh": {
        "exact": 45, "median": 1.0, "minimum": 1.0, "structure": 1.0,
        "excerpt_median": 1.0, "excerpt_minimum": 1.0,
    },
    # Structure below 1: Pygments splits highlighted code into other spans than rouge does.
    "cotes2020__jekyll-theme-chirpy": {
        "exact": 2, "median": 1.0, "minimum": 1.0, "structure": 0.95,
        "excerpt_median": 1.0, "excerpt_minimum": 1.0,
    },
    "jekyll__jekyll-testsource": {
        "exact": 52, "median": 1.0, "minimum": 1.0, "structure": 1.0,
        "excerpt_median": 1.0, "excerpt_minimum": 1.0,
    },
    "mmistakes__minimal-mistakes": {
        "exact": 18, "median": 1.0, "minimum": 1.0, "structure": 1.0,
        "excerpt_median": 1.0, "excerpt_minimum": 1.0,
    },
}  # fmt: skip

# Posts whose HTML is not compared, with the reason. Metadata is still checked for all of them.
NEEDS_JEKYLL_TEST_INCLUDES = (
    "includes files from jekyll/jekyll's test/source, which the corpus does not carry: "
    "test_missing_include_is_a_clear_error covers what Broadsheet does instead"
)
PLUGIN_TAGS = (
    "uses {% do_nothing %} tags from Jekyll's own test plugins; an unknown tag is an error by "
    "design (test_plugin_tags_are_clear_errors)"
)
EXCUSED: dict[str, str] = {
    "_posts/2018-11-15-excerpt-liquid-block.md": PLUGIN_TAGS,
    "_posts/2008-12-13-include.markdown": NEEDS_JEKYLL_TEST_INCLUDES,
    "_posts/2013-12-17-include-variable-filters.markdown": NEEDS_JEKYLL_TEST_INCLUDES,
    "_posts/2014-09-02-relative-includes.markdown": NEEDS_JEKYLL_TEST_INCLUDES,
}

# The corpus replaced theme includes with stubs (an HTML comment: no visible text). The test site
# gets empty include files at the same names, so Jekyll's output and ours stub the same spots.
STUB_INCLUDES = {"cotes2020__jekyll-theme-chirpy": ["embed/youtube.html"]}


@dataclass(frozen=True)
class Result:
    file: str
    text: float
    structure: float
    excerpt: float | None


BLOCKS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)


def visible_text(html: str) -> str:
    """The text a reader sees: block elements break words apart, inline ones (spans) do not."""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(BLOCKS):
        tag.insert_before(" ")
        tag.insert_after(" ")
    return " ".join(soup.get_text("").split())


def tag_names(html: str) -> list[str]:
    return [tag.name for tag in BeautifulSoup(html, "html.parser").find_all(True)]


def similarity(a: str | list[str], b: str | list[str]) -> float:
    if a == b:
        return 1.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def references(name: str) -> Iterator[dict[str, Any]]:
    with (CORPUS / name / "reference.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            yield json.loads(line)


def metadata(name: str, ref: dict[str, Any]) -> dict[str, Any] | None:
    config = SiteConfig.parse((CORPUS / name / "_config.yml").read_text(encoding="utf-8"))
    where = classify(ref["file"])
    if where is None:
        return None
    text = (CORPUS / name / ref["file"]).read_text(encoding="utf-8")
    post = read_post(where, text, "v", config)
    return {
        "published_in_build": post.visible(datetime.now(UTC), future=config.future, drafts=False),
        "url": post.url,
        "title": post.title,
        "date": post.date.isoformat(),
        "categories": list(post.categories),
        "tags": list(post.tags),
        "slug": post.slug,
    }


@pytest.mark.parametrize("name", SETS)
def test_metadata_equals_jekyll_for_every_post(name: str) -> None:
    wrong = []
    count = 0
    for ref in references(name):
        count += 1
        got = metadata(name, ref)
        if ref["url"] is None:  # Jekyll did not read it as a post at all
            if got is not None:
                wrong.append(f"{ref['file']}: read as a post, Jekyll skips it")
            continue
        expected = {key: ref[key] for key in ("published_in_build", "url", "title", "date",
                                              "categories", "tags", "slug")}  # fmt: skip
        if got != expected:
            wrong.append(f"{ref['file']}: {got} != {expected}")
    assert count > 0
    assert wrong == []


def corpus_site(name: str, tmp: Path) -> Site:
    root = tmp / name
    shutil.copytree(CORPUS / name, root)
    for include in STUB_INCLUDES.get(name, []):
        stub = root / "_includes" / include
        stub.parent.mkdir(parents=True, exist_ok=True)
        stub.write_text("<!-- corpus stub -->\n", encoding="utf-8")
    return Site(LocalStore(root), show_future=True, show_drafts=True)


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Result]]:
    out: dict[str, list[Result]] = {}
    tmp = tmp_path_factory.mktemp("corpus")
    for name in SETS:
        site = corpus_site(name, tmp)
        view = site.view()
        rows = []
        for ref in references(name):
            if ref["url"] is None or ref["file"] in EXCUSED:
                continue
            entry = view.index.by_key[ref["file"]]
            try:
                _, rendered = site.rendered(view, entry)
                html, excerpt = rendered.html, rendered.excerpt_html
            except ContentError:
                html, excerpt = "", ""
            want_excerpt = ref.get("excerpt_html")
            rows.append(
                Result(
                    file=ref["file"],
                    text=similarity(visible_text(html), visible_text(ref["html"])),
                    structure=similarity(tag_names(html), tag_names(ref["html"])),
                    excerpt=None
                    if want_excerpt is None
                    else similarity(visible_text(excerpt), visible_text(want_excerpt)),
                )
            )
        out[name] = rows
    return out


def figures(rows: list[Result]) -> dict[str, float]:
    texts = [r.text for r in rows]
    excerpts = [r.excerpt for r in rows if r.excerpt is not None]
    return {
        "count": len(rows),
        "exact": sum(1 for t in texts if t == 1.0),
        "median": statistics.median(texts),
        "minimum": min(texts),
        "structure": statistics.median(r.structure for r in rows),
        "excerpt_median": statistics.median(excerpts) if excerpts else 1.0,
        "excerpt_minimum": min(excerpts) if excerpts else 1.0,
    }


@pytest.mark.parametrize("name", SETS)
def test_html_close_to_kramdown(
    name: str, results: dict[str, list[Result]], capsys: pytest.CaptureFixture[str]
) -> None:
    got = figures(results[name])
    with capsys.disabled():
        print(
            f"\n{name}: {got['count']:.0f} posts, {got['exact']:.0f} exact text, "
            f"text median {got['median']:.4f} min {got['minimum']:.4f}, "
            f"structure median {got['structure']:.4f}, "
            f"excerpt median {got['excerpt_median']:.4f} min {got['excerpt_minimum']:.4f}"
        )
        worst = sorted(results[name], key=lambda r: r.text)[:3]
        for row in worst:
            print(f"    lowest: {row.text:.4f} {row.file}")
    floor = FLOORS[name]
    assert got["median"] >= 0.97
    for key, minimum in floor.items():
        assert got[key] >= minimum, f"{name}: {key} fell to {got[key]} (floor {minimum})"


@pytest.mark.parametrize(
    "post", sorted(k for k, why in EXCUSED.items() if why == NEEDS_JEKYLL_TEST_INCLUDES)
)
def test_missing_include_is_a_clear_error(post: str) -> None:
    site = Site(LocalStore(CORPUS / "jekyll__jekyll-testsource"))
    view = site.view()
    with pytest.raises(ContentError) as caught:
        site.rendered(view, view.index.by_key[post])
    assert caught.value.path == post
    assert caught.value.line is not None
    assert "not found" in str(caught.value)


def test_plugin_tags_are_clear_errors() -> None:
    site = Site(LocalStore(CORPUS / "jekyll__jekyll-testsource"))
    view = site.view()
    with pytest.raises(ContentError) as caught:
        site.rendered(view, view.index.by_key["_posts/2018-11-15-excerpt-liquid-block.md"])
    assert caught.value.location == "_posts/2018-11-15-excerpt-liquid-block.md:7:4"
    assert "do_nothing_other" in caught.value.message
