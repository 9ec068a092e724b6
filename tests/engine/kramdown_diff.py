"""Differential testing of handler.engine.markdown against Jekyll 4.3.1 itself (issue 14).

The documents of ``kramdown_grammar`` are written as pages of one Jekyll site (``d00001.md``...,
``layout: null``, Liquid off, the site's config only ``markdown: kramdown``: Jekyll's defaults,
GFM input), built by ``jekyll build`` once, and each page's HTML is set against what Broadsheet's
markdown converter makes of the same text (the converter the renderer builds for that config).
Both sides are compared as normalised HTML (:func:`normalise`): whitespace between tags, attribute
order, entity spelling and the token spans of highlighted code (Pygments is not rouge) do not count.

A disagreement can be shrunk (:func:`shrink`) to a minimal document that still disagrees, with
kramdown asked through ``kramdown_harness.rb serve`` (one Ruby process; the same converter Jekyll's
build uses, checked by :func:`harness_matches_build`).

Run any seed and count, and write the grouped report::

    python -m tests.engine.kramdown_diff --seed 7 --count 10000 [--shrink] [--report FILE]
"""

from __future__ import annotations

import argparse
import difflib
import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import IO, Any

from handler.engine.config import SiteConfig
from handler.engine.renderer import Renderer
from handler.store.local import LocalStore

from . import kramdown_grammar
from .kramdown_grammar import Block, Document

HERE = Path(__file__).parent
HARNESS = HERE / "kramdown_harness.rb"
SITE_CONFIG = "markdown: kramdown\n"
FRONT_MATTER = "---\nlayout: null\nrender_with_liquid: false\n---\n"
ENV = {"TZ": "UTC", "JEKYLL_NO_BUNDLER_REQUIRE": "true"}


# --- normalised HTML -----------------------------------------------------------------------------

BLOCK_TAGS = frozenset(
    ["address", "article", "aside", "blockquote", "body", "center", "details", "dd", "div", "dl",
     "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
     "header", "hr", "html", "li", "main", "math", "nav", "ol", "p", "pre", "script", "section",
     "style", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"]
)  # fmt: skip
VOID_TAGS = frozenset(
    ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
     "wbr"]
)  # fmt: skip


