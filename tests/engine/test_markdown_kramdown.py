"""handler.engine.markdown against kramdown itself: each case's HTML must equal kramdown's.

kramdown 2.4 with Jekyll 4.3's options (``kramdown_harness.rb``, one Ruby process for every case)
is the reference. The comparison is byte for byte, except inside highlighted code: Pygments and
rouge split code into different token spans, so those blocks are compared as their text.

Without ``ruby`` and the ``jekyll`` gem (which brings kramdown, kramdown-parser-gfm and rouge) the
tests are skipped, unless ``CI`` is ``"true"``: then they fail.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from handler.engine.markdown import MarkdownRenderer

HARNESS = Path(__file__).with_name("kramdown_harness.rb")
_CODE = re.compile(r'(<pre class="highlight"><code>)(.*?)(</code></pre>)', re.S)
_TAG = re.compile(r"<[^>]+>")


# --- the reference -------------------------------------------------------------------------------


@functools.cache
def ruby_missing() -> str | None:
    """Why kramdown cannot run here (``None`` when it can)."""
    if shutil.which("ruby") is None:
        return "ruby is not installed"
    probe = subprocess.run(
        ["ruby", "-e", 'require "jekyll"; require "kramdown-parser-gfm"; require "rouge"'],
        capture_output=True,
        text=True,
        check=False,
    )
    if probe.returncode != 0:
        return "the jekyll, kramdown-parser-gfm or rouge Ruby library is not installed"
    return None


def require_ruby() -> None:
    """Skip without the reference, but fail in CI (``CI=true``), where it must be present."""
    reason = ruby_missing()
    if reason is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"the kramdown comparison needs Ruby + Jekyll in CI: {reason}")
    pytest.skip(reason)


def run_harness(*args: str) -> Any:
    """``ruby kramdown_harness.rb ARGS``; its JSON output."""
    done = subprocess.run(
        ["ruby", str(HARNESS), *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "TZ": "UTC", "JEKYLL_NO_BUNDLER_REQUIRE": "true"},
    )
    if done.returncode != 0:
        raise RuntimeError(f"kramdown harness failed: {done.stderr[-3000:]}")
    return json.loads(done.stdout)


def kramdown(cases: Sequence[tuple[str, Mapping[str, Any]]]) -> list[str]:
    """kramdown's HTML for each (markdown, site ``kramdown:`` options), in one Ruby process."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cases.json"
        specs = [{"text": text, "kramdown": dict(options)} for text, options in cases]
        path.write_text(json.dumps(specs), encoding="utf-8")
        results: list[dict[str, str]] = run_harness("convert", str(path))
    return [result.get("html", "ERROR " + result.get("error", "")) for result in results]


def normalise(html: str) -> str:
    """``html`` with each highlighted code block reduced to its text (Pygments is not rouge)."""
    return _CODE.sub(lambda m: m.group(1) + _TAG.sub("", m.group(2)) + m.group(3), html)


_RENDERERS: dict[str, MarkdownRenderer] = {}


def python(text: str, options: Mapping[str, Any]) -> str:
    key = json.dumps(options, sort_keys=True)
    if key not in _RENDERERS:
        _RENDERERS[key] = MarkdownRenderer(options, budget=None)
    return _RENDERERS[key].convert(text)


# --- the cases -----------------------------------------------------------------------------------

TOC_IN_NESTED_HTML = (  # academicpages' _includes/toc, as {% include toc %} writes it
    '<aside class="sidebar__right">\n<nav class="toc" markdown="1">\n'
    '<header><h4 class="nav__title"><i class="fa fa-file-text"></i> On This Page</h4></header>\n'
    "*  Auto generated table of contents\n{:toc .toc__menu}\n</nav>\n</aside>\n\n"
    "## Privacy Policy\n\nText.\n\n### Log Files\n\n#### Google Analytics\n\n## Other\n"
)

