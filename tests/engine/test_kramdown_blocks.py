"""kramdown's block rules fixed for issue 14's differential test (group "blocks"): hard breaks,
task list items, setext headers in list items and with a one-character underline, list markers,
the end-of-block marker, rules, definition lists, lists nested by a marker of another type,
blockquotes (their lazy lines; lists, HTML and code in them), link definitions read as paragraph
text, block HTML and math opening an item, item and definition IALs, and footnote numbering.
Each case is a minimal document of the causes in ``kramdown_known.md``.

The expected HTML is kramdown's as Jekyll 4.3.1 calls it (kramdown 2.4, kramdown-parser-gfm 1.1),
recorded through the differential test's harness (``kramdown_diff.Kramdown``, the converter
``jekyll build`` uses; ``harness_matches_build`` checks the two agree), as literal strings;
``test_recorded_html_is_kramdowns`` (slow) asks kramdown again. A few cases differ from
kramdown's text only in the blank lines between blocks: those compare as the differential test
does (``kramdown_diff.same``).
"""

from __future__ import annotations

import pytest

from handler.engine.markdown import MarkdownRenderer

from .kramdown_diff import Kramdown, jekyll_missing, same
from .test_markdown_kramdown import normalise

CASES: dict[str, tuple[str, str]] = {
    "backslash-hard-break": (
        "b`\\\\\nI\n",
        "<p>b`<br />\nI</p>\n",
    ),
    "backslash-hard-break-runs": (
        "a\\\nb\\\\\nc\\\\\\\nd\\\\\\\\\ne\n",
        "<p>a<br />\nb<br />\nc\\<br />\nd\\<br />\ne</p>\n",
    ),
    "task-list-item-later-items": (
        "- [ ] note\n- x\n- ![a](b.png)\n",
        '<ul class="task-list">\n  <li class="task-list-item"><input type="checkbox" class="task-list-item-checkbox" disabled="disabled" />note</li>\n  <li class="task-list-item">x</li>\n  <li class="task-list-item"><img src="b.png" alt="a" /></li>\n</ul>\n',
    ),
    "task-list-item-from-the-first-box": (
        "1. a\n2. [x] b\n3. c\n",
        '<ol class="task-list">\n  <li>a</li>\n  <li class="task-list-item"><input type="checkbox" class="task-list-item-checkbox" disabled="disabled" checked="checked" />b</li>\n  <li class="task-list-item">c</li>\n</ol>\n',
    ),
    "task-list-item-loose": (
        "- [X] \\`\n\n- yes!\n",
        '<ul class="task-list">\n  <li class="task-list-item">\n    <p><input type="checkbox" class="task-list-item-checkbox" disabled="disabled" checked="checked" />`</p>\n  </li>\n  <li class="task-list-item">\n    <p>yes!</p>\n  </li>\n</ul>\n',
    ),
    "task-list-item-not-before-a-block": (
        "- [x] a\n- ## h\n- b\n",
        '<ul class="task-list">\n  <li class="task-list-item"><input type="checkbox" class="task-list-item-checkbox" disabled="disabled" checked="checked" />a</li>\n  <li>\n    <h2 id="h">h</h2>\n  </li>\n  <li class="task-list-item">b</li>\n</ul>\n',
    ),
    "setext-in-list-item-at-content-column": (
        "2.   2023\n     ===\n\n1.   `<b>`\n     ---\n",
        '<ol>\n  <li>\n    <h1 id="2023">2023</h1>\n  </li>\n  <li>\n    <h2 id="b"><code class="language-plaintext highlighter-rouge">&lt;b&gt;</code></h2>\n  </li>\n</ol>\n',
    ),
    "setext-in-list-item-task-text": (
        "  2. [x] code\n     ===\n",
        '<ol>\n  <li>\n    <h1 id="x-code">[x] code</h1>\n  </li>\n</ol>\n',
    ),
    "setext-in-list-item-not-indented-further": (
        "- a\n    ===\n",
        "<ul>\n  <li>a\n  ===</li>\n</ul>\n",
    ),
    "setext-in-nested-item": (
        "- a\n  - b\n  ---\n",
        '<ul>\n  <li>a\n    <ul>\n      <li>\n        <h2 id="b">b</h2>\n      </li>\n    </ul>\n  </li>\n</ul>\n',
    ),
    "setext-short-underline": (
        "CSS\n-\n\npage\n=\n",
        '<h2 id="css">CSS</h2>\n\n<h1 id="page">page</h1>\n',
    ),
    "dash-alone-is-text": (
        "-\n\n- a\n-\n- b\n",
        '<p>-</p>\n\n<ul>\n  <li>\n    <h2 id="a">a</h2>\n  </li>\n  <li>b</li>\n</ul>\n',
    ),
    "paren-list-marker": (
        "code\nnote\n1)\n\n1)\n1. x\n",
        "<p>code\nnote\n1)</p>\n\n<p>1)</p>\n<ol>\n  <li>x</li>\n</ol>\n",
    ),
    "hr-spaced-dashes-before-html": (
        '- - -\n<section class="box">\n</section>\n',
        '<hr />\n<section class="box">\n</section>\n',
    ),
    "rule-before-html": (
        "***\n<div>x</div>\n",
        "<hr />\n<div>x</div>\n",
    ),
    "end-of-block-marker": (
        "a\n^\nb\n\n^\n\n- a\n^\n- b\n",
        "<p>a</p>\n<p>b</p>\n\n<ul>\n  <li>a</li>\n</ul>\n<ul>\n  <li>b</li>\n</ul>\n",
    ),
    "end-of-block-marker-ends-quote": (
        "> a\n^\n> b\n",
        "<blockquote>\n  <p>a</p>\n</blockquote>\n<blockquote>\n  <p>b</p>\n</blockquote>\n",
    ),
    "definition-lazy-line": (
        "a\n: delta\nC++\n: CSS\n",
        "<dl>\n  <dt>a</dt>\n  <dd>delta\nC++</dd>\n  <dd>CSS</dd>\n</dl>\n",
    ),
    "definition-colon-lines": (
        "CSS\n\n: why?\n:\n\na\n: b\n:x\n",
        "<dl>\n  <dt>CSS</dt>\n  <dd>\n    <p>why?\n:</p>\n  </dd>\n  <dt>a</dt>\n  <dd>b\n:x</dd>\n</dl>\n",
    ),
    "definition-after-blank-is-paragraph": (
        "I\n: v1.2\n\n: $6\n: b\n",
        "<dl>\n  <dt>I</dt>\n  <dd>v1.2</dd>\n  <dd>\n    <p>$6</p>\n  </dd>\n  <dd>b</dd>\n</dl>\n",
    ),
    "definition-ends-at-tag": (
        "C++\n: a\n<https://a.example/x>\n\n: snake_case_name\n",
        '<dl>\n  <dt>C++</dt>\n  <dd>a</dd>\n  <dt><a href="https://a.example/x">https://a.example/x</a></dt>\n  <dd>\n    <p>snake_case_name</p>\n  </dd>\n</dl>\n',
    ),
    "definition-span-tag-is-lazy": (
        't\n: <br>\n<sub class="c">alpha</sub>\n',
        '<dl>\n  <dt>t</dt>\n  <dd><br />\n<sub class="c">alpha</sub></dd>\n</dl>\n',
    ),
    "list-type-switch-nests": (
        "+ (see\n1. G)\n",
        "<ul>\n  <li>(see\n    <ol>\n      <li>G)</li>\n    </ol>\n  </li>\n</ul>\n",
    ),
    "list-type-switch-nests-then-sibling": (
        "3. -->\n* page\n* two\n3. back\n",
        "<ol>\n  <li>–&gt;\n    <ul>\n      <li>page</li>\n      <li>two</li>\n    </ul>\n  </li>\n  <li>back</li>\n</ol>\n",
    ),
    "list-type-switch-after-blank": (
        "- a\n\n1. b\n",
        "<ul>\n  <li>a</li>\n</ul>\n\n<ol>\n  <li>b</li>\n</ol>\n",
    ),
    "blockquote-lazy-header": (
        ">\n## tick\n\n> a\n## b\n",
        '<blockquote>\n\n  <h2 id="tick">tick</h2>\n</blockquote>\n\n<blockquote>\n  <p>a</p>\n  <h2 id="b">b</h2>\n</blockquote>\n',
    ),
    "blockquote-lazy-nested": (
        "> > a\n### two;\n> > b\n",
        '<blockquote>\n  <blockquote>\n    <p>a</p>\n    <h3 id="two">two;</h3>\n    <p>b</p>\n  </blockquote>\n</blockquote>\n',
    ),
    "blockquote-lazy-underline-and-rule": (
        "> a\n---\n\n> b\n***\n",
        '<blockquote>\n  <h2 id="a">a</h2>\n</blockquote>\n\n<blockquote>\n  <p>b\n***</p>\n</blockquote>\n',
    ),
    "blockquote-lazy-list-and-fence": (
        "> a\n- b\n\n> c\n```\nx\n```\n",
        '<blockquote>\n  <p>a</p>\n  <ul>\n    <li>b</li>\n  </ul>\n</blockquote>\n\n<blockquote>\n  <p>c</p>\n  <div class="language-plaintext highlighter-rouge"><div class="highlight"><pre class="highlight"><code>x\n</code></pre></div>  </div>\n</blockquote>\n',
    ),
    "link-definition-after-text": (
        "[page][`x`]\n[`x`]: /local/path.html\n",
        '<p>[page][<code class="language-plaintext highlighter-rouge">x</code>]\n[<code class="language-plaintext highlighter-rouge">x</code>]: /local/path.html</p>\n',
    ),
    "definitions-after-text-and-alone": (
        "a\n[x]: /a\n[y]: /b\n\n[z]: /c\n\n[x], [y], [z]\n",
        '<p>a\n[x]: /a\n[y]: /b</p>\n\n<p>[x], [y], <a href="/c">z</a></p>\n',
    ),
    "span-tag-line-is-item-text": (
        "2.   <img\n     ===\n\n3. <br\n* page\n",
        '<ol>\n  <li>\n    <h1 id="img">&lt;img</h1>\n  </li>\n  <li>&lt;br\n    <ul>\n      <li>page</li>\n    </ul>\n  </li>\n</ol>\n',
    ),
    "tag-line-ends-the-list": (
        "1. site\n<https://a.example/x>\n\n1. (see\n",
        '<ol>\n  <li>site</li>\n</ol>\n<p><a href="https://a.example/x">https://a.example/x</a></p>\n\n<ol>\n  <li>(see</li>\n</ol>\n',
    ),
    "definition-first-paragraph-bare": (
        "a\n: b\n\n  more\n\nc\n: e.g.\n\n  ---\n",
        "<dl>\n  <dt>a</dt>\n  <dd>b\n\n    <p>more</p>\n  </dd>\n  <dt>c</dt>\n  <dd>e.g.\n\n    <hr />\n  </dd>\n</dl>\n",
    ),
    "definition-after-blank-first-paragraph": (
        "a\n\n: b\n\n  c\n",
        "<dl>\n  <dt>a</dt>\n  <dd>\n    <p>b</p>\n\n    <p>c</p>\n  </dd>\n</dl>\n",
    ),
    "blockquote-lazy-link-definition": (
        "> (see\n[`x`]: mailto:me@example.com\n",
        '<blockquote>\n  <p>(see\n[<code class="language-plaintext highlighter-rouge">x</code>]: mailto:me@example.com</p>\n</blockquote>\n',
    ),
    "math-not-after-a-boundary-is-inline": (
        "$$a$$\n# b\n\n<div>\n</div>\n$$\n$$\n",
        '<p>\\(a\\)</p>\n<h1 id="b">b</h1>\n\n<div>\n</div>\n<p>\\(\\)</p>\n',
    ),
    "math-block-before-ald-line": (
        '$$\n$$\n{:ref: title="t"}\n',
        "\\[\\]\n",
    ),
    "fence-then-task-item": (
        "```\n```\n- [ ] a\n- [x] b\n",
        '<div class="language-plaintext highlighter-rouge"><div class="highlight"><pre class="highlight"><code></code></pre></div></div>\n<ul class="task-list">\n  <li class="task-list-item"><input type="checkbox" class="task-list-item-checkbox" disabled="disabled" />a</li>\n  <li class="task-list-item"><input type="checkbox" class="task-list-item-checkbox" disabled="disabled" checked="checked" />b</li>\n</ul>\n',
    ),
    "list-after-span-html-line": (
        "<small\n+ a\n````\n\n<b>b</b>\n1. c\n",
        "<p>&lt;small</p>\n<ul>\n  <li>a\n````</li>\n</ul>\n\n<p><b>b</b></p>\n<ol>\n  <li>c</li>\n</ol>\n",
    ),
    "html-unclosed-pre-at-end": (
        "<pre>\n",
        "<pre>\n</pre>\n",
    ),
    "html-unclosed-pre-markdown-block": (
        '<pre markdown="block">\n',
        "<pre></pre>\n",
    ),
    "html-pre-markdown-block-typography": (
        "<pre markdown=\"block\">\nit's -- x\n</pre>\n\n<pre>\nit's\n</pre>\n",
        "<pre>\n  <p>it’s – x</p>\n</pre>\n\n<pre>\nit's\n</pre>\n",
    ),
    "list-after-autolink-line": (
        "<me@example.com>\n+ a\n",
        '<p><a href="mailto:me@example.com">me@example.com</a></p>\n<ul>\n  <li>a</li>\n</ul>\n',
    ),
    "entity-only-item-text-is-a-paragraph": (
        "+ &mdash;\n\n+ b\n```\n`````\n",
        '<ul>\n  <li>\n    <p>—</p>\n  </li>\n  <li>\n    <p>b</p>\n    <div class="language-plaintext highlighter-rouge"><div class="highlight"><pre class="highlight"><code></code></pre></div>    </div>\n  </li>\n</ul>\n',
    ),
    "blockquote-block-html": (
        "> <div>x</div> done\n",
        "<blockquote>\n  <div>x</div>\n  <p>done</p>\n</blockquote>\n",
    ),
    "blockquote-font-ends-paragraph": (
        '> a\n> <font color="red">b</font> c\n',
        '<blockquote>\n  <p>a</p>\n  <font color="red">b</font>\n  <p>c</p>\n</blockquote>\n',
    ),
    "list-item-block-html": (
        "* <font>x</font> done\n* <div>y</div>\n",
        "<ul>\n  <li>\n    <font>x</font>\n    <p>done</p>\n  </li>\n  <li>\n    <div>y</div>\n  </li>\n</ul>\n",
    ),
    "loose-list-item-block-html": (
        '1. a\n\n1. <font color="red">b\n',
        '<ol>\n  <li>\n    <p>a</p>\n  </li>\n  <li>\n    <font color="red">b\n</font>\n  </li>\n</ol>\n',
    ),
    "definition-block-html": (
        "a\n: <div>x</div> y\n",
        "<dl>\n  <dt>a</dt>\n  <dd>\n    <div>x</div>\n    <p>y</p>\n  </dd>\n</dl>\n",
    ),
    "list-item-unknown-tag-text": (
        "1. <font\n *  more\n",
        "<ol>\n  <li>&lt;font\n    <ul>\n      <li>more</li>\n    </ul>\n  </li>\n</ol>\n",
    ),
    "setext-underline-indented-is-text": (
        "code\n ---\nG)\n",
        "<p>code\n —\nG)</p>\n",
    ),
    "definition-lazy-link-definition": (
        'a\n: b\n[ref]: /u "t"\n*[c]: x\n\n[ref] c\n',
        "<dl>\n  <dt>a</dt>\n  <dd>b\n[ref]: /u “t”\n*[c]: x</dd>\n</dl>\n\n<p>[ref] c</p>\n",
    ),
    "nomarkdown-block-ends-before-next-line": (
        "{::nomarkdown}\n*x*</b>\n{:/}\nb\n",
        "*x*</b>\n<p>b</p>\n",
    ),
    "nomarkdown-block-in-list-item": (
        "* a\n\n  {::nomarkdown}\n  <b>\n  {:/}\n",
        "<ul>\n  <li>\n    <p>a</p>\n\n<b>\n  </li>\n</ul>\n",
    ),
    "rule-after-link-definition": (
        "[`a|b`]: /local/path.html\n***\n\n[^1]: a\n***\n",
        "<hr />\n\n<hr />\n",
    ),
    "definition-under-text-starting-with-lt": (
        "<s x</s>\n*[HTML]: list\n\n> <u x\n[a]: /u\n\nHTML [a]\n",
        "<p>&lt;s x&lt;/s&gt;\n*[HTML]: list</p>\n\n<blockquote>\n  <p>&lt;u x\n[a]: /u</p>\n</blockquote>\n\n<p>HTML [a]</p>\n",
    ),
    "blockquote-list-lazy-item-of-another-type": (
        "> 2. [x](#anchor)\n* alpha\n",
        '<blockquote>\n  <ol>\n    <li><a href="#anchor">x</a>\n      <ul>\n        <li>alpha</li>\n      </ul>\n    </li>\n  </ol>\n</blockquote>\n',
    ),
    "blockquote-header-between-nested-quotes": (
        "> >\n> ### two;\n> >\n",
        '<blockquote>\n  <blockquote>\n\n    <h3 id="two">two;</h3>\n\n  </blockquote>\n</blockquote>\n',
    ),
    "blockquote-list-lazy-link-definition": (
        "> + b\n> [`x`]: ../up.md\nalpha\n",
        '<blockquote>\n  <ul>\n    <li>b\n[<code class="language-plaintext highlighter-rouge">x</code>]: ../up.md\nalpha</li>\n  </ul>\n</blockquote>\n',
    ),
    "blockquote-html-block": (
        "> <wbr> café\n",
        "<blockquote>\n  <wbr />\n  <p>café</p>\n</blockquote>\n",
    ),
    "blockquote-nested-ends-at-html": (
        "> > beta\n><wbr> <br />\n",
        "<blockquote>\n  <blockquote>\n    <p>beta</p>\n  </blockquote>\n  <wbr />\n  <p><br /></p>\n</blockquote>\n",
    ),
    "blockquote-indented-code-lazy-line": (
        ">     code\n[^2]\n",
        '<blockquote>\n  <div class="language-plaintext highlighter-rouge"><div class="highlight"><pre class="highlight"><code>code [^2]\n</code></pre></div>  </div>\n</blockquote>\n',
    ),
    "blockquote-ends-a-list": (
        "3. note\n+ [^n]\n\n  > it's <br>\n+ 90's\n+  site\n",
        "<ol>\n  <li>note\n    <ul>\n      <li>[^n]</li>\n    </ul>\n  </li>\n</ol>\n\n<blockquote>\n  <p>it’s <br /></p>\n  <ul>\n    <li>90’s</li>\n    <li>site</li>\n  </ul>\n</blockquote>\n",
    ),
    "blockquote-in-list-item-lazy-link-definition": (
        "2. don't\n\n   > (see\n[`x`]: mailto:me@example.com\n",
        '<ol>\n  <li>\n    <p>don’t</p>\n\n    <blockquote>\n      <p>(see\n[<code class="language-plaintext highlighter-rouge">x</code>]: mailto:me@example.com</p>\n    </blockquote>\n  </li>\n</ol>\n',
    ),
    "blockquote-in-list-item-lazy-list": (
        "10. end.\n\n    >`<b>`\n> 2. über\n",
        '<ol>\n  <li>\n    <p>end.</p>\n\n    <blockquote>\n      <p><code class="language-plaintext highlighter-rouge">&lt;b&gt;</code></p>\n      <ol>\n        <li>über</li>\n      </ol>\n    </blockquote>\n  </li>\n</ol>\n',
    ),
    "lazy-link-definition-is-a-reference": (
        "1. end.\n\nend.\n[Ref Label]:\n$x$\n\n[Ref Label]: #anchor\n",
        '<ol>\n  <li>end.</li>\n</ol>\n\n<p>end.\n<a href="#anchor">Ref Label</a>:\n$x$</p>\n\n',
    ),
    "lazy-abbreviation-definitions-no-emphasis": (
        "<br/></figure>\n*[W3C]:\n*[W3C]:\n",
        "<p><br />&lt;/figure&gt;\n*[W3C]:\n*[W3C]:</p>\n",
    ),
    "blockquote-on-item-line-lazy-lines": (
        "1. >> `x\\`\n[ref]:\n10.\n",
        '<ol>\n  <li>\n    <blockquote>\n      <blockquote>\n        <p><code class="language-plaintext highlighter-rouge">x\\</code>\n[ref]:\n10.</p>\n      </blockquote>\n    </blockquote>\n  </li>\n</ol>\n',
    ),
    "blockquote-on-item-line-then-nested-list": (
        "* > a\n  * b\n",
        "<ul>\n  <li>\n    <blockquote>\n      <p>a</p>\n    </blockquote>\n    <ul>\n      <li>b</li>\n    </ul>\n  </li>\n</ul>\n",
    ),
    "blockquote-in-item-then-nested-list": (
        "- a\n  > b\n  - c\n",
        "<ul>\n  <li>a\n    <blockquote>\n      <p>b</p>\n    </blockquote>\n    <ul>\n      <li>c</li>\n    </ul>\n  </li>\n</ul>\n",
    ),
    "blockquote-on-item-line-lazy-then-item": (
        "- > a\n  > b\nc\n- d\n",
        "<ul>\n  <li>\n    <blockquote>\n      <p>a\nb\nc</p>\n    </blockquote>\n  </li>\n  <li>d</li>\n</ul>\n",
    ),
    "pipe-line-then-link-definition-is-text": (
        "|\n[Ref Label]: https://a.example/paren_(x)\nHTML5\n",
        "<p>|\n[Ref Label]: https://a.example/paren_(x)\nHTML5</p>\n",
    ),
    "pipe-in-code-span-no-table-link-definition-text": (
        "|\n[`a|b`]: mailto:me@example.com\n",
        '<p>|\n[<code class="language-plaintext highlighter-rouge">a|b</code>]: mailto:me@example.com</p>\n',
    ),
    "list-lazy-pipe-line-then-link-definition": (
        "* more\n  - why?\n|\n[1]:\n  - file.md\n* G)\n",
        "<ul>\n  <li>more\n    <ul>\n      <li>why?\n|\n[1]:</li>\n      <li>file.md</li>\n    </ul>\n  </li>\n  <li>G)</li>\n</ul>\n",
    ),
    "outer-item-after-loose-nested-item": (
        "- a\n  - b\n\n    c\n  - e\n- f\n",
        "<ul>\n  <li>a\n    <ul>\n      <li>\n        <p>b</p>\n\n        <p>c</p>\n      </li>\n      <li>\n        <p>e</p>\n      </li>\n    </ul>\n  </li>\n  <li>f</li>\n</ul>\n",
    ),
    "outer-item-after-nested-list-after-header-item": (
        "* HTML\n  -\n\n  - read\n* 2023\n",
        '<ul>\n  <li>\n    <h2 id="html">HTML</h2>\n\n    <ul>\n      <li>read</li>\n    </ul>\n  </li>\n  <li>2023</li>\n</ul>\n',
    ),
    "list-lazy-rule-then-link-definition": (
        "- gamma\n***\n[the `x` flag]:\n- list\n",
        '<ul>\n  <li>gamma\n***\n[the <code class="language-plaintext highlighter-rouge">x</code> flag]:</li>\n  <li>list</li>\n</ul>\n',
    ),
    "end-of-block-marker-after-blank-wraps-last-item": (
        "* a\n* b\n\n^\n",
        "<ul>\n  <li>a</li>\n  <li>\n    <p>b</p>\n  </li>\n</ul>\n",
    ),
    "end-of-block-marker-after-blank-one-item": (
        "* ``tick''\n\n^\n",
        "<ul>\n  <li>\n    <p>``tick’’</p>\n  </li>\n</ul>\n",
    ),
    "end-of-block-marker-no-blank-last-item-bare": (
        "* a\n* b\n^\n",
        "<ul>\n  <li>a</li>\n  <li>b</li>\n</ul>\n",
    ),
    "header-in-item-ends-its-paragraph": (
        "* a\n  # h\n  b\n",
        '<ul>\n  <li>a\n    <h1 id="h">h</h1>\n    <p>b</p>\n  </li>\n</ul>\n',
    ),
    "header-past-item-column-is-text": (
        "- a\n   ## h\n- b\n",
        "<ul>\n  <li>a\n ## h</li>\n  <li>b</li>\n</ul>\n",
    ),
    "footnotes-numbered-in-reference-order": (
        "[^a]: x\n[^b]: y\n\n[^b] [^a]\n",
        '\n<p><sup id="fnref:b" role="doc-noteref"><a href="#fn:b" class="footnote" rel="footnote">1</a></sup> <sup id="fnref:a" role="doc-noteref"><a href="#fn:a" class="footnote" rel="footnote">2</a></sup></p>\n<div class="footnotes" role="doc-endnotes">\n  <ol>\n    <li id="fn:b" role="doc-endnote">\n      <p>y\xa0<a href="#fnref:b" class="reversefootnote" role="doc-backlink">&#8617;</a></p>\n    </li>\n    <li id="fn:a" role="doc-endnote">\n      <p>x\xa0<a href="#fnref:a" class="reversefootnote" role="doc-backlink">&#8617;</a></p>\n    </li>\n  </ol>\n</div>\n',
    ),
    "footnote-without-text-not-numbered": (
        "[^note]:\n[^n]: naïve\n\n[^n]\n",
        '\n<p><sup id="fnref:n" role="doc-noteref"><a href="#fn:n" class="footnote" rel="footnote">1</a></sup></p>\n<div class="footnotes" role="doc-endnotes">\n  <ol>\n    <li id="fn:n" role="doc-endnote">\n      <p>naïve\xa0<a href="#fnref:n" class="reversefootnote" role="doc-backlink">&#8617;</a></p>\n    </li>\n  </ol>\n</div>\n',
    ),
    "list-ends-paragraph-of-lt-text": (
        "<a\n1. snake_case_name\nwhy?\n2. beta\n",
        "<p>&lt;a</p>\n<ol>\n  <li>snake_case_name\nwhy?</li>\n  <li>beta</li>\n</ol>\n",
    ),
    "list-ends-paragraph-of-span-html": (
        "<span>a</span>\n1. x\n",
        "<p><span>a</span></p>\n<ol>\n  <li>x</li>\n</ol>\n",
    ),
    "list-ends-paragraph-of-pipes": (
        "| a | b |\n- x\n",
        "<p>| a | b |</p>\n<ul>\n  <li>x</li>\n</ul>\n",
    ),
    "list-lazy-indented-link-definition-is-text": (
        "snake_case_name\n   1.   why?\n        - site\n    [1]:\n        - café\n",
        "<p>snake_case_name</p>\n<ol>\n  <li>why?\n    <ul>\n      <li>site\n  [1]:</li>\n      <li>café</li>\n    </ul>\n  </li>\n</ol>\n",
    ),
    "link-definition-after-setext-item-is-a-definition": (
        "page\n1.  [z `y` w][]\n    ===\n[z `y` w]: ../up.md\n1. `\n",
        '<p>page</p>\n<ol>\n  <li>\n    <h1 id="z-y-w"><a href="../up.md">z <code class="language-plaintext highlighter-rouge">y</code> w</a></h1>\n  </li>\n  <li>`</li>\n</ol>\n',
    ),
    "marker-four-columns-past-item-text-is-text": (
        "10. yes!{:.c}\n        -  delta\n        - [ ] end.\n",
        "<ol>\n  <li>yes!{:.c}\n    -  delta\n    - [ ] end.</li>\n</ol>\n",
    ),
    "link-definition-in-item-ends-nested-list": (
        "+ naïve\n  - below)\n\n  [ref]: #anchor\n  - naïve\n",
        "<ul>\n  <li>naïve\n    <ul>\n      <li>below)</li>\n    </ul>\n\n    <ul>\n      <li>naïve</li>\n    </ul>\n  </li>\n</ul>\n",
    ),
    "list-ends-paragraph-of-closing-tag-text": (
        "</table>\n10. [`a|b`]\n\n    90's\n10. [x] note\n",
        '<p>&lt;/table&gt;</p>\n<ol class="task-list">\n  <li>\n    <p>[<code class="language-plaintext highlighter-rouge">a|b</code>]</p>\n\n    <p>90’s</p>\n  </li>\n  <li class="task-list-item">\n    <p><input type="checkbox" class="task-list-item-checkbox" disabled="disabled" checked="checked" />note</p>\n  </li>\n</ol>\n',
    ),
    "definition-after-math-block-is-text": (
        "90's\n: list\n\n$$ $$\n\n: Jekyll\n: delta\n",
        "<dl>\n  <dt>90’s</dt>\n  <dd>list</dd>\n</dl>\n\n\\[\\]\n\n<dl>\n  <dt>: Jekyll</dt>\n  <dd>delta</dd>\n</dl>\n",
    ),
    "math-block-as-item-text": (
        "- $$x^2$$\n- 2023\n",
        "<ul>\n  <li>\n\\[x^2\\]\n  </li>\n  <li>2023</li>\n</ul>\n",
    ),
    "math-block-as-item-text-blank-after": (
        "- $$x^2$$\n\n- b\n",
        "<ul>\n  <li>\n\\[x^2\\]\n  </li>\n  <li>b</li>\n</ul>\n",
    ),
    "inline-math-with-more-item-text": (
        "- $$x^2$$\n  more\n- 2023\n",
        "<ul>\n  <li>\\(x^2\\)\nmore</li>\n  <li>2023</li>\n</ul>\n",
    ),
    "block-html-as-item-text": (
        "* <div>a</div>\n* b\n",
        "<ul>\n  <li>\n    <div>a</div>\n  </li>\n  <li>b</li>\n</ul>\n",
    ),
    "html-comment-then-paragraph-in-item": (
        "* <!-- --> [`x`]\nnote](#anchor)\n",
        '<ul>\n  <li>\n    <!-- -->\n    <p>[<code class="language-plaintext highlighter-rouge">x</code>]\nnote](#anchor)</p>\n  </li>\n</ul>\n',
    ),
    "multi-line-block-html-in-item": (
        "1. <div>\n   a\n   </div>\n2. b\n",
        "<ol>\n  <li>\n    <div>\na\n</div>\n  </li>\n  <li>b</li>\n</ol>\n",
    ),
    "span-html-in-item-stays-inline": (
        "* <b>a</b> x\n* b\n",
        "<ul>\n  <li><b>a</b> x</li>\n  <li>b</li>\n</ul>\n",
    ),
    "task-list-block-html-item-no-task-item": (
        "- [x] a\n- <div>b</div>\n- c\n",
        '<ul class="task-list">\n  <li class="task-list-item"><input type="checkbox" class="task-list-item-checkbox" disabled="disabled" checked="checked" />a</li>\n  <li>\n    <div>b</div>\n  </li>\n  <li class="task-list-item">c</li>\n</ul>\n',
    ),
    "unclosed-span-tag-in-item-ends-with-item": (
        "- <s>delta\n- b\n",
        "<ul>\n  <li>\n    <s>delta\n</s>\n  </li>\n  <li>b</li>\n</ul>\n",
    ),
    "block-tag-line-ends-list-after-item-html": (
        "- <div>\nlazy\n</div>\n- x\n",
        "<ul>\n  <li>\n    <div>\nlazy\n</div>\n  </li>\n</ul>\n<p>&lt;/div&gt;</p>\n<ul>\n  <li>x</li>\n</ul>\n",
    ),
    "block-html-as-definition-text": (
        "a\n: <div>x</div> y\n: z\n",
        "<dl>\n  <dt>a</dt>\n  <dd>\n    <div>x</div>\n    <p>y</p>\n  </dd>\n  <dd>z</dd>\n</dl>\n",
    ),
    "html-comment-then-ial-in-definition": (
        "file.md\n: <!-- --> {: start}\n",
        "<dl>\n  <dt>file.md</dt>\n  <dd>\n    <!-- -->\n  </dd>\n</dl>\n",
    ),
    "html-then-ial-on-its-line": (
        "<div>a</div> {: .c}\nb\n",
        '<div class="c">a</div>\n<p>b</p>\n',
    ),
    "html-comment-item-after-lazy-line": (
        "* [^2]\nmailto:me@example.com\n* <!-- --> note\n",
        "<ul>\n  <li>[^2]\nmailto:me@example.com</li>\n  <li>\n    <!-- -->\n    <p>note</p>\n  </li>\n</ul>\n",
    ),
    "void-block-html-then-text-in-item": (
        "- <wbr> x\n",
        "<ul>\n  <li>\n    <wbr />\n    <p>x</p>\n  </li>\n</ul>\n",
    ),
    "lazy-line-after-item-setext-header": (
        "1. CSS\n   ---\nsite\n",
        '<ol>\n  <li>\n    <h2 id="css">CSS</h2>\n    <p>site</p>\n  </li>\n</ol>\n',
    ),
    "lazy-line-after-item-atx-header": (
        "- # CSS\nsite\n",
        '<ul>\n  <li>\n    <h1 id="css">CSS</h1>\n    <p>site</p>\n  </li>\n</ul>\n',
    ),
    "definition-lazy-header-line": (
        "one,\n: x\n#### w]\n",
        '<dl>\n  <dt>one,</dt>\n  <dd>x\n    <h4 id="w">w]</h4>\n  </dd>\n</dl>\n',
    ),
    "definition-lazy-line-after-header": (
        "a\n: b\n# h\nc\n",
        '<dl>\n  <dt>a</dt>\n  <dd>b\n    <h1 id="h">h</h1>\n    <p>c</p>\n  </dd>\n</dl>\n',
    ),
    "list-lazy-definition-after-definition": (
        "- list\n\n  [x]: /y\n[z]: /w\n- b\n\n[x] [z]\n",
        '<ul>\n  <li>\n    <p>list</p>\n\n  </li>\n  <li>\n    <p>b</p>\n  </li>\n</ul>\n\n<p><a href="/w">x</a></p>\n',
    ),
    "list-item-ial": (
        "* {: .c} a\n",
        '<ul>\n  <li class="c">a</li>\n</ul>\n',
    ),
    "list-item-ial-loose-list": (
        "- {: .c} a\n\n- b\n",
        '<ul>\n  <li class="c">\n    <p>a</p>\n  </li>\n  <li>\n    <p>b</p>\n  </li>\n</ul>\n',
    ),
    "list-item-ial-nested-multi-line": (
        '- a\n  - {: .d title="t"} b\n    more\n',
        '<ul>\n  <li>a\n    <ul>\n      <li class="d" title="t">b\nmore</li>\n    </ul>\n  </li>\n</ul>\n',
    ),
    "list-item-ial-from-ald": (
        "{:r: .q}\n- {: r} a\n",
        '<ul>\n  <li class="q">a</li>\n</ul>\n',
    ),
    "list-item-ial-invalid-leaves-item-empty": (
        "* {: {x}\n",
        "<ul>\n  <li></li>\n</ul>\n",
    ),
    "definition-ial": (
        "a\n: {: .c} b\n: {: #i} c\n",
        '<dl>\n  <dt>a</dt>\n  <dd class="c">b</dd>\n  <dd id="i">c</dd>\n</dl>\n',
    ),
    "definition-ial-undefined-reference": (
        '"*hi*"\n: {: start}\n',
        "<dl>\n  <dt>“<em>hi</em>”</dt>\n  <dd></dd>\n</dl>\n",
    ),
    "link-definition-in-last-item-wraps-its-paragraph": (
        "+ note\n\n  [`x`]: https://a.example/x?y=1&z=2\n",
        "<ul>\n  <li>\n    <p>note</p>\n\n  </li>\n</ul>\n",
    ),
    "link-definition-in-nested-item-outer-bare": (
        "- a\n  - b\n\n  [x]: /y\n",
        "<ul>\n  <li>a\n    <ul>\n      <li>b</li>\n    </ul>\n\n  </li>\n</ul>\n",
    ),
    "math-block-as-definition-text": (
        "note\n: $$x^2$$\n: b\n",
        "<dl>\n  <dt>note</dt>\n  <dd>\n\\[x^2\\]\n  </dd>\n  <dd>b</dd>\n</dl>\n",
    ),
    "inline-math-with-more-definition-text": (
        "note\n: $$x^2$$ c\n",
        "<dl>\n  <dt>note</dt>\n  <dd>\\(x^2\\) c</dd>\n</dl>\n",
    ),
    "nested-list-after-later-paragraph-of-item": (
        "+ read\n\n  1\n  * list\n",
        "<ul>\n  <li>\n    <p>read</p>\n\n    <p>1</p>\n    <ul>\n      <li>list</li>\n    </ul>\n  </li>\n</ul>\n",
    ),
    "nested-list-after-later-paragraph-loose": (
        "- a\n\n  b\n  * c\n\n  d\n",
        "<ul>\n  <li>\n    <p>a</p>\n\n    <p>b</p>\n    <ul>\n      <li>c</li>\n    </ul>\n\n    <p>d</p>\n  </li>\n</ul>\n",
    ),
    "indented-dashes-under-paragraph-are-text": (
        "a\n ---\n",
        "<p>a\n —</p>\n",
    ),
    "blockquote-empty-line-then-list-with-fence": (
        ">\n+ ~~page~~\n```html\n```\n",
        '<blockquote>\n\n  <ul>\n    <li><del>page</del>\n      <div class="language-html highlighter-rouge"><div class="highlight"><pre class="highlight"><code></code></pre></div>      </div>\n    </li>\n  </ul>\n</blockquote>\n',
    ),
    "definition-lazy-list-marker-opens-list-in-it": (
        "a\n: roll\n2. site\n",
        "<dl>\n  <dt>a</dt>\n  <dd>roll\n    <ol>\n      <li>site</li>\n    </ol>\n  </dd>\n</dl>\n",
    ),
    "definition-list-lazy-items-then-next-definition": (
        "a\n: roll\n- site\n- two\nb\n: x\n",
        "<dl>\n  <dt>a</dt>\n  <dd>roll\n    <ul>\n      <li>site</li>\n      <li>two\nb</li>\n    </ul>\n  </dd>\n  <dd>x</dd>\n</dl>\n",
    ),
    "definition-indented-list-marker-after-text": (
        "a\n: roll\n    - site\n",
        "<dl>\n  <dt>a</dt>\n  <dd>roll\n    <ul>\n      <li>site</li>\n    </ul>\n  </dd>\n</dl>\n",
    ),
    "definition-list-first-then-lazy-sibling": (
        "a\n: - x\n- y\n",
        "<dl>\n  <dt>a</dt>\n  <dd>\n    <ul>\n      <li>x</li>\n      <li>y</li>\n    </ul>\n  </dd>\n</dl>\n",
    ),
    "hashes-without-space-then-abbreviation-definition-is-text": (
        "####(N\n*[W3C]: HTML\n",
        "<p>####(N\n*[W3C]: HTML</p>\n",
    ),
    "list-ends-before-indented-code-under-wide-item": (
        "1.   `x\\`\n\n   \n\n    | b\n",
        '<ol>\n  <li><code class="language-plaintext highlighter-rouge">x\\</code></li>\n</ol>\n\n<div class="language-plaintext highlighter-rouge"><div class="highlight"><pre class="highlight"><code>| b\n</code></pre></div></div>\n',
    ),
    "no-table-right-after-nomarkdown-block": (
        "{::nomarkdown}\n{:/}\n|\n:-: |\n\\< | |\n",
        "\n<p>|\n:-: |\n&lt; | |</p>\n",
    ),
    "definition-lazy-fence-is-the-definitions": (
        "__über__\n: 日本\n```html\n```\n",
        '<dl>\n  <dt><strong>über</strong></dt>\n  <dd>日本\n    <div class="language-html highlighter-rouge"><div class="highlight"><pre class="highlight"><code></code></pre></div>    </div>\n  </dd>\n</dl>\n',
    ),
    "definition-lazy-fence-closed-by-longer-run": (
        "C++\n: HTML5\n`````\n``````\n",
        '<dl>\n  <dt>C++</dt>\n  <dd>HTML5\n    <div class="language-plaintext highlighter-rouge"><div class="highlight"><pre class="highlight"><code></code></pre></div>    </div>\n  </dd>\n</dl>\n',
    ),
    "item-text-with-pipe-before-lazy-fence-is-no-table": (
        "- a |\n~~~~\nb\n~~~~\n",
        '<ul>\n  <li>a |\n    <div class="language-plaintext highlighter-rouge"><div class="highlight"><pre class="highlight"><code>b\n</code></pre></div>    </div>\n  </li>\n</ul>\n',
    ),
    "link-definition-with-title-before-list": (
        '[1]: ../up.md "quote inside"\n1. done\n',
        "<ol>\n  <li>done</li>\n</ol>\n",
    ),
    "lazy-list-of-other-type-after-item-setext-header": (
        "+ Label][]\n---\n1. '90s\n+ $$\n",
        '<ul>\n  <li>\n    <h2 id="label">Label][]</h2>\n    <ol>\n      <li>’90s</li>\n    </ol>\n  </li>\n  <li>$$</li>\n</ul>\n',
    ),
    "rule-after-blank-line-ends-list-though-indented": (
        "- \\{\n\n  `````\n\n  ---\n",
        "<ul>\n  <li>\n    <p>{</p>\n\n    <p>`````</p>\n  </li>\n</ul>\n\n<hr />\n",
    ),
    "definition-after-fence-looking-text-is-text": (
        "```shell\n```\n````\n[z `y` w]:\n* title))\n",
        '<div class="language-shell highlighter-rouge"><div class="highlight"><pre class="highlight"><code></code></pre></div></div>\n<p>````\n[z <code class="language-plaintext highlighter-rouge">y</code> w]:</p>\n<ul>\n  <li>title))</li>\n</ul>\n',
    ),
    "definition-after-table-is-text-then-its-term": (
        "|\n\n: yes!\n: CSS\n",
        "<table>\n  <tbody>\n    <tr>\n    </tr>\n  </tbody>\n</table>\n\n<dl>\n  <dt>: yes!</dt>\n  <dd>CSS</dd>\n</dl>\n",
    ),
    "definition-at-document-start-is-text": (
        ": a\n: b\n",
        "<dl>\n  <dt>: a</dt>\n  <dd>b</dd>\n</dl>\n",
    ),
    "footnote-definition-under-brace-text-is-text": (
        "{x}\n[^1]: <!-- c -->\n",
        "<p>{x}\n[^1]: <!-- c --></p>\n",
    ),
    "list-in-item-after-fence-looking-text-and-lazy-line": (
        "- page\n\n  ```sh {.x}\n{{\n  * list\n````\n",
        "<ul>\n  <li>\n    <p>page</p>\n\n    <p>```sh {.x}\n{{</p>\n    <ul>\n      <li>list\n````</li>\n    </ul>\n  </li>\n</ul>\n",
    ),
    "link-definition-under-later-paragraph-in-item-is-text": (
        "+ I\n\n  w]\n  [the `x` flag]: https://a.example/paren_(x)\n",
        '<ul>\n  <li>\n    <p>I</p>\n\n    <p>w]\n[the <code class="language-plaintext highlighter-rouge">x</code> flag]: https://a.example/paren_(x)</p>\n  </li>\n</ul>\n',
    ),
    "abbreviation-under-later-paragraph-in-item-is-text": (
        "- a\n\n  b\n  *[x]: y\n\n  x\n",
        "<ul>\n  <li>\n    <p>a</p>\n\n    <p>b\n*[x]: y</p>\n\n    <p>x</p>\n  </li>\n</ul>\n",
    ),
    "indented-list-in-definition-then-next-term": (
        "I delta\n:   delta\n\n    * not a list\n\nb\n: c\n",
        "<dl>\n  <dt>I delta</dt>\n  <dd>delta\n\n    <ul>\n      <li>not a list</li>\n    </ul>\n  </dd>\n  <dt>b</dt>\n  <dd>c</dd>\n</dl>\n",
    ),
    "footnote-definition-then-term-and-definition": (
        "[^note]: __init__\ngamma\n: C++\n",
        "<dl>\n  <dt>gamma</dt>\n  <dd>C++</dd>\n</dl>\n",
    ),
    "abbreviation-then-pipe-term-and-definition": (
        "*[W3C]: one,\n|\n: gamma\n\nW3C\nCSS\n",
        '<dl>\n  <dt>|</dt>\n  <dd>gamma</dd>\n</dl>\n\n<p><abbr title="one,">W3C</abbr>\nCSS</p>\n',
    ),
    "link-definitions-with-pipe-before-fence-are-definitions": (
        "x\n\n [`a|b`]: #anchor\n[R]: /u\n``` python\nz\n```\n\n[R] [`a|b`]\n",
        '<p>x</p>\n\n<div class="language-python highlighter-rouge"><div class="highlight"><pre class="highlight"><code><span class="n">z</span>\n</code></pre></div></div>\n\n<p><a href="#anchor">R</a></p>\n',
    ),
    "empty-nested-quote-in-item-has-no-paragraph": (
        "* a\n>>\n* b\n",
        "<ul>\n  <li>a\n    <blockquote>\n      <blockquote>\n\n      </blockquote>\n    </blockquote>\n  </li>\n  <li>b</li>\n</ul>\n",
    ),
    "quote-in-item-lazy-marker-of-other-type-after-blank-is-text": (
        "- I\n\n  >it's\n1. why?\n",
        "<ul>\n  <li>\n    <p>I</p>\n\n    <blockquote>\n      <p>it’s\n      1. why?</p>\n    </blockquote>\n  </li>\n</ul>\n",
    ),
    "quote-in-item-in-quote-lazy-marker-of-other-type-is-text": (
        "> + below)***\n>\n>   > end.\n1. &quot;\n",
        '<blockquote>\n  <ul>\n    <li>\n      <p>below)***</p>\n\n      <blockquote>\n        <p>end.\n      1. "</p>\n      </blockquote>\n    </li>\n  </ul>\n</blockquote>\n',
    ),
    "link-definition-right-after-comment-block": (
        "{::comment}\nhidden *x*\n{:/comment}\n  [z `y` w]: </local/path.html>\n\n[z `y` w]\n",
        '<!-- hidden *x* -->\n\n<p><a href="/local/path.html">z <code class="language-plaintext highlighter-rouge">y</code> w</a></p>\n',
    ),
    "no-math-block-right-after-nomarkdown-block": (
        "{::nomarkdown}\n<b>r</b>\n{:/}\n$$\nx^2\n$$\n",
        "<b>r</b>\n<p>\\(x^2\\)</p>\n",
    ),
    "definition-after-block-html-is-text": (
        "<div>a</div>\n: b\n",
        "<div>a</div>\n<p>: b</p>\n",
    ),
    "definition-after-header-is-text": (
        "# h\n: b\n",
        '<h1 id="h">h</h1>\n<p>: b</p>\n',
    ),
    "definition-after-span-element-block-is-text": (
        '<s markdown="1">a</s>\n: b\n',
        "<s>a</s>\n<p>: b</p>\n",
    ),
    "definition-after-definition-list-and-html-is-text": (
        "a\n: b\n\n<div>x</div>\n: c\n",
        "<dl>\n  <dt>a</dt>\n  <dd>b</dd>\n</dl>\n\n<div>x</div>\n<p>: c</p>\n",
    ),
    "list-lazy-definition-after-rule-text": (
        "- a\n  ***\n[x]: /u\n- b\n",
        "<ul>\n  <li>a\n***\n[x]: /u</li>\n  <li>b</li>\n</ul>\n",
    ),
    "list-lazy-empty-definition-after-rule-text": (
        "- gamma\n  ***\n[the `x` flag]:\n- list\n",
        '<ul>\n  <li>gamma\n***\n[the <code class="language-plaintext highlighter-rouge">x</code> flag]:</li>\n  <li>list</li>\n</ul>\n',
    ),
    "math-block-ends-at-first-closing-run": (
        "$$x^2$$ <b>y</b>\n\nz\n$$\n",
        "<p>\\(x^2\\) <b>y</b></p>\n\n<p>z\n$$</p>\n",
    ),
    "math-block-closing-run-inside-line": (
        "$$\nx $$ y\n$$\n",
        "<p>\\(x\\) y\n$$</p>\n",
    ),
    "math-block-on-one-line": (
        "$$x$$\n\n$$a\nb$$\n",
        "\\[x\\]\n\n\\[a\nb\\]\n",
    ),
    "comment-after-spaces-is-paragraph-text": (
        " <!-- c --> one\n\n <!-- d -->\n\n<!-- e --> two\n",
        "<p><!-- c --> one</p>\n\n<p><!-- d --></p>\n\n<!-- e -->\n<p>two</p>\n",
    ),
    "comment-after-void-tag-is-paragraph": (
        "<wbr> <!-- -->\n+ Jekyll\n",
        "<wbr />\n<p><!-- --></p>\n<ul>\n  <li>Jekyll</li>\n</ul>\n",
    ),
    "comment-indented-in-item-is-paragraph": (
        "- a\n\n   <!-- c -->\n",
        "<ul>\n  <li>\n    <p>a</p>\n\n    <p><!-- c --></p>\n  </li>\n</ul>\n",
    ),
    "hashes-without-space-are-text-before-indented-dashes": (
        "###\\_\n ---\n\n#x\n ---\n",
        "<p>###_\n —</p>\n\n<p>#x\n —</p>\n",
    ),
    "list-other-type-marker-after-item-html-is-nested": (
        "1. <font>J</font>\n * more\n\n2. x\n",
        "<ol>\n  <li>\n    <font>J</font>\n    <ul>\n      <li>more</li>\n    </ul>\n  </li>\n  <li>x</li>\n</ol>\n",
    ),
    "rule-of-stars-under-pipes-is-paragraph-text": (
        "|\n*****\n\n| a |\n___\n",
        "<p>|\n*****</p>\n\n<p>| a |\n___</p>\n",
    ),
}

