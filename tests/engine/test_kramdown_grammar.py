"""The differential test's own parts, without Jekyll: the grammar is deterministic and covers
issue 14's constructs; the HTML normalisation ignores only what it says it ignores; the shrinker
keeps a disagreement while it shrinks."""

from __future__ import annotations

from collections import Counter

import pytest

from .kramdown_diff import normalise, same, shrink, signature
from .kramdown_grammar import ISSUE_CASES, Block, document, documents, issue_documents, render

# Every construct issue 14 names, as the grammar tags it: a run of the CI's size has them all.
CONSTRUCTS = (
    "block.list", "list.nested", "list.loose", "list.lazy", "list.fence", "list.setext-rule",
    "list.pipe", "list.link-def-between", "list.task", "list.ordered", "block.fence",
    "fence.indent", "fence.info", "fence.info-odd", "fence.text-after", "block.indented-code",
    "html.div", "html.markdown-1", "html.markdown-other", "html.misc", "span.span", "span.font",
    "span.u", "span.em", "span.markdown-attr", "block.table", "table.no-separator",
    "table.footer", "block.pipe-line", "inline.pipe", "block.quote", "quote.lazy",
    "quote.nested", "quote.blank-split", "block.setext", "block.atx", "block.header-id",
    "inline.ref", "inline.ref-code-label", "inline.link-title", "block.link-def",
    "link-def.code-label", "link-def.title", "inline.footnote", "block.footnote-def",
    "block.abbr-def", "inline.abbr-word", "block.deflist", "block.ald", "block.ial",
    "inline.ial", "block.math", "inline.math", "inline.typography",
    "inline.typography-after-tag", "inline.entity", "inline.hard-break", "inline.emphasis",
    "inline.code", "inline.escape", "block.extension", "doc.adjacent",
)  # fmt: skip


def test_a_seed_gives_the_same_documents() -> None:
    assert [d.text for d in documents(14, 50)] == [d.text for d in documents(14, 50)]
    assert document(14, 7) == documents(14, 7)[-1]


def test_seeds_give_other_documents() -> None:
    ours, other = documents(14, 50), documents(15, 50)
    assert sum(a.text == b.text for a, b in zip(ours, other, strict=True)) < 3


def test_the_ci_run_covers_every_construct() -> None:
    tags = Counter(tag for doc in documents(14, 500) for tag in doc.tags)
    assert [c for c in CONSTRUCTS if tags[c] == 0] == []


def test_issue_cases_are_pages_of_their_own() -> None:
    names = [doc.name for doc in issue_documents()]
    assert len(set(names)) == len(ISSUE_CASES)
    assert all(doc.text == ISSUE_CASES[doc.label] for doc in issue_documents())


def test_render_joins_blocks_with_their_separators() -> None:
    blocks = [Block("a", "\n\n"), Block("b", "\n"), Block("c", "\n\n\n")]
    assert render(blocks) == "a\nb\n\n\nc\n"


@pytest.mark.parametrize(
    ("kramdown", "ours"),
    [
        ("<ul>\n  <li>a</li>\n</ul>\n", "<ul><li>a</li></ul>"),
        ('<a href="/x" title="t">a</a>', '<a title="t" href="/x">a</a>'),
        ("<p>a&amp;b &#8217;</p>", "<p>a&#38;b ’</p>"),
        ("<p>a\nb</p>", "<p>a b</p>"),
        ("<br />", "<br>"),
        (  # highlighted code: token spans do not count, the text does
            '<pre class="highlight"><code><span class="k">def</span> f\n</code></pre>',
            '<pre class="highlight"><code>def <span class="n">f</span>\n</code></pre>',
        ),
        (
            '<p><code class="language-ruby highlighter-rouge"><span class="n">a</span></code></p>',
            '<p><code class="language-ruby highlighter-rouge">a</code></p>',
        ),
    ],
)
def test_normalised_html_ignores_form(kramdown: str, ours: str) -> None:
    assert same(ours, kramdown)


@pytest.mark.parametrize(
    ("kramdown", "ours"),
    [
        ("<p>a <em>b</em></p>", "<p>a<em>b</em></p>"),  # inline whitespace shows
        ("<pre><code>a\n\n</code></pre>", "<pre><code>a\n</code></pre>"),  # so does code's
        ('<h2 id="a">A</h2>', '<h2 id="b">A</h2>'),
        ("<p>&lt;/div&gt;</p>", "<p></div></p>"),
        ("<p><small>a</small></p>", "<p><small>a</p>"),
        ("<p><span>a</span></p>", "<p><span class='c'>a</span></p>"),
    ],
)
def test_normalised_html_keeps_content(kramdown: str, ours: str) -> None:
    assert not same(ours, kramdown)
    assert normalise(ours) != normalise(kramdown)


def test_signature_names_the_tags_that_differ() -> None:
    assert signature("<p>a</p>", "<p>b</p>") == {("", "text")}
    assert signature("<p>a</p>", "<h2 id='x'>a</h2>") == {
        ("-", "<h2 id>"),
        ("-", "</h2>"),
        ("+", "<p>"),
        ("+", "</p>"),
    }


def test_shrink_drops_blocks_lines_and_words_while_the_predicate_holds() -> None:
    blocks = [Block("one two"), Block("x BAD y\nz"), Block("three", "\n")]
    assert shrink(blocks, lambda text: "BAD" in text) == "BAD\n"