CASES: dict[str, tuple[str, dict[str, Any]]] = {
    # blocks, blank lines and indentation
    "blank-lines-between-blocks": ("\npara\n\n# h\npara\n* a\n* b\n\npara\n\n\n* a\n", {}),
    "loose-and-tight-items": ("* a\n\n* b\n  c\n\n  d\n* e\n", {}),
    "tight-list-then-loose-item": ("- a\n- b\n\n- c\n", {}),
    "nested-lists": ("* a\n    * b\n        * c\n* d\n", {}),
    "nested-list-after-text": ("* Collections in:\n  * _posts/\n  * _talks/\n* Footer\n", {}),
    "ordered-with-paragraph": ("1. one\n2. two\n\n   para in two\n\n3. three\n", {}),
    "item-continuation-indent": ("- [a](/x).\n   Disable this.\n   More.\n\n- b\n", {}),
    "lazy-item-line": ("- item one\ncontinued lazily\n- item two\n", {}),
    "fence-in-item": ("* a\n\n  ```python\n  x = 1\n  ```\n* b\n", {}),
    "quote-in-item": ("* item\n\n  > quote in item\n\n* next\n", {}),
    "two-blockquotes": ("> quote\n> more\n\n>     code\n", {}),
    "nested-blockquote": ("> quote\n>\n> > nested\n> back\n", {}),
    "list-in-blockquote": ("> - a\n> - b\n>\n> para\n", {}),
    "list-interrupts-paragraph": ("Intro line:\n- one\n- two\n", {}),
    "fence-interrupts-paragraph": ("para\n```\ncode\n```\npara\n\n", {}),
    "blocks-right-after-a-fence": (
        "```\na\n```\n* a\n\n```\nb\n```\n# H\ntext\n\n```\nc\n```\n<div>x</div>\n",
        {},
    ),
    "fence-then-text-in-item": ("* a\n\n  ```\n  code\n  ```\n  para\n", {}),
    "trailing-blank-line": ("para\n\n", {}),
    "leading-definitions": ("[r]: /x\n*[A]: b\n\nA [link][r].\n", {}),
    "setext-headers": ("Setext H1\n=========\n\nSetext H2\n---------\n", {}),
    "setext-after-paragraph-then-list": ("p.s. my advice:\n---\n1. Be nice -- ok\n", {}),
    "atx-closing-hashes": ("## Header ##\n\n### Trailing #'s ###\n", {}),
    "rules": ("***\n\n---\n\n___\n", {}),
    "definition-list": ("Term 1\n: Def 1\n\nTerm 2\n: Def 2a\n: Def 2b\n", {}),
    "indented-code": ("Para\n\n    code <here>\n\n    continued\n\nAfter\n", {}),
    "tabs": ("Tab\there\n\n\tcode\ttab\n", {}),
    "tables": ("| Left | Right |\n|:-----|------:|\n| `a`  | **b** |\n| c    |       |\n", {}),
    "table-sections": ("| H |\n|---|\n| a |\n|---|\n| c |\n|===|\n| f |\n", {}),
    "task-list": ("- [ ] Job\n  + [x] Step 1\n  + [ ] Step 2\n", {}),
    # spans
    "emphasis-and-breaks": ("*em* **strong** ***both***  \nnext\\\nlast\n", {}),
    "links-and-images": ('[a](http://x.com "t") ![i](/a.png "t") <http://e.com> <me@e.com>\n', {}),
    "reference-links": ('[ref link][r] and [r].\n\n[r]: http://example.com "Title"\n', {}),
    "code-spans": ("Some `code with <tags>` and `` double `tick` ``.\n", {}),
    "entities": ("& < &copy; &nbsp; &#x27; &#60; &amp; &foo; \"q\" 'single'\n", {}),
    "typography": ("a -- b --- c... <<angle>> it's the '80s \"quoted\"\n", {}),
    "escapes": ('Escapes: \\* \\_ \\` \\# \\\\ \\| \\$ \\"\n', {}),
    "span-html": ("Text <span class='x'>span *md*</span> <br> <img src=x.png> <span/>\n", {}),
    "kbd-abbr": ('<kbd>Ctrl</kbd> + <kbd>C</kbd> and <abbr title="x">X</abbr>.\n', {}),
    "span-ial": ("A [link](/x){: .btn} and `code`{: .filepath}.\n", {}),
    "math": ("$$\nE = mc^2\n$$\n\nInline $$a+b$$ math.\n", {}),
    "footnotes": ("Hello[^a] world[^b].\n\n[^a]: First.\n[^b]: Second\n    with more.\n", {}),
    # raw HTML
    "html-block-reserialised": (
        "<div>a & b &amp; <br>\n<p class='x' id=y>t</p>\n</div>\nafter\n",
        {},
    ),
    "html-blocks-and-comments": ("<!-- c -->\n<!-- d -->\n\nPara\n<!-- inline --> after\n", {}),
    "html-after-paragraph": ('Text\n<div class="notice">\n  <h4>M</h4>\n</div>\n\nMore\n', {}),
    "script-leaves-a-blank-line": ('<script src="x.js"></script>\npara\n', {}),
    "style-block": ("<style>\n.a { color: red; }\n</style>\n", {}),
    "details-block": ("<details>\n<summary>Sum</summary>\n\nContent **bold**.\n\n</details>\n", {}),
    "figure-block": (
        '<figure>\n  <img src="/a.png" alt="A">\n  <figcaption>C</figcaption>\n</figure>\n',
        {},
    ),
    "iframe-block": ('<iframe src="https://x.com/e" width="560" allowfullscreen></iframe>\n', {}),
    "markdown-in-div": ('<div markdown="1">\n# Heading in div\n\n- list\n- items\n</div>\n', {}),
    "markdown-div-blank-lines": (
        '<div markdown="1">\n\nPara.\n\n```html\n<b>\n```\n\n</div>\n',
        {},
    ),
    "markdown-span-p": ('<p markdown="1">**bold** in p</p>\n', {}),
    "html-in-list-item": ("* a\n  <div>html in item</div>\n* b\n", {}),
    # IALs and the table of contents
    "ial-on-headers": ("# H1\n{: .mt-4 .mb-0 }\n\n## H2\n{: data-toc-skip='' .mt-4 }\n", {}),
    "ial-before-comment": ("## H\n{: .x }\n<!-- c -->\n", {}),
    "ial-on-blockquote": ("> An example\n{: .prompt-danger }\n\nafter\n", {}),
    "ial-on-list": ("* a\n* b\n{: .list-class}\n", {}),
    "ial-on-fence": ('```yaml\na: 1\n```\n{: file="x.yml" }\n\n```\nb\n```\n{: file="y" .c}\n', {}),
    "header-id-syntax": ("## Title {#custom}\n", {}),
    "header-ids": ("# A -- b\n\n# ⚙️ Emoji\n\n# Hello, `code` *em*\n\n# A -- b\n", {}),
    "toc": ("* TOC\n{:toc}\n\n# A\n\n## B\n\n# C\n", {}),
    "toc-in-nested-html": (TOC_IN_NESTED_HTML, {}),
    "toc-levels": ("1. x\n{:toc}\n\n# A\n\n## B\n\n### C\n\n#### D\n", {"toc_levels": "2..3"}),
    # options
    "auto-ids-off": ("# Title\n\ntext\n", {"auto_ids": False}),
    "hard-wrap": ("line one\nline two\n\n* a\n  b\n", {"hard_wrap": True}),
    "smart-quotes-option": ("'a' \"b\" it's\n", {"smart_quotes": "apos,apos,quot,quot"}),
    # kramdown's own readings
    "pipes-make-a-table": (
        "* `name` {string|symbol} The name\n* plain\n\na | b\nc | d\n\n`a|b` only code\n",
        {},
    ),
    "no-table-after-a-header": ("Title\n---\nText with a | pipe.\n", {}),
    "rules-in-paragraphs": ("title: X\nmore\n---\n\nPara\n***\n\n# H\ntext\n---\n", {}),
    "reference-with-code": (
        "[`a()`][] and [t][`b`] ![`i`][]\n\n[`a()`]: #a\n[`b`]: #b\n[`i`]: /i\n",
        {},
    ),
    "repeated-footnote": ("a[^1] b[^1] c[^1]\n\n[^1]: x\n", {}),
    "indented-fence": ("1. Add:\n\n  ```ruby\n  gem 'x'\n  ```\n\n2. Then\n", {}),
    "nested-item-lazy-lines": ("* How:\n  * If you can\n  in the `tests/` dir.\n* Next\n", {}),
    "plus-in-email": ("<in+x@gitlab.org> and <a.b@c.org>\n", {}),
    "header-image-and-spaces": (
        "# A [![B](/b.svg)](/x) [![C](/c.svg)](/y)\n\n# [![F](/f.png)](/l)\n",
        {},
    ),
    "header-no-span-ial": ("## Title {: .x}\n\n## T{#id2}\n", {}),
    "code-in-html-attribute": ('A <a href="`x`">link</a>.\n', {}),
    # edges
    "empty": ("", {}),
    "blank-only": ("\n\n", {}),
    "comment-only": ("<!-- only -->", {}),
    "no-final-newline": ("x", {}),
    "crlf": ("a\r\nb\r\n\r\nc\r\n", {}),
}


@functools.cache
def reference() -> dict[str, str]:
    require_ruby()
    names = list(CASES)
    return dict(zip(names, kramdown([CASES[name] for name in names]), strict=True))


@pytest.mark.parametrize("name", list(CASES))
def test_html_equals_kramdown(name: str) -> None:
    text, options = CASES[name]
    expected = reference()[name]
    assert normalise(python(text, options)) == normalise(expected)


def test_normalise_keeps_all_but_the_token_spans() -> None:
    rouge = '<pre class="highlight"><code><span class="nb">puts</span> 1\n</code></pre>'
    pygments = '<pre class="highlight"><code><span class="n">puts</span> 1\n</code></pre>'
    assert (
        normalise(rouge)
        == normalise(pygments)
        == ('<pre class="highlight"><code>puts 1\n</code></pre>')
    )
    assert normalise("<p><span>x</span></p>") == "<p><span>x</span></p>"
