"""kramdown's inline rules (span HTML, comments, link titles, footnotes...), each a minimal
document, against Jekyll 4.3.1's output (issue 14, the differential test's causes).

The expected HTML is what Debian's Jekyll 4.3.1 (kramdown 2.4, kramdown-parser-gfm 1.1) writes
for each document as a page with ``layout: none``, recorded as literal strings;
``test_recorded_html_is_jekylls`` (slow) builds them again and checks the record.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from handler.engine.markdown import MarkdownRenderer

from .test_kramdown_gaps import jekyll_build, write
from .test_markdown_kramdown import normalise

# name -> (markdown, Jekyll 4.3.1's HTML)
CASES: dict[str, tuple[str, str]] = {
    "html-alone-img": (
        '<img src="/a.png">\n',
        '<p><img src="/a.png" /></p>\n',
    ),
    "html-alone-br": (
        "a\n\n<br>\n\n- <br>\n- b\n",
        "<p>a</p>\n\n<p><br /></p>\n\n<ul>\n  <li><br /></li>\n  <li>b</li>\n</ul>\n",
    ),
    "comment-block": (
        "{::comment}\nhidden *x*\n{:/comment}\n\nafter\n",
        "<!-- hidden *x* -->\n\n<p>after</p>\n",
    ),
    "comment-span": (
        "a {::comment}b -- *c*{:/comment} d\n",
        "<p>a <!-- b -- *c* --> d</p>\n",
    ),
    "comment-in-paragraph": (
        "a\n{::comment}\nb\n{:/}\n",
        "<p>a\n<!-- \nb\n --></p>\n",
    ),
    "comment-in-list-item": (
        "- x\n\n  {::comment}\n  b\n  {:/}\n",
        "<ul>\n  <li>\n    <p>x</p>\n\n    <!-- b -->\n  </li>\n</ul>\n",
    ),
    "link-title-backslash": (
        "[a](/u \"quote \\\" inside\") [b](/u\\_x 't \\' `c`')\n",
        '<p><a href="/u" title="quote \\&quot; inside">a</a> <a href="/u\\_x" title="t \\\' `c`">b</a></p>\n',
    ),
    "footnote-self-reference": (
        "[^n]: [^n]\n\n[^1]: __init__ [^1]\n",
        "\n",
    ),
    "footnote-refers-to-itself": (
        "a [^1]\n\n[^1]: b [^1]\n",
        '<p>a <sup id="fnref:1" role="doc-noteref"><a href="#fn:1" class="footnote" rel="footnote">1</a></sup></p>\n\n<div class="footnotes" role="doc-endnotes">\n  <ol>\n    <li id="fn:1" role="doc-endnote">\n      <p>b <sup id="fnref:1:1" role="doc-noteref"><a href="#fn:1" class="footnote" rel="footnote">1</a></sup>\xa0<a href="#fnref:1" class="reversefootnote" role="doc-backlink">&#8617;</a></p>\n    </li>\n  </ol>\n</div>\n',
    ),
    "footnote-from-footnote": (
        "x [^1]\n\n[^1]: a [^2]\n\n[^2]: b\n\n[^3]: c [^4]\n\n[^4]: d\n",
        '<p>x <sup id="fnref:1" role="doc-noteref"><a href="#fn:1" class="footnote" rel="footnote">1</a></sup></p>\n\n<div class="footnotes" role="doc-endnotes">\n  <ol>\n    <li id="fn:1" role="doc-endnote">\n      <p>a <sup id="fnref:2" role="doc-noteref"><a href="#fn:2" class="footnote" rel="footnote">2</a></sup>\xa0<a href="#fnref:1" class="reversefootnote" role="doc-backlink">&#8617;</a></p>\n    </li>\n    <li id="fn:2" role="doc-endnote">\n      <p>b\xa0<a href="#fnref:2" class="reversefootnote" role="doc-backlink">&#8617;</a></p>\n    </li>\n  </ol>\n</div>\n',
    ),
}

_RENDERER = MarkdownRenderer(budget=None)


@pytest.mark.parametrize("name", sorted(CASES))
def test_renders_as_jekyll_does(name: str) -> None:
    text, expected = CASES[name]
    assert normalise(_RENDERER.convert(text)) == normalise(expected)


@pytest.mark.slow
def test_recorded_html_is_jekylls(tmp_path: Path) -> None:
    names = sorted(CASES)
    files = {"_config.yml": "title: inline\n"}
    for number, name in enumerate(names):
        files[f"c{number:03}.md"] = "---\nlayout: none\n---\n" + CASES[name][0]
    write(tmp_path / "src", files)
    jekyll_build(tmp_path / "src", tmp_path / "out")
    for number, name in enumerate(names):
        built = (tmp_path / "out" / f"c{number:03}.html").read_text(encoding="utf-8")
        assert built == CASES[name][1], name
