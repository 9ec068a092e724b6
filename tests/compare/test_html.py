"""html.py: visible text, tags, title and main content of two documents, as a browser sees them."""

from __future__ import annotations

import time
from pathlib import Path

from .html import (
    compare_html,
    main_content,
    summarize,
    tag_sequence,
    title,
    visible_text,
)

PAGE = """<!doctype html>
<html lang="en">
<head><title>  A   page </title><style>p { color: red }</style>
<script>var hidden = "script text";</script></head>
<body>
<!-- a comment -->
<header id="masthead" class="z a">Site</header>
<noscript>Enable JavaScript</noscript>
<template><p>template text</p></template>
<div id="main" role="main">
  <article class="page"><h1>Hello</h1><p>one <b>tw</b>o
  three</p><p hidden>secret</p><input type="hidden" value="x"><p>four<br>five</p>
  <svg><title>tooltip</title><text>drawn</text></svg></article>
</div>
<footer>End</footer>
</body>
</html>
"""


def test_visible_text_is_what_the_browser_renders() -> None:
    assert visible_text(PAGE) == "Site Hello one two three four five drawn End"


def test_bytes_are_utf8_and_a_bom_is_dropped() -> None:
    html = "\ufeff<p>caf\u00e9 \u2014 na\u00efve</p>"
    assert visible_text(html.encode("utf-8")) == "caf\u00e9 \u2014 na\u00efve"


def test_blocks_split_words_and_inline_elements_do_not() -> None:
    assert visible_text("<li>a</li><li>b</li><span>c</span><em>d</em><td>e</td><td>f</td>") == (
        "a b cd e f"
    )


def test_title_collapses_whitespace_and_may_be_absent() -> None:
    assert title(PAGE) == "A page"
    assert title("<p>no title</p>") is None


def test_tag_sequence_with_and_without_attributes() -> None:
    html = '<div id="x" class="b a"><p class="c">t</p><a href="/" data-x="1">l</a></div>'
    assert tag_sequence(html) == ("div", "p", "a")
    assert tag_sequence(html, ("id", "class")) == ("div#x.a.b", "p.c", "a")
    assert tag_sequence(html, ("href",)) == ("div", "p", "a[href=/]")


def test_main_content_takes_the_first_selector_that_matches() -> None:
    assert main_content(PAGE)[0] == "#main"
    selector, element = main_content(PAGE, ("main", "article", ".page__content"))
    assert selector == "article"
    assert element.name == "article"
    assert main_content("<body><p>x</p></body>", ("#none",))[0] == "body"
    assert main_content("<p>x</p>", ("#none",))[0] == ":root"


def test_summary_keeps_what_the_comparison_needs() -> None:
    summary = summarize(PAGE)
    assert summary.title == "A page"
    assert summary.main_selector == "#main"
    assert summary.main_text == "Hello one two three four five drawn"
    assert summary.tags[:3] == ("html", "head", "title")
    assert "header#masthead.a.z" in summary.tags


def test_a_page_equals_itself() -> None:
    result = compare_html(PAGE, PAGE.encode("utf-8"))
    assert result.identical
    assert (result.text, result.tags, result.main) == (1.0, 1.0, 1.0)
    assert result.text_diff() == ""
    assert result.report().startswith("text 1.0000  tags 1.0000  main 1.0000")


def test_a_changed_word_lowers_text_and_main_and_is_shown() -> None:
    result = compare_html(PAGE.replace("three", "THREE"), PAGE)
    assert not result.identical
    assert result.titles_equal
    assert 0.8 < result.text < 1.0
    assert 0.8 < result.main < 1.0
    assert result.tags == 1.0
    assert "[THREE]" in result.text_diff()
    assert "[three]" in result.text_diff()
    assert "visible text:" in result.report()
    assert "tags:" not in result.report()


def test_outside_main_changes_spare_the_main_ratio() -> None:
    result = compare_html(PAGE.replace("End", "The end"), PAGE)
    assert result.text < 1.0
    assert result.main == 1.0


def test_a_changed_title_and_tag_show_in_the_report() -> None:
    ours = PAGE.replace("A   page", "Another").replace("<b>tw</b>", "<i>tw</i>")
    result = compare_html(ours, PAGE, labels=("broadsheet", "jekyll"))
    assert not result.titles_equal
    assert result.text == 1.0
    assert result.tags < 1.0
    report = result.report()
    assert "title broadsheet: 'Another'" in report
    assert "title jekyll: 'A page'" in report
    assert "[i]" in result.tags_diff()
    assert "[b]" in result.tags_diff()


def test_the_academicpages_build_equals_itself_quickly(jekyll_site: Path) -> None:
    pages = sorted(jekyll_site.rglob("*.html"))
    assert len(pages) == 46
    start = time.perf_counter()
    for page in pages:
        data = page.read_bytes()
        result = compare_html(data, data.decode("utf-8"))  # not the same object: parsed twice
        assert result.identical, page
    elapsed = time.perf_counter() - start
    print(f"46 pages against themselves: {elapsed:.2f}s")
    assert elapsed < 15  # about 0.4s on the 2-core machine


def test_academicpages_perturbed_and_different_pages(jekyll_site: Path) -> None:
    post = (jekyll_site / "posts/2023/06/journey/index.html").read_text(encoding="utf-8")
    perturbed = post.replace("I am sooo far", "I am so far")
    assert perturbed != post
    near = compare_html(perturbed, post)
    assert 0.99 < near.text < 1.0
    assert near.main < 1.0
    assert near.tags == 1.0
    assert "[so]" in near.text_diff()
    home = (jekyll_site / "index.html").read_bytes()
    far = compare_html(home, (jekyll_site / "publications/index.html").read_bytes())
    assert far.text < 0.3
    assert far.main < 0.3
    assert not far.titles_equal