class _Tokens(HTMLParser):
    """HTML as a flat list of tokens: ``<tag a="v">`` (attributes sorted), ``</tag>``, text.

    Inside highlighted code (``<pre class="highlight">``, or a code span with an IAL naming a
    language, ``<code class="language-ruby highlighter-rouge">``) ``<span>`` tags are dropped:
    Pygments is not rouge, and their token spans are out of scope (as in the corpus test)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens: list[tuple[str, str, str]] = []  # (kind, tag, text)
        self.open: list[tuple[str, bool]] = []  # (tag, opens highlighted code)
        self.highlighted = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.highlighted and tag == "span":
            return
        spelled = "".join(f' {k}="{v}"' if v is not None else f" {k}" for k, v in sorted(attrs))
        self.tokens.append(("start", tag, f"<{tag}{spelled}>"))
        if tag in VOID_TAGS:
            return
        classes = (dict(attrs).get("class") or "").split()
        highlights = (tag == "pre" and "highlight" in classes) or (
            tag == "code" and "highlighter-rouge" in classes
        )
        self.open.append((tag, highlights))
        self.highlighted += highlights

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if (self.highlighted and tag == "span") or tag in VOID_TAGS:
            return
        if any(name == tag for name, _ in self.open):
            while self.open:
                name, highlights = self.open.pop()
                self.highlighted -= highlights
                if name == tag:
                    break
        self.tokens.append(("end", tag, f"</{tag}>"))

    def handle_data(self, data: str) -> None:
        if self.tokens and self.tokens[-1][0] == "text":
            self.tokens[-1] = ("text", "", self.tokens[-1][2] + data)
        else:
            self.tokens.append(("text", "", data))

    def handle_comment(self, data: str) -> None:
        self.tokens.append(("comment", "", f"<!--{data}-->"))

    def handle_decl(self, decl: str) -> None:
        self.tokens.append(("comment", "", f"<!{decl}>"))


def normalise(html: str) -> list[str]:
    """``html`` as one token a line: tags with sorted attributes, text with entities decoded,
    whitespace collapsed (kept as it is inside ``<pre>``) and dropped next to block tags."""
    parser = _Tokens()
    parser.feed(html)
    parser.close()
    tokens = parser.tokens
    out: list[str] = []
    pre = 0
    for i, (kind, tag, text) in enumerate(tokens):
        if kind == "start" and tag == "pre":
            pre += 1
        elif kind == "end" and tag == "pre":
            pre = max(0, pre - 1)
        if kind != "text":
            out.append(text)
            continue
        if pre:
            out.append(json.dumps(text, ensure_ascii=False))
            continue
        text = re.sub(r"\s+", " ", text)
        if i == 0 or _is_block(tokens[i - 1]):
            text = text.lstrip()
        if i == len(tokens) - 1 or _is_block(tokens[i + 1]):
            text = text.rstrip()
        if text:
            out.append(json.dumps(text, ensure_ascii=False))
    return out


def _is_block(token: tuple[str, str, str]) -> bool:
    return token[0] == "comment" or (token[0] in ("start", "end") and token[1] in BLOCK_TAGS)


def same(ours: str, theirs: str) -> bool:
    return ours == theirs or normalise(ours) == normalise(theirs)


def token_diff(ours: str, theirs: str, context: int = 2) -> str:
    """A unified diff of the normalised token lines (kramdown's first, ``-``; ours ``+``)."""
    lines = difflib.unified_diff(
        normalise(theirs), normalise(ours), "kramdown", "broadsheet", n=context, lineterm=""
    )
    return "\n".join(lines)


# --- both sides ----------------------------------------------------------------------------------


@functools.cache
def converter() -> Callable[[str], str]:
    """Broadsheet's markdown converter for the site's config, taken from the renderer as it
    converts a page (``Renderer.markdown``): the converter never reads the store."""
    config = SiteConfig.parse(SITE_CONFIG)
    return Renderer(LocalStore(Path(tempfile.gettempdir()))).markdown(config).convert


def ours(text: str) -> str:
    try:
        return converter()(text)
    except Exception as exc:  # a crash is a disagreement to report, not a test error
        return f"<p>BROADSHEET ERROR {type(exc).__name__}: {exc}</p>"


def jekyll_missing() -> str | None:
    if shutil.which("jekyll") is None:
        return "jekyll is not installed (the Debian package jekyll, 4.3.1, is the reference)"
    if shutil.which("ruby") is None:
        return "ruby is not installed"
    return None


def cache_key(seed: int, count: int) -> str:
    """What the reference depends on: the run, the grammar's source, the site's config."""
    digest = hashlib.sha256()
    for part in (str(seed), str(count), SITE_CONFIG, FRONT_MATTER):
        digest.update(part.encode() + b"\0")
    digest.update(Path(kramdown_grammar.__file__).read_bytes())
    return digest.hexdigest()[:20]


def cache_dir() -> Path:
    folder = os.environ.get("BROADSHEET_KRAMDOWN_CACHE")
    return Path(folder) if folder else Path(tempfile.gettempdir()) / "broadsheet-kramdown-diff"


def run_documents(seed: int, count: int) -> list[Document]:
    """The documents of one run: ``count`` generated for ``seed``, then issue 14's cases."""
    return kramdown_grammar.documents(seed, count) + kramdown_grammar.issue_documents()


def jekyll_build(seed: int, count: int, cache: Path | None = None) -> dict[str, str]:
    """Each document of the run's HTML as ``jekyll build`` writes it, all pages of one site
    built at once; kept in ``cache`` (a JSON file per seed, count and grammar) for the next run."""
    docs = run_documents(seed, count)
    path = (cache or cache_dir()) / f"jekyll-{seed}-{count}-{cache_key(seed, count)}.json"
    if path.is_file():
        kept: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
        return kept
    with tempfile.TemporaryDirectory(prefix="kramdown-diff-") as folder:
        source, destination = Path(folder) / "src", Path(folder) / "site"
        source.mkdir()
        (source / "_config.yml").write_text(SITE_CONFIG, encoding="utf-8")
        for doc in docs:
            (source / f"{doc.name}.md").write_text(FRONT_MATTER + doc.text, encoding="utf-8")
        done = subprocess.run(
            ["jekyll", "build", "--quiet", "-s", str(source), "-d", str(destination)],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, **ENV},
        )
        if done.returncode != 0:
            raise RuntimeError(f"jekyll build failed:\n{done.stdout[-2000:]}{done.stderr[-3000:]}")
        built = {
            doc.name: (destination / f"{doc.name}.html").read_text(encoding="utf-8") for doc in docs
        }
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(built, ensure_ascii=False), encoding="utf-8")
    temporary.replace(path)
    return built


