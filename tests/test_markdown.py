"""handler.engine.markdown: kramdown (GFM input, Jekyll 4.3 defaults) output for real markdown inputs."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from handler.engine.markdown import MarkdownRenderer, gfm_header_id, parse_ial

ROOT = Path(__file__).resolve().parent.parent
RENDER = MarkdownRenderer()


def html(text: str) -> str:
    return RENDER.convert(text)


def test_fenced_code_backticks_get_rouge_wrapper_and_pygments_classes() -> None:
    assert html("```ruby\nputs 1\n```\n") == (
        '<div class="language-ruby highlighter-rouge"><div class="highlight">'
        '<pre class="highlight"><code><span class="nb">puts</span> <span class="mi">1</span>\n'
        "</code></pre></div></div>\n"
    )


def test_fenced_code_tildes_without_language_is_plaintext_and_escaped() -> None:
    assert html("~~~\nplain <b>\n~~~\n") == (
        '<div class="language-plaintext highlighter-rouge"><div class="highlight">'
        '<pre class="highlight"><code>plain &lt;b&gt;\n</code></pre></div></div>\n'
    )


def test_fence_with_unknown_language_is_a_bare_pre_like_kramdown() -> None:
    assert html("```mermaid\ngraph TD\n```\n") == (
        '<pre><code class="language-mermaid">graph TD\n</code></pre>\n'
    )


def test_indented_code_block_is_plaintext_rouge_block() -> None:
    assert html("Para\n\n    code <here>\n") == (
        "<p>Para</p>\n\n"
        '<div class="language-plaintext highlighter-rouge"><div class="highlight">'
        '<pre class="highlight"><code>code &lt;here&gt;\n</code></pre></div></div>\n'
    )


def test_fence_inside_list_item_with_two_space_indent() -> None:
    out = html("- item\n\n  ```sh\n  ls -l\n  ```\n")
    soup = BeautifulSoup(out, "html.parser")
    block = soup.select_one("li > div.language-sh.highlighter-rouge pre.highlight code")
    assert block is not None
    assert block.get_text() == "ls -l\n"


def test_table_alignment_uses_kramdown_style_attribute() -> None:
    out = html("| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |\n")
    assert '<th style="text-align: left">a</th>' in out
    assert '<th style="text-align: center">b</th>' in out
    assert '<td style="text-align: right">3</td>' in out
    assert out.startswith("<table>\n  <thead>\n    <tr>\n") and "\n  <tbody>\n" in out


def test_footnotes_use_kramdown_markup() -> None:
    assert html("Text[^1].\n\n[^1]: Note.\n") == (
        '<p>Text<sup id="fnref:1" role="doc-noteref">'
        '<a href="#fn:1" class="footnote" rel="footnote">1</a></sup>.</p>\n\n'
        '<div class="footnotes" role="doc-endnotes">\n  <ol>\n'
        '    <li id="fn:1" role="doc-endnote">\n'
        '      <p>Note.\u00a0<a href="#fnref:1" class="reversefootnote" role="doc-backlink">'
        "&#8617;</a></p>\n    </li>\n  </ol>\n</div>\n"
    )


def test_definition_list() -> None:
    assert html("Term\n: Definition\n") == "<dl>\n  <dt>Term</dt>\n  <dd>Definition</dd>\n</dl>\n"


def test_abbreviation() -> None:
    # kramdown keeps the blank line after the definition, which writes nothing
    assert html("*[HTML]: Hyper Text\n\nHTML is here.\n") == (
        '\n<p><abbr title="Hyper Text">HTML</abbr> is here.</p>\n'
    )


def test_block_ial_on_paragraph() -> None:
    assert html("A paragraph.\n{: .notice #x}\n") == '<p class="notice" id="x">A paragraph.</p>\n'


def test_span_ial_on_link_and_code() -> None:
    assert html("A [link](/x){: .btn} and `code`{: .filepath}.\n") == (
        '<p>A <a href="/x" class="btn">link</a> and '
        '<code class="language-plaintext filepath highlighter-rouge">code</code>.</p>\n'
    )


def test_block_ial_after_fence_goes_on_the_rouge_wrapper() -> None:
    out = html('```yaml\na: 1\n```\n{: .nolineno file="a.yml"}\n')
    assert out.startswith('<div class="language-yaml nolineno highlighter-rouge" file="a.yml">')
    assert "{:" not in out


def test_block_ial_after_blockquote_goes_on_the_blockquote() -> None:
    assert html("> quoted\n{: .prompt-tip }\n") == (
        '<blockquote class="prompt-tip">\n  <p>quoted</p>\n</blockquote>\n'
    )


def test_header_ids_follow_gfm_rule_with_duplicate_suffixes() -> None:
    assert html("# Hello, World!\n\n## Hello World\n\n## Hello World\n") == (
        '<h1 id="hello-world">Hello, World!</h1>\n\n'
        '<h2 id="hello-world-1">Hello World</h2>\n\n'
        '<h2 id="hello-world-2">Hello World</h2>\n'
    )


def test_header_explicit_id_wins() -> None:
    assert html("## Title {#custom}\n") == '<h2 id="custom">Title</h2>\n'


def test_auto_ids_can_be_turned_off() -> None:
    assert MarkdownRenderer({"auto_ids": False}).convert("# Title\n") == "<h1>Title</h1>\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Anchor Tag (aka. Link)", "anchor-tag-aka-link"),
        ("Ünïcode wörds", "ünïcode-wörds"),
        ("a -- b", "a----b"),
        ("snake_case `code`", "snake_case-code"),
    ],
)
def test_gfm_header_id(text: str, expected: str) -> None:
    assert gfm_header_id(text) == expected


def test_typography_as_characters() -> None:
    assert html("a -- b --- c... 'single' \"double\" <<angle>> it's the '80s\n") == (
        "<p>a \u2013 b \u2014 c\u2026 \u2018single\u2019 \u201cdouble\u201d "
        "\u00abangle\u00bb it\u2019s the \u201980s</p>\n"
    )


def test_quotes_next_to_emphasis_and_code_untouched() -> None:
    assert html('"*em*" and `it\'s`\n') == (
        '<p>\u201c<em>em</em>\u201d and <code class="language-plaintext highlighter-rouge">'
        "it's</code></p>\n"
    )


def test_smart_quotes_option_picks_the_characters() -> None:
    renderer = MarkdownRenderer({"smart_quotes": "apos,apos,quot,quot"})
    assert renderer.convert("'a' \"b\"\n") == "<p>'a' \"b\"</p>\n"


def test_no_hard_wrap_by_default_and_hard_wrap_option() -> None:
    assert html("line one\nline two\n") == "<p>line one\nline two</p>\n"
    wrapped = MarkdownRenderer({"hard_wrap": True}).convert("line one\nline two\n")
    assert wrapped == "<p>line one<br />\nline two</p>\n"


def test_raw_html_passes_through_and_markdown_1_is_parsed() -> None:
    out = html('<div markdown="1">\n*emph*\n</div>\n\n<div class="raw">*not*</div>\n')
    assert out == '<div>\n  <p><em>emph</em></p>\n</div>\n\n<div class="raw">*not*</div>\n'


def test_math_block_and_inline_like_kramdown_mathjax() -> None:
    assert html("$$\na_1 < b\n$$\n\nInline $$x_1$$ here.\n") == (
        "\\[a_1 &lt; b\\]\n\n<p>Inline \\(x_1\\) here.</p>\n"
    )


def test_math_inside_code_span_stays_literal() -> None:
    assert "$$ math $$" in html("Use `$$ math $$` here.\n")


def test_setext_h2_after_paragraph_line_not_hr() -> None:
    assert html("p.s. my advice:\n---\n1. Be nice -- ok\n") == (
        '<h2 id="ps-my-advice">p.s. my advice:</h2>\n<ol>\n  <li>Be nice \u2013 ok</li>\n</ol>\n'
    )


def test_list_may_interrupt_a_paragraph_as_in_gfm() -> None:
    assert html("Intro line:\n- one\n- two\n") == (
        "<p>Intro line:</p>\n<ul>\n  <li>one</li>\n  <li>two</li>\n</ul>\n"
    )


def test_nested_lists_indented_by_content_column() -> None:
    out = html("- a\n  - b\n    - c\n- d\n\n1. one\n   - sub\n")
    soup = BeautifulSoup(out, "html.parser")
    assert [li.get_text() for li in soup.select("ul > li > ul > li > ul > li")] == ["c"]
    top = soup.find_all(["ul", "ol"], recursive=False)
    assert [element.name for element in top] == ["ul", "ol"]
    assert [li.get_text(strip=True) for li in top[0].find_all("li", recursive=False)] == [
        "abc",
        "d",
    ]
    assert [li.get_text() for li in soup.select("ol > li > ul > li")] == ["sub"]


def test_strikethrough_and_task_list() -> None:
    assert html("~~gone~~\n") == "<p><del>gone</del></p>\n"
    out = html("- [ ] todo\n- [x] done\n")
    assert out.count('class="task-list-item"') == 2 and "checked" in out


def test_seed_post_renders_heading_and_en_dash() -> None:
    config = yaml.safe_load((ROOT / "content" / "_config.yml").read_text(encoding="utf-8"))
    source = (ROOT / "content" / "_posts" / "2023-06-07-journey.md").read_text(encoding="utf-8")
    body = source.split("---\n", 2)[2]
    out = MarkdownRenderer(config.get("kramdown")).convert(body)
    soup = BeautifulSoup(out, "html.parser")
    heading = soup.find("h2")
    assert heading is not None
    assert heading.get_text().startswith("p.s. my advice for anyone")
    assert soup.find("hr") is None
    assert "Be nice \u2013 even to the gatekeepers" in out
    assert len(soup.select("ul > li")) == 3 and len(soup.select("ol > li")) == 6
    assert "capitalism\u00e2\u20ac\u2122s" in out  # the post's own bytes, untouched


def test_parse_ial() -> None:
    assert parse_ial("{: .a .b #c key=\"v w\" other='x' bare=y}") == {
        "id": "c",
        "key": "v w",
        "other": "x",
        "bare": "y",
        "class": "a b",
    }


def test_renderer_is_reusable_and_state_does_not_leak_between_documents() -> None:
    renderer = MarkdownRenderer()
    first = renderer.convert("# Same\n\nText[^1].\n\n[^1]: Note.\n")
    second = renderer.convert("# Same\n")
    assert '<h1 id="same">' in first and "footnotes" in first
    assert second == '<h1 id="same">Same</h1>\n'


def test_convert_from_several_threads_gives_identical_output() -> None:
    renderer = MarkdownRenderer()
    text = "# Title\n\n```python\nx = 1\n```\n\n- a\n- b\n"
    expected = renderer.convert(text)
    results: list[str] = []

    def work() -> None:
        results.extend(renderer.convert(text) for _ in range(20))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(results) == 80
    assert set(results) == {expected}


def test_table_separator_rows_make_tbody_and_tfoot_like_kramdown() -> None:
    out = html("| H1 | H2 |\n|---|---|\n| a | b |\n|---|\n| c | d |\n|===|\n| f | g |\n")
    soup = BeautifulSoup(out, "html.parser")
    bodies = soup.find_all("tbody")
    assert [[td.get_text() for td in body.find_all("td")] for body in bodies] == [
        ["a", "b"],
        ["c", "d"],
    ]
    foot = soup.find("tfoot")
    assert foot is not None and [td.get_text() for td in foot.find_all("td")] == ["f", "g"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # kramdown: a first paragraph gets <p> only when a blank line follows it in the item
        ("- a\n- b\n", "<ul>\n  <li>a</li>\n  <li>b</li>\n</ul>\n"),
        (
            "- a\n\n- b\n",
            "<ul>\n  <li>\n    <p>a</p>\n  </li>\n  <li>\n    <p>b</p>\n  </li>\n</ul>\n",
        ),
        (
            "- a\n- b\n\n- c\n",
            "<ul>\n  <li>a</li>\n  <li>\n    <p>b</p>\n  </li>\n  <li>c</li>\n</ul>\n",
        ),
        (
            "1. X\n    - n\n\n2. Y\n    - m\n",
            "<ol>\n  <li>X\n    <ul>\n      <li>n</li>\n    </ul>\n  </li>\n"
            "  <li>Y\n    <ul>\n      <li>m</li>\n    </ul>\n  </li>\n</ol>\n",
        ),
    ],
)
def test_list_item_paragraphs_follow_kramdown(text: str, expected: str) -> None:
    assert html(text) == expected


def test_list_after_list_of_other_kind_is_a_new_list() -> None:
    out = html("- a\n- b\n\n1. one\n2. two\n")
    soup = BeautifulSoup(out, "html.parser")
    assert [element.name for element in soup.find_all(["ul", "ol"])] == ["ul", "ol"]
    assert "bslistbreak" not in out


def test_gfm_atx_header_needs_a_space() -> None:
    assert html("#dowork\n\n# Real\n") == '<p>#dowork</p>\n\n<h1 id="real">Real</h1>\n'


def test_kramdown_escapes_quotes_and_dollars() -> None:
    assert html('\\"x\\" costs \\$5\n') == '<p>"x" costs $5</p>\n'


def test_block_ial_after_atx_header() -> None:
    assert html("## Title\n{: .mt-4 data-toc-skip='' }\n") == (
        '<h2 class="mt-4" data-toc-skip="" id="title">Title</h2>\n'
    )


def test_quote_after_code_span_opens_as_kramdown_does() -> None:
    # kramdown sees no character before the quote at the start of a text run
    assert html("`pin`'d and don't\n") == (
        '<p><code class="language-plaintext highlighter-rouge">pin</code>\u2018d and don\u2019t</p>\n'
    )


def test_toc_marker_builds_kramdown_markdown_toc() -> None:
    out = html("* TOC\n{:toc}\n\n# A\n\n## B\n\n# C\n")
    assert out.startswith(
        '<ul id="markdown-toc">\n'
        '  <li><a href="#a" id="markdown-toc-a">A</a>    <ul>\n'
        '      <li><a href="#b" id="markdown-toc-b">B</a></li>\n'
        "    </ul>\n  </li>\n"
        '  <li><a href="#c" id="markdown-toc-c">C</a></li>\n</ul>\n\n'
    )


def test_toc_levels_option() -> None:
    out = MarkdownRenderer({"toc_levels": "2..3"}).convert("1. x\n{:toc}\n\n# A\n\n## B\n")
    assert '<ol id="markdown-toc">' in out
    assert 'href="#b"' in out and 'href="#a"' not in out


def test_kramdown_comment_is_an_html_comment_options_dropped_nomarkdown_is_raw() -> None:
    out = html(
        'a {::comment}hidden{:/comment} b\n\n{::options auto_ids="false" /}\n\n'
        "{::nomarkdown}<b>*raw*</b>{:/nomarkdown}\n"
    )
    # kramdown (Jekyll 4.3.1) writes its comments as HTML comments
    assert "<p>a <!-- hidden --> b</p>" in out and "options" not in out
    assert "<b>*raw*</b>" in out


def test_fence_directly_after_a_paragraph_line_ends_the_paragraph() -> None:
    out = html("text\n```js\nvar a;\n```\n")
    assert out.startswith('<p>text</p>\n<div class="language-js highlighter-rouge">')


@pytest.mark.parametrize(
    "text",
    [
        "{:toc}\n    ...word\n",
        "bsialmark0 bslistbreak\n\n{: .x}\n",
        "$$a\n\n" * 200,
        "- a\n> - b\n  - c\n1. d\n",
        "*[A]: b\n\n[^1]\n\n[^1]: - x\n  - y\n",
    ],
)
def test_odd_inputs_render_without_errors_or_leaked_markers(text: str) -> None:
    out = html(text)
    assert "\x02" not in out and "\x03" not in out
