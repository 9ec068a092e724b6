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

from .test_kramdown_gaps import assert_recorded_html_is_jekylls
from .test_markdown_kramdown import normalise

# name -> (markdown, Jekyll 4.3.1's HTML)
CASES: dict[str, tuple[str, str]] = {
    # kramdown-parser-gfm's STRIKETHROUGH_MATCH: ~~ then neither space nor ~, up to the first ~~
    # after a character that is neither (not CommonMark's delimiter runs)
    "strike-to-the-first-close": (
        "~~a ~~b~~ c~~\n",
        "<p><del>a ~~b</del> c~~</p>\n",
    ),
    "strike-runs-and-spaces": (
        "a~~b~~c ~~~~d~~ ~~e~~~ ~~ f~~ ~~g ~~\n",
        "<p>a<del>b</del>c ~~<del>d</del> <del>e</del>~ ~~ f~~ ~~g ~~</p>\n",
    ),
    "strike-across-lines-and-spans": (
        "~~a\nb~~ ~~*c*~~ *~~d~~* x ~~h~ i~~ y\n",
        "<p><del>a\nb</del> <del><em>c</em></del> <em><del>d</del></em> x <del>h~ i</del> y</p>\n",
    ),
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
    "raw-span-with-code-span-after": (
        "a <kbd>end. << x</kbd> `y` and <kbd>k</kbd> `<code>` tag.\n",
        '<p>a <kbd>end. &lt;&lt; x</kbd> <code class="language-plaintext highlighter-rouge">y</code> and <kbd>k</kbd> <code class="language-plaintext highlighter-rouge">&lt;code&gt;</code> tag.</p>\n',
    ),
    "raw-span-keeps-code-span-source": (
        "code\n<kbd>it's ``a b``</kbd>> and <kbd>W3C `a b`</kbd>\n",
        "<p>code\n<kbd>it's ``a b``</kbd>&gt; and <kbd>W3C `a b`</kbd></p>\n",
    ),
    "code-span-takes-tag": (
        "`a <kbd>b` c</kbd>\n",
        '<p><code class="language-plaintext highlighter-rouge">a &lt;kbd&gt;b</code> c&lt;/kbd&gt;</p>\n',
    ),
    "span-markdown-0": (
        '<b markdown="0">snake_case *a* C++</b> <small markdown="0">~~x~~</small>\n',
        "<p><b>snake_case *a* C++</b> <small>~~x~~</small></p>\n",
    ),
    "span-markdown-1-on-raw": (
        '<u markdown="1">it\'s __g__</u> <i>one, <s markdown="1">90\'s</s></i>\n',
        "<p><u>it's __g__</u> <i>one, <s>90's</s></i></p>\n",
    ),
    "span-markdown-span": (
        '<u markdown="span">*x*</u> <em markdown="1">*y*</em>\n',
        "<p><u><em>x</em></u> <em><em>y</em></em></p>\n",
    ),
    "span-unclosed-paragraph": (
        "x <small>a *b*\n\n<small>a *b* c\n\nd\n",
        "<p>x <small>a <em>b</em></small></p>\n\n<p><small>a <em>b</em> c</small></p>\n\n<p>d</p>\n",
    ),
    "span-unclosed-cell": (
        'a | b <i>c\n\nHTML5 | | <abbr title="t">W3C\n',
        '<table>\n  <tbody>\n    <tr>\n      <td>a</td>\n      <td>b <i>c</i></td>\n    </tr>\n  </tbody>\n</table>\n\n<table>\n  <tbody>\n    <tr>\n      <td>HTML5</td>\n      <td>\xa0</td>\n      <td><abbr title="t">W3C</abbr></td>\n    </tr>\n  </tbody>\n</table>\n',
    ),
    "span-unclosed-header-and-ial": (
        "## a <i>b\n\nx <i>a\n{: .c}\n",
        '<h2 id="a-b">a <i>b</i></h2>\n\n<p class="c">x <i>a</i></p>\n',
    ),
    "span-closed-later-nested": (
        "x <i>a <b>c</b> d\n\nx <i>a</i> <b>c\n",
        "<p>x <i>a <b>c</b> d</i></p>\n\n<p>x <i>a</i> <b>c</b></p>\n",
    ),
    "smart-quote-before-tag": (
        '"*hi*"</sub> and "[l](/u)"</td></tr>\n\na "<span>x</span>" b\n',
        '<p>“<em>hi</em>”&lt;/sub&gt; and “<a href="/u">l</a>”&lt;/td&gt;&lt;/tr&gt;</p>\n\n<p>a “<span>x</span>” b</p>\n',
    ),
    "ald-on-paragraph": (
        '{:ref: title="t"}\nHTML\n{: ref}\n\n{:r2: ref .b #i}\n\npara\n{: r2}\n',
        '<p title="t">HTML</p>\n\n<p title="t" class="b" id="i">para</p>\n',
    ),
    "ald-span-and-block": (
        "{:ref: .refcls #refid}\n*gamma*{: ref}\n{: ref}\n",
        '<p class="refcls" id="refid"><em class="refcls" id="refid">gamma</em></p>\n',
    ),
    "ald-defined-later": (
        'para\n{: r2 #i}\n\n{:r2: .a title="x y"}\nafter\n',
        '<p class="a" title="x y" id="i">para</p>\n\n<p>after</p>\n',
    ),
    "ial-before-block": (
        "{: .b}\n# H\n\nx\n\n{: .a}\npara\n\n# x\n\n{: .c}\n\n> q\n",
        '<h1 class="b" id="h">H</h1>\n\n<p>x</p>\n\n<p class="a">para</p>\n\n<h1 id="x">x</h1>\n\n<blockquote class="c">\n  <p>q</p>\n</blockquote>\n',
    ),
    "ial-lines-merge": (
        '{:ref: .refcls #refid}\ngamma\n{:title="t"}\n{: ref}\n\n{: .a}\n{: .b}\np\n',
        '<p class="refcls" id="refid" title="t">gamma</p>\n\n<p class="a b">p</p>\n',
    ),
    "header-id-in-html-element": (
        '<figure markdown="1">code\n## café\n\n## café\n\n## 1 x\n</figure>\n\n## café\n',
        '<figure>\n  <p>code</p>\n  <h2 id="caf">café</h2>\n\n  <h2 id="caf-1">café</h2>\n\n  <h2 id="x">1 x</h2>\n</figure>\n\n<h2 id="café">café</h2>\n',
    ),
    "comment-in-raw-span": (
        "10. <mark>[![a](#anchor)](https://a.example/) <!-- c --></mark>\n",
        "<ol>\n  <li><mark>[![a](#anchor)](https://a.example/) <!-- c --></mark></li>\n</ol>\n",
    ),
    "html-block-after-html-block": (
        '<font color="red">"x" I</font> <font color="red">site</font>--\n\n<div>a</div> <div>b</div> c\n',
        '<font color="red">"x" I</font>\n<font color="red">site</font>\n<p>–</p>\n\n<div>a</div>\n<div>b</div>\n<p>c</p>\n',
    ),
    "emphasis-not-in-its-kind": (
        "_*(see x*_ and **'single __note__**\n\n###### *$z^{(0)}_{v_{i}}$*\n",
        '<p><em>*(see x*</em> and <strong>‘single __note__</strong></p>\n\n<h6 id="z0_v_i"><em>$z^{(0)}_{v_{i}}$</em></h6>\n',
    ),
    "options-auto-ids-false": (
        '# a\n\n[^n]\n====\n{::options auto_ids="false" /}\n',
        "<h1>a</h1>\n\n<h1>[^n]</h1>\n",
    ),
    "ald-defined-twice-adds-up": (
        '{:ref: .refcls #refid}\n{:ref: title="t"}\n/>\n{: ref}\n',
        '<p class="refcls" id="refid" title="t">/&gt;</p>\n',
    ),
    "ial-line-ends-paragraph": (
        '{:ref: title="t"}\n(see_\n{: ref}\na\n\np\n{: .x}\nb\n',
        '<p title="t">(see_</p>\n<p>a</p>\n\n<p class="x">p</p>\n<p>b</p>\n',
    ),
    "ial-line-then-definition": (
        "it\n{: .tbl}\n[^n]: note\n[x]: /u\n\n[^n] [x]\n",
        '<p class="tbl">it</p>\n\n<p><sup id="fnref:n" role="doc-noteref"><a href="#fn:n" class="footnote" rel="footnote">1</a></sup> <a href="/u">x</a></p>\n<div class="footnotes" role="doc-endnotes">\n  <ol>\n    <li id="fn:n" role="doc-endnote">\n      <p>note\xa0<a href="#fnref:n" class="reversefootnote" role="doc-backlink">&#8617;</a></p>\n    </li>\n  </ol>\n</div>\n',
    ),
    "ial-line-then-list": (
        "a\n{: .x}\n1. b\n+ c\n",
        '<p class="x">a</p>\n<ol>\n  <li>b\n    <ul>\n      <li>c</li>\n    </ul>\n  </li>\n</ol>\n',
    ),
    "ial-line-then-no-setext-header": (
        "a\n{: .tbl}\nb\n==\n",
        '<p class="tbl">a</p>\n<p>b\n==</p>\n',
    ),
    "link-definition-paren-title": (
        "[ref]: <https://a.example/x?y=1&z=2> (paren title)\n\n[a][ref]\n",
        '\n<p><a href="&lt;https://a.example/x?y=1&amp;z=2&gt; (paren title)">a</a></p>\n',
    ),
    "link-definition-url-with-spaces": (
        '[a]: a b\n[b]: /b\n  "t"\n[c]: c "d\n\n[a], [b], [c]\n',
        '<p>[c]: c “d</p>\n\n<p><a href="a b">a</a>, <a href="/b" title="t">b</a>, [c]</p>\n',
    ),
    "link-definition-url-on-next-line": (
        "[ref]:\n/u\n\n[ref]\n",
        "<p>[ref]:\n/u</p>\n\n<p>[ref]</p>\n",
    ),
    "emphasis-strong-falls-back-to-em": (
        "***_(see don't_***\n",
        "<p><strong><em>_(see don’t_</em></strong></p>\n",
    ),
    "emphasis-rule-lines-are-emphasis": (
        "Jekyll\n***\ndon't\n***\n",
        "<p>Jekyll\n<em>**\ndon’t\n**</em></p>\n",
    ),
    "emphasis-run-opens-strong-first": (
        "file.md\n*****gamma***\n",
        "<p>file.md\n<strong>**<em>gamma</em></strong></p>\n",
    ),
    "emphasis-no-em-in-em": (
        "*don't ***delta two;*** two;* _a *b* c_\n",
        "<p><em>don’t <strong>*delta two;</strong></em> two;* <em>a *b* c</em></p>\n",
    ),
    "emphasis-two-delimiters-do-not-close-em": (
        "*a **b** c* and *x **y*\n",
        "<p><em>a <strong>b</strong> c</em> and <em>x **y</em></p>\n",
    ),
    "emphasis-underscore-intraword": (
        "snake_case_name a-_b_ _c_d_ __e__f__\n",
        "<p>snake_case_name a-_b_ <em>c_d</em> <strong>e__f</strong></p>\n",
    ),
    "emphasis-in-raw-html-em": (
        '<section>\n<em markdown="1">*a*</em>\n</section>\n',
        "<section>\n<em><em>a</em></em>\n</section>\n",
    ),
    "footnote-definition-ends-at-unindented-line": (
        "[^note]: a\nb\n\n[^note]\n",
        '<p>b</p>\n\n<p><sup id="fnref:note" role="doc-noteref"><a href="#fn:note" class="footnote" rel="footnote">1</a></sup></p>\n<div class="footnotes" role="doc-endnotes">\n  <ol>\n    <li id="fn:note" role="doc-endnote">\n      <p>a\xa0<a href="#fnref:note" class="reversefootnote" role="doc-backlink">&#8617;</a></p>\n    </li>\n  </ol>\n</div>\n',
    ),
    "footnote-definition-empty-first-line": (
        "[^note]:\ntext\n",
        "<p>text</p>\n",
    ),
    "footnote-definition-lazy-after-indented": (
        "[^n]: a\n    b\nc\n\n[^n]\n",
        '\n<p><sup id="fnref:n" role="doc-noteref"><a href="#fn:n" class="footnote" rel="footnote">1</a></sup></p>\n<div class="footnotes" role="doc-endnotes">\n  <ol>\n    <li id="fn:n" role="doc-endnote">\n      <p>a\nb\nc\xa0<a href="#fnref:n" class="reversefootnote" role="doc-backlink">&#8617;</a></p>\n    </li>\n  </ol>\n</div>\n',
    ),
    "footnote-definition-indented-after-blank-is-no-code": (
        "[^n]: a\n\n    b\nc\n\n[^n]\n",
        '\n<p><sup id="fnref:n" role="doc-noteref"><a href="#fn:n" class="footnote" rel="footnote">1</a></sup></p>\n<div class="footnotes" role="doc-endnotes">\n  <ol>\n    <li id="fn:n" role="doc-endnote">\n      <p>a</p>\n\n      <p>b\nc\xa0<a href="#fnref:n" class="reversefootnote" role="doc-backlink">&#8617;</a></p>\n    </li>\n  </ol>\n</div>\n',
    ),
    "raw-span-closes-before-paragraph-ial": (
        '[^note]:\n~~page more~~\ncafé <s markdown="0">he\n{:title="t"}\n',
        '<p title="t"><del>page more</del>\ncafé <s>he</s></p>\n',
    ),
    "nomarkdown-after-text-is-span": (
        "a\n{::nomarkdown}\n*x*\n{:/}\nb\n",
        "<p>a\n\n*x*\n\nb</p>\n",
    ),
    "smart-quote-before-underscore": (
        '"*hi*"_ a "_b "_c_ \'_\n',
        "<p>“<em>hi</em>“_ a “<em>b “_c</em> ‘_</p>\n",
    ),
    "smart-quote-before-punctuation": (
        'x "*hi*". "(a)" \'_x\' y\n',
        "<p>x “<em>hi</em>”. “(a)” ‘_x’ y</p>\n",
    ),
    "smart-quote-at-emphasis-end": (
        '_read "*hi*"_ **a "**b x "_a_ "__b__\n',
        "<p><em>read “*hi*“</em> <strong>a “</strong>b x “<em>a</em> “<strong>b</strong></p>\n",
    ),
    "smart-quote-after-emphasis-char": (
        'a*"b" c_\' d* \'x_\' y snake_case"s"\n',
        "<p>a<em>“b” c_’ d</em> ‘x_’ y snake_case”s”</p>\n",
    ),
    "smart-quote-pair-first-left-as-text": (
        'w \'""a ..""\'\'x_y\n',
        "<p>w ‘\"”a ..””'’x_y</p>\n",
    ),
    "smart-quote-at-emphasis-end-before-link": (
        "w **'*[l](/u) b*_-a\na`c`\"*[l](/u)\n",
        '<p>w <em>*‘</em><a href="/u">l</a> b<em>_-a\na<code class="language-plaintext highlighter-rouge">c</code>“</em><a href="/u">l</a></p>\n',
    ),
    "emphasis-reread-in-emphasis": (
        "w __`c`'****-a-x_yb-`c`_ z\n",
        '<p>w <em>_<code class="language-plaintext highlighter-rouge">c</code>‘****-a-x_yb-<code class="language-plaintext highlighter-rouge">c</code></em> z</p>\n',
    ),
    "emphasis-many-unclosed-delimiters": (
        "*a **b _c __d *a **b _c __d *a **b _c __d *a **b _c __d *a **b _c __d *a **b _c __d *a **b _c __d *a **b _c __d *a **b _c __d *a **b _c __d *a **b _c __d *a **b _c __d *e*\n",
        "<p><em>a **b _c __d *a **b _c __d *a **b _c __d *a **b _c __d *a **b _c __d *a **b _c __d *a **b _c __d *a **b _c __d *a **b _c __d *a **b _c __d *a **b _c __d *a **b _c __d *e</em></p>\n",
    ),
    "angle-quote-takes-a-space-of-hard-break": (
        "a <<  \nwhy?\n",
        "<p>a «\xa0 \nwhy?</p>\n",
    ),
    "angle-quote-then-hard-break-in-quote": (
        "> <<   \nwhy?\n",
        "<blockquote>\n  <p>«\xa0<br />\nwhy?</p>\n</blockquote>\n",
    ),
    "span-html-markdown-child-in-raw-element": (
        "a <s><em markdown=\"1\">*b* `c` 90's</em> *d* it's</s>\n",
        '<p>a <s><em><em>b</em> <code class="language-plaintext highlighter-rouge">c</code> 90’s</em> *d* it\'s</s></p>\n',
    ),
    "span-html-markdown-span-child-in-raw-element": (
        '<u><span markdown="span">*a*</span> <b markdown="1">[l](/u)</b> <kbd markdown="1">*y*</kbd></u>\n',
        '<p><u><span><em>a</em></span> <b><a href="/u">l</a></b> <kbd>*y*</kbd></u></p>\n',
    ),
    "span-html-markdown-child-deeper-in-raw-element": (
        'x <s><u>a <em markdown="1">b\'s</em> c</u> d</s>\n',
        "<p>x <s><u>a <em>b’s</em> c</u> d</s></p>\n",
    ),
    "span-html-markdown-child-unclosed": (
        '###### x <s><em markdown="1">90\'s\n',
        '<h6 id="x-90s">x <s><em>90’s</em></s></h6>\n',
    ),
    "span-html-unclosed-in-item-before-block": (
        "1. <i>a\n   # h\n",
        '<ol>\n  <li><i>a\n</i>    <h1 id="h">h</h1>\n  </li>\n</ol>\n',
    ),
    "span-html-unclosed-in-item-before-nested-list": (
        "- <i>a <b>c\n  * b\n",
        "<ul>\n  <li><i>a <b>c\n</b></i>    <ul>\n      <li>b</li>\n    </ul>\n  </li>\n</ul>\n",
    ),
    "span-html-unclosed-in-definition-before-block": (
        "a\n: <i>b\n  # h\n",
        '<dl>\n  <dt>a</dt>\n  <dd><i>b\n</i>    <h1 id="h">h</h1>\n  </dd>\n</dl>\n',
    ),
    "span-html-unclosed-in-item-before-blank": (
        "- <i>a\n\n  b\n",
        "<ul>\n  <li>\n    <p><i>a</i></p>\n\n    <p>b</p>\n  </li>\n</ul>\n",
    ),
    "span-ial-ends-at-first-brace": (
        '*x*{:.cls} start} and [n](/u){:target="_blank"} {x}\n',
        '<p><em class="cls">x</em> start} and <a href="/u" target="_blank">n</a> {x}</p>\n',
    ),
    "span-ial-consecutive-lists": (
        "*x*{:.a}{:.b} y\n",
        '<p><em class="a b">x</em> y</p>\n',
    ),
    "span-ial-kramdown-attribute-list": (
        '*x*{:junk .a =b\n.c} *y*{:title="a\\}b"} *z*{:title="a}b"} w\n',
        '<p><em class="a c">x</em> <em title="a}b">y</em> <em>z</em>b”} w</p>\n',
    ),
    "span-ial-read-before-emphasis": (
        '[one,](/u){:target="_blank"}\n_it\'s note_ *x*{:a="_b"} _c_ `c`{:a=\'*\'}{:b="*"} *d*\n',
        '<p><a href="/u" target="_blank">one,</a>\n<em>it’s note</em> <em a="_b">x</em> <em>c</em> <code a="*" b="*" class="language-plaintext highlighter-rouge">c</code> <em>d</em></p>\n',
    ),
    "span-ial-after-text-is-text": (
        'a{:x="_b"} _c_\n',
        "<p>a{:x=”<em>b”} _c</em></p>\n",
    ),
    "span-ial-class-pair-replaces-classes": (
        '`c`{:.q class="w" #i} y\n',
        '<p><code class="language-plaintext w highlighter-rouge" id="i">c</code> y</p>\n',
    ),
    "link-text-footnote-marker-does-not-close": (
        "[a [^x] b](/u) and ![a [^y] b](/i) and [a [^x]] b](/v)\n",
        '<p>[a [^x] b](/u) and ![a [^y] b](/i) and <a href="/v">a [^x]] b</a></p>\n',
    ),
    "link-text-defined-footnote-marker-does-not-close": (
        '[[^1] it\'s](#anchor "A title")\n\n[^1]: n\n',
        '<p>[<sup id="fnref:1" role="doc-noteref"><a href="#fn:1" class="footnote" rel="footnote">1</a></sup> it’s](#anchor “A title”)</p>\n\n<div class="footnotes" role="doc-endnotes">\n  <ol>\n    <li id="fn:1" role="doc-endnote">\n      <p>n\xa0<a href="#fnref:1" class="reversefootnote" role="doc-backlink">&#8617;</a></p>\n    </li>\n  </ol>\n</div>\n',
    ),
    "smart-quote-before-hard-break-closes": (
        "'*x*'  \nalpha '*y*'\\\\\nb\n",
        "<p>‘<em>x</em>’<br />\nalpha ‘<em>y</em>’<br />\nb</p>\n",
    ),
    "escaped-backtick-before-raw-span": (
        "\\` <kbd>a `b`</kbd> \\\\` <kbd>c `d`</kbd>\n",
        '<p>` <kbd>a `b`</kbd> \\<code class="language-plaintext highlighter-rouge"> &lt;kbd&gt;c </code>d`&lt;/kbd&gt;</p>\n',
    ),
    "header-id-raw-span-text-as-written": (
        "<kbd>below) &nbsp;</kbd>\n=\n\n## a <u>b &amp; c &lt;</u> d\n",
        '<h1 id="below-nbsp"><kbd>below) &nbsp;</kbd></h1>\n\n<h2 id="a-b-amp-c-lt-d">a <u>b &amp; c &lt;</u> d</h2>\n',
    ),
    "escaped-angle-quotes-are-text": (
        "x <i>a \\<</i> b\n\na \\<< b \\>> c `\\<<` \\\\<< d\n",
        '<p>x <i>a &lt;&lt;/i&gt; b</i></p>\n\n<p>a &lt;&lt; b &gt;&gt; c <code class="language-plaintext highlighter-rouge">\\&lt;&lt;</code> \\«\xa0d</p>\n',
    ),
    "smart-quote-before-item-block-closes": (
        '10. "*hi*"\n- a\n\n* it\'\n  # h\n',
        '<ol>\n  <li>“<em>hi</em>”\n    <ul>\n      <li>a</li>\n    </ul>\n  </li>\n</ol>\n\n<ul>\n  <li>it’\n    <h1 id="h">h</h1>\n  </li>\n</ul>\n',
    ),
    "span-ial-after-span-html-element": (
        'a <b class="c">x</b>{:.d}{:#e} <u>y</u>{:.f} <br>{:.g} <b>x <b>y</b></b>{:.h} <!-- c -->{:.i} _z_\n',
        '<p>a <b class="c d" id="e">x</b> <u class="f">y</u> <br class="g" /> <b class="h">x <b>y</b></b> <!-- c --> <em>z</em></p>\n',
    ),
    "span-ial-after-span-html-escapes": (
        'a <b><i>x</i></b>{:.d} <i>z</i>{:t="q\\"r"} <b>{:.d}x</b> <b>x</b> {:.e}\n',
        '<p>a <b class="d"><i>x</i></b> <i t="q&quot;r">z</i> <b>{:.d}x</b> <b>x</b> {:.e}</p>\n',
    ),
    "span-ial-after-span-html-header-id": (
        '## <b class="c">b</b>{:.c} d\n',
        '<h2 id="b-d"><b class="c c">b</b> d</h2>\n',
    ),
    "span-ial-after-entity-taken": (
        "## b &nbsp;{:.c}\n\na &copy;{:.c}{:.d} _b_ &x;{:.e}\n",
        '<h2 id="b-">b \xa0</h2>\n\n<p>a © <em>b</em> &amp;x;{:.e}</p>\n',
    ),
    "autolink-kramdown-schemes-and-targets": (
        "a <irc://x> <HTTP://x> <http://x/\\*y> <me@x.COM> <mailto:me@example.com x> <https://a.b/c x> b\n",
        '<p>a &lt;irc://x&gt; &lt;HTTP://x&gt; <a href="http://x/\\*y">http://x/\\*y</a> <a href="mailto:me@x.COM">me@x.COM</a> <a href="mailto:me@example.com x">me@example.com x</a> <a href="https://a.b/c x">https://a.b/c x</a> b</p>\n',
    ),
    "autolink-up-to-first-angle": (
        "<http://a <b> and <http://x\ny> c\n",
        '<p><a href="http://a &lt;b">http://a &lt;b</a> and &lt;http://x\ny&gt; c</p>\n',
    ),
}

_RENDERER = MarkdownRenderer(budget=None)


@pytest.mark.parametrize("name", sorted(CASES))
def test_renders_as_jekyll_does(name: str) -> None:
    text, expected = CASES[name]
    assert normalise(_RENDERER.convert(text)) == normalise(expected)


@pytest.mark.slow
def test_recorded_html_is_jekylls(tmp_path: Path) -> None:
    assert_recorded_html_is_jekylls(CASES, tmp_path)