class Kramdown:
    """kramdown as Jekyll calls it, one Ruby process answering one text at a time."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            ["ruby", str(HARNESS), "serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env={**os.environ, **ENV},
        )
        self.asked: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        if text not in self.asked:
            stdin, stdout = self._pipes()
            stdin.write(json.dumps({"text": text}) + "\n")
            stdin.flush()
            answer: dict[str, str] = json.loads(stdout.readline())
            self.asked[text] = answer.get("html", "KRAMDOWN ERROR " + answer.get("error", ""))
        return self.asked[text]

    def _pipes(self) -> tuple[IO[str], IO[str]]:
        assert self.process.stdin is not None and self.process.stdout is not None
        return self.process.stdin, self.process.stdout

    def close(self) -> None:
        stdin, stdout = self._pipes()
        stdin.close()
        self.process.wait(timeout=30)
        stdout.close()

    def __enter__(self) -> Kramdown:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --- disagreements -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Disagreement:
    doc: Document
    theirs: str
    ours: str

    def report(self, full: bool = True) -> str:
        head = f"seed {self.doc.seed}, document {self.doc.index} ({self.doc.name}.md)"
        if not full:
            first = next(
                (line for line in token_diff(self.ours, self.theirs, 0).splitlines()[3:]), ""
            )
            return f"{head}: {first}"
        return (
            f"--- {head}\n{_fenced('source', self.doc.text)}{_fenced('kramdown', self.theirs)}"
            f"{_fenced('broadsheet', self.ours)}{_fenced('diff', token_diff(self.ours, self.theirs))}"
        )


def _fenced(title: str, text: str) -> str:
    return f"{title}:\n" + "".join(f"    |{line}\n" for line in text.rstrip("\n").split("\n"))


def compare(docs: Iterable[Document], reference: dict[str, str]) -> list[Disagreement]:
    found = []
    for doc in docs:
        theirs, mine = reference[doc.name], ours(doc.text)
        if not same(mine, theirs):
            found.append(Disagreement(doc, theirs, mine))
    return found


def harness_matches_build(
    docs: Sequence[Document], reference: dict[str, str], kramdown: Kramdown
) -> list[str]:
    """The documents whose kramdown output (harness) is not the build's: should be none."""
    return [doc.name for doc in docs if kramdown(doc.text) != reference[doc.name]]


# --- shrinking -----------------------------------------------------------------------------------


def shrink(blocks: Sequence[Block], disagrees: Callable[[str], bool], budget: int = 400) -> str:
    """A small text that still disagrees: drop blocks, then lines, then words, while it does."""
    calls = 0

    def check(text: str) -> bool:
        nonlocal calls
        calls += 1
        return calls <= budget and disagrees(text)

    kept = list(blocks)
    i = 0
    while i < len(kept) and len(kept) > 1:
        trial = kept[:i] + kept[i + 1 :]
        if check(kramdown_grammar.render(trial)):
            kept = trial
        else:
            i += 1
    lines = kramdown_grammar.render(kept).rstrip("\n").split("\n")
    lines = _drop(lines, lambda ls: check("\n".join(ls) + "\n"))
    for n in range(len(lines)):  # words of each line
        words = lines[n].split(" ")
        if len(words) < 2:
            continue

        def with_words(ws: list[str], n: int = n) -> bool:
            return check("\n".join([*lines[:n], " ".join(ws), *lines[n + 1 :]]) + "\n")

        lines[n] = " ".join(_drop(words, with_words))
    return "\n".join(lines) + "\n"


def _drop(items: list[str], still: Callable[[list[str]], bool]) -> list[str]:
    """Remove items one at a time (each removal kept only if ``still`` holds)."""
    i = 0
    while i < len(items) and len(items) > 1:
        trial = items[:i] + items[i + 1 :]
        if still(trial):
            items = trial
        else:
            i += 1
    return items


def signature(ours: str, theirs: str) -> frozenset[tuple[str, str]]:
    """What kind of disagreement this is: the tags (names and attribute names) each side has
    that the other has not, or ``text`` when only text differs. The shrinker keeps it, so a
    minimal case shows the cause its document showed, not another one met on the way."""
    kinds: set[tuple[str, str]] = set()
    for line in difflib.ndiff(normalise(theirs), normalise(ours)):
        if line[:1] in "-+" and line[2:3] == "<":
            kinds.add((line[0], re.sub(r'="[^"]*"', "", line[2:])))
    return frozenset(kinds) or frozenset({("", "text")})


def minimal_cases(found: Disagreement, kramdown: Kramdown) -> list[str]:
    """Minimal disagreeing texts for one document: each block that disagrees alone, shrunk; the
    whole document shrunk when none does (the disagreement is between blocks). Each is shrunk
    only while its disagreement keeps its :func:`signature`."""

    def shrunk(blocks: list[Block]) -> str:
        text = kramdown_grammar.render(blocks)
        kind = signature(ours(text), kramdown(text))

        def disagrees(text: str) -> bool:
            mine, theirs = ours(text), kramdown(text)
            return not same(mine, theirs) and signature(mine, theirs) == kind

        return shrink(blocks, disagrees)

    cases = []
    for block in found.doc.blocks:
        alone = [Block(block.text, "", block.tags)]
        text = kramdown_grammar.render(alone)
        if not same(ours(text), kramdown(text)):
            cases.append(shrunk(alone))
    if not cases:
        cases.append(shrunk(list(found.doc.blocks)))
    return list(dict.fromkeys(cases))