# kramdown writes a blank line fewer or more between these blocks (or line breaks around a math
# block alone in an item or a definition, or a span element's block HTML in an item): the same
# HTML otherwise
BLANK_LINES_ONLY = frozenset(
    (
        "nomarkdown-block-ends-before-next-line",
        "hr-spaced-dashes-before-html",
        "rule-before-html",
        "definition-ends-at-tag",
        "blockquote-lazy-header",
        "definition-first-paragraph-bare",
        "blockquote-header-between-nested-quotes",
        "math-block-as-item-text",
        "math-block-as-definition-text",
        "unclosed-span-tag-in-item-ends-with-item",
        "void-block-html-then-text-in-item",
        "list-lazy-definition-after-definition",
        "link-definition-in-last-item-wraps-its-paragraph",
        "link-definition-in-nested-item-outer-bare",
        "block-tag-line-ends-list-after-item-html",
        "blockquote-empty-line-then-list-with-fence",
        "no-table-right-after-nomarkdown-block",
        "link-definition-with-title-before-list",
        "indented-list-in-definition-then-next-term",
        "empty-nested-quote-in-item-has-no-paragraph",
    )
)

_RENDERER = MarkdownRenderer(budget=None)


@pytest.mark.parametrize("name", sorted(CASES))
def test_block_renders_as_kramdown_does(name: str) -> None:
    text, expected = CASES[name]
    html = _RENDERER.convert(text)
    if name in BLANK_LINES_ONLY:
        assert same(html, expected)
    else:
        assert normalise(html) == normalise(expected)


@pytest.mark.slow
def test_recorded_html_is_kramdowns() -> None:
    missing = jekyll_missing()
    if missing:
        pytest.skip(missing)
    with Kramdown() as kramdown:
        for name, (text, expected) in CASES.items():
            assert kramdown(text) == expected, name
