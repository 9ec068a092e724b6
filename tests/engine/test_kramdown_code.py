"""kramdown's code spans and code blocks (issue 14's differential causes of the group "code").

The expected HTML is what kramdown wrote for each document as Jekyll 4.3.1 calls it (Debian's
kramdown 2.4, kramdown-parser-gfm 1.1, rouge 3.30), asked through the differential harness's
``serve`` mode and recorded as literals; ``test_recorded_html_is_kramdowns`` (slow) asks again
and checks the record when Ruby's kramdown is installed.
"""

from __future__ import annotations

import re
import shutil

import pytest

from handler.engine.markdown import MarkdownRenderer

from .test_markdown_kramdown import normalise

# name -> (markdown, kramdown's HTML as Jekyll writes it)
CASES: dict[str, tuple[str, str]] = {
    "code-span-blank": (
        "` `\n\\<\n",
        "<p>` `\n&lt;</p>\n",
    ),
    "code-span-single-between-spaces": (
        "a ` b` c\n",
        "<p>a ` b` c</p>\n",
    ),
    "code-span-single-keeps-spaces": (
        "x` a `y\n",
        '<p>x<code class="language-plaintext highlighter-rouge"> a </code>y</p>\n',
    ),
    "code-span-double-strips-one-space": (
        "``  a  ``\n",
        '<p><code class="language-plaintext highlighter-rouge"> a </code></p>\n',
    ),
    "code-span-closes-inside-longer-run": (
        "`a``b\n",
        '<p><code class="language-plaintext highlighter-rouge">a</code>`b</p>\n',
    ),
    "code-span-in-span-html": (
        "<span>` `</span>\n",
        '<p><span><code class="language-plaintext highlighter-rouge"> </code></span></p>\n',
    ),
    "code-span-escaped-opener": (
        "\\`a` b`\n",
        '<p>`a<code class="language-plaintext highlighter-rouge"> b</code></p>\n',
    ),
    "code-span-ial-language": (
        "`a`{:.language-ruby} and `<&>`{:.language-html}\n",
        '<p><code class="language-ruby highlighter-rouge"><span class="n">a</span></code> and <code class="language-html highlighter-rouge"><span class="nt">&lt;</span><span class="err">&amp;</span><span class="nt">&gt;</span></code></p>\n',
    ),
    "code-span-ial-language-not-first": (
        "`a`{:.x .language-ruby}\n",
        '<p><code class="language-ruby x language-ruby highlighter-rouge"><span class="n">a</span></code></p>\n',
    ),
    "code-span-ial-unknown-language": (
        "`a`{:.language-nosuch} `b`{:.language-plaintext} `c`{:.x}\n",
        '<p><code class="language-nosuch">a</code> <code class="language-plaintext highlighter-rouge">b</code> <code class="language-plaintext x highlighter-rouge">c</code></p>\n',
    ),
    "fence-empty": (
        "```\n```\n\n~~~sh\n~~~\n",
        '<div class="language-plaintext highlighter-rouge"><div class="highlight"><pre class="highlight"><code></code></pre></div></div>\n\n<div class="language-sh highlighter-rouge"><div class="highlight"><pre class="highlight"><code></code></pre></div></div>\n',
    ),
    "fence-blank-lines-at-end": (
        "```\na\n\n\n```\n",
        '<div class="language-plaintext highlighter-rouge"><div class="highlight"><pre class="highlight"><code>a\n\n\n</code></pre></div></div>\n',
    ),
    "fence-longer-run-not-a-fence-closes-span": (
        "```bash $\n````\n",
        '<p><code class="language-plaintext highlighter-rouge">bash $\n</code>`</p>\n',
    ),
    "fence-closed-by-longer-run": (
        "```\na\n`````\n\nb\n",
        '<div class="language-plaintext highlighter-rouge"><div class="highlight"><pre class="highlight"><code>a\n</code></pre></div></div>\n\n<p>b</p>\n',
    ),
    "fence-info-two-words-then-list": (
        "~~~~sh {.x}\n* list\n~~~~\nbeta\n",
        "<p>~~~~sh {.x}</p>\n<ul>\n  <li>list\n~~~~\nbeta</li>\n</ul>\n",
    ),
    "fence-info-two-words-code-span": (
        "```go,norun extra\n```\n",
        '<p><code class="language-plaintext highlighter-rouge">go,norun extra\n</code></p>\n',
    ),
    "fence-unclosed-after-paragraph": (
        "list\n```\n\ncafé\n~~~~~~\n",
        "<p>list\n```</p>\n\n<p>café\n~~~~~~</p>\n",
    ),
    "fence-unclosed-then-list": (
        "`````go,norun\n* list\n",
        "<p>`````go,norun</p>\n<ul>\n  <li>list</li>\n</ul>\n",
    ),
    "fence-indented-four-in-paragraph": (
        "don't\n     ````\n````\nCSS\n",
        '<p>don’t\n     <code class="language-plaintext highlighter-rouge">\n</code>\nCSS</p>\n',
    ),
    "fence-unclosed-then-html": (
        "```bash $\n<div>\nx\n</div>\n",
        "<p>```bash $</p>\n<div>\nx\n</div>\n",
    ),
    "fence-unclosed-in-list-item": (
        "- a\n```\nb\n",
        "<ul>\n  <li>a\n```\nb</li>\n</ul>\n",
    ),
    "code-span-blank-after-fence": (
        "~~~~~js\n~~~~~\n` `\n",
        '<div class="language-js highlighter-rouge"><div class="highlight"><pre class="highlight"><code></code></pre></div></div>\n<p>` `</p>\n',
    ),
    "fence-after-not-a-fence": (
        "```ruby linenos\n```\n````\n",
        '<p>```ruby linenos</p>\n<div class="language-plaintext highlighter-rouge"><div class="highlight"><pre class="highlight"><code></code></pre></div></div>\n',
    ),
    "fence-unclosed-then-fence": (
        "~~~~~\n\n```text\nx\n````\n",
        '<p>~~~~~</p>\n\n<div class="language-text highlighter-rouge"><div class="highlight"><pre class="highlight"><code>x\n</code></pre></div></div>\n',
    ),
    "fence-in-quote-then-lazy-line": (
        "> ~~~js\n> ~~~\n1. two;\n\n> ~~~\n> ~~~\nlazy\n",
        '<blockquote>\n  <div class="language-js highlighter-rouge"><div class="highlight"><pre class="highlight"><code></code></pre></div>  </div>\n  <ol>\n    <li>two;</li>\n  </ol>\n</blockquote>\n\n<blockquote>\n  <div class="language-plaintext highlighter-rouge"><div class="highlight"><pre class="highlight"><code></code></pre></div>  </div>\n  <p>lazy</p>\n</blockquote>\n',
    ),
    "fence-then-link-definition": (
        "```\n````\n[a]: /path.html\n[a]\n",
        '<div class="language-plaintext highlighter-rouge"><div class="highlight"><pre class="highlight"><code></code></pre></div></div>\n<p><a href="/path.html">a</a></p>\n',
    ),
    "fence-then-item-setext-header": (
        "```\n```\n1. e.g.\n   ---\n",
        '<div class="language-plaintext highlighter-rouge"><div class="highlight"><pre class="highlight"><code></code></pre></div></div>\n<ol>\n  <li>\n    <h2 id="eg">e.g.</h2>\n  </li>\n</ol>\n',
    ),
    "fence-indented-past-three-in-paragraph": (
        "read\n       ````\n       `````\n",
        '<p>read\n       <code class="language-plaintext highlighter-rouge">\n      </code>`</p>\n',
    ),
    "fence-in-item-closed-in-next-chunk": (
        "- CSS\n  ```python\n  * list\n```\n",
        "<ul>\n  <li>CSS\n```python\n    <ul>\n      <li>list\n```</li>\n    </ul>\n  </li>\n</ul>\n",
    ),
    "fence-in-item-code-looks-like-list": (
        "- a\n  ```\n  * x\n  ```\n",
        "<ul>\n  <li>a\n```\n    <ul>\n      <li>x\n```</li>\n    </ul>\n  </li>\n</ul>\n",
    ),
    "fence-in-item-after-blank-line": (
        "- a\n\n  ```\n  * x\n  ```\n",
        '<ul>\n  <li>\n    <p>a</p>\n\n    <div class="language-plaintext highlighter-rouge"><div class="highlight"><pre class="highlight"><code>* x\n</code></pre></div>    </div>\n  </li>\n</ul>\n',
    ),
    "fence-in-item-closes-in-item": (
        "* list\n````\nx\n\n- yes\n````\n",
        "<ul>\n  <li>\n    <p>list\n````\nx</p>\n  </li>\n  <li>\n    <p>yes\n````</p>\n  </li>\n</ul>\n",
    ),
    "fence-in-item-then-lazy-other-list": (
        "+ b\n```\n`````\n1. more\n",
        '<ul>\n  <li>b\n    <div class="language-plaintext highlighter-rouge"><div class="highlight"><pre class="highlight"><code></code></pre></div>    </div>\n    <ol>\n      <li>more</li>\n    </ol>\n  </li>\n</ul>\n',
    ),
    "fence-in-quote-keeps-indentation": (
        "  >  ~~~\n  >  b\n  >  ~~~\n\n> > ```\n> >   b\n> >   ```\n",
        '<blockquote>\n  <div class="language-plaintext highlighter-rouge"><div class="highlight"><pre class="highlight"><code> b\n</code></pre></div>  </div>\n</blockquote>\n\n<blockquote>\n  <blockquote>\n    <div class="language-plaintext highlighter-rouge"><div class="highlight"><pre class="highlight"><code>  b\n</code></pre></div>    </div>\n  </blockquote>\n</blockquote>\n',
    ),
    "fence-lazy-in-item-keeps-indentation": (
        "- gamma\n ````python\n header\n````\n",
        '<ul>\n  <li>gamma\n    <div class="language-python highlighter-rouge"><div class="highlight"><pre class="highlight"><code> <span class="n">header</span>\n</code></pre></div>    </div>\n  </li>\n</ul>\n',
    ),
    "fence-in-item-lazy-code-line": (
        "- a\n  ```\nx\n  ```\n",
        '<ul>\n  <li>a\n    <div class="language-plaintext highlighter-rouge"><div class="highlight"><pre class="highlight"><code>x\n</code></pre></div>    </div>\n  </li>\n</ul>\n',
    ),
    "fence-in-item-then-lazy-definition": (
        "+ b\n```\n`````\n[z]: /u\n1. [x] more\n\n  [z]\n",
        '<ul>\n  <li>b\n    <div class="language-plaintext highlighter-rouge"><div class="highlight"><pre class="highlight"><code></code></pre></div>    </div>\n    <ol class="task-list">\n      <li class="task-list-item"><input type="checkbox" class="task-list-item-checkbox" disabled="disabled" checked="checked" />more</li>\n    </ol>\n\n    <p><a href="/u">z</a></p>\n  </li>\n</ul>\n',
    ),
    "fence-in-item-then-definition": (
        "+ b\n\n  ```\n  ```\n  [z]: /u\n  [z]\n",
        '<ul>\n  <li>\n    <p>b</p>\n\n    <div class="language-plaintext highlighter-rouge"><div class="highlight"><pre class="highlight"><code></code></pre></div>    </div>\n    <p><a href="/u">z</a></p>\n  </li>\n</ul>\n',
    ),
    "fence-in-item-then-header": (
        "- k\n  ```\n  ```\n  # x\n",
        '<ul>\n  <li>k\n    <div class="language-plaintext highlighter-rouge"><div class="highlight"><pre class="highlight"><code></code></pre></div>    </div>\n    <h1 id="x">x</h1>\n  </li>\n</ul>\n',
    ),
    "indented-code-lazy-fence-keeps-no-tabs": (
        "\t*\n`````yaml\n\ttab\n`````\n",
        '<div class="language-plaintext highlighter-rouge"><div class="highlight"><pre class="highlight"><code>* `````yaml\ntab `````\n</code></pre></div></div>\n',
    ),
    "fence-in-item-after-blank-keeps-tabs": (
        "2. yes!\n\n    ```\n \ttab\n````\n",
        '<ol>\n  <li>\n    <p>yes!</p>\n\n    <div class="language-plaintext highlighter-rouge"><div class="highlight"><pre class="highlight"><code> \ttab\n</code></pre></div>    </div>\n  </li>\n</ol>\n',
    ),
    "fence-in-quote-closed-lazily": (
        "> ~~~\n> b\n~~~\nc\n\n > ~~~\n  > b\n > ~~~\n",
        '<blockquote>\n  <div class="language-plaintext highlighter-rouge"><div class="highlight"><pre class="highlight"><code>b\n</code></pre></div>  </div>\n  <p>c</p>\n</blockquote>\n\n<blockquote>\n  <div class="language-plaintext highlighter-rouge"><div class="highlight"><pre class="highlight"><code>b\n</code></pre></div>  </div>\n</blockquote>\n',
    ),
    "fence-in-quote-in-item": (
        "1. done\n\n   > ~~~~\n   >\n   >  b\n   > ~~~~\n",
        '<ol>\n  <li>\n    <p>done</p>\n\n    <blockquote>\n      <div class="language-plaintext highlighter-rouge"><div class="highlight"><pre class="highlight"><code>\n b\n</code></pre></div>      </div>\n    </blockquote>\n  </li>\n</ol>\n',
    ),
    "fence-in-quote-lazy-code-lines": (
        ">  `````\n```\n   `````\n\n> ```\na\n  b\n```\n",
        '<blockquote>\n  <div class="language-plaintext highlighter-rouge"><div class="highlight"><pre class="highlight"><code>```\n</code></pre></div>  </div>\n</blockquote>\n\n<blockquote>\n  <div class="language-plaintext highlighter-rouge"><div class="highlight"><pre class="highlight"><code>a\n  b\n</code></pre></div>  </div>\n</blockquote>\n',
    ),
    "space-tab-line-is-bare-text": (
        "```\n```\n \ttab\n\np\n\n \ta *b*\n  \tc\nmore\n",
        '<div class="language-plaintext highlighter-rouge"><div class="highlight"><pre class="highlight"><code></code></pre></div></div>\n \ttab\n\n<p>p</p>\n\n \ta <em>b</em>\n  \tc\n<p>more</p>\n',
    ),
    "fence-given-up-in-quote-then-fence": (
        "> `````\n\n```\n`````\n\n> ```\n\n> ```\n> a\n> ```\n",
        '<blockquote>\n  <p>`````</p>\n</blockquote>\n\n<div class="language-plaintext highlighter-rouge"><div class="highlight"><pre class="highlight"><code></code></pre></div></div>\n\n<blockquote>\n  <p>```</p>\n</blockquote>\n\n<blockquote>\n  <div class="language-plaintext highlighter-rouge"><div class="highlight"><pre class="highlight"><code>a\n</code></pre></div>  </div>\n</blockquote>\n',
    ),
    "indented-code-lazy-line": (
        "    indented\n ```\n```\n",
        '<div class="language-plaintext highlighter-rouge"><div class="highlight"><pre class="highlight"><code>indented  ``` ```\n</code></pre></div></div>\n',
    ),
    "indented-code-lazy-lines-until-blank": (
        "    a\nb\n  c\n\nd\n",
        '<div class="language-plaintext highlighter-rouge"><div class="highlight"><pre class="highlight"><code>a b   c\n</code></pre></div></div>\n\n<p>d</p>\n',
    ),
    "indented-code-lazy-span-html": (
        "    a\n<span>x</span>\n",
        '<div class="language-plaintext highlighter-rouge"><div class="highlight"><pre class="highlight"><code>a &lt;span&gt;x&lt;/span&gt;\n</code></pre></div></div>\n',
    ),
    "indented-code-not-lazy-block-html": (
        "    a\n<div>x</div>\n",
        '<div class="language-plaintext highlighter-rouge"><div class="highlight"><pre class="highlight"><code>a\n</code></pre></div></div>\n<div>x</div>\n',
    ),
    "indented-code-after-header-lazy": (
        "# h\n    code\nlazy\n",
        '<h1 id="h">h</h1>\n<div class="language-plaintext highlighter-rouge"><div class="highlight"><pre class="highlight"><code>code lazy\n</code></pre></div></div>\n',
    ),
    "indented-code-keeps-tabs": (
        "    \ttab\n\n\t\ttab\n\npara\n\n\ta\n\t\tb\n",
        '<div class="language-plaintext highlighter-rouge"><div class="highlight"><pre class="highlight"><code>\ttab\n\n\ttab\n</code></pre></div></div>\n\n<p>para</p>\n\n<div class="language-plaintext highlighter-rouge"><div class="highlight"><pre class="highlight"><code>a\n\tb\n</code></pre></div></div>\n',
    ),
    "indented-code-tab-fence-line": (
        "\t```\n\tprint('hi')\n",
        '<div class="language-plaintext highlighter-rouge"><div class="highlight"><pre class="highlight"><code>```\nprint(\'hi\')\n</code></pre></div></div>\n',
    ),
    "indented-code-tab-after-not-a-fence": (
        "`````ruby\n\n\ttab\n",
        '<p>`````ruby</p>\n\n<div class="language-plaintext highlighter-rouge"><div class="highlight"><pre class="highlight"><code>tab\n</code></pre></div></div>\n',
    ),
    "indented-code-tab-lazy-line": (
        "\ttab\nbeta\n",
        '<div class="language-plaintext highlighter-rouge"><div class="highlight"><pre class="highlight"><code>tab beta\n</code></pre></div></div>\n',
    ),
    "indented-code-no-blank-lines-at-end": (
        "    a\n\n\n\nb\n",
        '<div class="language-plaintext highlighter-rouge"><div class="highlight"><pre class="highlight"><code>a\n</code></pre></div></div>\n\n<p>b</p>\n',
    ),
    "indented-code-blank-lines-inside": (
        "    a\n\n\n    b\n\nc\n",
        '<div class="language-plaintext highlighter-rouge"><div class="highlight"><pre class="highlight"><code>a\n\n\nb\n</code></pre></div></div>\n\n<p>c</p>\n',
    ),
    "fence-keeps-whitespace-lines": (
        "```\n  \n```\n",
        '<div class="language-plaintext highlighter-rouge"><div class="highlight"><pre class="highlight"><code>  \n</code></pre></div></div>\n',
    ),
    "code-lone-backtick-before-raw-span": (
        "a ` <u>*x*</u> `b`\n",
        '<p>a ` <u>*x*</u> <code class="language-plaintext highlighter-rouge">b</code></p>\n',
    ),
    "code-span-closed-inside-longer-run": (
        "``a <u>x``` b</u>\n",
        '<p><code class="language-plaintext highlighter-rouge">a &lt;u&gt;x</code>` b&lt;/u&gt;</p>\n',
    ),
    "unclosed-fence-text-opens-no-fence-for-later-ones": (
        "~~~~\n\n+   2023\n    ```plaintext\n```\n+ b\n",
        '<p>~~~~</p>\n\n<ul>\n  <li>2023\n    <div class="language-plaintext highlighter-rouge"><div class="highlight"><pre class="highlight"><code></code></pre></div>    </div>\n  </li>\n  <li>b</li>\n</ul>\n',
    ),
    "unclosed-fence-text-then-fence": (
        "~~~\na\n\n```\nb\n```\n",
        '<p>~~~\na</p>\n\n<div class="language-plaintext highlighter-rouge"><div class="highlight"><pre class="highlight"><code>b\n</code></pre></div></div>\n',
    ),
    "fence-in-item-in-quote-closed-by-longer-run": (
        "> 2. HTML\n   ```\n````\ncafé\n",
        '<blockquote>\n  <ol>\n    <li>HTML\n      <div class="language-plaintext highlighter-rouge"><div class="highlight"><pre class="highlight"><code></code></pre></div>      </div>\n      <p>café</p>\n    </li>\n  </ol>\n</blockquote>\n',
    ),
    "fence-in-item-in-quote-keeps-item-indentation-off": (
        "> 2. HTML\n>\n>    ```\n>      a\n>     ```\n",
        '<blockquote>\n  <ol>\n    <li>\n      <p>HTML</p>\n\n      <div class="language-plaintext highlighter-rouge"><div class="highlight"><pre class="highlight"><code>  a\n</code></pre></div>      </div>\n    </li>\n  </ol>\n</blockquote>\n',
    ),
    "fence-in-quote-in-item-closed-by-longer-lazy-run": (
        "3. Jekyll\n   > ~~~~~js\n~~~~~~\n1. two;\n",
        '<ol>\n  <li>Jekyll\n    <blockquote>\n      <div class="language-js highlighter-rouge"><div class="highlight"><pre class="highlight"><code></code></pre></div>      </div>\n    </blockquote>\n  </li>\n  <li>two;</li>\n</ol>\n',
    ),
    "fence-closing-line-indented-four-opens-no-fence": (
        ">    ```\n>      a\n>     ````\n",
        '<blockquote>\n  <p><code class="language-plaintext highlighter-rouge">\n     a\n   </code>`</p>\n</blockquote>\n',
    ),
    "fence-closing-line-indented-four-at-top": (
        "   ```\n a\n    ```\n",
        '<p><code class="language-plaintext highlighter-rouge">\n a\n   </code></p>\n',
    ),
    "list-after-fence-looking-text-in-item": (
        "1. site\n\n   `````bash $\n   * list\n``````\n",
        "<ol>\n  <li>\n    <p>site</p>\n\n    <p>`````bash $</p>\n    <ul>\n      <li>list\n``````</li>\n    </ul>\n  </li>\n</ol>\n",
    ),
    "indented-code-in-item-keeps-extra-spaces": (
        "- a\n\n      header\n       x\n",
        '<ul>\n  <li>\n    <p>a</p>\n\n    <div class="language-plaintext highlighter-rouge"><div class="highlight"><pre class="highlight"><code>header\n x\n</code></pre></div>    </div>\n  </li>\n</ul>\n',
    ),
    "indented-code-in-item-then-sibling-wraps-paragraph": (
        "- a\n\n      code\n- b\n",
        '<ul>\n  <li>\n    <p>a</p>\n\n    <div class="language-plaintext highlighter-rouge"><div class="highlight"><pre class="highlight"><code>code\n</code></pre></div>    </div>\n  </li>\n  <li>\n    <p>b</p>\n  </li>\n</ul>\n',
    ),
    "fence-in-item-in-quote-in-item-loses-item-indentation": (
        '* inside")\n  > - 2023\n~~~~~\nindented\n~~~~~\n',
        '<ul>\n  <li>inside”)\n    <blockquote>\n      <ul>\n        <li>2023\n          <div class="language-plaintext highlighter-rouge"><div class="highlight"><pre class="highlight"><code>indented\n</code></pre></div>          </div>\n        </li>\n      </ul>\n    </blockquote>\n  </li>\n</ul>\n',
    ),
}

_RENDERER = MarkdownRenderer(budget=None)
_HIGHLIGHTED_SPAN = re.compile(r'(<code class="[^"]*highlighter-rouge">)(.*?)(</code>)', re.S)
_TAG = re.compile(r"</?span[^>]*>")


def text_of_code(html: str) -> str:
    """``html`` with highlighted code (blocks and spans) reduced to its text: Pygments is not
    rouge."""
    html = _HIGHLIGHTED_SPAN.sub(lambda m: m.group(1) + _TAG.sub("", m.group(2)) + m.group(3), html)
    return normalise(html)


@pytest.mark.parametrize("name", sorted(CASES))
def test_code_renders_as_kramdown_does(name: str) -> None:
    text, expected = CASES[name]
    assert text_of_code(_RENDERER.convert(text)) == text_of_code(expected)


@pytest.mark.slow
def test_recorded_html_is_kramdowns() -> None:
    if shutil.which("ruby") is None:
        pytest.skip("Ruby's kramdown is not installed")
    from .kramdown_diff import Kramdown

    with Kramdown() as kramdown:
        for name, (text, expected) in CASES.items():
            assert kramdown(text) == expected, name