# --- causes --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cause:
    """A known cause of disagreement, recognised on a minimal case (for the report only: a
    cause here is *not* accepted; the test's ACCEPTED list is)."""

    name: str
    description: str
    matches: Callable[[str, str, str], bool]  # (minimal source, kramdown's html, ours)


def _src(pattern: str) -> Callable[[str, str, str], bool]:
    """The minimal source matches ``pattern`` (multiline)."""
    compiled = re.compile(pattern, re.M)
    return lambda source, theirs, mine: compiled.search(source) is not None


def _only(side: str, pattern: str) -> Callable[[str, str, str], bool]:
    """``pattern`` is in one side's HTML (``k`` kramdown, ``b`` broadsheet) and not the other's."""
    compiled = re.compile(pattern)

    def test(source: str, theirs: str, mine: str) -> bool:
        one, other = (theirs, mine) if side == "k" else (mine, theirs)
        return compiled.search(one) is not None and compiled.search(other) is None

    return test


def _all(*tests: Callable[[str, str, str], bool]) -> Callable[[str, str, str], bool]:
    return lambda source, theirs, mine: all(t(source, theirs, mine) for t in tests)


def _any(*tests: Callable[[str, str, str], bool]) -> Callable[[str, str, str], bool]:
    return lambda source, theirs, mine: any(t(source, theirs, mine) for t in tests)


def _fence_closed_longer(source: str, theirs: str, mine: str) -> bool:
    """A fence closed by a longer run of its character (```` ``` ```` ... ```` ```` ````)."""
    lines = source.split("\n")
    for i, line in enumerate(lines):
        opener = re.match(r"[\s>]*(`{3,}|~{3,})", line)
        if not opener:
            continue
        run = opener.group(1)
        for later in lines[i + 1 :]:
            closer = re.fullmatch(r"[\s>]*(`{3,}|~{3,})\s*", later)
            if closer and closer.group(1)[0] == run[0] and len(closer.group(1)) >= len(run):
                if len(closer.group(1)) > len(run):
                    return True
                break
    return False


def _header_ids_differ(source: str, theirs: str, mine: str) -> bool:
    ids = re.compile(r'<h\d id="([^"]*)"')
    return ids.findall(theirs) != ids.findall(mine) and bool(ids.findall(mine))


def _text_only_in_pre(source: str, theirs: str, mine: str) -> bool:
    changed = [
        line for line in difflib.ndiff(normalise(theirs), normalise(mine)) if line[:1] in "-+"
    ]
    return "<pre" in theirs and all(line[2:3] == '"' for line in changed)


SPAN_RAW = r"<(u|s|kbd|mark|font)\b|markdown=\"0\""

