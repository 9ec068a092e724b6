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
    "unclosed-fence-text-opens-no-fence-for-later-ones": (
        "~~~~\n\n+   2023\n    ```plaintext\n```\n+ b\n",
        '<p>~~~~</p>\n\n<ul>\n  <li>2023\n    <div class="language-plaintext highlighter-rouge"><div class="highlight"><pre class="highlight"><code></code></pre></div>    </div>\n  </li>\n  <li>b</li>\n</ul>\n',
    ),
    "unclosed-fence-text-then-fence": (
        "~~~\na\n\n```\nb\n```\n",
        '<p>~~~\na</p>\n\n<div class="language-plaintext highlighter-rouge"><div class="highlight"><pre class="highlight"><code>b\n</code></pre></div></div>\n',
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
