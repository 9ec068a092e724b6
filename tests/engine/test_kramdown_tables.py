"""kramdown's tables (parser/kramdown/table.rb), each a minimal document, against Jekyll 4.3.1.

Every line with an unescaped ``|`` after a block boundary starts a table that runs over the
following such lines, and must end at a boundary (a blank, IAL or end-of-block line, the end of
its container); header rows, sections, cells and alignment by kramdown's rules; the ``|`` check
reads code spans and span HTML kramdown's way. The expected HTML is what Debian's Jekyll 4.3.1
(kramdown 2.4, kramdown-parser-gfm 1.1) wrote for each document as a page with ``layout: none``,
recorded as literals after a real ``jekyll build``; ``test_recorded_html_is_jekylls`` (slow)
builds them again and checks the record.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from handler.engine.config import SiteConfig
from handler.engine.markdown import TABLES_OPTION, MarkdownRenderer

from .test_kramdown_gaps import assert_recorded_html_is_jekylls
from .test_markdown_kramdown import normalise

# name -> (markdown, Jekyll 4.3.1's HTML)
CASES: dict[str, tuple[str, str]] = {
    "code-span-keeps-pipe": (
        "x `a|b` y | z\n",
        '<table>\n  <tbody>\n    <tr>\n      <td>x <code class="language-plaintext highlighter-rouge">a|b</code> y</td>\n      <td>z</td>\n    </tr>\n  </tbody>\n</table>\n',
    ),
    "definition-before-table": (
        "term\n\n: e.g. |\n",
        "<dl>\n  <dt>term</dt>\n  <dd>\n    <table>\n      <tbody>\n        <tr>\n          <td>e.g.</td>\n        </tr>\n      </tbody>\n    </table>\n  </dd>\n</dl>\n",
    ),
    "empty-trailing-cells": (
        "|\n--: |\na | |\n",
        '<table>\n  <thead>\n    <tr>\n      <th style="text-align: right">\xa0</th>\n      <th>\xa0</th>\n    </tr>\n  </thead>\n  <tbody>\n    <tr>\n      <td style="text-align: right">a</td>\n      <td>\xa0</td>\n    </tr>\n  </tbody>\n</table>\n',
    ),
    "footnote-line-is-a-table": (
        "[^2]: ` | `\n",
        "<table>\n  <tbody>\n    <tr>\n      <td>[^2]: `</td>\n      <td>`</td>\n    </tr>\n  </tbody>\n</table>\n",
    ),
    "header-rows-and-alignment": (
        "post |\n- :-- |\n| a\n",
        '<table>\n  <thead>\n    <tr>\n      <th>post</th>\n      <th style="text-align: left">\xa0</th>\n    </tr>\n  </thead>\n  <tbody>\n    <tr>\n      <td>\xa0</td>\n      <td style="text-align: left">a</td>\n    </tr>\n  </tbody>\n</table>\n',
    ),
    "ial-after-table": (
        "a |\n{: .tbl}\n",
        '<table class="tbl">\n  <tbody>\n    <tr>\n      <td>a</td>\n    </tr>\n  </tbody>\n</table>\n',
    ),
    "leading-pipe-from-first-line": (
        "| a | b\nc | d |\n",
        "<table>\n  <tbody>\n    <tr>\n      <td>a</td>\n      <td>b</td>\n    </tr>\n    <tr>\n      <td>c</td>\n      <td>d</td>\n    </tr>\n  </tbody>\n</table>\n",
    ),
    "lone-backticks-split": (
        "` | `\n",
        "<table>\n  <tbody>\n    <tr>\n      <td>`</td>\n      <td>`</td>\n    </tr>\n  </tbody>\n</table>\n",
    ),
    "lone-pipe-line": (
        "#|\n",
        "<table>\n  <tbody>\n    <tr>\n      <td>#</td>\n    </tr>\n  </tbody>\n</table>\n",
    ),
    "no-attribute-list-in-cell": (
        "| 2023 {#custom-id}\n",
        "<table>\n  <tbody>\n    <tr>\n      <td>2023 {#custom-id}</td>\n    </tr>\n  </tbody>\n</table>\n",
    ),
    "not-before-header": (
        "|\n:-- |\nbelow) | it's\n# h\n",
        '<p>|\n:– |\nbelow) | it’s</p>\n<h1 id="h">h</h1>\n',
    ),
    "not-before-html": (
        "|\n<style>\n</style>\n",
        "<p>|</p>\n<style>\n</style>\n\n",
    ),
    "not-before-list": (
        "delta |\n2. (see\n",
        "<p>delta |</p>\n<ol>\n  <li>(see</li>\n</ol>\n",
    ),
    "not-before-quote": (
        "| a_\n> q\n",
        "<p>| a_</p>\n<blockquote>\n  <p>q</p>\n</blockquote>\n",
    ),
    "not-before-rule": (
        "x|y\n- - -\n",
        "<p>x|y</p>\n<hr />\n",
    ),
    "paren-marker-is-no-list": (
        "1) x|y\n",
        "<table>\n  <tbody>\n    <tr>\n      <td>1) x</td>\n      <td>y</td>\n    </tr>\n  </tbody>\n</table>\n",
    ),
    "pipe-inside-span-html": (
        "<b>a|b</b> x\n",
        "<p><b>a|b</b> x</p>\n",
    ),
    "pipes-in-list-item": (
        "+ |\ny |\n+ words\n",
        "<ul>\n  <li>\n    <table>\n      <tbody>\n        <tr>\n          <td>\xa0</td>\n        </tr>\n        <tr>\n          <td>y</td>\n        </tr>\n      </tbody>\n    </table>\n  </li>\n  <li>words</li>\n</ul>\n",
    ),
    "pipes-in-quote-after-blank": (
        "> x\n>\n> ||\n",
        "<blockquote>\n  <p>x</p>\n\n  <table>\n    <tbody>\n      <tr>\n        <td>\xa0</td>\n      </tr>\n    </tbody>\n  </table>\n</blockquote>\n",
    ),
    "sections-and-footer": (
        "| H |\n|---|\n| a |\n|---|\n| c |\n|===|\n| f |\n",
        "<table>\n  <thead>\n    <tr>\n      <th>H</th>\n    </tr>\n  </thead>\n  <tbody>\n    <tr>\n      <td>a</td>\n    </tr>\n  </tbody>\n  <tbody>\n    <tr>\n      <td>c</td>\n    </tr>\n  </tbody>\n  <tfoot>\n    <tr>\n      <td>f</td>\n    </tr>\n  </tfoot>\n</table>\n",
    ),
    "span-html-in-row": (
        '<img alt="i"> |\n',
        '<table>\n  <tbody>\n    <tr>\n      <td><img alt="i" /></td>\n    </tr>\n  </tbody>\n</table>\n',
    ),
    "table-ald-reference": (
        "p\n{:ref: .refcls #refid}\n\nread |\n{: ref}\n",
        '<p>p</p>\n\n<table class="refcls" id="refid">\n  <tbody>\n    <tr>\n      <td>read</td>\n    </tr>\n  </tbody>\n</table>\n',
    ),
    "table-in-quote-in-item-then-sibling": (
        "* a\n\n  >b ||\n* c\n",
        "<ul>\n  <li>\n    <p>a</p>\n\n    <blockquote>\n      <table>\n        <tbody>\n          <tr>\n            <td>b</td>\n            <td>\xa0</td>\n          </tr>\n        </tbody>\n      </table>\n    </blockquote>\n  </li>\n  <li>\n    <p>c</p>\n  </li>\n</ul>\n",
    ),
    "no-table-right-after-comment-block": (
        "{::comment}\nx\n{:/}\na | b\n",
        "<!-- x -->\n<p>a | b</p>\n",
    ),
    "table-as-item-text-right-after-fence": (
        "alpha\n~~~json\n~~~~\n+ | b\n* 2023\n",
        '<p>alpha</p>\n<div class="language-json highlighter-rouge"><div class="highlight"><pre class="highlight"><code></code></pre></div></div>\n<ul>\n  <li>\n    <table>\n      <tbody>\n        <tr>\n          <td>b</td>\n        </tr>\n      </tbody>\n    </table>\n  </li>\n  <li>2023</li>\n</ul>\n',
    ),
    "no-table-in-second-item-before-lazy-fence": (
        "+ `<b>`\n+ [^1] |\n````html\n````\n",
        '<ul>\n  <li><code class="language-plaintext highlighter-rouge">&lt;b&gt;</code></li>\n  <li>[^1] |\n    <div class="language-html highlighter-rouge"><div class="highlight"><pre class="highlight"><code></code></pre></div>    </div>\n  </li>\n</ul>\n',
    ),
}

_RENDERER = MarkdownRenderer(budget=None)


@pytest.mark.parametrize("name", sorted(CASES))
def test_table_renders_as_jekyll_does(name: str) -> None:
    text, expected = CASES[name]
    assert normalise(_RENDERER.convert(text)) == normalise(expected)


@pytest.mark.slow
def test_recorded_html_is_jekylls(tmp_path: Path) -> None:
    assert_recorded_html_is_jekylls(CASES, tmp_path)


# ``broadsheet: {tables: gfm}``: a table only where GitHub's renderer sees one (a delimiter row
# under the first line); everything else renders as by default. name -> (markdown, HTML)
GFM_TABLES: dict[str, tuple[str, str]] = {
    "list-item-with-pipes-stays-an-item": (
        "- Carol (N || G)\n- Bob\n",
        "<ul>\n  <li>Carol (N || G)</li>\n  <li>Bob</li>\n</ul>\n",
    ),
    "paragraph-with-a-pipe-stays-a-paragraph": (
        "a | b\nc\n",
        "<p>a | b\nc</p>\n",
    ),
    "table-with-a-delimiter-row": (
        "| a | b |\n| --- | :-: |\n| 1 | 2 |\n",
        '<table>\n  <thead>\n    <tr>\n      <th>a</th>\n      <th style="text-align: center">b</th>\n    </tr>\n  </thead>\n  <tbody>\n    <tr>\n      <td>1</td>\n      <td style="text-align: center">2</td>\n    </tr>\n  </tbody>\n</table>\n',
    ),
    "table-in-a-list-item": (
        "- x\n\n  | a |\n  |---|\n  | 1 |\n",
        "<ul>\n  <li>\n    <p>x</p>\n\n    <table>\n      <thead>\n        <tr>\n          <th>a</th>\n        </tr>\n      </thead>\n      <tbody>\n        <tr>\n          <td>1</td>\n        </tr>\n      </tbody>\n    </table>\n  </li>\n</ul>\n",
    ),
}


@pytest.mark.parametrize("name", sorted(GFM_TABLES))
def test_the_gfm_table_rule_reads_tables_as_github_does(name: str) -> None:
    markdown, expected = GFM_TABLES[name]
    html = MarkdownRenderer({TABLES_OPTION: "gfm"}, budget=None).convert(markdown)
    assert normalise(html) == normalise(expected)


def test_by_default_the_table_rule_is_kramdowns() -> None:
    markdown = GFM_TABLES["list-item-with-pipes-stays-an-item"][0]
    assert "<table>" in MarkdownRenderer(budget=None).convert(markdown)
    assert "<table>" in MarkdownRenderer({TABLES_OPTION: "kramdown"}, budget=None).convert(markdown)


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ("broadsheet:\n  tables: gfm\n", "gfm"),
        ("broadsheet:\n  tables: kramdown\n", "kramdown"),
        ("broadsheet:\n  tables: other\n", "kramdown"),
        ("broadsheet: 3\n", "kramdown"),
        ("title: x\n", "kramdown"),
    ],
)
def test_the_table_rule_comes_from_config_yml(config: str, expected: str) -> None:
    assert SiteConfig.parse(config).tables == expected


def test_a_site_that_asks_for_gfm_tables_gets_them(tmp_path: Path) -> None:
    from handler.site import Site
    from handler.store.local import LocalStore

    (tmp_path / "_posts").mkdir()
    (tmp_path / "_posts" / "2024-01-02-votes.md").write_text("---\n---\n- Carol (N || G)\n")
    (tmp_path / "_config.yml").write_text("broadsheet:\n  tables: gfm\n")
    assert b"<table>" not in Site(LocalStore(tmp_path)).page("/2024/01/02/votes.html").body
    (tmp_path / "_config.yml").write_text("title: as Jekyll builds it\n")
    assert b"<table>" in Site(LocalStore(tmp_path)).page("/2024/01/02/votes.html").body