CAUSES: list[Cause] = [
    Cause(
        "crash-ial-reference",
        "an IAL that names an ALD (`{: ref}`) or holds a bare word (`{:x}`) crashes the converter "
        "(TypeError: argument of type 'NoneType' is not iterable); kramdown applies the ALD's "
        "attributes, or ignores the word",
        lambda source, theirs, mine: "BROADSHEET ERROR" in mine,
    ),
    Cause(
        "fence-closed-by-longer-run",
        "a fence closed by a longer run of its character (```` ``` ```` ... ```` ```` ````): "
        "kramdown closes the block (its closer is the opener's run followed by more of the "
        "character); Broadsheet does not see a fence",
        _fence_closed_longer,
    ),
    Cause(
        "fence-info-with-comma",
        "a fence info string with a comma (```` ```rust,ignore ````): kramdown takes the whole "
        "word as the language (`language-rust,ignore`); Broadsheet does not see a fence",
        _src(r"^\s*(>\s*)?(`{3,}|~{3,}) ?[^\s,`]*,\S*\s*$"),
    ),
    Cause(
        "fence-info-with-space",
        "a fence info string with more than one word (```` ```sh {.x} ````, ```` ```ruby linenos "
        "````, ```` ```bash $ ````): not a fence for kramdown (its info string is one word), so "
        "the backticks open a code span; Broadsheet makes a fenced block",
        _src(r"^\s*(>\s*)?(`{3,}|~{3,}) ?\S+ +\S.*$"),
    ),
    Cause(
        "indented-code-tabs",
        "tabs in indented code: kramdown keeps a tab after the indent and counts a space + tab "
        "as an indent; Broadsheet expands tabs to spaces",
        _src(r"^( {0,3}\t|>\s*\t|\t\t)"),
    ),
    Cause(
        "code-block-text",
        "the text of a code block: an empty fenced block (Broadsheet adds a newline), blank "
        "lines at the end of the code (kramdown keeps them; Broadsheet drops them)",
        _text_only_in_pre,
    ),
    Cause(
        "code-span-ial-language",
        "a code span with an IAL naming a language (`` `x`{:.language-ruby} ``): kramdown "
        "highlights it with that lexer and drops `language-plaintext`",
        _src(r"`\{:\s*\.language-"),
    ),
    Cause(
        "setext-in-list-item",
        "`---` / `===` under a list item's text: a setext header inside the item in kramdown "
        "(issue 14, gap 7); Broadsheet keeps it as text (`—`) or makes a rule",
        _all(
            _src(r"^\s*([-*+]|\d+[.)])\s+.*\n\s+(-+|=+)\s*$"),
            _only("k", r"<h[12]"),
        ),
    ),
    Cause(
        "setext-short-underline",
        "a one-character setext underline (`text` then `-` or `=`): kramdown makes a header; "
        "Broadsheet makes an empty list item or a paragraph",
        _all(_src(r"^\S.*\n(-|=)\s*$"), _only("k", r"<h[12]")),
    ),
    Cause(
        "task-list-item",
        "task list items (`- [x] a`): kramdown-parser-gfm marks them `task-list-item` in other "
        "places than Broadsheet (ordered lists, items after the first, loose lists)",
        lambda source, theirs, mine: theirs.count("task-list-item") != mine.count("task-list-item"),
    ),
    Cause(
        "typography-after-tag",
        "`>>` / `<<` right after an HTML tag: Broadsheet's typography turns the tag's own `>` "
        "into `»` (issue 14, gap 12)",
        _src(r"<[^<>\n]+>>|<<<"),
    ),
    Cause(
        "header-id-escaped-char",
        "a header with a backslash escape (`## \\_`): Broadsheet's id holds the escape's "
        'placeholder number (`id="95"`), kramdown\'s the character',
        _all(_src(r"\\[^\s\w\\]"), _header_ids_differ),
    ),
    Cause(
        "math-with-braces",
        "inline math with braces and underscores (`$z^{(0)}_{v_{i}}$`) loses text, and "
        "changes its header's id (issue 14, gap 10)",
        _src(r"\$[^$\n]*\{[^$\n]*\}[^$\n]*_"),
    ),
    Cause(
        "header-id-from-markup",
        "a header id built from the source rather than from the text after inline parsing "
        "(code spans, HTML, links; issue 14, gap 2)",
        _header_ids_differ,
    ),
    Cause(
        "code-span-blank",
        "a code span holding only spaces (`` ` ` ``): not a code span in kramdown (it stays "
        "as written, also inside span HTML)",
        _any(
            _all(_src(r"`[ ]+`"), _only("b", r'highlighter-rouge">\s*</code>')),
            _all(_src(r"`[ ]+`"), _only("b", r'highlighter-rouge"></code>')),
            _all(_src(r"<(abbr|sub|sup|i|b|em|small|span)\b"), _src(r"`[ ]+`")),
        ),
    ),
    Cause(
        "backslash-hard-break",
        "`\\\\` at the end of a line: a hard break (`<br />`) in kramdown; Broadsheet keeps a "
        "backslash",
        _src(r"\\\\$"),
    ),
    Cause(
        "nul-character-reference",
        "`&#0;`: kramdown writes U+FFFD, Broadsheet a NUL character",
        _src(r"&#0;"),
    ),
    Cause(
        "span-html-unclosed",
        "span HTML left open in a paragraph (`<small>a`): kramdown closes it at the paragraph's "
        "end; Broadsheet leaves it open",
        lambda source, theirs, mine: any(
            f"</{name}>" in theirs and f"</{name}>" not in mine and f"</{name}>" not in source
            for name in re.findall(r"<(\w+)", source)
        ),
    ),
    Cause(
        "stray-closing-tag",
        "a closing block tag with no opening one inside a paragraph (`b</div>`, `x</td></tr>`): "
        "kramdown writes it as text (`&lt;/div&gt;`); Broadsheet as a tag",
        _src(r"\S</(div|pre|figure|section|aside|td|tr|table|p|center|details|summary)>"),
    ),
    Cause(
        "span-html-not-parsed",
        "markdown inside span-level HTML kramdown does not parse: elements it does not know as "
        "span elements (`<u>`, `<s>`, `<mark>`, `<font>`), `<kbd>` (raw, like `<code>`), any "
        'with `markdown="0"`; code spans, emphasis, math and smart quotes stay as written '
        "(issue 14, gap 11); Broadsheet parses it",
        _src(SPAN_RAW),
    ),
    Cause(
        "table-code-span-pipe",
        "a `|` inside a code span makes a table row in kramdown (`` `a | b` ``)",
        _all(_src(r"`[^`\n]*\|[^`\n]*`"), _any(_only("k", "<table"), _only("b", "<table"))),
    ),
    Cause(
        "table-from-pipe-line",
        "a line with an unescaped `|` (a header `#x |`, `||`, a lone `|`, one inside a list "
        "item or a footnote): a table in kramdown (issue 14, gap 4); Broadsheet keeps text",
        _only("k", "<table"),
    ),
    Cause(
        "table-not-in-kramdown",
        "lines Broadsheet reads as a table that kramdown does not (a separator line followed by "
        "an IAL, `|` lines next to block HTML, a rule line `- -` under a row...)",
        _only("b", "<table"),
    ),
    Cause(
        "table-cells",
        "a table both make, with other cells: empty trailing cells (`a | |`), header rows "
        "without a separator kramdown accepts (`- | --:`), footers",
        _all(_src(r"\|"), lambda source, theirs, mine: "<table" in theirs and "<table" in mine),
    ),
    Cause(
        "footnote-self-reference",
        "a footnote whose definition refers to itself or is the only use (`[^n]: [^n]`): "
        "kramdown writes no footnote; Broadsheet does",
        _only("b", "footnotes"),
    ),
    Cause(
        "fence-not-a-fence",
        "a fence line kramdown does not start a block with (right after a paragraph line, "
        "unclosed, indented under a list marker): kramdown keeps it in the paragraph",
        _all(_src(r"^\s*(`{3,}|~{3,})"), _only("b", r"<p>\s*(```|~~~)")),
    ),
    Cause(
        "fence-in-list-item",
        "a fence inside a list item, or indented 1-3 spaces (issue 14, gap 9)",
        _src(r"^\s*([-*+]|\d+[.)])\s.*\n\s+(`{3,}|~{3,})"),
    ),
    Cause(
        "paren-list-marker",
        "`1)` is not a list marker in kramdown",
        _src(r"^\s*\d+\)"),
    ),
    Cause(
        "blockquote-structure",
        "blockquotes: lazy lines, `>` alone, a header between quotes, a list type change inside",
        _src(r"^\s*>"),
    ),
    Cause(
        "html-alone-in-paragraph",
        "span-level or void HTML alone on a line (`<img ...>`, `<br>`): kramdown wraps it in `<p>`",
        _src(r"^<(img|br|wbr)"),
    ),
    Cause(
        "hr-spaced-dashes",
        "`- - -` is a rule in kramdown; Broadsheet makes nested empty lists",
        _src(r"^- - -"),
    ),
    Cause(
        "block-html-unclosed",
        "an unclosed `<style>` / `<section>` after a block changes the block before it",
        _src(r"^<(style|script|section)"),
    ),
    Cause(
        "end-of-block-marker",
        "`^` alone on a line is kramdown's end-of-block marker (writes nothing)",
        _src(r"^\^$"),
    ),
    Cause(
        "ald-reference",
        "an attribute list definition (`{:ref: .c #i}`) named by an IAL (`{: ref}`): kramdown "
        "applies the definition's attributes, then the IAL's own",
        _src(r"^\s*\{:\w[\w-]*:"),
    ),
    Cause(
        "kramdown-extensions",
        "kramdown's extensions `{::comment}`, `{::nomarkdown}`, `{::options}`",
        _src(r"\{::"),
    ),
    Cause(
        "fence-info-odd",
        "a fence info string kramdown reads its own way (`{.language-python}`, `-`, a backtick "
        "in it)",
        _src(r"^\s*(`{3,}|~{3,}) ?(\{|-|\S*`)"),
    ),
    Cause(
        "link-title-escape",
        'a link title with an escaped quote (`"quote \\" inside"`): kramdown keeps the '
        "backslash in the title",
        _src(r'\(\S+ "[^"\n]*\\"'),
    ),
    Cause(
        "link-definition-after-text",
        "a link (or abbreviation) definition right under a paragraph line or between list items "
        "(no blank line): kramdown does not read it as a definition there, or splits the list "
        "(issue 14, gap 8)",
        _src(r"^\S.*\n\s{0,3}\*?\[[^\]\n]+\]:"),
    ),
    Cause(
        "definition-list",
        "definition lists: a definition's lazy lines (kramdown joins the next line to the "
        "definition; Broadsheet starts a new term), empty `:` lines, `<p>` in definitions",
        _src(r"^:(\s|$)"),
    ),
    Cause(
        "footnote-self-reference",
        "a footnote whose definition refers to itself (`[^n]: [^n]`): kramdown writes no "
        "footnote; Broadsheet does",
        _only("b", "footnotes"),
    ),
    Cause(
        "emphasis-nesting",
        "nested or mixed emphasis markers (`_*a*_`, `**'a __b__**`, `_a *b c*_`, `~~a ~~b~~~~`)",
        _any(
            _src(r"(\*|_)\S*(\*|_).*(\*|_)"),
            _src(r"(^|\s)[*_~]{1,2}\S.*(^|\s)[*_~]{1,2}\S"),
        ),
    ),
    Cause(
        "indented-code-lazy-line",
        "a line right after indented code (no blank line): kramdown's code block takes it",
        _src(r"^( {4}|\t).*\n {0,3}\S"),
    ),
    Cause(
        "smart-quotes-near-markup",
        'the direction of a smart quote next to markup or HTML (`he "*hi*"`, `</span> "`)',
        _src(r"[\"'][*_<\[`]|[*_>\]`][\"']"),
    ),
    Cause(
        "footnote-empty-first-line",
        "a footnote definition with nothing after `[^1]:` on its line: kramdown takes the "
        "next lines as its text",
        _src(r"^\[\^\w+\]:\s*$"),
    ),
    Cause(
        "double-backtick-quotes",
        "` ``text'' ` (TeX-style quotes) next to code spans: kramdown reads the double backtick "
        "as typography, Broadsheet as a code span's opener",
        _src(r"``\w+''"),
    ),
    Cause(
        "link-url-angle-space",
        "an inline link whose `<...>` URL holds a space (`[a](<b c>)`): not a link in kramdown",
        _src(r"\]\(<[^>\n]* [^>\n]*>\)"),
    ),
    Cause(
        "ial-in-block-html",
        'a block IAL alone inside block HTML (`<div>` then `{:title="t"}`): kramdown keeps '
        "it as text; Broadsheet puts the attribute on the HTML element",
        _src(r"^<\w+[^>]*>\n\{:"),
    ),
    Cause(
        "entity-paragraphs",
        "paragraphs holding only an entity (`&copy;`, blank line, `&copy;`): Broadsheet joins "
        "them into one paragraph",
        _src(r"^&\w+;\n\n&\w+;$"),
    ),
    Cause(
        "list-structure",
        "list structure: lazy lines, nesting by indent, items that start with a marker and no text",
        _src(r"^\s*([-*+]|\d+\.)(\s|$)"),
    ),
    Cause(
        "math-block",
        "`$$` math blocks next to HTML comments or other blocks",
        _src(r"\$\$"),
    ),
    Cause(
        "ial-block-placement",
        "a block IAL after a blank line (or first in the document) is the next block's in "
        "kramdown; consecutive IAL lines add up",
        _src(r"(\A|\n\s*\n)\s*\{:[^}\n]*\}\n\s*\S|^\s*\{:[^}\n]*\}\n\s*\{:"),
    ),
]


def cause_of(source: str, theirs: str, mine: str) -> str:
    for cause in CAUSES:
        if cause.matches(source, theirs, mine):
            return cause.name
    return "unclassified"


# --- the report ----------------------------------------------------------------------------------


def shrink_all(found: Sequence[Disagreement]) -> list[dict[str, Any]]:
    """Every disagreement's minimal cases with kramdown's and our HTML and their cause."""
    rows: list[dict[str, Any]] = []
    with Kramdown() as kramdown:
        for item in found:
            for case in minimal_cases(item, kramdown):
                theirs, mine = kramdown(case), ours(case)
                rows.append(
                    {"doc": item.doc.name, "case": case, "kramdown": theirs, "broadsheet": mine,
                     "cause": cause_of(case, theirs, mine)}
                )  # fmt: skip
    return rows


def by_cause(rows: Sequence[dict[str, Any]]) -> list[tuple[str, set[str], list[dict[str, Any]]]]:
    """(cause, the documents it shows in, its cases shortest first), most documents first."""
    docs: dict[str, set[str]] = {}
    cases: dict[str, dict[str, dict[str, Any]]] = {}
    for row in rows:
        docs.setdefault(row["cause"], set()).add(row["doc"])
        cases.setdefault(row["cause"], {}).setdefault(row["case"], row)
    order = sorted(docs, key=lambda cause: (-len(docs[cause]), cause))
    return [(c, docs[c], sorted(cases[c].values(), key=lambda r: len(r["case"]))) for c in order]


def known_report(
    seed: int,
    count: int,
    found: Sequence[Disagreement],
    rows: Sequence[dict[str, Any]],
    examples: int = 3,
) -> str:
    """``kramdown_known.md``: the disagreements of a run grouped by cause, minimal cases first."""
    descriptions = {cause.name: cause.description for cause in CAUSES}
    generated = [d for d in found if not d.doc.label]
    issue = [d.doc.label for d in found if d.doc.label]
    lines = [
        "# kramdown disagreements under repair",
        "",
        "Written by `python -m tests.engine.kramdown_diff --seed "
        f"{seed} --count {count} --shrink --known tests/engine/kramdown_known.md`.",
        "",
        f"Seed {seed}: {count - len(generated)} of {count} generated documents agree with Jekyll "
        f"4.3.1, {len(generated)} disagree; of issue 14's {len(kramdown_grammar.ISSUE_CASES)} "
        f"cases, {len(issue)} disagree ({', '.join(issue) or 'none'}).",
        "",
        "Each disagreeing document is shrunk to minimal cases (each block that disagrees alone, "
        "else the whole document; lines and words dropped while the disagreement keeps its "
        "kind), and each case is put under the first cause whose predicate "
        "(`tests/engine/kramdown_diff.py`, `CAUSES`) it matches. *Documents* counts the "
        f"documents (of the {count}, and issue cases) with at least one case of the cause; a "
        "document can show several causes. The counts say how often the grammar meets a cause, "
        "not how often real posts do (the grammar packs rare constructs densely); a cause is "
        "fixed in handler/engine/markdown/, or accepted with its reason in "
        "`test_kramdown_differential.py`'s `ACCEPTED`.",
        "",
        "| cause | documents | cases |",
        "| --- | ---: | ---: |",
    ]
    groups = by_cause(rows)
    lines += [f"| [{c}](#{c}) | {len(d)} | {len(cs)} |" for c, d, cs in groups]
    for cause, docs, cases in groups:
        lines += ["", f"## {cause}", "", descriptions.get(cause, "Not yet classified."), ""]
        lines.append(f"{len(docs)} documents, {len(cases)} distinct minimal cases; the smallest:")
        for row in cases[:examples]:
            lines += [
                "",
                f"`{row['doc']}`, minimal case:",
                "",
                *_code_block(row["case"]),
                "kramdown:",
                "",
                *_code_block(row["kramdown"]),
                "Broadsheet:",
                "",
                *_code_block(row["broadsheet"]),
            ]
    return "\n".join(lines) + "\n"


def _code_block(text: str) -> list[str]:
    fence = "`" * max([4, *(len(run) + 1 for run in re.findall(r"`+", text))])
    return [f"{fence}text", *text.rstrip("\n").split("\n"), fence, ""]


# --- command line --------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.engine.kramdown_diff")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--shrink", action="store_true", help="shrink and group by cause")
    parser.add_argument("--known", type=Path, help="write the grouped report (markdown) here")
    parser.add_argument("--report", type=Path, help="write the minimal cases (JSON) here")
    parser.add_argument(
        "--reclassify", type=Path, help="read the minimal cases from this report, not shrink"
    )
    parser.add_argument("--show", type=int, default=0, help="print this many in full")
    args = parser.parse_args(argv)
    missing = jekyll_missing()
    if missing:
        print(missing, file=sys.stderr)
        return 2
    started = time.monotonic()
    docs = run_documents(args.seed, args.count)
    reference = jekyll_build(args.seed, args.count)
    built = time.monotonic()
    found = compare(docs, reference)
    generated = [d for d in found if not d.doc.label]
    print(
        f"seed {args.seed}: {args.count - len(generated)} of {args.count} documents agree,"
        f" {len(generated)} disagree; issue cases disagreeing:"
        f" {[d.doc.label for d in found if d.doc.label]}"
        f" (jekyll {built - started:.1f}s, compare {time.monotonic() - built:.1f}s)"
    )
    for item in found[: args.show]:
        print(item.report())
    if (args.shrink or args.reclassify) and found:
        if args.reclassify:
            rows = json.loads(args.reclassify.read_text("utf-8"))
            for row in rows:
                row["cause"] = cause_of(row["case"], row["kramdown"], row["broadsheet"])
        else:
            with Kramdown() as kramdown:
                stray = harness_matches_build(docs[:100], reference, kramdown)
            if stray:
                print(f"warning: the harness is not the build on {stray}", file=sys.stderr)
            rows = shrink_all(found)
        for cause, names, _ in by_cause(rows):
            print(f"{len(names):6d}  {cause}")
        if args.report:
            args.report.write_text(json.dumps(rows, ensure_ascii=False, indent=1), "utf-8")
        if args.known:
            args.known.write_text(known_report(args.seed, args.count, found, rows), "utf-8")
    return 0 if not found else 1


if __name__ == "__main__":
    sys.exit(main())
