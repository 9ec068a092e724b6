"""Markdown -> HTML the way Jekyll 4.3 does it: kramdown with GFM input, rouge-style code blocks.

One python-markdown instance is built per renderer and reset between documents; python-markdown
is not thread safe, so ``convert`` holds a lock. The kramdown behaviours python-markdown lacks are
small extensions below: GFM header ids, list indentation by content column, lists that interrupt
a paragraph, kramdown's rouge wrappers, footnote and table markup, ``$$`` math, block IALs, the
table of contents; raw HTML is kramdown's (``_html``), and the tree is written as kramdown writes
its own (``_serialize``): indentation, and a blank line where the source has one between blocks
(recorded by ``_TrackingBlockParser``; the blank lines python-markdown alone needs are marked in
the text with ``_NO_BLANK`` and ``_NO_BLANK_BEFORE`` and taken back out of the tree).
"""

from __future__ import annotations

import bisect
import copy
import functools
import hashlib
import html
import importlib
import re
import threading
import unicodedata
import xml.etree.ElementTree as etree
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import markdown
from markdown.blockparser import BlockParser
from markdown.blockprocessors import (
    BlockProcessor,
    BlockQuoteProcessor,
    HashHeaderProcessor,
    ReferenceProcessor,
)
from markdown.extensions import Extension
from markdown.extensions.abbr import AbbrExtension
from markdown.extensions.attr_list import (
    AttrListExtension,
    AttrListTreeprocessor,
    get_attrs_and_remainder,
)
from markdown.extensions.def_list import DefListExtension, DefListProcessor
from markdown.extensions.footnotes import (
    NBSP_PLACEHOLDER,
    FootnoteBlockProcessor,
    FootnoteExtension,
    FootnoteReorderingProcessor,
)
from markdown.extensions.nl2br import Nl2BrExtension
from markdown.extensions.tables import TableExtension
from markdown.inlinepatterns import (
    BACKTICK_RE,
    IMAGE_LINK_RE,
    IMAGE_REFERENCE_RE,
    LINK_RE,
    REFERENCE_RE,
    BacktickInlineProcessor,
    EscapeInlineProcessor,
    HtmlInlineProcessor,
    ImageInlineProcessor,
    ImageReferenceInlineProcessor,
    InlineProcessor,
    LinkInlineProcessor,
    ReferenceInlineProcessor,
    ShortImageReferenceInlineProcessor,
    ShortReferenceInlineProcessor,
)
from markdown.postprocessors import Postprocessor, RawHtmlPostprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import InlineProcessor as InlineTreeprocessor
from markdown.treeprocessors import Treeprocessor
from pygments import highlight as pygments_highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound
from pymdownx.superfences import SuperFencesBlockPreprocessor, SuperFencesCodeExtension
from pymdownx.tasklist import TasklistExtension

from handler.engine.budget import BudgetExceeded
from handler.engine.budget import active as budget_active
from handler.engine.budget import limit as budget_limit
from handler.engine.markdown import _rouge as rouge
from handler.engine.markdown._html import (
    BLOCK_ELEMENTS,
    BLOCK_START,
    COMMENT_RE,
    SPAN_ELEMENTS,
    TAG_CLOSE_RE,
    TAG_RE,
    HtmlBlock,
    HtmlParser,
    closes_fence,
    entity,
    raw_span,
    span_tag,
    with_attributes,
)
from handler.engine.markdown._serialize import (
    BARE,
    BLANK,
    KD,
    TOC,
    VOID,
    AutoClose,
    CodeBlock,
    InlineHtml,
    RawBlock,
    Serializer,
    escape_text,
    is_block,
)

__all__ = ["MarkdownLimit", "MarkdownRenderer", "check_limits", "highlight_code", "rouge_block"]

_FORMATTER = HtmlFormatter(nowrap=True)
_LEXERS: dict[str, Lexer | None] = {}


def _lexer(lang: str) -> Lexer | None:
    if lang not in _LEXERS:
        try:
            _LEXERS[lang] = get_lexer_by_name(lang, stripnl=False, ensurenl=True)
        except ClassNotFound:
            _LEXERS[lang] = None
    return _LEXERS[lang]


def highlight_code(code: str, lang: str) -> str | None:
    """Pygments tokens as ``<span class="...">`` (rouge uses the same short class names).

    Returns None when rouge knows no lexer by the name ``lang`` (its registry is case-sensitive:
    "HTML" is no language), as kramdown's highlighter does; ``lang?option=x`` is rouge's name
    with options. A rouge language Pygments lacks comes out as plain text.
    """
    if not code.endswith("\n"):
        code += "\n"
    name = lang.partition("?")[0] if "?" in lang else lang
    if name not in rouge.NAMES:
        return None
    lexer = _lexer(rouge.PYGMENTS.get(name, name.lower()))
    if lexer is None or name in ("plaintext", "text"):
        return html.escape(code, quote=False)
    return _WHITESPACE_SPAN.sub(r"\1", pygments_highlight(code, lexer, _FORMATTER))


# rouge's lexers mostly leave whitespace bare; Pygments wraps it in <span class="w">.
_WHITESPACE_SPAN = re.compile(r'<span class="w">(\s*)</span>')


def rouge_block(
    code: str,
    lang: str,
    *,
    classes: Sequence[str] = (),
    attrs: Mapping[str, str] | None = None,
) -> str:
    """kramdown's output for a code block: rouge's wrapper, or a bare pre for unknown languages.

    ``classes`` and ``attrs`` come from an IAL and go on the wrapper, as kramdown puts them.
    """
    return str(_code_block(code, lang, classes=classes, attrs=attrs))


def _code_block(
    code: str,
    lang: str,
    *,
    classes: Sequence[str] = (),
    attrs: Mapping[str, str] | None = None,
    ial: Mapping[str, str] | None = None,
) -> CodeBlock:
    """The block; ``ial`` is a block IAL after it (its attributes go in kramdown's order)."""
    given = lang
    body = highlight_code(code, lang or "plaintext")
    if not code and body:  # rouge writes nothing for an empty block
        body = ""
    lang = lang.partition("?")[0] if lang else "plaintext"  # kramdown's class: the name alone
    pairs = list((attrs or {}).items())
    ial_classes = (ial or {}).get("class", "").split()
    if body is None:
        names = " ".join([*classes, *ial_classes])
        items = [(k, names if k == "class" else v) for k, v in (ial or {}).items()] + pairs
        if names and not (ial and "class" in ial):
            items.insert(0, ("class", names))
        extra = "".join(f' {k}="{html.escape(v)}"' for k, v in items)
        pre = f'<pre{extra}><code class="language-{html.escape(lang)}">{_escaped_code(code)}'
        block = CodeBlock(pre + "</code></pre>", "", "")
    else:
        names = " ".join([f"language-{lang}", *classes, *ial_classes, "highlighter-rouge"])
        if ial:  # kramdown: the fence's language class first, merged with the IAL's classes;
            # the language taken out and put back (so last when no other class stays)
            others = [(k, v) for k, v in ial.items() if k != "class"] + pairs
            if given and (classes or ial_classes):
                items = [("class", names), *others]
            elif ial_classes:
                items = [(k, names if k == "class" else v) for k, v in ial.items()] + pairs
            else:
                items = [*others, ("class", names)]
        else:
            items = [("class", names), *pairs]
        extra = "".join(f' {k}="{html.escape(v)}"' for k, v in items)
        block = CodeBlock(
            f"<div{extra}>",
            f'<div class="highlight"><pre class="highlight"><code>{body}</code></pre></div>',
            "</div>",
        )
    block.source = (code, given, tuple(classes), dict(attrs or {}))
    return block


def _escaped_code(code: str) -> str:
    return html.escape(code if code.endswith("\n") else code + "\n", quote=False)


# --- preprocessing: kramdown list and IAL rules -------------------------------------------------

_FENCE = re.compile(r"^(?P<indent>[ ]*)(?P<fence>`{3,}|~{3,})")
_MARKER = re.compile(r"^(?P<indent>[ ]*)(?P<marker>[*+-]|\d+\.)(?P<space>[ ]+)")
_HR = re.compile(r"^[ ]{0,3}([-*_])[ ]*(\1[ ]*){2,}$")
_IAL_LINE = re.compile(r"^[ ]*(?:\x02bsnb\x03)?\{:(?!:)[^}]*\}[ ]*$")
_IAL_NO_BLANK = "\x02nb"  # in an IAL's attributes: its line has no blank line after it
_IAL_NEXT = "\x02next"  # in an IAL's attributes: it is the next block's (a blank line before)
# Markers between preprocessing and the tree: STX/ETX never survive from the source text.
_IAL_MARK = "\x02bsial:{}\x03"
_IAL_MARK_RE = re.compile("\x02bsial:(\\d+)\x03")
_LIST_BREAK = "\x02bsbreak\x03"
# Ends a line followed by a blank line that only python-markdown needs: not a blank for kramdown.
_NO_BLANK = "\x02bsnb\x03"
_NO_BLANK_BEFORE = "\x02bsnbb\x03"  # starts a line that follows a blank line kramdown has not
_ITEM_IAL = "\x02bsli:{}\x03"  # opens an item's text: the item's IAL (kramdown's LIST_ITEM_IAL)
_ITEM_IAL_RE = re.compile("\x02bsli:(\\d+)\x03")
# kramdown's LIST_ITEM_IAL: an IAL that opens an item's (or a definition's) first line
_LIST_ITEM_IAL = re.compile(r"[ \t]*\{:(?!(?:\w[\w-]*)?:|/)((?:\\\}|[^}])+)\}[ \t]*")
_END_OF_LIST = (
    "\x02bseol\x03"  # ends an item's paragraph: kramdown's :eob follows (a marker, a link def)
)
_END_ITEM = "bs-eob"  # on an item the end-of-block marker ends the list after (a blank line)
_NOTHING = "\x02bsx\x03"  # keeps a line from python-markdown's block patterns, then goes
_PARAGRAPH_RULE = re.compile(r"^[ ]{0,3}(?:=+|-+|\*{3,}|_{3,})[ ]*$")
_SPACES = "\x02bssp{}\x03"
_SETEXT_LINE = re.compile(r"^[ ]{0,3}(?:=+|-+)[ ]*$")
_STAR_RULE = re.compile(r"(?:\*{3,}|_{3,})[ ]*$")  # a rule's line no setext underline
_SETEXT_UNDERLINE_AT_0 = re.compile(r"^(?:=+|-+)[ \t]*$")  # kramdown's (SETEXT_HEADER_START)
_ATX_START = re.compile(r"^[ ]{0,3}#{1,6}[ \t]+")
_ANY_MARK = re.compile("\x02bs(?:ial:\\d+|break|nbb?|sp\\d|x|bare)\x03")
# A line that starts text no block parser of kramdown's takes (1-3 spaces then a tab: not
# indented code, not a paragraph's start): kramdown adds it as bare text, no <p>
_BARE = "\x02bsbare\x03"
_NO_BLOCK = re.compile(r"[ ]{1,3}\t")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


@dataclass
class _Document:
    """Per-document facts the preprocessors leave for the tree and post processors."""

    ials: list[dict[str, str]] = field(default_factory=list)
    math_blocks: list[str] = field(default_factory=list)
    html_blocks: list[HtmlBlock] = field(default_factory=list)
    breaks: bool = False
    no_blank: bool = False  # a _NO_BLANK mark was written
    spaces: bool = False  # a _SPACES mark was written
    trailing_blank: bool = False  # set by the serializer: the last block has a blank line after
    footnotes: bool = False  # the serializer wrote footnotes at the end
    alds: dict[str, str] = field(default_factory=dict)  # kramdown's attribute list definitions
    auto_ids: bool | None = None  # set by ``{::options auto_ids="..." /}``
    tabbed: dict[str, str] = field(default_factory=dict)  # line with tabs expanded -> as written
    item_ials: list[str] = field(default_factory=list)  # list items' IALs, by _ITEM_IAL's number
    # The site's switch (``broadsheet: {tables: gfm}``, MarkdownRenderer's ``TABLES_OPTION``):
    # a table needs a delimiter row under its first line, as GitHub reads one. Not per document.
    gfm_tables: bool = False

    def reset(self) -> None:
        self.tabbed.clear()
        self.item_ials.clear()
        self.ials.clear()
        self.alds.clear()
        self.auto_ids = None
        self.math_blocks.clear()
        self.html_blocks.clear()
        self.breaks = False
        self.no_blank = False
        self.spaces = False


class _ListItem:
    __slots__ = ("first_chunk", "kind", "new", "old")

    def __init__(self, old: int, new: int, kind: str) -> None:
        self.old = old
        self.new = new
        self.kind = kind
        self.first_chunk = True  # no blank line or nested list in its text yet (``_ItemEnd``)


class _KramdownLinesPreprocessor(Preprocessor):
    """Rewrite list indentation to python-markdown's 4-space rule and add the blank lines
    kramdown's GFM parser implies (a list or IAL line may follow a paragraph line directly)."""

    def __init__(self, md: markdown.Markdown, document: _Document) -> None:
        super().__init__(md)
        self.document = document
        self.kinds: dict[int, str] = {}
        self.ended = False
        self.definition = False
        self.definition_indent = 2
        self.lazy_definition = False  # the line before was a definition's, as paragraph text
        self.index = 0
        self.fence_closed = -1
        self.rule_text = False  # the line before was a rule's characters, as an item's text
        self.after_fence_text = False  # the line before looks like a fence and is text

    def run(self, lines: list[str]) -> list[str]:
        self.kinds = {}
        self.definition = False  # in a definition list's definition (at the top level)
        self.lazy_definition = False
        self.ended = False  # a list just ended at a definition (nothing python-markdown keeps)
        self.index = 0  # of the line being read
        self.fence_closed = -1  # the last line that closed a fence in a list item
        # in a footnote's definition (at the top level): "lazy" after an indented line
        self.footnote: str | None = None
        out: list[str] = []
        stack: list[_ListItem] = []
        fence: str | None = None
        fence_shift: tuple[tuple[int, ...], int] = ((), 0)  # the items' columns, the new one
        fence_at: int | None = None  # where the open fence's opening line is in ``out``
        definitions_at: int | None = None  # where link definitions after a fence go
        prev = prev2 = ""
        table_end = 0  # lines before it are the rest of a table
        not_fence = False  # the previous line looks like a fence and opens none
        code = False  # the previous line is in an indented code block (outside lists)
        unclosed: dict[str, tuple[int, int]] = {}
        bare = fence_end = -2  # the last line of bare text, the last fence's closing line
        quoted = 0  # lines before it are the rest of a quote
        block = 0  # in out: the first line after the last blank line (python-markdown's block)
        for index, line in enumerate(lines):
            self.index = index
            if index < quoted:
                continue
            if (
                fence is None
                and index >= table_end
                and _QUOTE_START.match(line)
                and (not stack or (not prev.strip() and _indent(line) < stack[0].old))
            ):  # a blockquote (ending any list): its lines go through the preprocessors
                stack.clear()
                self.kinds.clear()
                self.ended = code = not_fence = False
                quoted = _quote_end(lines, index)
                out.extend(self._quote(lines[index:quoted]))
                prev2, prev = lines[quoted - 2] if quoted - index > 1 else prev, lines[quoted - 1]
                continue
            if (
                fence is None
                and index >= table_end
                and stack
                and _indent(line) >= stack[-1].old
                and _QUOTE_START.match(line, stack[-1].old)
            ):  # a blockquote in a list item: the same, its lines without the item's indentation
                top = stack[-1]
                quoted = _quote_end(lines, index, top.old, nested=bool(prev.strip()), lists=stack)
                region = [text[min(_indent(text), top.old) :] for text in lines[index:quoted]]
                if not top.first_chunk and top.old < 6:
                    # list.rb: a lazy line that starts a list (of another type: no sibling)
                    # after a blank line in the item goes in four columns past its text (which
                    # kramdown keeps in the paragraph's line: a mark the serializer writes)
                    moved = _SPACES.format(top.old + 4)
                    region = [
                        moved + text
                        if _indent(lines[at]) < top.old and _KD_LIST.match(text)
                        else text
                        for at, text in enumerate(region, index)
                    ]
                    self.document.spaces = True
                if prev.strip():  # python-markdown's quote in an item needs a blank line before
                    self._no_blank(out)
                    out.append("")
                    block = len(out)
                out.extend(" " * top.new + text for text in self._quote(region))
                if (
                    quoted < len(lines)
                    and _MARKER.match(lines[quoted])
                    and _indent(lines[quoted]) >= top.old
                ):  # a list in the item after the quote, not the quote's lazy line (an item
                    # further left has its blank line from _item)
                    self._no_blank(out)
                    out.append("")
                    block = len(out)
                code = not_fence = False
                prev2, prev = lines[quoted - 2] if quoted - index > 1 else prev, lines[quoted - 1]
                continue
            if fence is not None:
                if closes_fence(line, fence, _container_column(line, fence_shift[0])):
                    fence = None
                    out.append(" " * fence_shift[1] + line.lstrip(" "))
                    definitions_at = fence_at
                    self.fence_closed = index if stack else -1
                    fence_end = index
                else:
                    out.append(_fence_shift(line, *fence_shift))
                prev2, prev = prev, line
                continue
            if definitions_at is not None:
                stripped = line.lstrip(" ")
                column = stack[-1].old if stack else 0  # (a lazy line's is less)
                if "]:" in line and _indent(line) < column + 4 and _DEFINITION_LINE.match(stripped):
                    # a link definition right after a fence (in its item, lazily or not):
                    # written before it, which is the same to kramdown; python-markdown would
                    # take the block after the fence apart there (a blank line kramdown has not)
                    moved = " " * stack[-1].new + stripped if stack else line
                    out.insert(definitions_at, moved)
                    definitions_at += 1
                    if self.fence_closed == index - 1:
                        self.fence_closed = index  # the next line is still right after it
                    continue
                definitions_at = None
            if index < table_end:  # kramdown's table takes it, a list marker or not
                out.append(_shift(line, stack[-1].old, stack[-1].new) if stack else line)
                prev2, prev = prev, line
                continue
            if "|" in line and not prev.strip():
                table_end = _table_end(lines, index, gfm=self.document.gfm_tables)
            if (
                not stack
                and (
                    _is_text(prev)
                    # pipes with a rule of stars or underscores under them: no table (kramdown's
                    # needs a block boundary after it), a paragraph
                    or (_PIPE_TEXT.match(prev) is not None and line.lstrip(" ")[:1] in "*_")
                )
                # a definition is a block of its own (unless under text: then escaped, text)
                and not (_DEFINITION_LINE.match(prev) and out and out[-1].lstrip(" ")[:1] != "\\")
                and _PARAGRAPH_RULE.match(line)
                and (prev2.strip() or not _SETEXT_UNDERLINE_AT_0.match(line))
            ):  # kramdown: no setext underline but after a blank line (and at the line's start:
                # `` ---`` is text), no rule in a paragraph
                line = _NOTHING + line
                self.document.no_blank = True
            if stack and _item_underline(line, stack) and _setext_item(out, prev, line):
                prev2, prev = prev, line.lstrip(" ")  # (an underline, at any indentation)
                continue
            tabbed = self.document.tabbed.get(line) if self.document.tabbed else None
            starts = not prev.strip() or _ATX_START.match(prev) or fence_end == index - 1
            if (
                tabbed is not None
                and not stack
                and _NO_BLOCK.match(tabbed)
                and (bare == index - 1 or (starts and not (code and prev.strip())))
            ):  # no block parser of kramdown's takes it: its text, bare (lines after it join it)
                self.document.no_blank = True
                code = False
                if bare == index - 1:
                    out.append(tabbed)
                    bare = index
                    prev2, prev = prev, line
                    continue
                line, bare = _BARE + tabbed, index
            if not stack and line.strip() and not self.footnote:
                if _indent(line) >= 4 and (code or not prev.strip() or _ATX_START.match(prev)):
                    code = True
                    if tabbed is not None and tabbed.startswith(("\t", "    ")):
                        # kramdown's code: one tab or four spaces off, the other tabs kept
                        line = "    " + tabbed[1 if tabbed[0] == "\t" else 4 :]
                elif code and prev.strip() and _lazy_code_line(line):
                    out[-1] += " " + line  # kramdown's codeblock.rb: the line joins the last
                    prev2, prev = prev, out[-1]
                    continue
                else:
                    code = False
            if line[:1] == "^" and not line[1:].strip():
                # kramdown's end-of-block marker: ends the paragraph, list or quote, writes nothing
                if len(stack) == 1 and not prev.strip() and _is_text(prev2):
                    # kramdown's list, ended by the marker, wraps its last item's paragraph in
                    # <p> when a blank line follows it (no exception for the last item)
                    at = next((i for i in range(len(out) - 1, -1, -1) if out[i].strip()), None)
                    if at is not None:
                        out[at] += _END_OF_LIST
                        self.document.no_blank = True
                if stack:
                    stack.clear()
                    self.kinds.clear()
                    self.ended = True  # a list right after is another list
                if prev.strip():
                    self._no_blank(out)
                    out.append("")
                prev2, prev = prev, ""
                continue
            match = _FENCE.match(line)
            was_not_fence, not_fence = not_fence, False
            base = stack[-1].old if stack else 0
            if stack and not line.strip():
                for open_item in stack:
                    open_item.first_chunk = False
            item = stack[-1] if stack else None
            if item is not None and not prev.strip() and _indent(line) < item.old:
                # after a blank line: the line is in the innermost item it is indented for
                item = next((it for it in reversed(stack) if it.old <= _indent(line)), None)
            olds = tuple(open_item.old for open_item in stack)
            if match and not _opens_fence(
                lines, index, base, unclosed, item, olds
            ):  # kramdown's text
                match, not_fence = None, True
                # kept from the fence preprocessor, which would take it for a fence (in a
                # container, or closed in another chunk of an item): the mark ends the line (a
                # code span across it keeps its spaces) and goes after parsing
                line += _NOTHING
                self.document.no_blank = True
            if match and prev.strip() and (was_not_fence or not _FENCE.match(prev)):
                _mark_no_blank(out, self.document, text=was_not_fence)  # a fence ends a paragraph
                self._no_table(out, block)
                out.append("")
            if self.footnote:
                # kramdown's footnote definition (CODEBLOCK_MATCH): its first line, then groups
                # of indented lines (a blank line before each), each with lazy lines after it;
                # its indented lines are no code
                if not line.strip():
                    self.footnote = "start"
                elif _indent(line) >= 4:
                    self.footnote = "lazy"
                elif self.footnote == "start":
                    self.footnote = None  # it ends (_KramdownFootnoteProcessor ends it too)
            before = stack[-1] if stack else None
            depth = len(stack)
            self.after_fence_text = was_not_fence
            if (
                (bare == index - 1 and line.strip())
                or (
                    not stack
                    and _IAL_LINE.match(prev)
                    and _is_text(prev2)
                    and _is_text(line)
                    and not _MARKER.match(line)
                    and not _DEFINITION_LINE.match(line)
                )
            ):  # (after bare text: a block of its own too) kramdown: an IAL line ends the paragraph (it is the paragraph's); the text
                # after it is another one, with no blank line between (python-markdown takes a
                # definition out of the block as it is)
                out.append("")
                written = list(self._line(line, prev, stack))
                if written and written[0].strip():  # (``line`` stays text for the next one)
                    written[0] = _mark_no_blank_before(written[0])
                    self.document.no_blank = True
            else:
                written = self._line(line, prev, stack)
            if stack:
                code = False  # (a list in a definition, indented: no code)
            if not stack and written and _FOOTNOTE_START.match(written[-1]):
                self.footnote = "start"
            if (
                stack
                and len(stack) < depth
                and stack[-1] is not before
                and written[0]
                and block < len(out)
                and _indent(out[block]) >= 4
                and _indent(written[0]) < 4
            ):  # an item of an outer list after a nested one's block that python-markdown
                # reads as indented (a nested list's item after a blank line): it would take
                # the item into the nested list without a blank line between them
                written = ["", *written]
            last = line  # the last line written (a quote the item opens with: its last line)
            if stack and stack[-1] is not before and _QUOTE_START.match(line, stack[-1].old):
                # an item that opens with a blockquote: the quote's lines, as in an item
                item = stack[-1]
                quoted = _quote_end(lines, index, item.old, nested=True)
                region = [line[item.old :]]
                region += [
                    text[min(_indent(text), item.old) :] for text in lines[index + 1 : quoted]
                ]
                inner = self._quote(region)
                marker = _MARKER.match(written[-1])
                assert marker is not None  # the item's first line, as _item writes it
                written[-1] = written[-1][: marker.end()] + inner[0]
                # at the marker's column: python-markdown keeps an item's indented lines as
                # they are (its blockquote would not see their ">")
                written += [" " * (item.new - 4) + text for text in inner[1:]]
                last = lines[quoted - 1]
            elif stack and stack[-1] is not before and "$$" in line:
                self._math_item(written, lines, index, stack[-1].old)
            elif not stack and "$$" in line and written[-1] == line:
                definition = _DEFINITION_START.match(line)
                if definition is not None:
                    self._math_item(written, lines, index, definition.end())
            elif (
                stack
                and stack[-1] is before
                and not prev.strip()
                and _is_text(prev2)
                and _indent(line) >= stack[-1].old
                and _DEFINITION_LINE.match(line.lstrip(" "))
            ):  # kramdown's link definition leaves an element in the item (an :eob): its
                # paragraph before the blank line is no last item's bare text
                at = next((i for i in range(len(out) - 1, -1, -1) if out[i].strip()), None)
                if at is not None:
                    out[at] += _END_OF_LIST
                    self.document.no_blank = True
            if len(written) > 1 and written[0] == "":  # a blank line only python-markdown needs
                _mark_no_blank(out, self.document, text=was_not_fence)
            if (
                _FENCE.match(prev)
                and not was_not_fence
                and not _IAL_LINE.match(line)
                and not _HTML_MARK_RE.match(line)
            ):
                # right after a fence: a block of its own for python-markdown, with no blank
                first = next((i for i, text in enumerate(written) if text.strip()), None)
                if first is not None:
                    written = list(written)
                    written[first] = _mark_no_blank_before(written[first])
                    if not first:
                        written.insert(0, "")
                    self.document.no_blank = True
            if not_fence and _FENCE.match(written[-1]):
                # text to kramdown: the fence preprocessor must not open a fence there (and
                # take the fences after it for its code)
                written[-1] += _NOTHING  # (at the end: "~~" at its start stays no strikethrough)
                self.document.no_blank = True
            if "" in written:
                block = len(out) + len(written) - written[::-1].index("")
            out.extend(written)
            lazy = bool(match and stack and prev.strip() and _indent(line) < stack[-1].old)
            if match and (not stack or lazy or _indent(line) >= stack[-1].old or not prev.strip()):
                fence = match.group("fence")
                # (a lazy line's fence goes into the item too)
                fence_shift = (tuple(item.old for item in stack), stack[-1].new if stack else 0)
                if not stack and self.definition and written[-1].startswith("    "):
                    # in a definition (lazily or not): its lines lose the definition's
                    # indentation where they have it, as list.rb's definitions do
                    fence_shift = ((self.definition_indent,), 4)
                # kramdown keeps the code's indentation in its container; python-markdown's
                # fences take the opening line's off: so the fence lines go to the container's
                at = next((i for i in range(len(out) - 1, -1, -1) if out[i].strip()), None)
                opening = out[at].lstrip(" ") if at is not None else ""
                if at is not None and _FENCE.match(opening):
                    out[at] = " " * fence_shift[1] + opening
                fence_at = at
            prev2, prev = (prev, line) if last is line else (lines[quoted - 2], last)
        return out

    def _quote(self, lines: list[str]) -> list[str]:
        """kramdown's blockquote: its lines without their ``>`` (lazy lines as they are) parsed
        as a document of their own: so they go through the block HTML and line preprocessors
        here (a list or HTML block inside it, a lazy line's rules), then get ``>`` back."""
        inner = [_QUOTE_MARK.sub("", line, count=1) for line in lines]
        inner = self.md.preprocessors["bs_html"].run(inner, source=False)  # type: ignore[call-arg]
        inner = _KramdownLinesPreprocessor(self.md, self.document).run(inner)
        return [f"> {line}" if line else ">" for line in inner]

    def _math_item(self, written: list[str], lines: list[str], index: int, column: int) -> None:
        """An item (or a definition) whose text, from ``column``, is a ``$$...$$`` line alone
        (the item ends after it): kramdown's math block, stashed here (the math preprocessor
        sees only blocks at a line's start)."""
        content = lines[index][column:].strip()
        if len(content) < 4 or not (content.startswith("$$") and content.endswith("$$")):
            return
        after = lines[index + 1] if index + 1 < len(lines) else ""
        ends = (_MARKER.match(after) and _indent(after) < column) or _DEFINITION_START.match(after)
        if after.strip() and not ends:
            return  # more of the item's text: a paragraph with inline math
        math = self.md.preprocessors["bs_math"]
        assert isinstance(math, _MathBlockPreprocessor)
        head = _MARKER.match(written[-1]) or _DEFINITION_START.match(written[-1])
        assert head is not None  # the item's (the definition's) first line, as written
        written[-1] = written[-1][: head.end()] + math._stash(content[2:-2])

    def _as_text(self, definition: str) -> str:
        """A link or abbreviation definition's line kept from python-markdown's block patterns
        (kramdown's paragraph text): its ``[`` a link's still, an abbreviation's ``*`` text."""
        if definition[:1] == "*":
            return "\\" + definition
        self.document.no_blank = True
        return _NOTHING + definition

    def _no_table(self, out: list[str], block: int) -> None:
        """The paragraph in ``out[block:]``, right before a fence: no table for kramdown
        (whose table must end at a block boundary), though python-markdown sees it end there.
        A mark opens its text (after an item's marker), which the table processor refuses."""
        # (the paragraph starts at its item's marker, when an item opened after the blank line)
        start = next(
            (
                i
                for i in range(len(out) - 1, block - 1, -1)
                if _MARKER.match(out[i]) and not _HR.match(out[i])
            ),
            block,
        )
        if start >= len(out) or not any("|" in text for text in out[start:]):
            return
        block, first = start, out[start]
        marker = _MARKER.match(first)
        at = marker.end() if marker and not _HR.match(first) else _indent(first)
        if not _is_text(first[at:]) or _DEFINITION_LINE.match(first, at):
            return  # (no paragraph; or definitions, which python-markdown takes off first)
        self.document.no_blank = True
        out[block] = first[:at] + _NOTHING + first[at:]

    def _no_blank(self, out: list[str]) -> None:
        _mark_no_blank(out, self.document)

    def _line(self, line: str, prev: str, stack: list[_ListItem]) -> list[str]:
        rule_text, self.rule_text = self.rule_text, False
        lazy_definition = self.lazy_definition  # the line before: a definition made text
        if not line.strip():
            return [line]
        indent = _indent(line)
        marker = _MARKER.match(line)
        if stack and not prev.strip() and _HR.match(line) and stack[0].kind != "dd":
            # kramdown's list ends at a rule after a blank line (indented up to three spaces)
            stack.clear()
            self.kinds.clear()
            return [line.lstrip(" ")]
        if stack and stack[0].kind == "dd" and _DEFINITION_START.match(line):
            stack.clear()  # the next definition ends the lists in this one
            self.kinds.clear()
            written = self._line(line, prev, stack)  # (python-markdown: a block of its own)
            if written[0] == "" or not prev.strip():
                return written
            # its text bare, as after the definition's text (the blank is python-markdown's)
            start = _DEFINITION_START.match(written[0])
            at = len(written[0]) - len(written[0][start.end() if start else 0 :].lstrip(" \t"))
            self.document.no_blank = True
            return ["", written[0][:at] + _NO_BLANK_BEFORE + written[0][at:], *written[1:]]
        if (
            marker
            and not stack
            and self.definition
            and not _HR.match(line)
            and (indent >= self.definition_indent or _is_text(prev))
        ):  # kramdown's definition is parsed as a list item's text: a list marker after its
            # text (lazily, or at its indentation) opens a list in it, not after the list
            stack.append(_ListItem(self.definition_indent, 4, "dd"))
            written = self._item(line, prev, marker, stack)
            return written if written[0] == "" or not prev.strip() else ["", *written]
        if marker and not _HR.match(line) and (stack or indent < 4):
            if not (stack and 4 <= indent - stack[-1].old < 10 and _is_text(prev)):
                return self._item(line, prev, marker, stack)
            # four columns past the item's text: no marker (kramdown's LIST_START allows three),
            # the paragraph's text with its indentation
            self.document.spaces = True
            extra = indent - stack[-1].old
            return [" " * stack[-1].new + _SPACES.format(extra) + line.lstrip(" ")]
        if not stack and (self.definition or ":" in line[:4]):
            lazy = self._definition_line(line, prev, indent)
            if lazy is not None:
                return lazy
        if (
            not stack
            and indent < 4
            and "]:" in line
            and _DEFINITION_LINE.match(line)
            and (_is_text(prev, held=True) or _PIPE_TEXT.match(prev) or self.after_fence_text)
            and (self.lazy_definition or not _DEFINITION_LINE.match(prev))
        ):  # kramdown: a definition right under a paragraph's line is more of its text
            self.lazy_definition = True
            return [line[:indent] + self._as_text(line[indent:])]
        if (
            stack
            and 0 <= indent - stack[-1].old < 4
            and "]:" in line
            and _DEFINITION_LINE.match(line, stack[-1].old)
            and _is_text(prev, held=True)
            and (self.lazy_definition or not _DEFINITION_LINE.match(prev.lstrip(" ")))
        ):  # the same in a list item (its text at the item's column)
            self.lazy_definition = True
            kept_spaces = line[stack[-1].old : indent]
            return [" " * stack[-1].new + kept_spaces + self._as_text(line[indent:])]
        self.lazy_definition = False
        if _IAL_LINE.match(line) and prev.strip():
            stripped = prev.strip()
            if stack and indent < stack[-1].old and indent < 4:  # ends the list: it is the list's
                while stack and indent < stack[-1].old:
                    stack.pop()
                if not stack:
                    self.kinds.clear()
                return ["", _shift(line, stack[-1].old, stack[-1].new) if stack else line]
            if stripped.startswith((">", "#", "|", "```", "~~~")) or stripped.endswith(
                ("```", "~~~")
            ):
                return ["", _shift(line, stack[-1].old, stack[-1].new) if stack else line]
        if (
            stack
            and prev.strip()
            and indent < min(stack[-1].old, 4)
            and line[indent] == "<"
            and not _lazy_code_line(line)
        ):  # a block tag's line is no lazy line (kramdown's list's lazy_re): it ends the list
            stack.clear()
            self.kinds.clear()
            return ["", line]
        if stack and prev.strip() and indent < stack[-1].old and _header_line(prev):
            # a lazy line after an item's header: the item's next block (python-markdown's
            # list would leave a less indented line to the header's tail)
            return [" " * stack[-1].new + line.lstrip(" ")]
        if (
            stack
            and prev.strip()
            and indent < stack[-1].old
            and (rule_text or _PIPE_TEXT.match(prev))
            and _REFERENCE_LINE.match(line)
        ):  # (a lazy line after a line of pipes, no table, or a rule's, as the line before)
            return [" " * stack[-1].new + self._as_text(line.lstrip(" "))]
        if (
            stack
            and prev.strip()
            and indent < stack[-1].old
            and not _FENCE.match(line)
            and not _HTML_MARK_RE.match(line)
            and _is_text(prev)
        ):  # kramdown's lazy line: any line after an item's text is more of it (a link
            # definition too, as text; a rule is text; a header a block of the item's)
            if line[indent : indent + 1] == "<" and not _is_text(line):  # a tag ends the list
                stack.clear()
                self.kinds.clear()
                return ["", line]
            if _REFERENCE_LINE.match(line, indent):  # (indented or not: text)
                if _DEFINITION_LINE.match(prev.lstrip(" ")) and not lazy_definition:
                    return [" " * stack[-1].new + line.lstrip(" ")]  # a definition after one
                self.lazy_definition = True
                kept = _lazy_spaces(indent, stack)
                if 0 < kept < 10:
                    self.document.spaces = True
                    spaces = _SPACES.format(kept)
                    return [" " * stack[-1].new + spaces + self._as_text(line.lstrip(" "))]
                return [" " * stack[-1].new + self._as_text(line.lstrip(" "))]
            if _PARAGRAPH_RULE.match(line):
                self.document.no_blank = self.rule_text = True
                return [" " * stack[-1].new + _NOTHING + line.lstrip(" ")]
            if _ATX_START.match(line):
                return ["", " " * stack[-1].new + _mark_no_blank_before(line.lstrip(" "))]
        if stack and indent < stack[-1].old and self.fence_closed == self.index - 1:
            # kramdown's lazy line right after an item's fence: more of the item
            return [" " * stack[-1].new + line.lstrip(" ")]
        if stack and not prev.strip() and indent < stack[-1].old:
            while stack and indent < stack[-1].old:
                stack.pop()
            if not stack:
                self.kinds.clear()
                self.definition = False  # (a definition's list ended: so did the definition)
                if indent >= 4:
                    # kramdown's list ends at a line less indented than its item's text (an
                    # item's text may start past column 4): indented code after it, where
                    # python-markdown would take the line into the item
                    self.document.breaks = True
                    return [_LIST_BREAK, "", line]
                # kramdown's list ends here; python-markdown, with a definition removed, would
                # take a list after it for more of this one
                self.ended = bool(_DEFINITION_LINE.match(line))
            elif _DEFINITION_LINE.match(line):  # the same in an item: a list after it is new
                self.kinds[len(stack)] = ""
        elif not stack and not _DEFINITION_LINE.match(line):
            self.ended = False
        if stack:
            top = stack[-1]
            # kramdown strips each enclosing item's indentation the line has
            outer = next((item.old for item in reversed(stack) if item.old <= indent), 0)
            extra = indent - outer
            if outer == top.old == indent and _is_text(prev) and _STAR_RULE.match(line, indent):
                # a rule's characters under the item's text: more of it (as a lazy line's)
                self.document.no_blank = self.rule_text = True
                return [" " * top.new + _NOTHING + line[outer:]]
            if outer == top.old == indent and _ATX_START.match(line[outer:]) and _is_text(prev):
                # GFM's header (at the item's column) ends its paragraph: a block of the item's
                return ["", " " * top.new + _mark_no_blank_before(line[outer:])]
            if 0 < extra < 4 and _is_text(prev) and (_is_text(line) or line[indent] == "#"):
                # A paragraph's next line keeps what kramdown keeps of its indentation (python-
                # markdown's would depend on the item's blocks): a mark the serializer writes.
                self.document.spaces = True
                return [" " * top.new + _SPACES.format(extra) + line.lstrip(" ")]
            if (
                extra == 0
                and line[indent] in "*_"
                and (rule_text or _is_text(prev))
                and _PARAGRAPH_RULE.match(line[outer:])
            ):  # a rule's characters after an item's text: more of its paragraph to kramdown,
                # so a lazy link definition after them is text too
                self.rule_text = True
            return [_shift(line, top.old, top.new)]
        return [line]

    def _definition_line(self, line: str, prev: str, indent: int) -> list[str] | None:
        """kramdown's lazy line in a definition: a text line (or a ``:`` line that starts no
        definition) right after the definition's text is more of it; python-markdown would
        start a new term, or a paragraph after the list: indented, it is the definition's."""
        start = _DEFINITION_START.match(line)
        if start:
            self.definition = True
            after = len(line) - len(line[start.end() :].lstrip(" "))
            self.definition_indent = after if after - start.end() < 3 else start.end()
            content = line[start.end() :]
            ial = _LIST_ITEM_IAL.match(content) if "{:" in content[:4] else None
            if ial is not None:  # the definition's own attributes, as an item's
                self.document.item_ials.append("{:" + ial.group(1) + "}")
                self.document.no_blank = True
                mark = _ITEM_IAL.format(len(self.document.item_ials) - 1)
                return [line[: start.end()] + mark + content[ial.end() :]]
        elif not prev.strip():
            self.definition = indent >= self.definition_indent
        elif self.definition and indent < 4:
            stripped = line.lstrip(" ")
            tag = _LAZY_END_TAG.match(stripped)
            if tag and tag.group(1).lower() not in SPAN_ELEMENTS:  # ends the definition list
                self.definition = False
                return ["", line]
            if _ATX_START.match(prev) and stripped[0] != ":":  # after a header: a block
                self.document.no_blank = True
                return ["", "    " + _mark_no_blank_before(stripped)]
            if (
                stripped[0] == ":"
                or tag
                or _is_text(line)
                or _ATX_START.match(stripped)
                or _FENCE.match(stripped)
            ):  # (a header or a fence: a block of the definition's)
                return ["    " + _lazy_text(stripped)]
        if self.definition and not start and indent > 0 and indent >= self.definition_indent:
            stripped = line.lstrip(" ")
            if _is_text(prev):
                stripped = _lazy_text(stripped)
            return [" " * (4 + indent - self.definition_indent) + stripped]
        return None

    def _item(
        self, line: str, prev: str, marker: re.Match[str], stack: list[_ListItem]
    ) -> list[str]:
        indent = _indent(line)
        starts_list = not stack
        # A sibling after a continuation line: python-markdown would take it as more text.
        after_text = bool(stack) and indent < stack[-1].old and not _MARKER.match(prev)
        kind = "ul" if marker.group("marker") in "*+-" else "ol"
        nested = False
        after_fence = self.fence_closed == self.index - 1
        after_header = bool(prev.strip()) and _header_line(prev)
        html_item = prev.startswith("\x02bshtml", _marker_end(prev))  # an item of block HTML
        if (
            stack
            and indent < stack[-1].old
            and (_is_text(prev) or after_fence or after_header or html_item)
        ):
            # kramdown's lazy line: a marker of another list's type right after an item's text
            # (or its fence, or its header) is more of the item (a list in it), unless an
            # enclosing list has its type
            first = next(i for i, item in enumerate(stack) if indent < item.old)
            level = next((i for i in range(first, len(stack)) if stack[i].kind == kind), None)
            if level is None:
                after_text = False
            else:  # a sibling in that list
                del stack[level:]
            nested = True
        while stack and indent < stack[-1].old and not nested:
            if stack[-1].kind == "dd":
                if prev.strip():
                    break  # a lazy line of the definition's (kramdown's definition is an item)
                self.definition = False
            stack.pop()
        space = len(marker.group("space")) or 1
        if space > 4:
            space = 1
        old = indent + len(marker.group("marker")) + space
        new_indent = stack[-1].new if stack else 0
        depth = len(stack)
        switched = self.kinds.get(depth, kind) != kind
        self.kinds = {d: k for d, k in self.kinds.items() if d < depth}
        self.kinds[depth] = kind
        item = _ListItem(old, new_indent + 4, kind)
        item.first_chunk = not _KD_LIST.match(line[marker.end() :].lstrip(" "))
        if stack and indent >= stack[-1].old:  # a nested list: the enclosing item's next chunk
            stack[-1].first_chunk = False
        stack.append(item)
        content = line[marker.end() :]
        ial = _LIST_ITEM_IAL.match(content) if "{:" in content[:4] else None
        if ial is not None:  # the item's own attributes (the tree processor sets them)
            self.document.item_ials.append("{:" + ial.group(1) + "}")
            self.document.no_blank = True
            content = _ITEM_IAL.format(len(self.document.item_ials) - 1) + content[ial.end() :]
        text = " " * new_indent + marker.group("marker") + " " + content
        if starts_list and self.ended:
            switched, self.ended = True, False
        if switched:  # kramdown starts a new list; python-markdown needs a block between
            self.document.breaks = True
            return ["", " " * new_indent + _LIST_BREAK, "", text]
        # (a line that opens with "<" is text by now: block HTML is a mark, _HtmlBlockProcessor's)
        blank = starts_list and prev.strip() and not prev.lstrip().startswith("\x02bshtml")
        # a nested list right after a later paragraph of the item (not its first line's):
        # python-markdown's indented block would keep the marker in the paragraph
        later = len(stack) > 1 and indent >= stack[-2].old and not _MARKER.match(prev)
        blank = blank or (later and (_is_text(prev) or self.after_fence_text))
        return ["", text] if blank or (after_text and prev.strip()) else [text]


def _marker_end(line: str) -> int:
    """Where a list item's marker (and its spaces) ends on ``line``; -1 if it has none."""
    marker = _MARKER.match(line)
    return marker.end() if marker else -1


def _lazy_text(line: str) -> str:
    """A line that is more of a paragraph's text: a link, footnote or abbreviation definition
    (which in kramdown cannot interrupt a paragraph) escaped from python-markdown's."""
    return "\\" + line if _DEFINITION_LINE.match(line) else line


def _header_line(line: str) -> bool:
    """A header's line in a list item: ATX (after the marker or not) or a setext underline."""
    if _SETEXT_LINE.match(line):
        return True
    marker = _MARKER.match(line)
    return bool(_ATX_START.match(line[marker.end() :] if marker else line))


def _lazy_spaces(indent: int, stack: list[_ListItem]) -> int:
    """The spaces kramdown keeps of a lazy line's ``indent`` in the innermost item: each list
    takes its item's indentation off the line when the line has that much left."""
    kept = indent
    outer = 0
    for item in stack:
        width = item.old - outer
        if kept >= width:
            kept -= width
        outer = item.old
    return kept


def _quote_end(
    lines: list[str],
    start: int,
    item: int = 0,
    nested: bool = False,
    lists: Sequence[_ListItem] = (),
) -> int:
    """The end of the blockquote that starts at ``lines[start]``: kramdown's quote takes every
    line up to its LAZY_END (a blank line, an IAL, an end-of-block marker, block HTML). In a
    list item (its content at column ``item``), a list marker left of that column ends it too
    (kramdown's list reads the next item before a lazy line), and one at it while the item has
    had no blank line (``nested``: kramdown's list starts a nested list's text there). Given
    the open items (``lists``), a marker left of the column of a type no enclosing list has is
    a lazy line, more of the quote."""
    end = start + 1
    while end < len(lines):
        line = lines[end]
        if not line.strip() or _IAL_LINE.match(line) or not _lazy_code_line(line):
            break
        marker = _MARKER.match(line) if item else None
        if marker and not _HR.match(line):
            indent = _indent(line)
            kind = "ul" if marker.group("marker") in "*+-" else "ol"
            if (
                indent < item and lists and all(it.kind != kind for it in lists if indent < it.old)
            ):  # another type's marker: no sibling of an enclosing item, a lazy line
                end += 1
                continue
            if indent < item or (nested and indent < item + 4):
                break
        end += 1
    return end


def _table_end(lines: list[str], start: int, *, gfm: bool = False) -> int:
    """After the table kramdown reads from ``lines[start]`` (after a blank line): its end, or
    0. Its first line is not a list item, rule, header, quote or fence (parsed before tables).
    ``gfm``: only lines with a delimiter row second are a table (``_Document.gfm_tables``)."""
    first = lines[start]
    if _indent(first) > 3 or not _TABLE_LINE.match(first) or _KD_LIST.match(first):
        return 0
    if gfm and not (start + 1 < len(lines) and _GFM_DELIMITER_ROW.match(lines[start + 1])):
        return 0
    if _HR.match(first) or _ATX_START.match(first) or _FENCE.match(first) or ">" in first[:4]:
        return 0
    end = start + 1
    while end < len(lines) and _TABLE_LINE.match(lines[end]):
        end += 1
    if end < len(lines) and not _TABLE_END.match(lines[end]):
        return 0
    return end if _pipe_on_line("\n".join(lines[start:end])) else 0


# kramdown's LAZY_END_HTML_START/STOP: a tag (not a span element's) ends a lazy paragraph
_LAZY_END_TAG = re.compile(r"</?([A-Za-z][\w:.-]*)")
_QUOTE_START = re.compile(r"[ ]{0,3}>")
_QUOTE_MARK = re.compile(r"^[ ]{0,3}> ?")  # kramdown's BLOCKQUOTE_START, taken off its lines
_DEFINITION_START = re.compile(r"[ ]{0,3}:[ \t|]")  # kramdown's DEFINITION_LIST_START
# A line that opens with a pipe, met by _line: a table's lines were taken before (_table_end),
# so it is paragraph text (kramdown's table needs a block boundary after its lines)
_PIPE_TEXT = re.compile(r"[ ]*\|")
_REFERENCE_LINE = re.compile(r"[ ]{0,3}\[[^\]]+\]:")
_FOOTNOTE_START = re.compile(r"[ ]{0,3}\[\^\w[\w-]*\]:")  # kramdown's FOOTNOTE_DEFINITION_START
_DEFINITION_LINE = re.compile(r"[ ]{0,3}(?:\[[^\]]+\]|\*\[[^\]]+\]):")  # links, abbreviations


_LAZY_CODE_END = re.compile(r"[ ]{0,3}(?:\{:(?![:/])|\^[ \t]*$|</?(?P<tag>[A-Za-z][\w:.-]*))")


def _lazy_code_line(line: str) -> bool:
    """Whether ``line``, right after indented code, is more of it (kramdown's CODEBLOCK_MATCH:
    any line but an IAL, an end-of-block marker, or an HTML tag that is not a span's)."""
    if _HTML_MARK_RE.match(line):
        return False
    end = _LAZY_CODE_END.match(line)
    if end is None:
        return True
    tag = end.group("tag")
    return tag is not None and tag.lower() in _LAZY_SPAN_TAGS


_LAZY_SPAN_TAGS = SPAN_ELEMENTS | {"script"}  # kramdown's LAZY_END_HTML_SPAN_ELEMENTS


class _ItemEnd:
    """Where a list item's chunk of text ends, line by line: kramdown's list.rb parses an item's
    text in chunks (the first ends at the first nested list's line, unless a blank line came
    first), and the item ends at a line indented less than its text after a blank line, or at
    a sibling's marker; a fence cannot close past either."""

    __slots__ = ("blank", "first", "item")

    def __init__(self, item: _ListItem) -> None:
        self.item = item
        self.first = item.first_chunk
        self.blank = False

    def ends(self, text: str) -> bool:
        """Whether ``text``, the next line, is past the chunk."""
        if not text.strip():
            self.first, self.blank = False, True
            return False
        item = self.item
        indent = _indent(text)
        if indent >= item.old:
            return self.first and _KD_LIST.match(text[item.old :]) is not None
        if self.blank:
            return True
        marker = _MARKER.match(text)
        return marker is not None and (marker.group("marker") in "*+-") == (item.kind == "ul")


def _opens_fence(
    lines: list[str],
    index: int,
    base: int,
    unclosed: dict[str, tuple[int, int]],
    item: _ListItem | None = None,
    olds: tuple[int, ...] | None = None,
) -> bool:
    """Whether ``lines[index]`` opens a fenced code block for kramdown (FENCED_CODEBLOCK_MATCH):
    a fence indented at most three columns past ``base`` (its container's), with at most one
    word after it, and a line further on (in the chunk of ``item``'s text it is in) that closes
    it (else the line is paragraph text). ``unclosed`` remembers, per fence, the lines from
    which none closes it before where the search stopped (the same for an opening between).
    ``olds``: the columns of the list items it is in (a closing line's indentation counts from
    the item's column it has, as list.rb takes it off); without them, from the opening's."""
    line = lines[index]
    indent = _indent(line)
    opening = _FENCE_OPENING.match(line, indent)
    if opening is None or indent > base + 3:
        return False
    fence = opening.group("fence")
    key = f"{indent} {fence}"
    span = unclosed.get(key)
    if span is not None and span[0] <= index < span[1]:
        return False
    char = fence[0]
    chunk = _ItemEnd(item) if item is not None else None
    for later in range(index + 1, len(lines)):
        text = lines[later]
        if chunk is not None and chunk.ends(text):
            unclosed[key] = (index, later)
            return False
        column = indent if olds is None else _container_column(text, olds)
        if char in text and closes_fence(text, fence, column):
            return True
    unclosed[key] = (index, len(lines))
    return False


def _item_underline(line: str, stack: list[_ListItem]) -> bool:
    """A setext underline for an item's text: kramdown strips each enclosing item's indentation
    the line has (a lazy line keeps its own) and takes ``-``/``=`` only at the column left."""
    indent = _indent(line)
    if not _SETEXT_LINE.match(line[indent:]):
        return False
    return indent == next((item.old for item in reversed(stack) if item.old <= indent), 0)


def _setext_item(out: list[str], prev: str, line: str) -> bool:
    """An underline right after an item's first line (kramdown takes it into the item, lazily
    or not): the item's text is a setext header, written for python-markdown as an ATX one."""
    marker = _MARKER.match(prev)
    if marker is None or _HR.match(prev) or not _is_text(prev) or not out:
        return False
    written = out[-1]
    opened = _MARKER.match(written)
    text = written[opened.end() :] if opened else ""
    if opened is None or text.replace(_NO_BLANK_BEFORE, "").strip() != prev[marker.end() :].strip():
        return False
    level = "#" if line.strip()[0] == "=" else "##"
    out[-1] = f"{written[: opened.end()]}{level} {written[opened.end() :]}"
    return True


def _is_text(line: str, *, held: bool = False) -> bool:
    """A line that is paragraph text (in a list item: its marker may open it). ``held``: the
    line is in a paragraph already (the line before another): a ``<`` that writes no block tag
    (``<s x</s>``) is its text, where as the next line it would end the paragraph."""
    stripped = line.strip()
    if not stripped or _HR.match(line) or _SETEXT_LINE.match(line) or _FENCE.match(line):
        return False
    marker = _MARKER.match(line)
    if marker:
        stripped = line[marker.end() :].strip()
    if stripped[:1] == "<" and not marker:  # not block HTML (a marker by now): text unless a
        # tag ends it (an item's first line is its text: block HTML there is parsed with it)
        tag = (TAG_RE if held else _LAZY_END_TAG).match(stripped)
        return tag is None or tag.group(1).lower() in SPAN_ELEMENTS
    if stripped[:1] == "#":  # a header's hashes (GFM's: a space or a tab after them)
        return not _HEADER_HASHES.match(stripped)
    if stripped[:1] == "{":  # an IAL, ALD or extension, or text
        return stripped[1:2] != ":"
    return bool(stripped) and stripped[0] not in "|>\x02" and not _FENCE.match(stripped)


_HEADER_HASHES = re.compile(r"#{1,6}[ \t]")  # GFM ATX_HEADER_START
_TASK_BOX = re.compile(r"\[[ xX]\][ \t]+")


def _mark_no_blank_before(line: str) -> str:
    """``line`` marked: the blank line before it is not kramdown's (for the block it opens).
    A fence's opening line takes the mark at its end (the fence preprocessor moves it)."""
    if _FENCE.match(line):
        return line + _NO_BLANK_BEFORE
    quote = _QUOTE_PREFIX.match(line)
    if quote:
        return quote.group() + _mark_no_blank_before(line[quote.end() :])
    marker = _MARKER.match(line)
    if marker and not _HR.match(line):
        at = marker.end()
        box = _TASK_BOX.match(line, at)  # the task list's box stays first
        if box:
            at = box.end()
    else:  # (a header in a list item: python-markdown's indentation before it)
        indent = _indent(line)
        atx = _ATX_START.match(line[indent:] if indent else line)
        at = indent + atx.end() if atx else indent
    return line[:at] + _NO_BLANK_BEFORE + line[at:]


def _mark_no_blank(out: list[str], document: _Document, *, text: bool = False) -> None:
    """Mark the last line written: the blank line about to follow is not kramdown's (``text``:
    the line looks like a fence and is paragraph text)."""
    if not out or not out[-1].strip():
        return
    if out[-1].lstrip(" >") == "":
        return  # (an empty quote line: the mark would be a paragraph in the quote)
    if not text and _FENCE.match(_QUOTE_PREFIX.sub("", out[-1], 1) if ">" in out[-1] else out[-1]):
        return  # (a fence's closing line, in a quote too: the mark would keep it open)
    document.no_blank = True
    if _IAL_LINE.match(out[-1]):  # kept apart for the IAL preprocessor
        indent = _indent(out[-1])
        out[-1] = out[-1][:indent] + _NO_BLANK + out[-1][indent:]
        return
    if _SETEXT_LINE.match(out[-1]) and len(out) > 1 and out[-2].strip():
        out[-2] += _NO_BLANK  # into the header's text
        return
    if _HR.match(out[-1]):  # no text to hold the mark (python-markdown would see no rule)
        return
    atx = _ATX_START.match(out[-1])
    if atx:  # before the header's text, clear of its closing hashes
        out[-1] = out[-1][: atx.end()] + _NO_BLANK + out[-1][atx.end() :]
        return
    out[-1] += _NO_BLANK


_HTML_MARK = "\x02bshtml:{}\x03"
# A line of spaces after another line, emptied: "\n" + spaces before "\n" (not a lookbehind,
# which the engine tries at every position of the text).
_WHITESPACE_LINE = re.compile(r"\n +(?=\n)")
_TRAILING_SPACE = re.compile(r"\n[ \t\n]*$")
# a list item's marker before block HTML (the HTML parser says whether it is a block)
_ITEM_HTML = re.compile(r"[ ]*(?:[*+-]|\d+\.|:)[ ]{1,4}(?=<)")
_HTML_MARK_RE = re.compile("^[ ]{0,3}\x02bshtml:(\\d+)\x03")


class _HtmlBlockPreprocessor(Preprocessor):
    """kramdown's block HTML: each block is parsed (``_html``) and left as one marker line for
    ``_HtmlBlockProcessor``; the markdown inside ``markdown="1"`` elements is preprocessed here
    like the document (by this and the preprocessors after it) and parsed with it."""

    def __init__(self, md: markdown.Markdown, document: _Document) -> None:
        super().__init__(md)
        self.document = document

    def run(self, lines: list[str], *, source: bool = True) -> list[str]:
        """python-markdown's whitespace clean-up (which replaces its own, as raw HTML does not
        get it in kramdown: tabs and blank lines stay), with the HTML blocks taken out. Not
        ``source``: the lines of a blockquote, preprocessed (the marks in them are ours)."""
        text = "\n".join(lines)
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        if source and ("\x02" in text or "\x03" in text):  # no placeholders from the source
            text = text.replace("\x02", "").replace("\x03", "")
        lines = text.split("\n")
        if "<" in text:  # kramdown's source: one newline at its end (``adapt_source``)
            lines = self._html_blocks(lines, (text[:-1] if text[-1:] == "\n" else text) + "\n")
        if "\t" in text:
            lines = _expand_tabs(lines, self.md.tab_length, self.document.tabbed)
        text = "\n".join(lines)
        if _WHITESPACE_LINE.search(text):
            if "```" in text or "~~~" in text:
                text = "\n".join(_empty_blank_lines(lines))
            else:
                text = _WHITESPACE_LINE.sub("\n", text)
        # No blank line after the last block unless the source has one (kramdown keeps it).
        end = _TRAILING_SPACE.search(text)
        if end is not None:
            blank = end.group().count("\n") >= 2
            text = text[: end.start()] + ("\n\n" if blank else "")
        return text.split("\n")

    def _html_blocks(self, lines: list[str], text: str) -> list[str]:
        starts = [0]
        for line in lines:
            starts.append(starts[-1] + len(line) + 1)
        out: list[str] = []
        fence: str | None = None
        fence_indent = 0
        unclosed: dict[str, tuple[int, int]] = {}
        index = 0
        while index < len(lines):
            line = lines[index]
            if fence is not None:
                if closes_fence(line, fence, fence_indent):
                    fence = None
                out.append(line)
                index += 1
                continue
            opening = _FENCE.match(line)
            if opening and _indent(line) < 4 and _opens_fence(lines, index, 0, unclosed):
                fence, fence_indent = opening.group("fence"), _indent(line)
            parsed = None
            item = None  # a list item whose text opens with the block HTML: its marker
            if "<" in line and BLOCK_START.match(line) and not _script_in_paragraph(line, out):
                parsed = _html_block(text, starts[index])
            elif (
                "<" in line
                and (item := _ITEM_HTML.match(line)) is not None
                and (_indent(line) < 4 or (out and out[-1].strip()))  # (not indented code)
            ):
                parsed = _item_html_block(lines, index, item.end(), starts)
            if parsed is None:
                out.append(line)
                index += 1
                continue
            block, end = parsed
            for part in block.markdown:
                if part.block:
                    part.text = "\n".join(self._inner(part.text.split("\n")))
            self.document.html_blocks.append(block)
            mark = " " * _indent(line) + _HTML_MARK.format(len(self.document.html_blocks) - 1)
            if item is not None:  # kramdown parses the item's text as a document: its block
                mark = line[: item.end()] + mark.lstrip(" ")
            elif out and out[-1].strip() and not _HTML_MARK_RE.match(out[-1]):
                if _FENCE.match(out[-1]):  # the fence's line cannot take the mark
                    mark += _NO_BLANK_BEFORE
                _mark_no_blank(out, self.document)
                out.append("")
            out.append(mark)
            index = bisect.bisect_right(starts, end) - 1
            if index < len(lines) and end > starts[index]:  # the line goes on after the HTML
                rest = text[end : starts[index + 1] - 1]
                if rest.strip() and _IAL_LINE.match(rest):  # a block IAL: a line of its own
                    self.document.no_blank = True  # (the blank line before it is not kramdown's)
                    ial = " " * (item.end() if item else 0) + _NO_BLANK + rest.lstrip(" ")
                    out.extend(["", ial])
                elif rest.strip() and item is not None:  # the item's next block
                    out.append(" " * item.end() + rest.lstrip(" "))
                elif rest.strip():
                    out.append(rest)
                elif block.nodes and block.nodes[-1].tag in ("script", "style"):
                    out.append("")  # kramdown does not take the rest of their line: a blank line
                    if index + 1 == len(lines):
                        out.append("")
                index += 1
        return out

    def _inner(self, lines: list[str]) -> list[str]:
        """Markdown inside an HTML element, through the same preprocessing as the document."""
        lines = self.run(lines)
        after = False
        for preprocessor in self.md.preprocessors:
            if after:
                lines = preprocessor.run(lines)
            after = after or preprocessor is self
        return lines


def _html_block(text: str, start: int) -> tuple[HtmlBlock, int] | None:
    """The block HTML at ``start`` of ``text`` (with the blocks that start where it ends, as
    kramdown reads them), and where it ends; None when there is none."""
    parsed = HtmlParser(text).parse(start)
    if parsed is None:
        return None
    block, end = parsed
    while "<" in text[end : end + 4]:  # kramdown: another block starts where it ended
        more = HtmlParser(text).parse(end)
        if more is None or more[1] <= end or "<!" in text[end : end + 5]:
            break
        block.nodes.extend(more[0].nodes)
        block.markdown.extend(more[0].markdown)
        end = more[1]
    return block, end


def _item_html_block(
    lines: list[str], index: int, column: int, starts: list[int]
) -> tuple[HtmlBlock, int] | None:
    """The block HTML that opens the text of the list item on ``lines[index]`` (at ``column``):
    parsed, as kramdown does, in the item's text alone (its lines without the item's
    indentation; its lazy lines as they are), with its end in the document's text."""
    taken = [lines[index][column:]]
    cut = [column]  # the columns taken off each line
    for line in lines[index + 1 :]:
        indent = _indent(line)
        if line.strip() and indent < column:
            if not taken[-1].strip() or (_MARKER.match(line) and not _HR.match(line)):
                break  # the item ends: a line after a blank one, or another item
            if not _lazy_code_line(line):
                break  # no lazy line: an IAL, an end-of-block marker, a block tag
            cut.append(0)  # a lazy line
        else:
            cut.append(min(indent, column))
        taken.append(line[cut[-1] :])
    while len(taken) > 1 and not taken[-1].strip():
        taken.pop()  # blank lines the item ends with (the document's last newline) are not its
        cut.pop()
    text = "\n".join(taken) + "\n"
    parsed = _html_block(text, 0)
    if parsed is None:
        return None
    block, end = parsed
    row = text.count("\n", 0, end)
    if row >= len(taken):  # the end of the item's text
        return block, starts[index + len(taken)]
    column_end = end - (text.rindex("\n", 0, end) + 1 if row else 0)
    return block, starts[index + row] + cut[row] + column_end


def _empty_blank_lines(lines: list[str]) -> list[str]:
    """Lines of whitespace emptied, except in fenced code (kramdown keeps them there)."""
    out: list[str] = []
    fence: str | None = None
    fence_indent = 0
    unclosed: dict[str, tuple[int, int]] = {}
    for index, line in enumerate(lines):
        if fence is not None:
            if closes_fence(line, fence, fence_indent):
                fence = None
        elif not line.strip():
            line = ""
        elif "```" in line or "~~~" in line:
            opening = _FENCE.match(_QUOTE_PREFIX.sub("", line, 1))
            if opening and _opens_fence(lines, index, _indent(line), unclosed):
                fence, fence_indent = opening.group("fence"), _indent(line)
        out.append(line)
    return out


def _expand_tabs(lines: list[str], size: int, tabbed: dict[str, str]) -> list[str]:
    """Tabs in indentation to spaces, except in fenced code (kramdown keeps them there); each
    line changed is kept as written in ``tabbed`` (indented code keeps its tabs)."""
    out: list[str] = []
    fence: str | None = None
    fence_indent = 0
    unclosed: dict[str, tuple[int, int]] = {}
    code = False  # the line before is indented code's (kramdown's lazy lines are more of it)
    listed = False  # roughly: in a list (its items' text is indented, not code)
    prev = ""
    for index, line in enumerate(lines):
        if fence is not None:
            if closes_fence(line, fence, fence_indent):
                fence = None
            out.append(line)
            prev = line
            continue
        if "\t" in line:  # only the indentation: kramdown keeps other tabs
            text = line.lstrip(" \t")
            written, line = line, line[: len(line) - len(text)].expandtabs(size) + text
            if line != written:
                tabbed[line] = written
        if not line.strip():
            code = False
        elif _indent(line) >= 4 and not prev.strip():
            code = not listed  # (in a list, the item's text)
        elif _indent(line) < 4:
            if _MARKER.match(line) and not _HR.match(line):
                listed = True
            elif not prev.strip() and not _indent(line):
                listed = False
        opening = _FENCE.match(line) if not code else None
        if opening and _opens_fence(lines, index, _indent(line), unclosed):
            fence, fence_indent = opening.group("fence"), _indent(line)
        out.append(line)
        prev = line
    return out


def _script_in_paragraph(line: str, out: list[str]) -> bool:
    """A comment or ``<script`` does not end a paragraph (kramdown's LAZY_END_HTML_START leaves
    them out): after a line of text they are more of its text."""
    if not line.lstrip().startswith(("<!--", "<script")) or not out:
        return False
    prev = out[-1]
    return bool(prev.strip()) and not (
        _HTML_MARK_RE.match(prev)
        or _ATX_START.match(prev)
        or _SETEXT_LINE.match(prev)
        or _HR.match(prev)
        or _FENCE.match(prev)
        or _IAL_LINE.match(prev)
    )


class _HtmlBlockProcessor(BlockProcessor):
    """A marker line of ``_HtmlBlockPreprocessor``: the parsed HTML, its markdown parsed now."""

    def __init__(self, parser: BlockParser, document: _Document) -> None:
        super().__init__(parser)
        self.document = document

    def test(self, parent: etree.Element, block: str) -> bool:
        return "\x02bshtml:" in block and _HTML_MARK_RE.match(block) is not None

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        block = blocks.pop(0)
        match = _HTML_MARK_RE.match(block)
        assert match is not None
        line, _, rest = block[match.end() :].partition("\n")
        if _NO_BLANK_BEFORE in line and len(parent):
            for element in [parent[-1], *_last_chain(parent[-1])]:
                element.attrib.pop(BLANK, None)
        html_block = self.document.html_blocks[int(match.group(1))]
        for node in html_block.nodes:
            parent.append(node)
        for part in html_block.markdown:
            if part.block:
                self.parser.parseChunk(part.element, part.text)
            else:
                part.element.text = part.text
        if rest.strip() and parent.tag in ("li", "dd"):
            # the rest of an item's first line after its HTML (at its text's column): a block
            # of the item's, whatever the indentation python-markdown's list left it
            rest = rest.lstrip(" ")
        if rest.strip() and self.parser.state.isstate("list"):
            # in a tight list item's (or definition's) text: the rest is a paragraph of its own
            # (python-markdown's list state would hang it on the HTML as a tail)
            self.parser.state.set("bs_html")
            self.parser.parseBlocks(parent, [rest])
            self.parser.state.reset()
        elif rest.strip():
            blocks.insert(0, rest)


def _inline_source(md: markdown.Markdown, text: str) -> str:
    """``text`` with python-markdown's inline placeholders put back as source where it can:
    a code span as written, anything else as HTML."""
    stash = md.treeprocessors["inline"].stashed_nodes  # type: ignore[attr-defined]

    def source(match: re.Match[str]) -> str:
        value = stash.get(match.group(1))
        if isinstance(value, etree.Element):
            if value.tag == "code":
                return "`" + html.unescape(value.text or "") + "`"
            return _inline_source(md, md.serializer(value))
        return match.group(0) if value is None else "\\" + str(value)

    return markdown.util.INLINE_PLACEHOLDER_RE.sub(source, text)


_BRACKET_TEXT_RE = re.compile(r"\[\^\w[\w-]*\]|[\[\]]", re.ASCII)
_BRACKET_RE = re.compile(r"\[\^\w[\w-]*\]|[\[\]]|\x02klzzwxh:(\d+)\x03", re.ASCII)


class _BracketText:
    """python-markdown's ``getText`` (the text up to the ``]`` that closes a link's ``[``, nested
    brackets counted), found by searching for brackets instead of a loop over every character:
    the same results, without the character loop over the rest of the paragraph that an
    unclosed ``[`` (a task box, a bracket in prose) costs each link pattern."""

    md: markdown.Markdown

    def getText(self, data: str, index: int) -> tuple[str, int, bool]:
        """kramdown's count (``parse_link``): a footnote marker inside (``[^1]``, its
        ``]`` read by the footnote parser) is a ``[`` that does not close."""
        depth = 1
        nodes: dict[str, Any] | None = None
        footnotes = self.md.inlinePatterns["footnote"].footnotes.footnotes  # type: ignore[attr-defined]
        brackets = _BRACKET_RE if footnotes else _BRACKET_TEXT_RE  # (no marker made: no element)
        for match in brackets.finditer(data, index):
            bracket = match.group()
            if bracket == "]":
                depth -= 1
                if not depth:
                    return data[index : match.start()], match.end(), True
            elif bracket[0] == "[":
                depth += 1
            else:  # an element's placeholder: a footnote marker's?
                if nodes is None:
                    nodes = self.md.treeprocessors["inline"].stashed_nodes  # type: ignore[attr-defined]
                node = nodes.get(match.group(1))
                if isinstance(node, etree.Element) and node.get("id", "")[:5] == "fnref":
                    depth += 1
        return data[index:], max(index, len(data)), False


class _ReferenceIds(_BracketText):
    """kramdown finds a reference by the link text as written: ``[`code`][]`` is "`code`"."""

    md: markdown.Markdown

    def evalId(self, data: str, index: int, text: str) -> tuple[str | None, int, bool]:
        found: tuple[str | None, int, bool] = super().evalId(  # type: ignore[misc]
            data, index, _inline_source(self.md, text)
        )
        key, end, handled = found
        if key and "\x02" in key:  # ``[text][`code`]``
            key = _inline_source(self.md, key).lower()
        return key, end, handled


class _ReferenceProcessor(_ReferenceIds, ReferenceInlineProcessor):
    pass


class _ShortReferenceProcessor(_ReferenceIds, ShortReferenceInlineProcessor):
    pass


class _SourceAlt(_BracketText):
    """An image's alt is its text as written (a code span keeps its backticks)."""

    md: markdown.Markdown

    def unescape(self, text: str) -> str:
        return _inline_source(self.md, text)


class _LinkProcessor(_SourceAlt, LinkInlineProcessor):
    """kramdown keeps a link's URL and title as written (backslashes, code spans)."""


class _ImageProcessor(_SourceAlt, ImageInlineProcessor):
    pass


class _ImageReferenceProcessor(_SourceAlt, _ReferenceIds, ImageReferenceInlineProcessor):
    pass


class _ShortImageReferenceProcessor(_SourceAlt, _ReferenceIds, ShortImageReferenceInlineProcessor):
    pass


class _SpanTag(InlineHtml):
    """One tag of span HTML in paragraph text."""


class _SpanHtmlProcessor(HtmlInlineProcessor):
    """A tag in paragraph text, re-written as kramdown writes it."""

    document: _Document | None = None  # (its attribute list definitions)

    def unescape(self, text: str) -> str:
        """The tag's source: a code span python-markdown already took out of it goes back as
        written (kramdown reads the tag first)."""
        return _inline_source(self.md, text)

    def handleMatch(  # type: ignore[override]
        self, m: re.Match[str], data: str
    ) -> tuple[str, int, int]:
        raw = self.backslash_unescape(self.unescape(m.group(1)))
        closing = TAG_CLOSE_RE.fullmatch(raw)
        if closing and not self._open(data[: m.start(0)], closing.group(1).lower()):
            # kramdown: an end tag that closes no element is text
            return self.md.htmlStash.store(InlineHtml(escape_text(raw))), m.start(0), m.end(0)
        written = span_tag(raw)
        end = m.end(0)
        if written[:1] == "<":
            # a tag kramdown reads as span HTML: its paragraph stays a paragraph
            written = _SpanTag(written)
            ials = _SPAN_IALS.match(data, end) if data.startswith("{:", end) else None
            if ials is not None:  # kramdown's span IAL after the element (not a start tag's)
                end = self._ials(written, closing, data, m.start(0), ials) or end
                if end == ials.end() and not closing and written[:4] != "<!--":
                    written = _SpanTag(with_attributes(written, self._update(ials.group())))
        return self.md.htmlStash.store(written), m.start(0), end

    def _ials(
        self,
        written: str,
        closing: re.Match[str] | None,
        data: str,
        start: int,
        ials: re.Match[str],
    ) -> int | None:
        """Where the span IALs ``ials`` after the tag ``written`` end, if the tag ends an
        element (an end tag, a void or closed tag; a comment takes them, writing none): an end
        tag's start tag, stashed, takes the attributes now."""
        if closing is not None:
            index = self._opening(data[:start], closing.group(1).lower())
            if index is None:
                return None
            stash = self.md.htmlStash.rawHtmlBlocks
            stash[index] = _SpanTag(with_attributes(str(stash[index]), self._update(ials.group())))
            return ials.end()
        if written[:4] == "<!--" or written.endswith("/>") or "</" in written:
            return ials.end()
        return None

    def _update(self, ials: str) -> Callable[[etree.Element], None]:
        alds = self.document.alds if self.document else {}
        return functools.partial(_span_ials_update, self.md, alds, ials)

    def _opening(self, before: str, name: str) -> int | None:
        """The stash index of the start tag of ``name`` that an end tag after ``before``
        closes."""
        depth = 0
        for index, tag in reversed(list(self._tags(before, name))):
            if tag.group(1):
                depth += 1
            elif depth:
                depth -= 1
            else:
                return index
        return None

    def _open(self, before: str, name: str) -> bool:
        """Whether the tags stashed from ``before`` leave an element ``name`` open."""
        depth = 0
        for _, tag in self._tags(before, name):
            depth += -1 if tag.group(1) else 1
        return depth > 0

    def _tags(self, before: str, name: str) -> Iterator[tuple[int, re.Match[str]]]:
        """The start and end tags of ``name`` (not closed ones) stashed from ``before``: their
        stash indexes, their ``_TAG_NAME`` matches."""
        nodes = self.md.treeprocessors["inline"].stashed_nodes  # type: ignore[attr-defined]
        stash = self.md.htmlStash.rawHtmlBlocks
        for match in markdown.util.INLINE_PLACEHOLDER_RE.finditer(before):
            stashed = _STASH.fullmatch(str(nodes.get(match.group(1), "")))
            index = int(stashed.group(1)) if stashed else len(stash)
            value = stash[index] if index < len(stash) else None
            if not isinstance(value, _SpanTag) or value.endswith("/>"):
                continue
            tag = _TAG_NAME.match(value)
            if tag is not None and tag.group(2).lower() == name:
                yield index, tag


class _RawSpanProcessor(InlineProcessor):
    """A span element kramdown parses no markdown in (``<u>``, ``<font>``...), taken whole
    before the span patterns see its text (code spans, already out of it, go back as written)."""

    document: _Document | None = None  # (its attribute list definitions)

    def handleMatch(  # type: ignore[override]
        self, m: re.Match[str], data: str
    ) -> tuple[str | etree.Element | None, int | None, int | None]:
        ial = _PARAGRAPH_IAL.search(data) if "{:" in data else None
        if ial is not None:  # the paragraph's IAL line is no text of it (kramdown's LAZY_END)
            if m.start(0) >= ial.start():
                return None, None, None
            data = data[: ial.start()].rstrip(" \t")
        text = _inline_source(self.md, data) if "\x02" in data else data
        if text is not data:  # positions move with the code spans put back: find the tag again
            before = _inline_source(self.md, data[: m.start(0)])
            found = raw_span(text, len(before))
            if found is None or ("`" in text and _in_code_span(text, len(before))):
                return None, None, None
            written, end = found
            rest = text[end:]
            stop = len(data) - len(rest) if data.endswith(rest) else None
            if stop is None:  # the end tag inside a code span's source: leave it
                return None, None, None
            written, stop = self._ials(written, data, stop)
            return self._node(written, text[len(before) : end]), m.start(0), stop
        found = raw_span(data, m.start(0))
        if found is None or ("`" in data and _in_code_span(data, m.start(0))):
            return None, None, None
        written, end = found
        source = data[m.start(0) : end]
        written, end = self._ials(written, data, end)
        return self._node(written, source), m.start(0), end

    def _ials(
        self, written: str | etree.Element, data: str, end: int
    ) -> tuple[str | etree.Element, int]:
        """The element with kramdown's span IALs right after it (``<u>x</u>{:.c}``) applied,
        and where they end."""
        ials = _SPAN_IALS.match(data, end) if data.startswith("{:", end) else None
        if ials is None:
            return written, end
        alds = self.document.alds if self.document else {}
        update = functools.partial(_span_ials_update, self.md, alds, ials.group())
        if isinstance(written, str):
            return with_attributes(written, update), ials.end()
        update(written)
        return written, ials.end()

    def _node(self, written: str | etree.Element, source: str) -> str | etree.Element:
        """The element as written (stashed, with its ``source``: its text is that as written,
        no entity read, for a header's id), or as a tree whose markdown parts the inline
        patterns still parse."""
        if isinstance(written, str):
            stashed = InlineHtml(written)
            stashed.source = source
            return self.md.htmlStash.store(stashed)
        return written


_PARAGRAPH_IAL = re.compile(r"\n[ ]*\{:(?!:)[^}\n]*\}[ ]*$")

_SPAN_CONTEXTS = frozenset(("p", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "li", "dt", "dd"))
_INLINE_TAGS = frozenset(("a", "em", "strong", "del", "code", "sup", "sub", "span", "abbr"))


class _SpanCloseTreeprocessor(Treeprocessor):
    """Span HTML left open in a paragraph (a cell, a header...): kramdown closes it at the end
    of the text it parses (``<small>a`` is ``<small>a</small>``)."""

    def run(self, root: etree.Element) -> None:
        stash = self.md.htmlStash.rawHtmlBlocks
        if not any(type(value) is _SpanTag and value[1:2] != "/" for value in stash):
            return
        for element in root.iter():
            if element.tag in _SPAN_CONTEXTS:
                self._close(element, stash)

    def _close(self, element: etree.Element, stash: list[Any]) -> None:
        opened: list[str] = []
        for text in _own_texts(element):
            if "\x02" not in text:
                continue
            for match in _STASH.finditer(text):
                index = int(match.group(1))
                value = stash[index] if index < len(stash) else None
                if type(value) is not _SpanTag or value[:2] in ("<!", "<?"):
                    continue
                tag = _TAG_NAME.match(value)
                if tag is None:
                    continue
                if not tag.group(1):
                    if not (value.endswith("/>") or value.endswith(f"</{tag.group(2)}>")):
                        opened.append(tag.group(2))
                elif tag.group(2) in opened:
                    del opened[len(opened) - 1 - opened[::-1].index(tag.group(2)) :]
        if not opened:
            return
        closer = self.md.htmlStash.store(
            AutoClose("".join(f"</{name}>" for name in reversed(opened)))
        )
        # at the end of the text, before the blocks of an item or definition (a nested list)
        inline = next((i for i, child in enumerate(element) if is_block(child)), len(element))
        if inline:
            element[inline - 1].tail = (element[inline - 1].tail or "") + closer
        else:
            element.text = (element.text or "") + closer


def _own_texts(element: etree.Element) -> Iterator[str]:
    """The texts of ``element``'s own inline content, in order (not those of nested blocks)."""
    yield element.text or ""
    for child in element:
        if child.tag in _INLINE_TAGS:
            yield from _own_texts(child)
        yield child.tail or ""


def _in_code_span(text: str, at: int) -> bool:
    """Whether ``at`` is inside a code span of ``text`` (kramdown reads left to right: a code
    span opening before a tag takes it)."""
    pos = 0
    while 0 <= (tick := text.find("`", pos)) < at:
        start = tick
        while start and text[start - 1] == "\\":
            start -= 1
        if (tick - start) % 2:  # an escaped backtick (kramdown's escape parser reads it first)
            pos = tick + 1
            continue
        kind, _, pos = _code_span(text, tick)
        if kind == "code" and pos > at:
            return True
    return False


def _code_span(text: str, tick: int) -> tuple[str, str, int]:
    """kramdown's code span (parser/kramdown/codespan.rb) at the backtick ``tick``: ("code",
    content, end), or ("text", the backticks, end) where it is none. A run of backticks closes
    at the next occurrence of the same run (also inside a longer one); a single backtick between
    whitespace (or at the start) is text, and so is a run never closed; a multi-backtick span
    loses one space at each end, a single one none."""
    after = tick
    end = len(text)
    while after < end and text[after] == "`":
        after += 1
    run = text[tick:after]
    if len(run) == 1 and _space_before(text, tick) and after < end and text[after] in _RUBY_SPACE:
        return "text", run, after
    close = text.find(run, after)
    if close < 0:
        return "text", run, after
    code = text[after:close]
    if len(run) > 1:
        code = code[1:] if code[:1] == " " else code
        code = code[:-1] if code[-1:] == " " else code
    return "code", code, close + len(run)


# Ruby's \s: the whitespace kramdown's code span rule looks at
_RUBY_SPACE = frozenset(" \t\n\r\f\v")


def _space_before(data: str, at: int) -> bool:
    """Whether ``data`` has whitespace or nothing before ``at`` (kramdown's ``pre_match``), past
    the marks the preprocessors left (nothing, or spaces, in kramdown's text)."""
    while at and data[at - 1] == "\x03":
        start = data.rfind("\x02", 0, at)
        if start < 0 or not data.startswith("\x02bs", start):
            return False
        if data.startswith(_SPACES[:5], start):
            return True
        at = start
    return at == 0 or data[at - 1] in _RUBY_SPACE


class _CodeSpanProcessor(BacktickInlineProcessor):
    """kramdown's code span (``_code_span``)."""

    def handleMatch(  # type: ignore[override]
        self, m: re.Match[str], data: str
    ) -> tuple[etree.Element | str | None, int | None, int | None]:
        if m.group(1):
            return super().handleMatch(m, data)
        begin = m.start(0)
        kind, text, end = _code_span(data, begin)
        if kind == "text":
            return None, begin, end
        element = etree.Element("code")
        element.text = markdown.util.AtomicString(markdown.util.code_escape(text))
        return element, begin, end


class _BackslashBreakProcessor(InlineProcessor):
    """A hard line break: kramdown's ``\\\\`` or GFM's single backslash at the end of a line
    (the newline stays). In a longer run kramdown reads the pairs before as escaped backslashes,
    left to right: the break takes the last two of an even run, the last one of an odd run."""

    def handleMatch(  # type: ignore[override]
        self, m: re.Match[str], data: str
    ) -> tuple[etree.Element, int, int]:
        end = m.end(0)
        return etree.Element("br"), end - (2 if (end - m.start(0)) % 2 == 0 else 1), end


# kramdown's e-mail autolink (its ACHARS: letters, digits, "-", "_", ".")
# kramdown's AUTOLINK_START (``.`` no line break, ``[[:alnum:]]-_.`` a word character, "-", ".")
_AUTOLINK = r"<((mailto|https?|ftps?):[^\n]+?|[\w.-]+?@[\w.-]+?)>"


class _AutolinkProcessor(InlineProcessor):
    """kramdown's autolink (``parse_autolink``): ``<https://...>``, ``<mailto:...>`` (its text
    without the ``mailto:``) or ``<me@example.com>`` (a ``mailto:`` link), the target as
    written (escapes kept, no entities)."""

    def handleMatch(  # type: ignore[override]
        self, m: re.Match[str], data: str
    ) -> tuple[etree.Element, int, int]:
        target = m.group(1)
        if "\x02" in target:
            target = _ESCAPED_CHAR.sub(
                lambda found: chr(int(found.group(1))), _inline_source(self.md, target)
            )
        link = etree.Element("a", {"href": target if m.group(2) else "mailto:" + target})
        link.text = markdown.util.AtomicString(target.removeprefix("mailto:"))
        return link, m.start(0), m.end(0)


class _EntityProcessor(InlineProcessor):
    """``&name;`` as its character (kramdown's ``entity_output: as_char``)."""

    def handleMatch(  # type: ignore[override]
        self, m: re.Match[str], data: str
    ) -> tuple[str, int, int]:
        char = entity(m.group(0))
        # (span text: a paragraph holding only it is still one)
        if char is None:  # kramdown: the "&" is text, escaped
            return self.md.htmlStash.store(InlineHtml("&amp;")), m.start(0), m.start(0) + 1
        written = char if char == m.group(0) else escape_text(char)
        end = m.end(0)
        if data.startswith("{:", end):  # kramdown's span IAL after the entity: taken, unwritten
            ials = _SPAN_IALS.match(data, end)
            end = ials.end() if ials else end
        return self.md.htmlStash.store(InlineHtml(written)), m.start(0), end


def _container_column(line: str, olds: tuple[int, ...]) -> int:
    """The column a fence's line in list items at columns ``olds`` starts at for kramdown:
    list.rb takes each item's indentation off a line that has it (a lazy line keeps its own),
    and FENCED_CODEBLOCK_MATCH's closing line may then have up to three spaces."""
    indent = _indent(line)
    return max((old for old in olds if old <= indent), default=0)


def _fence_shift(line: str, olds: tuple[int, ...], new: int) -> str:
    """A line of fenced code in list items at columns ``olds`` (python-markdown's item at
    ``new``), as kramdown's list.rb hands it to the fence: each item's indentation off where
    the line has it, a lazy line as it is (the fence takes nothing more off)."""
    if not olds:
        return line
    indent = _indent(line)
    cut = max((old for old in olds if old <= indent), default=0)
    return " " * new + line[cut:]


def _shift(line: str, old: int, new: int) -> str:
    if old == new:
        return line
    indent = _indent(line)
    cut = min(indent, old)
    return " " * new + line[cut:] if indent >= old else " " * (indent + new - old) + line[cut:]


_KRAMDOWN_OPTIONS = re.compile(r"\{::options\b[^}]*/\}")
_AUTO_IDS_OPTION = re.compile(r"""\bauto_ids=["']?(true|false)\b""")
_COMMENT_END = re.compile(r"\{:/(?:comment)?\}")
_NOMARKDOWN_END = re.compile(r"\{:/(?:nomarkdown)?\}")


def _replace_spans(
    text: str, opening: str, closing: re.Pattern[str], replace: Callable[[str], str]
) -> str:
    """Replace each ``opening ... closing`` span (shortest, left to right) with ``replace(inner)``.

    Linear: an opening with no closing after it ends the search, where a lazy ``.*?`` regex would
    rescan the rest of the text from every later opening.
    """
    out: list[str] = []
    at = 0
    while (start := text.find(opening, at)) >= 0:
        end = closing.search(text, start + len(opening))
        if end is None:
            break
        out.extend((text[at:start], replace(text[start + len(opening) : end.start()])))
        at = end.end()
    out.append(text[at:])
    return "".join(out)


class _KramdownExtensionsPreprocessor(Preprocessor):
    """kramdown's ``{::comment}``, ``{::options /}`` (dropped) and ``{::nomarkdown}`` (raw)."""

    def __init__(self, md: markdown.Markdown, document: _Document) -> None:
        super().__init__(md)
        self.document = document

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        if "{::" not in text:
            return lines
        if "{::comment}" in text:
            text = self._comments(text)
        for found in _KRAMDOWN_OPTIONS.finditer(text):
            value = _AUTO_IDS_OPTION.search(found.group())
            if value:  # kramdown's option holds for the whole document
                self.document.auto_ids = value.group(1) == "true"
        text = _KRAMDOWN_OPTIONS.sub("", text)
        if "{::nomarkdown}" in text:
            text = self._nomarkdown(text)
        return text.split("\n")

    def _nomarkdown(self, text: str) -> str:
        """kramdown writes ``{::nomarkdown}`` as it is: a block one (its tags alone on their
        lines, after a blank line) is a block of its own, the next line another block's."""
        out: list[str] = []
        at = 0
        while (start := text.find("{::nomarkdown}", at)) >= 0:
            end = _NOMARKDOWN_END.search(text, start + 14)
            if end is None:
                break
            line = text.rfind("\n", 0, start) + 1
            opening_end = text.find("\n", start)
            closing = text.rfind("\n", 0, end.start()) + 1
            after = text.find("\n", end.end())
            after = len(text) if after < 0 else after
            if (
                start - line < 4
                and not text[line:start].strip(" ")
                and text[max(line - 2, 0) : line] in ("", "\n\n")
                and 0 <= opening_end < closing
                and not text[start + 14 : opening_end].strip()
                and end.start() - closing < 4
                and not text[closing : end.start()].strip(" ")
                and not text[end.end() : after].strip()
            ):
                indent = start - line  # a container's (a list item's), off each line
                body = "\n".join(
                    row[min(indent, len(row) - len(row.lstrip(" "))) :]
                    for row in text[opening_end + 1 : closing - 1].split("\n")
                )
                mark = self.md.htmlStash.store(RawBlock(body))
                out.extend((text[at:start], mark))
                at = self._next_block(text, after, out)
            else:
                inner = text[start + 14 : end.start()]
                out.extend((text[at:start], self.md.htmlStash.store(RawBlock(inner))))
                at = end.end()
        out.append(text[at:])
        return "".join(out)

    def _next_block(self, text: str, after: int, out: list[str]) -> int:
        """After a block extension whose closing line ends at ``after``: a line right after it
        starts a block of its own (a blank line for python-markdown); one with a pipe or ``$$``
        is also marked as kramdown's block with no blank line before (so no table or math
        block: kramdown's need a block boundary). Where to go on in ``text``."""
        if not text[after + 1 : after + 2].strip():
            return after
        out.append("\n")
        end = text.find("\n", after + 1)
        end = len(text) if end < 0 else end
        line = text[after + 1 : end]
        starts = line.lstrip(" ")[:2]
        if ("|" not in line and starts != "$$") or starts == "{:" or _DEFINITION_LINE.match(line):
            return after
        self.document.no_blank = True
        out.extend(("\n", _mark_no_blank_before(line)))
        return end

    def _comments(self, text: str) -> str:
        """kramdown writes a comment as an HTML comment: a block one (its tags alone on their
        lines, after a blank line) on its own, a span one in its paragraph."""
        out: list[str] = []
        at = 0
        while (start := text.find("{::comment}", at)) >= 0:
            end = _COMMENT_END.search(text, start + 11)
            if end is None:
                break
            line = text.rfind("\n", 0, start) + 1
            indent = start - line
            after = text.find("\n", end.end())
            after = len(text) if after < 0 else after
            opening_end = text.find("\n", start)
            block = (
                not text[line:start].strip(" ")
                and text[max(line - 2, 0) : line] in ("", "\n\n")
                and opening_end >= 0
                and not text[start + 11 : opening_end].strip()
                and not text[text.rfind("\n", 0, end.start()) + 1 : end.start()].strip(" ")
                and not text[end.end() : after].strip()
            )
            inner = text[start + 11 : end.start()]
            if block:
                lines = inner.split("\n")[1:-1]
                body = "\n".join(
                    row[min(indent, len(row) - len(row.lstrip(" "))) :] for row in lines
                )
                mark = self.md.htmlStash.store(f"<!-- {body} -->")
                out.extend((text[at:start], mark))
                at = self._next_block(text, after, out)
            else:
                comment = self.md.htmlStash.store(InlineHtml(f"<!-- {inner} -->"))
                out.extend((text[at:start], comment))
                at = end.end()
        out.append(text[at:])
        return "".join(out)


class _MathBlockPreprocessor(Preprocessor):
    """``$$ ... $$`` standing alone as a block -> ``\\[...\\]`` like kramdown's mathjax engine."""

    def __init__(self, md: markdown.Markdown, document: _Document) -> None:
        super().__init__(md)
        self.document = document

    def run(self, lines: list[str]) -> list[str]:
        if not any("$$" in line for line in lines):
            return lines
        ends = _closing_lines(lines)
        out: list[str] = []
        index = 0
        while index < len(lines):
            line = lines[index]
            end = self._block_end(lines, index, ends) if line.lstrip(" ").startswith("$$") else None
            if end is None:
                out.append(line)
                index += 1
                continue
            body = "\n".join(lines[index : end + 1]).strip()[2:-2]
            out.extend(["", self._stash(body), ""])
            index = end + 1
        return out

    @staticmethod
    def _block_end(lines: list[str], start: int, ends: list[int | None]) -> int | None:
        """The last line of a ``$$`` block opening at ``start``, when it stands alone."""
        if (start and lines[start - 1].strip()) or _indent(lines[start]) > 3:
            return None
        # kramdown's BLOCK_MATH_START (``\$\$(.*?)\$\$``): the block ends at the first ``$$``
        # after the opening one, which must end its line (then a block boundary)
        opening = lines[start].strip()
        close = opening.find("$$", 2)
        end = start
        if close < 0:
            closing = ends[start + 1]
            if closing is None:
                return None
            end, opening = closing, lines[closing]
            close = opening.find("$$")
        if opening[close + 2 :].strip():
            return None
        after = lines[end + 1] if end + 1 < len(lines) else ""
        if after.strip() and not _BLOCK_BOUNDARY.match(after):
            return None
        return end

    def _stash(self, body: str) -> str:
        placeholder = self.md.htmlStash.store(
            RawBlock("\\[" + html.escape(body.strip(), quote=False) + "\\]")
        )
        self.document.math_blocks.append(placeholder)
        return placeholder


# kramdown's BLOCK_BOUNDARY after a block (besides a blank line) that this code takes: an ALD
# line (an IAL line would be the math's: kramdown wraps it in a div then; the end-of-block
# marker is gone by now)
_BLOCK_BOUNDARY = re.compile(r"[ ]{0,3}\{:\w[\w-]*:")


def _closing_lines(lines: list[str]) -> list[int | None]:
    """For each line index, the first line at or after it with a ``$$`` (linear)."""
    ends: list[int | None] = [None] * (len(lines) + 1)
    for index in range(len(lines) - 1, -1, -1):
        ends[index] = index if "$$" in lines[index] else ends[index + 1]
    return ends


class _RawHtmlPostprocessor(RawHtmlPostprocessor):
    """python-markdown's, but span HTML keeps its paragraph: a paragraph holding only a comment
    is still one to kramdown (``<p><!-- c --></p>``), where python-markdown takes any comment
    for block HTML."""

    def stash_to_string(self, text: Any) -> str:
        return text if isinstance(text, InlineHtml) else str(text)

    def isblocklevel(self, html: str) -> bool:
        return not isinstance(html, InlineHtml) and super().isblocklevel(html)


class _MathBlockPostprocessor(Postprocessor):
    """Unwrap block math from the paragraph python-markdown put it in (kramdown has none);
    drop any of our markers that python-markdown folded into other text."""

    def __init__(self, md: markdown.Markdown, document: _Document) -> None:
        super().__init__(md)
        self.document = document

    def run(self, text: str) -> str:
        if "\x02bs" in text:
            text = _ANY_MARK.sub("", text)
        for placeholder in self.document.math_blocks:
            text = text.replace(f"<p>{placeholder}</p>", placeholder)
        return text


class _AngleQuoteProcessor(InlineProcessor):
    """``<<`` and ``>>`` before the raw HTML pattern can take them for a tag; but kramdown reads
    left to right, so the ``>`` that ends a tag (``</small>> done``) is the tag's."""

    def handleMatch(  # type: ignore[override]
        self, m: re.Match[str], data: str
    ) -> tuple[str | None, int | None, int | None]:
        symbol = m.group(0)
        if symbol == ">>":
            opening = data.rfind("<", 0, m.start(0))
            if opening >= 0 and _SPAN_TAG.fullmatch(data, opening, m.start(0) + 1):
                return None, None, None
        return _ANGLE_QUOTES[symbol], m.start(0), m.end(0)


class _EscapeProcessor(EscapeInlineProcessor):
    """python-markdown's escape, with kramdown's typographic symbols ``\\<<`` and ``\\>>``
    (read before the escape): the two characters as written (``\\<</i>`` leaves ``</i>``
    text, where an escaped ``<`` would let the tag close)."""

    def handleMatch(  # type: ignore[override]
        self, m: re.Match[str], data: str
    ) -> tuple[str | etree.Element | None, int | None, int | None]:
        char = m.group(1)
        if char in "<>" and data[m.end(0) : m.end(0) + 1] == char:
            written = InlineHtml(escape_text(char * 2))
            return self.md.htmlStash.store(written), m.start(0), m.end(0) + 1
        return super().handleMatch(m, data)


_SPAN_TAG = re.compile(markdown.inlinepatterns.HTML_RE)
# kramdown's laquo_space and raquo_space: the space next to the quote becomes a no-break space
_ANGLE_QUOTES = {"<< ": "\u00ab\u00a0", " >>": "\u00a0\u00bb", "<<": "\u00ab", ">>": "\u00bb"}


class _MathInlineProcessor(InlineProcessor):
    """``$$x$$`` inside a paragraph -> ``\\(x\\)`` (kramdown's mathjax inline form)."""

    def handleMatch(  # type: ignore[override]
        self, m: re.Match[str], data: str
    ) -> tuple[str, int, int]:
        body = html.escape(m.group(1).strip(), quote=False)
        # span HTML: a paragraph holding only it is still one
        return self.md.htmlStash.store(InlineHtml(f"\\({body}\\)")), m.start(0), m.end(0)


# --- fenced code ---------------------------------------------------------------------------------


def _fence_format(
    src: str, language: str, class_name: str, options: Any, md: Any, **kwargs: Any
) -> str:
    """superfences formatter for every fence: ```` ```lang {.class #id key="v"} ````."""
    classes = [name for name in kwargs.get("classes", []) if name != language]
    attrs = {str(k): str(v) for k, v in (kwargs.get("attrs") or {}).items()}
    if kwargs.get("id_value"):
        attrs = {"id": str(kwargs["id_value"]), **attrs}
    return _code_block(src, language, classes=classes, attrs=attrs)


# kramdown-parser-gfm's FENCED_CODEBLOCK_MATCH, the opening line after its indentation: the fence,
# then at most one word (the language, ``?options`` after it for rouge); anything more and the
# line opens no code block.
_FENCE_OPENING = re.compile(
    r"(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\s\x02]+?(?:\?[^\s\x02]*)?)?[ \t]*(?P<mark>\x02bsnbb\x03)?$"
)
_QUOTE_PREFIX = re.compile(r"[ ]*>[ >]*")
# kramdown's BLOCKQUOTE_START, each level (the first after its container's indentation, a list
# item's however deep: the lines preprocessor has put a quote in an item at the item's column)
_KD_QUOTE_PREFIX = re.compile(r"[ ]*>[ ]?(?:[ ]{0,3}>[ ]?)*")
# n levels of it (the first after its container's indentation, however deep)
_KD_QUOTE_LEVELS = [
    re.compile(rf"^(?:[ ]*>[ ]?(?:[ ]{{0,3}}>[ ]?){{{n - 1}}})?") for n in range(1, 9)
]
_KD_QUOTE_LEVELS.insert(0, re.compile(""))


class _KramdownFencePreprocessor(SuperFencesBlockPreprocessor):  # type: ignore[misc]
    """superfences' container handling (quotes, list indentation), with kramdown's fences: the
    opening line's rule above, and a closing fence that may be longer than the opening one.

    An opening line marked ``_NO_BLANK_BEFORE`` (by the lines preprocessor: a fence right after
    another block) passes the mark to its placeholder; in a blockquote, a line right after the
    closing fence starts a block of its own, as it does outside one."""

    def search_nested(self, lines: list[str]) -> list[str]:
        self._marked = False
        self._quoted: set[str] = set()
        self.item_column = 0  # a quoted fence's list item's column (after the quote's "> ")
        self.fence: str | None
        start = 0
        # kramdown's fence needs its closing line in its container: one left open at the end,
        # or given up (its quote or item ended), opens nothing, and the lines after it are
        # scanned again. (ws, fence) -> (opening line, where it ended): a later opening before
        # that with the same prefix and fence (or a longer one) is unclosed too.
        unclosed: dict[tuple[str, str], tuple[int, int]] = {}
        opened_ws = ""
        count = 0
        while count < len(lines):
            line = lines[count].rstrip("\r")
            count += 1
            if self.fence is None:
                if "`" not in line and "~" not in line:
                    continue  # no fence opens here (skips the prefix walk on every line)
                ws = self.parse_whitespace(line)
                match = _FENCE_OPENING.match(line, self.ws_len)
                if match is None or self._unclosed(unclosed, ws, match.group("fence"), count):
                    continue
                self.lang = match.group("info") or ""
                self.formatter = _fence_formatter
                self.options: dict[str, str] = {}
                self.attrs: dict[str, str] = {}
                self.classes: list[str] = []
                self.id = ""
                start = count - 1
                opened_ws = ws
                self.first = ws + self.normalize_ws(match.group(0))
                self.ws = ws
                self.quote_level = ws.count(">")
                self.empty_lines = 0
                fence = match.group("fence")
                self.fence = fence
                self.fence_end = re.compile(re.escape(fence) + fence[0] + "*[ \t]*$")
                quoted = _KD_QUOTE_PREFIX.match(line) if self.quote_level else None
                self.item_column = 0
                if quoted and "\t" not in line[: self.ws_len]:
                    # kramdown's blockquote takes "> " off its lines, no more: the code keeps
                    # the rest of their indentation, the closing fence may have up to three.
                    # In a list item in the quote the lines preprocessor has put the fence's
                    # lines at the item's column (a multiple of four): that goes too.
                    column = _indent(line[quoted.end() :])
                    self.item_column = column - column % 4
                    self.ws = quoted.group() + " " * self.item_column
                    self.ws_len: int = len(self.ws)
                    self.ws_virtual_len = self.ws_len
                    self.fence_end = re.compile("[ ]{0,3}" + self.fence_end.pattern)
                self._marked = match.group("mark") is not None
                continue
            ws, content = self.parse_fence_line(line)
            quote_level = ws.count(">")
            fence, stored = self.fence, len(self.stack)
            if self.quote_level and not line.strip():
                self.clear()  # kramdown: a blank line ends the quote (its fence unclosed)
            elif self.quote_level:
                self.eval_quoted(ws, content, quote_level, start, count)
            elif quote_level == 0:
                self.eval_fence(ws, content, start, count)
            else:
                self.clear()
            if self.fence is None and len(self.stack) == stored:  # given up: scan on after it
                unclosed[(opened_ws, fence)] = (start, count - 1)
                count = start + 1
            elif count == len(lines) and self.fence is not None:  # never closed: the same
                unclosed[(opened_ws, self.fence)] = (start, len(lines))
                self.clear()
                count = start + 1
        lines = list(self.reassemble(lines))
        return self._after_quoted_fences(lines) if self._quoted else lines

    @staticmethod
    def _unclosed(
        unclosed: dict[tuple[str, str], tuple[int, int]], ws: str, fence: str, count: int
    ) -> bool:
        """Whether the fence opening on line ``count`` (1-based) is known to have no closing
        line: one of its prefix and character, as long or shorter, opened before it was left
        unclosed at or after it."""
        return any(
            start < count - 1 < end and key[0] == ws and fence.startswith(key[1])
            for key, (start, end) in unclosed.items()
        )

    def rebuild_block(self, lines: list[str]) -> str:
        """The code as kramdown takes it: every line with its newline (blank lines at the end
        stay; no line, no text). In a quote, each line loses its own "> " per level."""
        if self.quote_level and self.ws is not None and "\t" not in self.ws:
            levels = _KD_QUOTE_LEVELS[min(self.quote_level, len(_KD_QUOTE_LEVELS) - 1)]
            cut = self.item_column
            return "".join(levels.sub("", line, 1)[cut:] + "\n" for line in lines)
        return "".join(line[self.ws_virtual_len :] + "\n" for line in lines)

    def _store(self, source: str, code: str, start: int, end: int) -> None:
        super()._store(source, code, start, end)
        ws, placeholder = self.ws or "", self.stack[-1][0][len(self.ws or "") :]
        if self._marked:
            self.stack[-1] = (ws + _NO_BLANK_BEFORE + placeholder, start, end)
        if ">" in ws:
            self._quoted.add(self.stack[-1][0])

    def _after_quoted_fences(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        for index, line in enumerate(lines):
            out.append(line)
            following = lines[index + 1] if index + 1 < len(lines) else ""
            prefix = _QUOTE_PREFIX.match(following)
            if line in self._quoted and prefix and following[prefix.end() :].strip():
                out.append(prefix.group().rstrip())
                self.document.no_blank = True
                lines[index + 1] = prefix.group() + _mark_no_blank_before(following[prefix.end() :])
        return out


def _fence_formatter(src: str, language: str, **kwargs: Any) -> CodeBlock:
    return _code_block(src, language)


# --- tree fix-ups --------------------------------------------------------------------------------

_NON_WORD = re.compile(r"[^\w\- \t]", re.ASCII)
_ID_ASCII = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_- \t")
_TRAILING_IAL = re.compile(r"[ \t]*\{[^}]*\}[ \t]*$")
_HEADERS = {"h1", "h2", "h3", "h4", "h5", "h6"}


def gfm_header_id(text: str) -> str:
    """kramdown-parser-gfm's header id: lowercase, drop punctuation, spaces and tabs to ``-``.

    Ruby's ``\\p{Word}`` (kept) also has marks (``U+FE0F`` after an emoji) and joiners."""
    text = text.lower()
    if text.isascii():
        kept = _NON_WORD.sub("", text)
    else:
        kept = "".join(
            char for char in text if (char in _ID_ASCII if char.isascii() else _ruby_word(char))
        )
    return kept.replace(" ", "-").replace("\t", "-")


def _ruby_word(char: str) -> bool:
    category = unicodedata.category(char)
    return category[0] in "LM" or category in ("Nd", "Nl", "Pc") or char in "\u200c\u200d"


class _HeaderIdTreeprocessor(Treeprocessor):
    """kramdown-parser-gfm's header ids, from the header's text as kramdown has it: after inline
    parsing and typography (``--`` is already a dash), without markup, footnote marks or tags."""

    document: _Document | None = None

    def run(self, root: etree.Element) -> None:
        if self.document is not None and self.document.auto_ids is False:
            return
        seen: Counter[str] = Counter()
        used: Counter[str] = Counter()
        stash = self.md.htmlStash.rawHtmlBlocks
        in_html: set[int] = set()
        for element in root.iter():
            if element.tag in _HEADERS and "id" not in element.attrib and KD not in element.attrib:
                raw = _STASH.sub(lambda m: _stashed_text(stash, m), _header_text(element))
                if "\x02" in raw:  # a backslash-escaped character: kramdown's text
                    raw = _ESCAPED_CHAR.sub(lambda m: chr(int(m.group(1))), raw)
                if id(element) in in_html:
                    # kramdown-parser-gfm leaves HTML elements alone: the converter's own ids
                    element.set("id", _kramdown_header_id(_ANY_MARK.sub("", raw), used))
                    continue
                # not stripped: a link that is only an image leaves its spaces, as in kramdown
                base = gfm_header_id(_ANY_MARK.sub("", raw))
                seen[base] += 1
                count = seen[base]
                header_id = base if count == 1 else f"{base}-{count - 1}"
                if header_id:  # kramdown writes no empty id
                    element.set("id", header_id)
            elif KD in element.attrib and len(element):
                in_html.update(id(h) for h in element.iter() if h.tag in _HEADERS)


_ID_START = re.compile(r"^[^a-zA-Z]+")
_ID_OTHER = re.compile(r"[^a-zA-Z0-9 -]")


def _kramdown_header_id(text: str, used: Counter[str]) -> str:
    """kramdown's converter ``generate_id`` (not GFM's): ASCII letters, digits, spaces, dashes."""
    base = _ID_OTHER.sub("", _ID_START.sub("", text)).replace(" ", "-").lower() or "section"
    used[base] += 1
    return base if used[base] == 1 else f"{base}-{used[base] - 1}"


def _header_text(element: etree.Element) -> str:
    parts = [element.text or ""]
    for child in element:
        if child.tag == "code":
            parts.append(html.unescape(child.text or ""))
        elif not (child.tag == "sup" and child.get("id", "").startswith("fnref")):
            parts.append(_header_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _stashed_text(stash: list[Any], match: re.Match[str]) -> str:
    """The text of a stashed inline piece: an entity's character, nothing for a tag, the text
    of a whole raw span element."""
    index = int(match.group(1))
    value = stash[index] if index < len(stash) else ""
    if isinstance(value, InlineHtml):
        if value.source is not None:  # a raw span element: its text as written
            return _ANY_TAG.sub("", value.source)
        return html.unescape(_ANY_TAG.sub("", value))
    value = str(value)
    return "" if value.startswith("<") else html.unescape(value)


_ANY_TAG = re.compile(r"<[^>]*>")
_ESCAPED_CHAR = re.compile("\x02(\\d+)\x03")
_TAG_NAME = re.compile(r"<(/?)([^\s/>]+)")


def _drop_unreferenced_footnotes(root: etree.Element) -> None:
    """kramdown lists only the footnotes the text refers to (an excerpt cut before them: none),
    or a footnote it lists refers to; a footnote's reference to itself does not count."""
    divs = [d for d in root.iter("div") if d.get("class") == "footnotes"]
    items = [item for div in divs for ol in div.iter("ol") for item in ol]
    inside = {id(sup) for item in items for sup in item.iter("sup")}
    cited = {
        _footnote_name(sup.get("id", ""))
        for sup in root.iter("sup")
        if sup.get("id", "").startswith("fnref:") and id(sup) not in inside
    }
    if items:
        _cited_from_footnotes(items, cited)
    for div in divs:
        for ol in div.iter("ol"):
            for item in list(ol):
                if item.get("id", "").removeprefix("fn:") not in cited:
                    ol.remove(item)
        if not any(len(ol) for ol in div.iter("ol")):
            for parent in root.iter():
                if div in list(parent):
                    parent.remove(div)
                    break


def _footnote_name(ref_id: str) -> str:
    """A reference's footnote: ``fnref:x`` and ``fnref:x:1`` are footnote ``x``'s."""
    name = ref_id.removeprefix("fnref:")
    head, _, tail = name.rpartition(":")
    return head if head and tail.isdigit() else name


def _cited_from_footnotes(items: list[etree.Element], cited: set[str]) -> None:
    """Add to ``cited`` the footnotes a cited footnote refers to; drop the ways back to the
    references in a footnote's own text or a later one's (kramdown counts a footnote's
    references before it writes the footnote's text)."""
    names = [item.get("id", "").removeprefix("fn:") for item in items]
    where: dict[str, int] = {}
    for index, item in enumerate(items):
        for sup in item.iter("sup"):
            if sup.get("id", "").startswith("fnref:"):
                where[sup.get("id", "")] = index
    changed = True
    while changed:
        changed = False
        for index in range(len(items)):
            if names[index] not in cited:
                continue
            for ref_id, at in where.items():
                name = _footnote_name(ref_id)
                if at == index and name not in cited and name != names[index]:
                    cited.add(name)
                    changed = True
    for index, item in enumerate(items):
        for parent in list(item.iter()):
            for child in list(parent):
                href = child.get("href", "")
                if child.get("class") != "reversefootnote" or where.get(href[1:], -1) < index:
                    continue
                position = list(parent).index(child)
                tail = child.tail or ""
                if position:
                    before = parent[position - 1]
                    before.tail = (before.tail or "").removesuffix("\u00a0") + tail
                else:
                    parent.text = (parent.text or "") + tail
                parent.remove(child)


_LANGUAGE_CLASS = re.compile(r"\blanguage-(\S+)")


class _KramdownTreeprocessor(Treeprocessor):
    """kramdown's markup for code spans, tables, footnotes and standalone block IALs."""

    def __init__(self, md: markdown.Markdown, document: _Document, toc_levels: range) -> None:
        super().__init__(md)
        self.document = document
        self.toc_levels = toc_levels

    def run(self, root: etree.Element) -> None:
        self._block_ials(root)
        _list_paragraphs(root, self.md.htmlStash.rawHtmlBlocks)
        for element in list(root.iter()):
            if "toc" not in element.attrib or element.tag not in ("li", "ul", "ol"):
                continue
            toc = element
            if element.tag == "li":  # attr_list put the IAL on the item
                toc = _parent_of(root, element) or element
                for key, value in element.attrib.items():
                    toc.attrib.setdefault(key, value)
                element.attrib.clear()
            del toc.attrib["toc"]
            if toc.tag in _LISTS:
                _build_toc(root, toc, self.toc_levels)
                break  # kramdown makes only the first one
        for parent in root.iter():
            for child in parent:
                self._fix(parent, child)
        _drop_unreferenced_footnotes(root)
        stash = self.md.htmlStash.rawHtmlBlocks
        tasks = False
        for index, stashed in enumerate(stash):
            if isinstance(stashed, str) and stashed in _TASK_BOXES:
                stash[index] = _TASK_BOXES[stashed]
                tasks = True
        if tasks:
            _task_items(root, stash)

    def _fix(self, parent: etree.Element, element: etree.Element) -> None:
        if KD in element.attrib:
            return
        tag = element.tag
        if tag == "code" and parent.tag != "pre":
            extra = element.get("class")
            if extra and "language-" in extra:
                self._code_span_language(element, extra)
                return
            middle = f" {extra}" if extra else ""
            element.set("class", f"language-plaintext{middle} highlighter-rouge")
        elif tag in ("th", "td") and "style" in element.attrib:
            element.set("style", element.get("style", "").rstrip(";"))
        elif tag == "pre" and len(element) == 1 and element[0].tag == "code":
            self._indented_code(element)
        elif tag == "sup" and element.get("id", "").startswith("fnref"):
            repeat = _REPEATED_REF.match(element.get("id", ""))
            if repeat:  # python-markdown's "fnref2:x" is kramdown's "fnref:x:1"
                element.set("id", f"fnref:{repeat.group(2)}:{int(repeat.group(1)) - 1}")
            element.set("role", "doc-noteref")
            for link in element:
                link.attrib = {"href": link.get("href", ""), "class": "footnote", "rel": "footnote"}
        elif tag == "div" and element.get("class") == "footnote":
            self._footnotes(element)
        elif tag == "dd" and _TIGHT in element.attrib:
            del element.attrib[_TIGHT]
            _set_item_paragraph(element, wrapped=False)

    def _code_span_language(self, code: etree.Element, classes: str) -> None:
        """A code span whose IAL names a language (kramdown's convert_codespan): highlighted with
        it, the highlighter's class after the IAL's, the language first; a language rouge does
        not know leaves the span's classes and text as they are."""
        found = _LANGUAGE_CLASS.search(classes)
        if found is None:
            code.set("class", f"language-plaintext {classes} highlighter-rouge")
            return
        text = code.text or ""
        source = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
        body = highlight_code(source, found.group(1))
        if body is None:
            return
        if not source.endswith("\n") and body.endswith("\n"):
            body = body[:-1]
        if not classes.startswith("language-"):
            classes = f"language-{found.group(1)} {classes}"
        code.set("class", f"{classes} highlighter-rouge")
        code.text = self.md.htmlStash.store(body)

    def _indented_code(self, pre: etree.Element) -> None:
        code = pre[0]
        if code.get("class") or pre.get("class"):
            return
        if code.text and code.text.endswith("\n\n"):  # kramdown's code ends at its last text
            code.text = markdown.util.AtomicString(code.text.rstrip("\n") + "\n")
        pre.tag = "div"
        blank = {BLANK: ""} if BLANK in pre.attrib else {}
        pre.attrib = {"class": "language-plaintext highlighter-rouge", **blank}
        inner = etree.SubElement(pre, "div", {"class": "highlight"})
        pre.remove(code)
        new_pre = etree.SubElement(inner, "pre", {"class": "highlight"})
        new_pre.append(code)

    def _footnotes(self, div: etree.Element) -> None:
        div.attrib = {"class": "footnotes", "role": "doc-endnotes"}
        nbsp = NBSP_PLACEHOLDER  # python-markdown writes it as "&#160;", kramdown as the char
        for element in div.iter():
            if element.text and nbsp in element.text:
                element.text = element.text.replace(nbsp, "\u00a0")
            if element.tail and nbsp in element.tail:
                element.tail = element.tail.replace(nbsp, "\u00a0")
        for child in list(div):
            if child.tag == "hr":
                div.remove(child)
        for item in (item for ol in div.findall("ol") for item in ol.findall("li")):
            item.set("role", "doc-endnote")
        for link in div.iter("a"):
            if link.get("class") == "footnote-backref":
                href = link.get("href", "")
                repeat = _REPEATED_REF.match(href.removeprefix("#"))
                if repeat:  # a later reference's way back: kramdown numbers it
                    number = int(repeat.group(1))
                    href = f"#fnref:{repeat.group(2)}:{number - 1}"
                    etree.SubElement(link, "sup").text = str(number)
                link.attrib = {"href": href, "class": "reversefootnote", "role": "doc-backlink"}
        for parent in div.iter():
            for index, child in enumerate(parent):
                if index and ":" in child.get("href", "").removeprefix("#fnref:"):
                    before = parent[index - 1]
                    before.tail = (before.tail or "") + "\u00a0"

    def _block_ials(self, root: etree.Element) -> None:
        ials = self.document.ials
        if not ials and not self.document.breaks:
            return
        for parent in list(root.iter()):
            previous: etree.Element | None = None
            pending: list[Mapping[str, str]] = []
            for child in list(parent):
                text = (child.text or "").strip()
                if child.tag == "p" and text == _LIST_BREAK:
                    parent.remove(child)
                    continue
                mark = _IAL_MARK_RE.fullmatch(text) if child.tag == "p" else None
                if mark and len(child) == 0 and _IAL_NEXT in ials[int(mark.group(1))]:
                    pending.append(ials[int(mark.group(1))])
                    parent.remove(child)
                    continue
                for attrs in pending:
                    _apply_ial(self.md, child, attrs)
                pending.clear()
                if mark and len(child) == 0:
                    index = int(mark.group(1))
                    if previous is not None:
                        _apply_ial(self.md, previous, ials[index])
                        # The IAL line belongs to the block: the blank line after it is the block's.
                        if BLANK in child.attrib and _IAL_NO_BLANK not in ials[index]:
                            previous.set(BLANK, "")
                        else:
                            previous.attrib.pop(BLANK, None)
                    parent.remove(child)
                    continue
                previous = child


_LISTS = frozenset(("ul", "ol"))
_ITEM_BLOCKS = frozenset(
    (
        "ul",
        "ol",
        "dl",
        "pre",
        "div",
        "table",
        "blockquote",
        "hr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
    )
)
_REPEATED_REF = re.compile(r"fnref(\d+):(.*)")
# pymdownx.tasklist's checkboxes -> kramdown-parser-gfm's
_TASK_BOXES = {
    '<input type="checkbox" disabled/> ': (
        '<input type="checkbox" class="task-list-item-checkbox" disabled="disabled" />'
    ),
    '<input type="checkbox" disabled checked/> ': (
        '<input type="checkbox" class="task-list-item-checkbox" disabled="disabled" '
        'checked="checked" />'
    ),
}


def _task_items(root: etree.Element, stash: Sequence[object]) -> None:
    """kramdown-parser-gfm's task list: once an item of a list has a checkbox, every later item
    that starts with a paragraph is a ``task-list-item`` too, with a checkbox or not."""
    for parent in root.iter():
        if parent.tag not in _LISTS or "task-list" not in parent.get("class", "").split():
            continue
        seen = False
        for item in parent:
            if "task-list-item" in item.get("class", "").split():
                seen = True
            elif seen and item.tag == "li" and _starts_with_paragraph(item, stash):
                names = item.get("class")
                item.set("class", f"{names} task-list-item" if names else "task-list-item")


def _starts_with_paragraph(item: etree.Element, stash: Sequence[object]) -> bool:
    text = (item.text or "").strip()
    if text:  # text, or a code block's or block HTML's placeholder
        match = _STASH.match(text)
        return not (match and match.end() == len(text) and not _is_block_placeholder(item, stash))
    # (block HTML, a span element's too, is no paragraph)
    return len(item) > 0 and item[0].tag not in _ITEM_BLOCKS and item[0].get(KD, "")[:1] != "b"


def _list_paragraphs(root: etree.Element, stash: Sequence[object]) -> None:
    """kramdown's rule for a list item's first paragraph (``<p>`` or bare text), item by item,
    from the blank lines the block parser recorded (python-markdown decides per list)."""
    notes = [div for div in root if div.tag == "div" and div.get("class") == "footnote"]
    skip = {id(element) for div in notes for element in div.iter()}
    for parent in [element for element in root.iter() if element.tag in _LISTS]:
        if KD in parent.attrib or TOC in parent.attrib or id(parent) in skip:
            continue
        items = [child for child in parent if child.tag == "li"]
        plain_seen = False  # an earlier item whose first child is not a wrapped paragraph
        for index, item in enumerate(items):
            first = _first_paragraph(item, stash)
            if first is None:
                plain_seen = True
                continue
            _bare, blank_after, only = first
            last = index == len(items) - 1
            transparent = (not blank_after or (last and only)) and (
                not last or len(items) == 1 or plain_seen
            )
            if _END_ITEM in item.attrib:  # kramdown's eob_found: a blank line after the item's
                del item.attrib[_END_ITEM]  # paragraph, and no exception for the last item
                transparent = transparent and not only
            if transparent:
                plain_seen = True
            _set_item_paragraph(item, wrapped=not transparent)
            if not transparent and blank_after:
                item[0].set(BLANK, "")


def _first_paragraph(
    item: etree.Element, stash: Sequence[object]
) -> tuple[bool, bool, bool] | None:
    """(bare text?, blank line after it?, alone in the item?) for an item that opens with a
    paragraph, else None."""
    split = 0
    while split < len(item) and not is_block(item[split]):
        split += 1
    if (item.text or "").strip() or split:
        alone = split == len(item)
        # indented code right after the text: python-markdown's item took it, after the blank
        # line it needs, into the bare text's item (code cannot interrupt a paragraph)
        code = not alone and item[split].tag == "pre" and not item[split].get("class")
        return True, (alone and BLANK in item.attrib) or code, alone
    if len(item) and item[0].tag == "p" and not _is_block_placeholder(item[0], stash):
        code = len(item) > 1 and item[1].tag == "pre" and not item[1].get("class")
        return False, BLANK in item[0].attrib or code, len(item) == 1
    return None


def _is_block_placeholder(paragraph: etree.Element, stash: Sequence[object]) -> bool:
    match = _STASH.fullmatch((paragraph.text or "").strip())
    if match is None or len(paragraph):
        return False
    index = int(match.group(1))
    return not (index < len(stash) and isinstance(stash[index], InlineHtml))


def _set_item_paragraph(item: etree.Element, *, wrapped: bool) -> None:
    has_p = len(item) > 0 and item[0].tag == "p" and not (item.text or "").strip()
    if wrapped and not has_p:
        paragraph = etree.Element("p")
        paragraph.text = item.text
        item.text = None
        for child in list(item):
            if is_block(child):
                break
            item.remove(child)
            paragraph.append(child)
        if len(paragraph) and paragraph[-1].tail:
            paragraph[-1].tail = paragraph[-1].tail.rstrip("\n")
        paragraph.tail = "\n"
        item.insert(0, paragraph)
    elif not wrapped and has_p:
        paragraph = item[0]
        item.remove(paragraph)
        item.text = paragraph.text
        for position, child in enumerate(list(paragraph)):
            item.insert(position, child)


def _parent_of(root: etree.Element, target: etree.Element) -> etree.Element | None:
    return next((element for element in root.iter() if target in list(element)), None)


def _build_toc(root: etree.Element, toc: etree.Element, levels: range) -> None:
    """kramdown's ``{:toc}``: the list becomes ``#markdown-toc`` of the headers."""
    headers = [
        element
        for element in root.iter()
        if element.tag in _HEADERS
        and element.get("id")
        and KD not in element.attrib
        and int(element.tag[1]) in levels
        and "no_toc" not in element.get("class", "").split()
    ]
    for item in list(toc):
        toc.remove(item)
    toc.text = None
    if "id" not in toc.attrib:
        toc.set("id", "markdown-toc")
    toc.set(TOC, "")
    stack: list[tuple[int, etree.Element]] = []
    for header in headers:
        level = int(header.tag[1])
        while len(stack) > 1 and stack[-1][0] > level:
            stack.pop()
        if not stack:
            stack.append((level, toc))
        elif level > stack[-1][0] and len(stack[-1][1]):
            stack.append((level, etree.SubElement(stack[-1][1][-1], toc.tag)))
        entry = etree.SubElement(stack[-1][1], "li")
        link = etree.SubElement(
            entry,
            "a",
            {"href": "#" + header.get("id", ""), "id": "markdown-toc-" + header.get("id", "")},
        )
        link.text = header.text
        for child in header:
            link.append(copy.deepcopy(child))


_STASH = re.compile("\x02wzxhzdk:(\\d+)\x03")


def _apply_ial(md: markdown.Markdown, element: etree.Element, attrs: Mapping[str, str]) -> None:
    attrs = {key: value for key, value in attrs.items() if key[:1] != "\x02"}
    stashed = _STASH.fullmatch((element.text or "").strip()) if element.tag == "p" else None
    if stashed:
        index = int(stashed.group(1))
        block = md.htmlStash.rawHtmlBlocks[index]
        if not isinstance(block, CodeBlock):
            block = str(block)
        md.htmlStash.rawHtmlBlocks[index] = _ial_into_html(block, attrs)
        return
    auto_id = element.get("id") if element.tag in _HEADERS and "id" not in attrs else None
    for key, value in attrs.items():
        if key == "class" and element.get("class"):
            element.set("class", f"{element.get('class')} {value}")
        else:
            element.set(key, value)
    if auto_id is not None:  # kramdown gives a header its id after the IAL's attributes
        del element.attrib["id"]
        element.set("id", auto_id)


def _ial_into_html(block: str, attrs: Mapping[str, str]) -> str:
    if isinstance(block, CodeBlock) and block.source is not None:
        code, lang, classes, own = block.source
        return _code_block(code, lang, classes=classes, attrs=own, ial=attrs)
    names = attrs.get("class")
    if names and " highlighter-rouge" in block:
        block = block.replace(" highlighter-rouge", f" {names} highlighter-rouge", 1)
    others = "".join(
        f' {key}="{html.escape(value)}"' for key, value in attrs.items() if key != "class"
    )
    if others:
        end = block.find(">")
        block = block[:end] + others + block[end:]
    return block


_IAL_ATTR = re.compile(
    r"""([#.][\w-]+)|([\w-]+)=(?:"([^"]*)"|'([^']*)'|(\S+))|(?<![\w-])(toc)(?![\w=-])"""
)


def parse_ial(text: str) -> dict[str, str]:
    """``{: .a #b key="v"}`` -> ``{"class": "a", "id": "b", "key": "v"}``, in kramdown's order
    (the class where the first class is)."""
    attrs: dict[str, str] = {}
    classes: list[str] = []
    for match in _IAL_ATTR.finditer(text.strip()[2:-1]):
        short, key = match.group(1), match.group(2)
        if short and short[0] == ".":
            attrs.setdefault("class", "")
            classes.append(short[1:])
        elif short:
            attrs["id"] = short[1:]
        elif key:
            value = match.group(3) if match.group(3) is not None else match.group(4)
            attrs[key] = value if value is not None else match.group(5) or ""
        elif match.group(6):  # the reference kramdown replaces with the table of contents
            attrs["toc"] = ""
    if classes:
        attrs["class"] = " ".join(classes)
    return attrs


class _IalLinePreprocessor(Preprocessor):
    """Standalone IAL lines (after a blank line, a fence or a quote) -> a marker paragraph that
    the tree processor applies to the previous block, as kramdown does."""

    def __init__(self, md: markdown.Markdown, document: _Document) -> None:
        super().__init__(md)
        self.document = document

    def run(self, lines: list[str]) -> list[str]:
        ials = self.document.ials
        alds = self.document.alds
        if any("{:" in line and _ALD_LINE.match(line) for line in lines):
            lines = self._alds(lines)
        lines = _merge_ial_lines(lines)
        out: list[str] = []
        for index, line in enumerate(lines):
            if _IAL_LINE.match(line) and (index == 0 or not lines[index - 1].strip()):
                text = line.strip().replace(_NO_BLANK, "")
                attrs = parse_ial(with_alds(text, alds) if alds else text)
                if _NO_BLANK in line:
                    attrs[_IAL_NO_BLANK] = ""
                before = lines[index - 2] if index > 1 else ""
                if index == 0 or "\x02" not in before:
                    # kramdown: after a blank line (or first), an IAL is the next block's
                    attrs[_IAL_NEXT] = ""
                ials.append(attrs)
                out.append(" " * _indent(line) + _IAL_MARK.format(len(ials) - 1))
                out.append("")
            else:
                out.append(line)
        return out

    def _alds(self, lines: list[str]) -> list[str]:
        """kramdown's attribute list definitions (``{:name: .a #b k="v"}`` lines), kept for the
        IALs that name them; each line ends the block before it."""
        out: list[str] = []
        for line in lines:
            found = _ALD_LINE.match(line) if "{:" in line else None
            if found is None:
                out.append(line)
                continue
            alds = self.document.alds  # kramdown adds a name's definitions up
            name = found.group(1)
            alds[name] = f"{alds[name]} {found.group(2)}" if name in alds else found.group(2)
            if out and out[-1].strip():
                out.append("")
        return out


def _merge_ial_lines(lines: list[str]) -> list[str]:
    """Consecutive IAL lines as one (kramdown adds each to the same attributes)."""
    out: list[str] = []
    previous = False
    for line in lines:
        ial = "{:" in line and _IAL_LINE.match(line) is not None
        if ial and previous:
            head = out[-1].rstrip()
            head = head[: head.rfind("}")]
            body = line.strip().replace(_NO_BLANK, "").replace(_NO_BLANK_BEFORE, "")
            out[-1] = head + " " + body[2:]
            if _NO_BLANK in line and _NO_BLANK not in head:
                out[-1] = _NO_BLANK + out[-1].lstrip(" ")
        else:
            out.append(line)
        previous = ial
    return out


_ALD_LINE = re.compile(r"^[ ]{0,3}(?:\x02bsnb\x03)?\{:(\w[\w-]*):((?:\\\}|[^}])+)\}[ \t]*$")
# kramdown's ALD_TYPE_ANY: a key="value" pair, a reference to a definition, ids and classes
_ALD_PART = re.compile(
    r"""(?:^|(?<=\s))(?:\w[\w-]*=("|')(?:\\\}|\\.|[^}])*?\1|(\w[\w-]*)|"""
    r"""(?:#[A-Za-z][\w:-]*|\.[^\s.#]+)+)(?=\s|$)"""
)


def with_alds(text: str, alds: Mapping[str, str], depth: int = 0) -> str:
    """An IAL (``{: ref .c}``) with the attribute lists it names put first, as kramdown applies
    them (a definition's attributes, then the IAL's own)."""
    inner = text.strip()
    braced = inner.startswith("{:") and inner.endswith("}")
    body = inner[2:-1] if braced else inner
    if depth > 8:
        return text
    refs = [
        with_alds(alds[m.group(2)], alds, depth + 1)
        for m in _ALD_PART.finditer(body)
        if m.group(2) and m.group(2) in alds
    ]
    if not refs:
        return text
    body = " ".join([*refs, body])
    return "{:" + body + "}" if braced else body


class _GfmHashHeaderProcessor(HashHeaderProcessor):
    """GFM needs a space after the hashes: ``#dowork`` is a paragraph, not a header."""

    RE = re.compile(r"(?:^|\n)(?P<level>#{1,6})(?:[ \t]+(?P<header>(?:\\.|[^\\])*?))?#*(?:\n|$)")

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        match = self.RE.search(blocks[0])
        if match and match.group("header") is None:
            blocks[0] = blocks[0][: match.start("level")] + "# " + blocks[0][match.end("level") :]
        super().run(parent, blocks)


# kramdown escapes more characters than python-markdown does (the GFM parser adds "~").
_KRAMDOWN_ESCAPES = ('"', "'", ":", "|", "$", "=", "<", ">", "~")


# Characters without which an inline pattern cannot match: the pattern is skipped for text that
# lacks them all (python-markdown tries every pattern on every text node otherwise).
_TRIGGERS: dict[str, tuple[str, ...]] = {
    "backtick": ("`",),
    "bs_math_inline": ("$$",),
    "escape": ("\\",),
    "bs_break": ("\\\n",),
    "bs_raw_span": ("<",),
    "footnote": ("[^",),
    "reference": ("[",),
    "link": ("[",),
    "image_link": ("![",),
    "image_reference": ("![",),
    "short_reference": ("[",),
    "short_image_ref": ("![",),
    "autolink": ("<",),
    "automail": ("<",),
    "linebreak": ("  \n",),
    "bs_angle": ("<<", ">>"),
    "html": ("<",),
    "entity": ("&",),
    "em_strong": ("*", "_"),
    "bs_strike": ("~~",),
}


class _FastInlineProcessor(InlineTreeprocessor):
    """python-markdown's inline pass, skipping patterns whose trigger text is absent."""

    def __init__(self, md: markdown.Markdown) -> None:
        super().__init__(md)
        self._table: list[tuple[Any, tuple[str, ...] | None]] | None = None
        self._pending: list[etree.Element] = []  # emphasis made, its tag marked until the end

    def run(self, tree: etree.Element, ancestors: list[str] | None = None) -> etree.Element:
        outer, self._pending = self._pending, []
        try:
            return super().run(tree, ancestors)
        finally:
            for element in self._pending:
                element.tag = element.tag[: -len(_PENDING)]
            self._pending = outer

    def _patterns(self) -> list[tuple[Any, tuple[str, ...] | None]]:
        if self._table is None:
            triggers = {
                id(self.inlinePatterns[name]): value
                for name, value in _TRIGGERS.items()
                if name in self.inlinePatterns
            }
            self._table = [(p, triggers.get(id(p))) for p in self.inlinePatterns]
        return self._table

    def _InlineProcessor__handleInline(  # overrides the name-mangled method
        self,
        data: str,
        patternIndex: int = 0,
    ) -> str:
        if isinstance(data, markdown.util.AtomicString):
            return data
        patterns = self._patterns()
        count = len(patterns)
        apply = self._InlineProcessor__applyPattern  # type: ignore[attr-defined]
        start = 0
        index = patternIndex
        while index < count:
            pattern, trigger = patterns[index]
            if trigger is not None:
                for text in trigger:
                    if text in data:
                        break
                else:
                    index += 1
                    start = 0
                    continue
            if isinstance(pattern, _KramdownEmphasis):
                data = self._emphasis(pattern, data, index)
                index += 1
                start = 0
                continue
            data, matched, start = apply(pattern, data, index, start)
            if not matched:
                index += 1
        return data

    def _emphasis(self, pattern: _KramdownEmphasis, data: str, index: int) -> str:
        """``data`` with kramdown's emphasis stashed, each element's text through the patterns
        after it (as python-markdown does for a pattern's element)."""
        # The emphasis open around the text: python-markdown's pass goes over the text of an
        # element it has stashed again (its tag an ancestor then); a raw HTML ``<em>`` is no
        # ``:em`` to kramdown, hence the pending tags.
        pending = [tag[:-1] for tag in self.ancestors if tag[-1:] == _PENDING]
        tree = pending[-1] if self.ancestors and self.ancestors[-1][-1:] == _PENDING else ""
        elements: frozenset[int] = frozenset()
        if "{:" in data:  # where an element ends (an IAL may follow it)
            nodes = self.stashed_nodes
            elements = frozenset(
                m.end()
                for m in markdown.util.INLINE_PLACEHOLDER_RE.finditer(data)
                if isinstance(nodes.get(m.group(1)), etree.Element)
            )
        spans = pattern.spans(data, tree, frozenset(pending) - {tree}, elements)
        if all(isinstance(span, str) for span in spans):
            return data
        out: list[str] = []
        for span in spans:
            if isinstance(span, str):
                out.append(span)
            else:
                element = self._emphasis_element(span, index)
                out.append(self._InlineProcessor__stashNode(element, "em_strong"))  # type: ignore[attr-defined]
        return "".join(out)

    def _emphasis_element(self, span: tuple[str, list[_Span]], index: int) -> etree.Element:
        tag, spans = span
        name = tag.lstrip("*_")
        closer, tag = tag[: len(tag) - len(name)], name
        element = etree.Element(tag + _PENDING, {_CLOSER: closer})
        self._pending.append(element)
        last: etree.Element | None = None
        self.ancestors.append(element.tag)
        for part in spans:
            if isinstance(part, str):
                text = self._InlineProcessor__handleInline(part, index + 1)
                if last is None:
                    element.text = text
                else:
                    last.tail = text
            else:
                last = self._emphasis_element(part, index)
                element.append(last)
        self.ancestors.pop()
        return element


class _TrackingBlockParser(BlockParser):
    """python-markdown's block parser, recording where the source has a blank line between two
    blocks (kramdown writes one there): the ``BLANK`` attribute on the element before it.

    Blocks are separated by blank lines, so a processor that consumes its whole block with more
    blocks to come leaves a blank line after the last element at every depth; an element that
    grows later (a list gaining an item, code continued past a blank line) loses the mark."""

    leading_blank = False  # the document opens with blocks that write nothing, then a blank
    at_boundary = True  # the block being parsed is not the rest of one (kramdown's boundary)
    depth = 0  # of parseBlocks calls: 1 is the document's own

    def parseBlocks(self, parent: etree.Element, blocks: list[str]) -> None:
        if self.depth and parent.tag in _HTML_CONTAINERS:
            blocks = self._html_blocks(blocks)
        self.depth += 1
        try:
            self._parse_blocks(parent, blocks)
        finally:
            self.depth -= 1

    def _html_blocks(self, blocks: list[str]) -> list[str]:
        """kramdown parses a blockquote's or list item's text as blocks like the document's: its
        block HTML (``> <div>``, ``* <font>``) is taken out as ``_HtmlBlockPreprocessor`` takes
        the document's, which cannot see it behind the ``>`` or the list marker."""
        out: list[str] = []
        for block in blocks:
            if "<" not in block or not any(BLOCK_START.match(line) for line in block.split("\n")):
                out.append(block)
                continue
            found = self.md.preprocessors["bs_html"]._html_blocks(  # type: ignore[attr-defined]
                block.split("\n"), block + "\n"
            )
            out.extend("\n".join(found).split("\n\n"))
        return out

    _table: list[tuple[BlockProcessor, tuple[str, ...] | None]] | None = None

    def _processors(self) -> list[tuple[BlockProcessor, tuple[str, ...] | None]]:
        """The block processors in order, each with the text it cannot match without."""
        if self._table is None:
            triggers = {
                id(self.blockprocessors[name]): value
                for name, value in _BLOCK_TRIGGERS.items()
                if name in self.blockprocessors
            }
            self._table = [(p, triggers.get(id(p))) for p in self.blockprocessors]
        return self._table

    def _parse_blocks(self, parent: etree.Element, blocks: list[str]) -> None:
        boundary = True
        processors = self._processors()
        while blocks:
            self.at_boundary = boundary  # blocks[0] follows a blank line, or opens the chunk
            count = len(blocks)
            blank = blocks[0][:1] == "\n"  # a blank line first (the empty processor's)
            chain = _last_chain(parent)
            sizes = [(len(element), len(element.text or "")) for element in chain]
            for processor, trigger in processors:
                block = blocks[0]  # as a run that gives up left it
                if trigger is not None:
                    for text in trigger:
                        if text in block:
                            break
                    else:
                        continue
                if processor.test(parent, block) and processor.run(parent, blocks) is not False:
                    break
            grown = -1
            for depth, element in enumerate(chain):
                if (len(element), len(element.text or "")) != sizes[depth]:
                    grown = depth
            for depth in range(grown + 1):
                element = chain[depth]
                if BLANK in element.attrib:
                    del element.attrib[BLANK]
                    if not sizes[depth][0] and sizes[depth][1] and len(element):
                        element[0].set(BLANK, "")  # its text went into a new paragraph
            boundary = len(blocks) < count
            if blocks and boundary:
                for element in _last_chain(parent):
                    element.set(BLANK, "")
                if not len(parent) and self.depth == 1:
                    self.leading_blank = True  # definitions, then a blank line: kramdown's first
            boundary = boundary or blank


_HTML_CONTAINERS = frozenset(("blockquote", "li", "dd"))  # their text is parsed as blocks

# Text without which a block processor cannot take a block (python-markdown tries each one's
# regular expression on every block otherwise): headers need a "#" or an underline, rules three
# "-", "_" or "*", a quote ">", a definition ": ", a table "|", footnote, abbreviation and link
# definitions "[^", "*[" and "]:". Each of these processors' test is false (or its run gives the
# block back untouched) for a block without them.
_BLOCK_TRIGGERS: dict[str, tuple[str, ...]] = {
    "hashheader": ("#",),
    "setextheader": ("\n=", "\n-"),
    "hr": ("-", "_", "*"),
    "deflist": (": ",),
    "quote": (">",),
    "table": ("|",),
    "footnote": ("[^",),
    "abbr": ("*[",),
    "reference": ("]:",),
}


def _last_chain(parent: etree.Element) -> list[etree.Element]:
    """The last child, its last child and so on (not into raw HTML, whose blanks are its own)."""
    chain: list[etree.Element] = []
    while len(parent):
        parent = parent[-1]
        chain.append(parent)
        if KD in parent.attrib:
            break
    return chain


class _NoBlankTreeprocessor(Treeprocessor):
    """Drop the ``_NO_BLANK`` marks, and the blank line recorded after the element holding each."""

    def __init__(self, md: markdown.Markdown, document: _Document) -> None:
        super().__init__(md)
        self.document = document

    def run(self, root: etree.Element) -> None:
        if not self.document.no_blank:
            return
        parents: dict[etree.Element, etree.Element] = {}
        previous: dict[etree.Element, etree.Element] = {}
        for parent in root.iter():
            before = None
            for child in parent:
                parents[child] = parent
                if before is not None:
                    previous[child] = before
                before = child
        for element in list(root.iter()):
            if _END_OF_LIST in (element.text or "") or _END_OF_LIST in (element.tail or ""):
                self._end_of_list(element, parents)
            if "\x02bsli:" in (element.text or "") or "\x02bsli:" in (element.tail or ""):
                self._item_ial(element, parents)
            if element.text and _NOTHING in element.text:
                element.text = _keep_kind(element.text, element.text.replace(_NOTHING, ""))
            if element.tail and _NOTHING in element.tail:
                element.tail = _keep_kind(element.tail, element.tail.replace(_NOTHING, ""))
            if element.text and _NO_BLANK_BEFORE in element.text:
                element.text = _keep_kind(element.text, element.text.replace(_NO_BLANK_BEFORE, ""))
                _drop_blank_before(element, parents, previous, root)
            if element.tag == "p" and element.text and element.text.startswith(_BARE):
                element.text = _keep_kind(element.text, element.text[len(_BARE) :])
                element.set(BARE, "")  # written without its tags
            holder: etree.Element | None = None
            if element.text and _NO_BLANK in element.text:
                element.text = _keep_kind(element.text, element.text.replace(_NO_BLANK, ""))
                holder = element
            if element.tail and _NO_BLANK in element.tail:
                element.tail = _keep_kind(element.tail, element.tail.replace(_NO_BLANK, ""))
                holder = parents.get(element)
            while holder is not None and holder is not root:
                holder.attrib.pop(BLANK, None)
                up = parents.get(holder)
                if up is None or up[-1] is not holder:
                    break
                holder = up

    def _item_ial(
        self, element: etree.Element, parents: dict[etree.Element, etree.Element]
    ) -> None:
        """An ``_ITEM_IAL`` mark out, its IAL's attributes on the item it opens."""
        text, tail = element.text or "", element.tail or ""
        found = _ITEM_IAL_RE.search(text) or _ITEM_IAL_RE.search(tail)
        if found is None:
            return
        element.text = _keep_kind(text, _ITEM_IAL_RE.sub("", text)) if text else element.text
        element.tail = _keep_kind(tail, _ITEM_IAL_RE.sub("", tail)) if tail else element.tail
        holder = element if found.string is text else parents.get(element)
        while holder is not None and holder.tag not in ("li", "dd"):
            holder = parents.get(holder)
        if holder is None:
            return
        ial = self.document.item_ials[int(found.group(1))]
        alds = self.document.alds
        _apply_ial(self.md, holder, parse_ial(with_alds(ial, alds) if alds else ial))

    @staticmethod
    def _end_of_list(element: etree.Element, parents: dict[etree.Element, etree.Element]) -> None:
        """The ``_END_OF_LIST`` mark out, its item marked (for ``_list_paragraphs``)."""
        text, tail = element.text or "", element.tail or ""
        in_text = _END_OF_LIST in text
        if in_text:
            element.text = _keep_kind(text, text.replace(_END_OF_LIST, ""))
        if _END_OF_LIST in tail:
            element.tail = _keep_kind(tail, tail.replace(_END_OF_LIST, ""))
        holder = element if in_text else parents.get(element)
        while holder is not None and holder.tag != "li":
            holder = parents.get(holder)
        if holder is not None:
            holder.set(_END_ITEM, "")


def _drop_blank_before(
    element: etree.Element,
    parents: dict[etree.Element, etree.Element],
    previous: dict[etree.Element, etree.Element],
    root: etree.Element,
) -> None:
    """No blank line before the block that opens with ``element``'s text."""
    parent = parents.get(element)
    while parent is not None and parent is not root and parent[0] is element:
        element, parent = parent, parents.get(parent)
    before = previous.get(element)
    if before is not None:
        for block in [before, *_last_chain(before)]:
            block.attrib.pop(BLANK, None)


def _keep_kind(old: str, new: str) -> str:
    return markdown.util.AtomicString(new) if isinstance(old, markdown.util.AtomicString) else new


_TABLE_LINE = re.compile(r"^(?:\||.*?[^\\\n]\|)")  # kramdown's TABLE_PIPE_CHECK
# GFM's delimiter row (``| --- | :-: |``), with at least one pipe: what makes lines a table
# when the site asks for GitHub's rule (``broadsheet: {tables: gfm}``)
_GFM_DELIMITER_ROW = re.compile(
    r"^[ ]{0,3}(?=[^\n]*\|)\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$"
)
_TABLE_SEP = re.compile(r"^([+|: \t-]*?-[+|: \t-]*?)[ \t]*$")
_TABLE_FOOT = re.compile(r"^[+|: \t=]*?=[+|: \t=]*?[ \t]*$")
_TABLE_ALIGN = re.compile(r"[ \t]?(:?)-+(:?)[ \t]?")  # kramdown's TABLE_HSEP_ALIGN
# what may follow a table: a blank, IAL or end-of-block line
_TABLE_END = re.compile(r"^(?:[ ]{0,3}(?:\x02bsnb\x03)?\{:(?!:)[^}]*\}[ \t]*|\^\s*|\s*)$")
_DEFINITION = re.compile(r"^[ ]{0,3}:[ \t]")
_KD_LIST = re.compile(r"^[ ]{0,3}(?:[*+-]|\d+\.)[\t| ]")  # kramdown's list (no "1)" item)
_SETEXT_UNDERLINE = re.compile(r"^(?:-+|=+)\s*$")
_HTML_CODE = re.compile(r"(<code.*?>.*?</code>)")
_CELL_PIPE = re.compile(r"(?<!\\)\|")


_SPAN_START = re.compile(r"[`<]")


def _code_spans(text: str, html: bool = False) -> list[tuple[str, str]]:
    """``text`` as kramdown's code span parser (and with ``html`` its span HTML parser) alone
    read it: ("text", ...), ("code", content) and ("html", tag name or comment) parts. A lone
    backtick between spaces is text; a delimiter is closed by the next run of as many backticks
    (its start); an unclosed one is text. An HTML element takes its content, to its end tag or
    to the end of the text."""
    parts: list[tuple[str, str]] = []
    at = start = 0
    end = len(text)
    pattern = _SPAN_START if html else _BACKTICK
    while True:
        found = pattern.search(text, at)
        if found is None:
            break
        tick = found.start()
        if text[tick] == "<":
            kind, value, after = _span_html(text, tick)
        else:
            kind, value, after = _code_span(text, tick)
        if kind == "text":
            at = after
            continue
        if start < tick:
            parts.append(("text", text[start:tick]))
        parts.append((kind, value))
        at = start = after
    if start < end:
        parts.append(("text", text[start:]))
    return parts


_BACKTICK = re.compile("`")


def _span_html(text: str, at: int) -> tuple[str, str, int]:
    comment = COMMENT_RE.match(text, at)
    if comment:
        return "html", comment.group(), comment.end()
    closing = TAG_CLOSE_RE.match(text, at)
    if closing:
        return "text", closing.group(), closing.end()
    tag = TAG_RE.match(text, at)
    if not tag or tag.group(1).lower() in BLOCK_ELEMENTS:
        return "text", "<", at + 1
    name = tag.group(1)
    if tag.group(4) or name.lower() in VOID:
        return "html", name, tag.end()
    close = re.compile(rf"</{re.escape(name)}\s*>", re.I).search(text, tag.end())
    return "html", name, close.end() if close else len(text)


def _table_cells(row: str) -> list[str]:
    """kramdown's cell split of a row: at ``|`` outside code spans and ``<code>`` elements,
    ``\\|`` kept as ``|``; a code span written again with kramdown's delimiter."""
    cells: list[str] = []
    for index, part in enumerate(_HTML_CODE.split(row) if "<code" in row else [row]):
        if index % 2:
            if cells:
                cells[-1] += part
            else:
                cells.append(part)
            continue
        for kind, value in _code_spans(part) if "`" in part else [("text", part)]:
            if kind == "text":
                first, *rest = (t.replace("\\|", "|") for t in _CELL_PIPE.split(value))
            else:
                delim = max(re.findall("`+", value), key=len, default="") + "`"
                pad = " " if len(delim) > 1 else ""
                first, rest = f"{delim}{pad}{value}{pad}{delim}", []
            if cells:
                cells[-1] += first
            else:
                cells.append(first)
            cells.extend(rest)
    return cells


def _pipe_on_line(text: str) -> bool:
    """kramdown's last check of a table: each line has a ``|`` outside code spans (and span
    HTML), read its way."""
    if "`" not in text and "<" not in text:
        parts: list[tuple[str, str]] = [("text", text)]
    else:
        parts = _code_spans(text, html=True)
    pipe = False
    for kind, value in parts:
        if not value:
            continue
        lines = value.split("\n")
        while lines and not lines[-1]:
            lines.pop()  # Ruby's split drops trailing empty fields
        if kind == "code":
            if len(lines) > 2 or (len(lines) == 2 and not pipe):
                break
            if len(lines) == 2:
                pipe = False
        else:
            if len(lines) > 1 and not pipe and not _TABLE_LINE.match(lines[0]):
                break
            pipe = (False if len(lines) > 1 else pipe) or bool(
                lines and _TABLE_LINE.match(lines[-1])
            )
    return pipe


class _KramdownTableProcessor(BlockProcessor):
    """kramdown's tables (parser/kramdown/table.rb): from a block's first line, every line with
    an unescaped ``|``; a separator line after the first rows makes them the header, later ones
    start another tbody, ``===`` the tfoot. The lines must end the block (or come before an IAL
    or end-of-block line), and each needs a ``|`` outside code spans."""

    refused: tuple[str, int] | None = None  # lines not a table, and the depth they were met at
    document: _Document | None = None

    def test(self, parent: etree.Element, block: str) -> bool:
        if "|" not in block or not getattr(self.parser, "at_boundary", True):
            return False
        if self.refused is not None:
            depth = getattr(self.parser, "depth", 0)
            if block == self.refused[0] and depth == self.refused[1] + 1:
                return False  # the table's lines, split from what refused them (a header...)
            if depth <= self.refused[1]:
                self.refused = None
        first, _, rest = block.partition("\n")
        if first.startswith(_NO_BLANK_BEFORE) and parent.tag == "li" and not len(parent):
            # an item's text right after a fence: a block of its own, with its boundary
            first = first[len(_NO_BLANK_BEFORE) :]
        if _indent(first) > 3 or not first.strip() or not _TABLE_LINE.match(first):
            return False
        if _KD_LIST.match(first) or _HR.match(first) or _ATX_START.match(first):
            return False  # kramdown's list, rule and header come first
        if first.lstrip().startswith((">", "```", "~~~", "\x02")):
            return False
        if _DEFINITION.match(first) and len(parent) and parent[-1].tag in ("p", "dl"):
            return False  # kramdown's definition (of the paragraph before) comes first
        second = rest.partition("\n")[0]
        if self.document is not None and self.document.gfm_tables:
            return bool(_GFM_DELIMITER_ROW.match(second))  # GitHub's rule: a delimiter row
        return not (rest and _SETEXT_UNDERLINE.match(second))  # a setext header

    def run(self, parent: etree.Element, blocks: list[str]) -> bool:
        lines = blocks[0].split("\n")
        first_marked = lines[0].startswith(_NO_BLANK_BEFORE) and parent.tag == "li"
        if first_marked:  # (see test; the mark goes back into the first cell)
            lines[0] = lines[0][len(_NO_BLANK_BEFORE) :]
        count = 0
        while count < len(lines) and _TABLE_LINE.match(lines[count]):
            count += 1
        if count < len(lines) and not _TABLE_END.match(lines[count]):
            # a paragraph to kramdown: not a table when a processor splits them off either
            self.refused = ("\n".join(lines[:count]), getattr(self.parser, "depth", 0))
            return False
        if count == len(lines) and _NO_BLANK in lines[-1]:
            if len(blocks) > 1 and not _IAL_MARK_RE.match(blocks[1].lstrip(" ")):
                return False  # a block follows without a blank line: not kramdown's boundary
            if len(blocks) == 1 and parent.tag not in ("li", "blockquote"):
                return False  # (the end of an item's or a quote's text is a boundary)
        if not _pipe_on_line("\n".join(lines[:count])):
            return False
        leading_pipe = lines[0].lstrip().startswith("|")
        sections: list[tuple[str, list[list[str]]]] = []
        rows: list[list[str]] = []
        alignment: list[str] | None = None
        footer = False
        marked = False  # a _NO_BLANK mark, put back into the last cell
        for line in lines[:count]:
            if _NO_BLANK in line:
                line = line.replace(_NO_BLANK, "")
                marked = True
            separator = _TABLE_SEP.match(line)
            if separator:
                if not rows:
                    continue
                if alignment is None and not footer:
                    sections.append(("thead", rows))
                    rows = []
                    alignment = [
                        "center" if left and right else "left" if left else "right" if right else ""
                        for left, right in _TABLE_ALIGN.findall(separator.group(1))
                    ]
                elif not footer:
                    sections.append(("tbody", rows))
                    rows = []
            elif _TABLE_FOOT.match(line):
                if rows:
                    sections.append(("tbody", rows))
                    rows = []
                footer = True
            else:
                cells = _table_cells(line.rstrip(" \t"))
                if leading_pipe and cells and not cells[0].strip():
                    cells.pop(0)
                if cells and not cells[-1].strip():
                    cells.pop()
                rows.append([cell.strip() for cell in cells])
        if rows:
            sections.append(("tfoot" if footer else "tbody", rows))
        if not any(tag == "tbody" for tag, _ in sections):
            return False
        columns = max(len(row) for _, part in sections for row in part)
        align = (alignment or [])[:columns]
        align += [""] * (columns - len(align))
        table = etree.SubElement(parent, "table")
        for tag, part in sections:
            section = etree.SubElement(table, tag)
            for cells in part:
                row = etree.SubElement(section, "tr")
                for index in range(columns):
                    cell = etree.SubElement(row, "th" if tag == "thead" else "td")
                    cell.text = cells[index] if index < len(cells) else ""
                    if align[index]:
                        cell.set("style", f"text-align: {align[index]}")
        if first_marked and len(table[0][0]):
            table[0][0][0].text = _NO_BLANK_BEFORE + (table[0][0][0].text or "")
        last_row = table[-1][-1]
        if marked and len(last_row):
            last_row[-1].text = (last_row[-1].text or "") + _NO_BLANK
        blocks.pop(0)
        if count < len(lines):
            ial = lines[count].replace(_NO_BLANK, "").strip()
            if ial.startswith("{:"):  # the table's IAL (with the ALDs it names)
                alds = self.document.alds if self.document else None
                _apply_ial(self.parser.md, table, parse_ial(with_alds(ial, alds) if alds else ial))
            if ial:
                count += 1  # the IAL or end-of-block line
            if count < len(lines):
                blocks.insert(0, "\n".join(lines[count:]))
        return True


# kramdown's LINK_DEFINITION_START (parser/kramdown/link.rb), a line at a time
_LINK_DEFINITION = re.compile(
    r"^[ ]{0,3}\[([^\n\]]+)\]:[ \t]*(?:<(.*?)>|([^\n]*?\S[^\n]*?))"
    r"(?:(?:[ \t]*?\n|[ \t]+?)[ \t]*?([\"'])(.+?)\4)?[ \t]*?(?:\x02bsnb\x03)?$",
    re.M,
)
_QUOTE_IN_URL = re.compile(r"[ \t]+[\"']")


class _KramdownReferenceProcessor(ReferenceProcessor):
    """kramdown's link definition: the URL on the definition's own line, in ``<...>`` or all of
    the line but a quoted title (on the line or the next); no ``(title)`` (it is more of the
    URL) and no URL on the next line. A quote after a space in a URL that is not a title
    makes the line no definition (``parse_link_definition`` returns false). The lines
    preprocessor's ``_NO_BLANK`` may end the line (a block right after it)."""

    def run(self, parent: etree.Element, blocks: list[str]) -> bool:
        block = blocks.pop(0)
        matches = [m for m in _LINK_DEFINITION.finditer(block) if _is_definition(m)]
        if not matches:
            blocks.insert(0, block)
            return False
        start = end = matches[0].start()
        for m in matches:  # the definitions on the lines that follow (python-markdown's rule)
            if m.start() > start and (block[end : m.start()].strip("\n") or "\n" in m.group()):
                break
            url = m.group(2) if m.group(2) is not None else m.group(3)
            self.parser.md.references[m.group(1).strip().lower()] = (url, m.group(5))
            end = m.end()
        if block[end:].strip():
            blocks.insert(0, block[end:].lstrip("\n"))
        if block[:start].strip():
            blocks.insert(0, block[:start].rstrip("\n"))
        return True


def _is_definition(match: re.Match[str]) -> bool:
    return match.group(3) is None or _QUOTE_IN_URL.search(match.group(3)) is None


class _KramdownFootnoteProcessor(FootnoteBlockProcessor):
    """kramdown's footnote definition (FOOTNOTE_DEFINITION_START): its first line, then indented
    lines, each with lazy lines after it; a line that is neither ends it (python-markdown would
    take every line of the block)."""

    def run(self, parent: etree.Element, blocks: list[str]) -> bool:
        block = blocks[0]
        match = self.RE.search(block)
        if match is not None:
            end = _footnote_end(block, match.end())
            if end is not None:
                blocks[0:1] = [block[:end].rstrip("\n"), block[end:]]
        return bool(super().run(parent, blocks))


def _footnote_end(block: str, at: int) -> int | None:
    """Where the footnote definition whose first line ends at ``at`` ends in ``block``: at the
    first line after it that is not indented and follows no indented line; None: at the end."""
    indented = False
    start = at + 1
    while start < len(block):
        stop = block.find("\n", start)
        stop = len(block) if stop < 0 else stop
        line = block[start:stop]
        if _indent(line) >= 4:
            indented = True
        elif not indented:
            return start
        start = stop + 1
    return None


class _SeparateBlockQuoteProcessor(BlockQuoteProcessor):
    """A blank line ends a kramdown blockquote: the next ``>`` block starts another one."""

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        block = blocks.pop(0)
        match = self.RE.search(block)
        if match:
            self.parser.parseBlocks(parent, [block[: match.start()]])
            lines = block[match.start() :].split("\n")
            block = "\n".join(self.clean(line) for line in lines)
        quote = etree.SubElement(parent, "blockquote")
        self.parser.state.set("blockquote")
        self.parser.parseChunk(quote, block)
        self.parser.state.reset()


_TIGHT = "bs-tight"  # on a definition whose first paragraph kramdown writes without <p>


_ABBREVIATION_START = re.compile(r"[*]\[[^\]]*?\][ ]?:")  # python-markdown's abbreviation


def _opens_with_definition(block: str) -> bool:
    """Whether ``block`` opens with a line a definition processor takes (link, footnote,
    abbreviation): the lines preprocessor has made those under a paragraph's line text."""
    first = block.partition("\n")[0]
    if first[:1] == "*":
        return _ABBREVIATION_START.match(first) is not None
    if first.lstrip(" ")[:1] != "[":
        return False
    if _FOOTNOTE_START.match(first):
        return True
    link = _LINK_DEFINITION.match(first)
    return link is not None and _is_definition(link)


class _KramdownDefListProcessor(DefListProcessor):
    """python-markdown's definitions with kramdown's paragraph rule: a definition whose ``:``
    line follows a blank line starts with a ``<p>``, any other with bare text (python-markdown
    looks at the definition before). A block that starts with ``:`` is one after a blank line,
    unless it is the rest of the block before (``theRest``, recognised by identity)."""

    def __init__(self, parser: BlockParser) -> None:
        super().__init__(parser)
        self.rest: str | None = None

    def run(self, parent: etree.Element, blocks: list[str]) -> bool | None:
        raw_block = blocks[0]
        rest, self.rest = self.rest, None
        m = self.RE.search(raw_block)
        if m is not None and m.start() > 0 and _opens_with_definition(raw_block):
            # a link, footnote or abbreviation definition is a block of its own to kramdown
            # (its processor takes it off; the paragraph after it may be the term)
            self.rest = rest
            return False
        sibling = self.lastChild(parent)
        # a definition right after a list in the one before (kramdown: no blank line between)
        marked = m is not None and m.group(2).startswith(_NO_BLANK_BEFORE)
        if (
            m is not None
            and not raw_block[: m.start()].strip()
            and (
                (sibling is None and not (parent.text or "").strip())
                or (
                    sibling is not None
                    and (
                        sibling.tag not in ("p", "dl")
                        or (
                            sibling.tag == "p"
                            and _is_block_placeholder(
                                sibling, self.parser.md.htmlStash.rawHtmlBlocks
                            )
                        )
                    )
                )
            )
        ):  # kramdown's definition needs a paragraph before (block HTML, a math block, a list,
            # a table or a header is none, nor the start; a definition list reads its next
            # definitions itself): text
            blocks[0] = "\\" + raw_block.lstrip(" ")
            return False if self.RE.search(blocks[0]) is None else self.run(parent, blocks)
        more = (  # another definition of the list before
            m is not None
            and not raw_block[: m.start()].strip()
            and sibling is not None
            and sibling.tag == "dl"
        )
        count = len(blocks)
        result = super().run(parent, blocks)
        if len(blocks) == count:  # the rest of the block went back: the next block
            self.rest = blocks[0]
        if more and len(sibling):  # type: ignore[arg-type]
            dd = sibling[-1]  # type: ignore[index]
            if dd.tag != "dd":
                return result
            if raw_block is not rest and not marked and dd.text and dd.text.strip():
                paragraph = etree.Element("p")
                paragraph.text, dd.text = dd.text, None
                dd.insert(0, paragraph)
            elif raw_block is rest and len(dd) and dd[0].tag == "p" and not dd.text:
                dd.text = dd[0].text
                dd.remove(dd[0])
        starts = m is not None and not raw_block[: m.start()].strip()
        dl = self.lastChild(parent)
        if not (starts and raw_block is not rest and not marked) and dl is not None and len(dl):
            dl[-1].set(_TIGHT, "")  # its first paragraph stays bare, blocks after it or not
        return result


class _KramdownAttrListTreeprocessor(AttrListTreeprocessor):
    """attr_list with kramdown's syntax: ``{: ...}`` (``{...}`` without the colon is text)."""

    BASE_RE = r"\{\:[ ]*([^\}\n ][^\n]*)\}"  # type: ignore[misc]
    # a header takes only kramdown's ``{#id}``
    HEADER_RE = re.compile(r"[ \t]+\{(#[A-Za-z][\w:-]*)\}[ \t]*$")  # type: ignore[misc]
    BLOCK_RE = re.compile(r"\n[ ]*\{\:[ ]*([^\}\n ][^\n]*)\}[ ]*$")  # type: ignore[misc]
    # kramdown's span IALs (IAL_SPAN_START), one after another: up to the first unescaped ``}``
    INLINE_RE = re.compile(r"((?:\{:(?![:/])(?:\\\}|[^}])+\})+)")  # type: ignore[misc]

    document: _Document | None = None

    def assign_attrs(self, elem: etree.Element, attrs_string: str, *, strict: bool = False) -> str:
        """As attr_list, but a bare word is kramdown's reference to an attribute list definition,
        no attribute of its own (``{:x}`` adds nothing); a span's IALs parsed as kramdown
        parses an attribute list (what it cannot read is dropped)."""
        if strict and elem.tag in ("td", "th"):
            return attrs_string  # kramdown's table cells take no attribute list at their end
        alds = self.document.alds if self.document else None
        if not strict:  # the span IALs after an element (attr_list's inline ones)
            _apply_span_ials(elem, attrs_string, alds or {})
            return ""
        if alds:
            attrs_string = with_alds(attrs_string, alds)
        attrs, remainder = get_attrs_and_remainder(attrs_string)
        if strict and remainder:
            return remainder
        for key, value in attrs:
            if key == ".":
                names = elem.get("class")
                elem.set("class", f"{names} {value}" if names else value)
            elif value is not None:
                elem.set(self.sanitize_name(key), value)
        return remainder


_SPAN_IALS = re.compile(r"(?:\{:(?![:/])(?:\\\}|[^}])+\})+")  # one after another
_SPAN_IAL = re.compile(r"\{:(?![:/])((?:\\\}|[^}])+)\}")  # kramdown's IAL_SPAN_START
# kramdown's ALD_TYPE_ANY (``\w`` is ASCII in Ruby): a key="value" pair, a reference to an
# attribute list definition, or ids and classes; anything else in the list is dropped
_ALD_ANY = re.compile(
    r"""(?:\A|\s)(?:(\w[\w-]*)=("|')((?:\\\}|\\\2|[^}\x02])*?)\2|(\w[\w-]*)|"""
    r"""((?:#[A-Za-z][\w:-]*|\.\w[\w-]*)+))(?=\s|\Z)""",
    re.ASCII,
)
_ID_OR_CLASS = re.compile(r"#([A-Za-z][\w:-]*)|\.(\w[\w-]*)", re.ASCII)


def _apply_span_ials(elem: etree.Element, ials: str, alds: Mapping[str, str]) -> None:
    """The span IALs ``ials`` (one after another) applied to ``elem``."""
    for found in _SPAN_IAL.finditer(ials):
        body = found.group(1)
        if "\x02" in body:  # python-markdown's escapes, back as written
            body = _ESCAPED_CHAR.sub(lambda m: "\\" + chr(int(m.group(1))), body)
        _update_attributes(elem, body, alds)


def _span_ials_update(
    md: markdown.Markdown, alds: Mapping[str, str], ials: str, elem: etree.Element
) -> None:
    """The span IALs ``ials`` (inline text: escapes stashed) applied to ``elem``."""
    if "\x02" in ials:  # escapes stashed: their placeholders back (as the tree will have)
        nodes = md.treeprocessors["inline"].stashed_nodes  # type: ignore[attr-defined]
        ials = markdown.util.INLINE_PLACEHOLDER_RE.sub(
            lambda found: str(nodes.get(found.group(1), "")), ials
        )
    _apply_span_ials(elem, ials, alds)


def _update_attributes(
    elem: etree.Element, body: str, alds: Mapping[str, str], depth: int = 0
) -> None:
    """kramdown's ``parse_attribute_list`` and ``update_attr_with_ial``: the definitions the
    list names first, a class added to the element's, any other attribute set."""
    refs: list[str] = []
    options: dict[str, str] = {}
    for match in _ALD_ANY.finditer(body):
        key, quote, value, ref, names = match.groups()
        if ref:
            refs.append(ref)
        elif names:
            for part in _ID_OR_CLASS.finditer(names):
                if part.group(2):
                    options["class"] = f"{options.get('class', '')} {part.group(2)}".lstrip()
                else:
                    options["id"] = part.group(1)
        else:
            options[key] = re.sub(r"\\([}" + quote + "])", r"\1", value)
    for ref in refs:
        if ref in alds and depth < 8:
            _update_attributes(elem, alds[ref], alds, depth + 1)
    for key, value in options.items():
        if key == "class":
            value = f"{elem.get('class', '')} {value}".lstrip()
        elem.set(key, value)


# A span of kramdown's emphasis parse: text, or (delimiter + tag, spans) for an ``em`` or
# ``strong`` (``"**strong"``, its closing delimiter first).
_Span = str | tuple[str, list["_Span"]]
_EMPHASIS_CHAR = re.compile(r"[*_]")
_EMPHASIS_OR_IAL = re.compile(r"[*_]|\{:")
_PENDING = "\x02"  # ends the tag of an emphasis element during the inline pass
_CLOSER = "\x02closer"  # an emphasis element's closing delimiter (for the typography's rules)


class _GfmStrikethrough(InlineProcessor):
    """kramdown-parser-gfm's strikethrough (``STRIKETHROUGH_MATCH``): ``~~`` followed by neither a
    space nor ``~``, up to the first ``~~`` after a character that is neither, as ``<del>``, the
    text between parsed for spans. (pymdownx's tilde, used before, follows CommonMark's
    delimiter runs instead, and compiled a Unicode-punctuation pattern on every cold start:
    ~8 ms.)"""

    def __init__(self, md: markdown.Markdown) -> None:
        super().__init__(r"~~(?!\s|~)(.*?[^\s~])~~", md)  # (DOTALL: Ruby's /m)

    def handleMatch(  # type: ignore[override]
        self, m: re.Match[str], data: str
    ) -> tuple[etree.Element, int, int]:
        element = etree.Element("del")
        element.text = m.group(1)
        return element, m.start(0), m.end(0)


class _KramdownEmphasis(InlineProcessor):
    """kramdown's emphasis (parser/kramdown/emphasis.rb), ported: one left-to-right pass over a
    text whose code spans, links, HTML and escapes are already placeholders (their patterns come
    first, as kramdown's span parsers take them before a delimiter inside them is seen).

    At a ``*``/``_`` run (two at most) an ``em`` or ``strong`` opens unless the run is followed
    by whitespace, an ``_`` follows a letter, or one of its kind is open; it closes at the next
    run of its delimiter not after whitespace and not empty (an ``em`` not at exactly two
    delimiters, an ``_`` not before a letter or digit); a ``strong`` that does not close is
    tried as an ``em`` one character on (the first delimiter dropped, as kramdown does); a run
    that opens nothing is text, and the pass goes on after it. ``_FastInlineProcessor`` calls
    :meth:`spans` for the whole text in place of python-markdown's pattern loop."""

    def __init__(self, md: markdown.Markdown) -> None:
        super().__init__(r"[*_]", md)

    def handleMatch(  # type: ignore[override]
        self, m: re.Match[str], data: str
    ) -> tuple[None, None, None]:
        return None, None, None  # never used: the pass is :meth:`spans`

    def spans(
        self, data: str, tree: str, opened: frozenset[str], elements: frozenset[int] = frozenset()
    ) -> list[_Span]:
        """``data`` parsed into text and emphasis, the text of an emphasis ``tree`` (or "") in
        the emphasis tags ``opened``; ``elements``: where an element's placeholder ends."""
        mask = sum(_OPENED[tag] for tag in opened)
        return _EmphasisParse(data, elements).spans(0, None, tree, mask)[1]


# An emphasis context as a small number: the element the text is in ("", "em" or "strong") and
# the emphasis tags open around it, a bit each (kramdown's ``@tree`` and ``@stack``).
_TREE = {"": 0, "em": 1, "strong": 2}
_OPENED = {"em": 1, "strong": 2}
_STOP = {"*": 0, "**": 1, "_": 2, "__": 3}


class _EmphasisParse:
    """One text's emphasis parse. kramdown's is quadratic (an emphasis that does not close
    reads to the end of the text, for every delimiter); two records keep this one linear in
    the delimiters: each delimiter's result in a context, and the delimiters from which an
    emphasis was read to the end without closing (read again from there, it would not close
    either: what follows a delimiter depends on it and the context alone).

    The records are keyed by integers (position and context packed), not tuples: a text can
    hold tens of thousands of delimiters, and as many tuples alive at once make Python's
    garbage collector, which walks every live container again and again, superlinear."""

    def __init__(self, data: str, elements: frozenset[int] = frozenset()) -> None:
        self.data = data
        # kramdown's span IAL after an element (a placeholder's end, an emphasis) is read
        # before any delimiter in it is: searched for when the text has one
        self.elements = set(elements)
        self.search = (_EMPHASIS_OR_IAL if "{:" in data else _EMPHASIS_CHAR).search
        self.done: dict[int, int] = {}  # (position, context) -> position after the delimiter
        self.made: dict[int, _Span] = {}  # ... -> the emphasis made there (none: it is text)
        self.unclosed: set[int] = set()  # (position, closing delimiter, opened tags)

    def spans(
        self, pos: int, stop: str | None, tree: str, opened: int
    ) -> tuple[bool, list[_Span], int]:
        """kramdown's ``parse_spans`` from ``pos`` into an element ``tree`` ("em", "strong" or
        "" for the text's own), in the tags ``opened`` (a bit each), until ``stop`` closes it:
        (closed, spans, where it stopped)."""
        data = self.data
        done, made, unclosed = self.done, self.made, self.unclosed
        search = self.search
        spans: list[_Span] = []
        size = len(data)
        context = _TREE[tree] * 4 + opened
        waiting = _STOP[stop] * 4 + opened if stop is not None else 0
        read: list[int] = []  # delimiters read with text before (as ``unclosed`` keys)
        while pos < size:
            found = search(data, pos)
            if found is None:
                break
            at = found.start()
            if pos < at:
                spans.append(data[pos:at])
            pos = at
            if data[pos] == "{":
                ial = self.ial(pos, spans)
                spans.append(data[pos:ial])
                pos = ial
                continue
            if stop is not None and spans:
                key = pos * 16 + waiting
                if key in unclosed:
                    break
                read.append(key)
                if data.startswith(stop, pos) and _closes(data, pos, stop, tree):
                    return True, spans, pos
            key = pos * 16 + context
            after = done.get(key)
            if after is None:
                after = done[key] = self.emphasis(pos, tree, opened, key)
            span = made.get(key)
            spans.append(data[pos:after] if span is None else span)
            pos = after
        if stop is not None:
            unclosed.update(read)
            return False, spans, size
        if pos < size:
            spans.append(data[pos:])
        return True, _joined(spans), size

    def ial(self, pos: int, spans: list[_Span]) -> int:
        """Where the text at the ``{:`` at ``pos`` ends: after the span IAL, when it is one
        right after an element (``parse_span_extensions``), else after the ``{``."""
        if pos in self.elements or (spans and not isinstance(spans[-1], str)):
            found = _SPAN_IAL.match(self.data, pos)
            if found is not None:
                self.elements.add(found.end())  # the element is still the one before
                return found.end()
        return pos + 1

    def emphasis(self, pos: int, tree: str, opened: int, key: int) -> int:
        """kramdown's ``parse_emphasis`` at the delimiter at ``pos``: the position after it,
        the emphasis made (if one is) in ``made`` under ``key``."""
        data = self.data
        char = data[pos]
        run = char * 2 if data.startswith(char * 2, pos) else char
        tag = "strong" if len(run) == 2 else "em"
        after = pos + len(run)
        before = data[pos - 1 : pos]
        if (
            (
                char == "_"
                and (before.isalpha() or (before == "-" and data[pos - 2 : pos - 1].isalpha()))
            )
            or data[after : after + 1] in _RUBY_SPACE
            or tree == tag
            or opened & _OPENED[tag]
        ):
            return after
        inner = opened | _OPENED[tree] if tree else opened
        closed, spans, end = self.spans(after, run, tag, inner)
        stop = run
        if not closed and tag == "strong" and tree != "em":
            stop, tag = char, "em"
            closed, spans, end = self.spans(pos + 1, stop, tag, inner)
        if not closed:
            return after
        self.made[key] = (stop + tag, _joined(spans))
        return end + len(stop)


def _closes(data: str, pos: int, stop: str, tree: str) -> bool:
    """kramdown's test for an emphasis's (not empty) closing delimiter ``stop`` at ``pos``."""
    if _space_before(data, pos):
        return False
    after = pos + len(stop)
    if tree == "em" and data.startswith(stop, after) and not data.startswith(stop[0], after + 1):
        return False  # exactly two delimiters do not close an em
    return not (stop[0] == "_" and data[after : after + 1].isalnum())


def _joined(spans: list[_Span]) -> list[_Span]:
    """``spans`` with each run of texts one text."""
    out: list[_Span] = []
    texts: list[str] = []
    for span in spans:
        if isinstance(span, str):
            texts.append(span)
            continue
        if texts:
            out.append("".join(texts))
            texts.clear()
        out.append(span)
    if texts:
        out.append("".join(texts))
    return out


class _FootnoteReorderingProcessor(FootnoteReorderingProcessor):
    """python-markdown's footnotes in the order the text refers to them (kramdown's numbers),
    for a footnote without text too (python-markdown's expects a backlink in every one)."""

    def reorder_footnotes(self, parent: etree.Element) -> None:
        old_list = parent.find("ol")
        if old_list is None:
            return
        parent.remove(old_list)
        order = {name: index for index, name in enumerate(self.footnotes.footnote_order)}
        separator = self.footnotes.get_separator()
        last = len(self.footnotes.footnotes)

        def position(item: etree.Element) -> int:
            return order.get(item.get("id", "").split(separator, 1)[-1], last)

        new_list = etree.SubElement(parent, "ol")
        for item in sorted(old_list.findall("li"), key=position):
            new_list.append(item)


class _KramdownExtension(Extension):
    def __init__(self, toc_levels: range) -> None:
        super().__init__()
        self.toc_levels = toc_levels
        self.document = _Document()

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.inlinePatterns.deregister("em_strong")
        # before ``~~`` (at 60, as python-markdown's emphasis was)
        md.inlinePatterns.register(_KramdownEmphasis(md), "em_strong", 61)
        md.inlinePatterns.register(_GfmStrikethrough(md), "bs_strike", 60)
        md.ESCAPED_CHARS = [*md.ESCAPED_CHARS, *_KRAMDOWN_ESCAPES]
        superfences = md.preprocessors["fenced_code_block"]
        fences = _KramdownFencePreprocessor(md)
        fences.document = self.document
        fences.config = superfences.config  # type: ignore[attr-defined]
        fences.extension = superfences.extension  # type: ignore[attr-defined]
        md.preprocessors.register(fences, "fenced_code_block", 25)
        md.parser.blockprocessors.register(_GfmHashHeaderProcessor(md.parser), "hashheader", 70)
        md.parser.blockprocessors.register(_SeparateBlockQuoteProcessor(md.parser), "quote", 20)
        md.parser.blockprocessors.register(_KramdownReferenceProcessor(md.parser), "reference", 15)
        footnotes = md.parser.blockprocessors["footnote"].footnotes  # type: ignore[attr-defined]
        md.parser.blockprocessors.register(_KramdownFootnoteProcessor(footnotes), "footnote", 17)
        tables = _KramdownTableProcessor(md.parser)
        tables.document = self.document
        md.parser.blockprocessors.register(tables, "bs_table", 76)
        md.parser.blockprocessors.deregister("table")  # kramdown's rules for every table
        md.parser.blockprocessors.register(_KramdownDefListProcessor(md.parser), "deflist", 25)
        md.parser.__class__ = _TrackingBlockParser
        if "footnote-reorder" in md.treeprocessors:
            reorder = md.treeprocessors["footnote-reorder"]
            assert isinstance(reorder, FootnoteReorderingProcessor)
            md.treeprocessors.register(
                _FootnoteReorderingProcessor(reorder.footnotes), "footnote-reorder", 19
            )
        document = self.document
        md.preprocessors.register(
            _KramdownExtensionsPreprocessor(md, document), "bs_extensions", 29
        )
        md.preprocessors.deregister("normalize_whitespace")
        md.preprocessors.register(_HtmlBlockPreprocessor(md, document), "bs_html", 30)
        md.preprocessors.register(_KramdownLinesPreprocessor(md, document), "bs_lines", 28)
        md.preprocessors.deregister("html_block")
        md.parser.blockprocessors.register(_HtmlBlockProcessor(md.parser, document), "bs_html", 95)
        span_html = _SpanHtmlProcessor(markdown.inlinepatterns.HTML_RE, md)
        span_html.document = document
        md.inlinePatterns.register(span_html, "html", 90)
        md.inlinePatterns.register(
            _EntityProcessor(markdown.inlinepatterns.ENTITY_RE, md), "entity", 80
        )
        md.inlinePatterns.deregister("automail")
        md.inlinePatterns.register(_AutolinkProcessor(_AUTOLINK, md), "autolink", 120)
        md.inlinePatterns.register(_ReferenceProcessor(_LINK_OPEN, md), "reference", 170)
        md.inlinePatterns.register(_LinkProcessor(_LINK_OPEN, md), "link", 160)
        md.inlinePatterns.register(_ImageProcessor(IMAGE_LINK_RE, md), "image_link", 150)
        md.inlinePatterns.register(
            _ImageReferenceProcessor(IMAGE_REFERENCE_RE, md), "image_reference", 140
        )
        md.inlinePatterns.register(_ShortReferenceProcessor(_LINK_OPEN, md), "short_reference", 130)
        md.inlinePatterns.register(
            _ShortImageReferenceProcessor(IMAGE_REFERENCE_RE, md), "short_image_ref", 125
        )
        md.inlinePatterns.register(_CodeSpanProcessor(BACKTICK_RE), "backtick", 190)
        md.inlinePatterns.register(
            _BackslashBreakProcessor(r"(?<!\\)\\+(?=\n)", md), "bs_break", 181
        )
        raw_spans = _RawSpanProcessor(r"(?<!<)<[A-Za-z]", md)
        raw_spans.document = document
        md.inlinePatterns.register(raw_spans, "bs_raw_span", 191)
        md.preprocessors.register(_MathBlockPreprocessor(md, document), "bs_math", 24)
        md.preprocessors.register(_IalLinePreprocessor(md, document), "bs_ial", 23)
        md.postprocessors.register(_RawHtmlPostprocessor(md), "raw_html", 30)
        md.postprocessors.register(_MathBlockPostprocessor(md, document), "bs_math", 35)
        md.inlinePatterns.register(
            _MathInlineProcessor(r"(?<!\\)\$\$(.+?)\$\$", md), "bs_math_inline", 185
        )
        # (before the hard line break: kramdown reads "<<  " at a line's end as "<< " and one
        # space, no break)
        md.inlinePatterns.register(
            _EscapeProcessor(markdown.inlinepatterns.ESCAPE_RE, md), "escape", 180
        )
        md.inlinePatterns.register(
            _AngleQuoteProcessor(r"(?<!\\)(?: >>|<< |<<|>>)", md), "bs_angle", 105
        )
        header_ids = _HeaderIdTreeprocessor(md)
        header_ids.document = document
        md.treeprocessors.register(header_ids, "bs_header_ids", 5.5)
        md.treeprocessors.register(_FastInlineProcessor(md), "inline", 20)
        md.treeprocessors.register(_NoBlankTreeprocessor(md, document), "bs_no_blank", 9)
        attr_list = _KramdownAttrListTreeprocessor(md)
        attr_list.document = document
        md.treeprocessors.register(attr_list, "attr_list", 8)
        md.treeprocessors.deregister("prettify")
        md.treeprocessors.register(
            _KramdownTreeprocessor(md, document, self.toc_levels), "bs_kramdown", 4
        )


# python-markdown's ``[`` of a link or reference (REFERENCE_RE, LINK_RE: not an image's ``![``)
# with its look-behind after the bracket: the same matches, and the regular expression engine
# skips to the next "[" instead of trying a match at every position.
_LINK_OPEN = r"\[(?<!\!\[)"
if not REFERENCE_RE == LINK_RE == r"(?<!\!)\[":  # pragma: no cover (another python-markdown)
    raise ImportError("python-markdown's link patterns changed: review _LINK_OPEN")

_ENTITY_CHARS = {"lsquo": "\u2018", "rsquo": "\u2019", "ldquo": "\u201c", "rdquo": "\u201d"}
_DEFAULT_QUOTES = ("\u2018", "\u2019", "\u201c", "\u201d")


def _quote_chars(smart_quotes: Any) -> tuple[str, str, str, str]:
    """kramdown ``smart_quotes`` (``lsquo,rsquo,ldquo,rdquo``: entity names or code points)."""
    if isinstance(smart_quotes, str):
        names = [part.strip() for part in smart_quotes.split(",")]
        if len(names) == 4:
            chars = [_entity_char(name) for name in names]
            return chars[0], chars[1], chars[2], chars[3]
    return _DEFAULT_QUOTES


def _entity_char(name: str) -> str:
    if name.isdigit():
        return chr(int(name))
    return _ENTITY_CHARS.get(name) or html.unescape(f"&{name};")


# Every alternative a literal: the regular expression engine then skips to the characters that
# can start one (a class like ['"] among them makes it try a match at every position).
_SYMBOLS = re.compile(r"---|--|\.\.\.|<<|>>|'|\"")
_SYMBOL_CHARS = {"---": "\u2014", "--": "\u2013", "...": "\u2026", "<<": "\u00ab", ">>": "\u00bb"}
_SKIP_TEXT = frozenset(("code", "pre", "script", "style", "kbd", "samp", "math"))
_PUNCT = frozenset("!\"#$%'()*+,-./:;<=>?@[\\]^_`{|}~")


class _TypographyTreeprocessor(Treeprocessor):
    """kramdown's typographic symbols and smart quotes, applied to text in one pass.

    A port of kramdown's ``SQ_RULES`` (themselves from SmartyPants) to a character scan: the
    quote's neighbours decide whether it opens or closes. Code, pre and raw HTML are untouched.
    """

    def __init__(self, md: markdown.Markdown, quotes: tuple[str, str, str, str]) -> None:
        super().__init__(md)
        self.quotes = quotes

    def run(self, root: etree.Element) -> None:
        self._walk(root)

    def _walk(self, element: etree.Element, outside: str = "") -> None:
        """``outside``: the source right after ``element`` (after its tail, if it has none)."""
        if element.tag in _SKIP_TEXT and element.get(KD, "br")[1:2] == "r":
            return  # (raw HTML's ``markdown="block"`` or ``"span"`` content is markdown's)
        children = list(element)
        # after an emphasis's last text kramdown's source has its closing delimiter
        closer = element.get(_CLOSER)
        end = closer + ((element.tail or "")[:2] or outside) if closer else ""
        if element.text:
            first = children[0] if children else None
            element.text = self._convert(element.text, first, "" if children else end)
        for index, child in enumerate(children):
            following = children[index + 1] if index + 1 < len(children) else None
            self._walk(child, end if following is None else _source_start(following))
            if child.tail:
                child.tail = self._convert(child.tail, following, "" if following else end)

    def _convert(self, text: str, following: etree.Element | None = None, end: str = "") -> str:
        if isinstance(text, markdown.util.AtomicString) or _SYMBOLS.search(text) is None:
            return text
        out: list[str] = []
        last = 0
        literal = -1  # where a quote left as written ends
        for match in _SYMBOLS.finditer(text):
            start, symbol = match.start(), match.group()
            out.append(text[last:start])
            # kramdown sees no preceding character at the start of a text run, after
            # another span (escape, symbol, quote), after a backslash or after a ``*`` or
            # ``_`` (its emphasis parser reads those first, emphasis or text).
            before = text[start - 1] if start > last else ""
            if before in "\\\x03*_":
                before = ""
            after = text[match.end() : match.end() + 3]
            if after[:1] == "\x02":  # stashed HTML: kramdown sees its source
                after = self._stashed_source(text, match.end()) or after
            if len(after) < 3 and following is not None:  # the source went on into an element
                after += _source_start(following)
            elif len(after) < 3:  # the text ends: after an emphasis's, its closing delimiter
                after += end
            if start == literal:  # after a quote left as text: the rule that left it
                before = text[start - 1]  # closes this one
            written = self._symbol(symbol, before, after)
            if written in ("'", '"'):
                literal = match.end()
            out.append(written)
            last = match.end()
        out.append(text[last:])
        return "".join(out)

    def _stashed_source(self, text: str, at: int) -> str | None:
        """The first characters of the span HTML stashed at ``at`` as its source has them."""
        found = _STASH.match(text, at)
        stash = self.md.htmlStash.rawHtmlBlocks
        index = int(found.group(1)) if found else len(stash)
        value = stash[index] if index < len(stash) else None
        if isinstance(value, _SpanTag):
            return value[:3]
        if isinstance(value, InlineHtml):  # a raw span element, or a tag written as text
            return html.unescape(value[:12])[:3]
        return None

    def _symbol(self, symbol: str, before: str, after: str) -> str:
        if symbol not in ("'", '"'):
            return _SYMBOL_CHARS[symbol]
        if not before and after[:1] in ("'", '"') and _quote_is_text(symbol, after):
            return symbol
        lsquo, rsquo, ldquo, rdquo = self.quotes
        single = symbol == "'"
        if _quote_opens(symbol, before, after):
            return lsquo if single else ldquo
        return rsquo if single else rdquo


def _is_word(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char == "_")


def _source_start(element: etree.Element) -> str:
    """How the source of ``element`` (in a paragraph) starts, as far as a smart quote's rules
    look: its markup (an emphasis: its delimiter), then a word character."""
    if is_block(element):  # a block after a list item's text: the line break kramdown adds
        return "\n"
    return _SOURCE_START.get(element.tag, element.get(_CLOSER, "")) + "x"


def _quote_is_text(quote: str, after: str) -> bool:
    """A quote kramdown sees nothing before, with a quote after it: the parser's match
    (``[^\\]?["']``) takes it as the next quote's preceding character, and unless a rule
    takes it as a quote first (a closing one before punctuation then no word character, an
    opening pair before a word), it is left as written."""
    second = after[1:2]
    if after[1:3] != ".." and not _is_word(second):
        return False
    return not (after[:1] != quote and _is_word(second))


def _quote_opens(quote: str, before: str, after: str) -> bool:
    """kramdown's ``SQ_RULES`` in order; ``before`` is "" when kramdown sees no preceding char."""
    first, second = after[:1], after[1:2]
    decade = quote == "'" and len(after) == 3 and after[:2].isdigit() and after[2] == "s"
    if before.isspace():
        return not decade
    if before:
        return before in _NOT_CLOSE
    if first in ("_", "*") and second and not second.isspace():
        return True
    # SQ_PUNCT(?!\.\.)\B: no word boundary after the punctuation (``_`` is a word character)
    if first in _PUNCT and after[1:3] != ".." and _is_word(second) == (first == "_"):
        return False
    if decade:
        return False
    return not (not first or first.isspace() or (first == "s" and not _is_word(second)))


# How the source of an element in a paragraph starts (an emphasis: its delimiter)
_SOURCE_START = {"br": "  ", "a": "[", "img": "![", "code": "`", "sup": "[^", "del": "~~"}
_NOT_CLOSE = frozenset(" \\\t\r\n[{(-")


def _toc_levels(value: Any) -> range:
    """kramdown ``toc_levels``: ``"2..3"``, ``[2, 3]`` or ``"2,3"``; default all six."""
    if isinstance(value, str) and ".." in value:
        low, _, high = value.partition("..")
        if low.strip().isdigit() and high.strip().isdigit():
            return range(int(low), int(high) + 1)
    if isinstance(value, str):
        value = [part for part in value.split(",") if part.strip().isdigit()]
    if isinstance(value, list) and value:
        numbers = [int(part) for part in value]
        return range(min(numbers), max(numbers) + 1)
    return range(1, 7)


# --- limits --------------------------------------------------------------------------------------
#
# python-markdown is pure Python and several of its paths are quadratic or worse in the input:
# measured on this machine, 2,000 lines of progressively deeper ``>`` took minutes, a 1,000-deep
# list 50 s before a RecursionError, 4,000 ``[`` 4.3 s, 8,000 ``<a `` 18 s, 8,000 setext headers in
# one block 30 s, 2,000 abbreviations 7 s; even ordinary prose costs about 5 s per MiB. So a
# document is checked before conversion (deterministic limits, linear time, line numbers for the
# author), and the conversion itself runs against a time budget that catches whatever else there is.

MAX_MARKDOWN_CHARS = 512 * 1024  # ordinary prose renders at roughly 5 s/MiB here
MAX_NESTING = 32  # blockquote levels plus list levels on one line
MAX_BRACKET_SCAN = 1_000_000  # characters python-markdown scans to match `[` and `](`
RENDER_BUDGET_SECONDS = 1.0  # wall time for one conversion; past it the conversion is interrupted
_POOL_KEPT = 8  # idle converters kept (one per thread that converts at once)
_REFUSED_KEPT = 256  # documents remembered as over a limit, so a retry costs a hash, not a budget

_FENCE_OPEN = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})")
# Containers opened at the start of a line: ``>`` and list markers, any mix (``> - > 1. x``).
_MARKS = re.compile(r">|[*+-]|\d{1,9}[.)]")
_CONTAINERS = re.compile(r"[ \t]*(?:(?:>|[*+-](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$))[ \t]*)*")
_BRACKETS = re.compile(r"\\.|[\[\]()]", re.S)
# What a line nested in anything starts with: indentation, ``>`` or a list marker (or any digit).
_CONTAINER_STARTS = frozenset(" \t>*+-")


class MarkdownLimit(Exception):
    """A document past one of this module's limits. ``line`` is 1-based in the document."""

    def __init__(self, message: str, *, line: int | None = None, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.hint = hint


def check_limits(text: str) -> None:
    """Raise :class:`MarkdownLimit` if ``text`` is too long, nested too deeply, or holds bracket
    runs python-markdown would scan quadratically. Linear in ``text``; fenced code is skipped."""
    if len(text) > MAX_MARKDOWN_CHARS:
        raise MarkdownLimit(
            f"the markdown is {len(text):,} characters, over the {MAX_MARKDOWN_CHARS:,} that "
            "render in time",
            hint="split the post",
        )
    scan = 0
    lines = _outside_fences(text.split("\n"))
    for number, line in lines:
        if not line or (line[0] not in _CONTAINER_STARTS and not line[0].isdigit()):
            continue  # no indentation, no marker: nested in nothing
        depth = _nesting(line)
        if depth > MAX_NESTING:
            raise MarkdownLimit(
                f"blockquotes and lists are nested {depth} deep, over the limit of {MAX_NESTING}",
                line=number,
                hint="check for runaway `>` or list indentation",
            )
    opens = text.count("[") + text.count("](")
    if opens * len(text) <= MAX_BRACKET_SCAN:
        return  # no bracket scan can walk further than the whole text from every opening
    for first_line, block in _blocks(text, lines):
        scan += _bracket_scan(block)
        if scan > MAX_BRACKET_SCAN:
            raise MarkdownLimit(
                "too many unclosed `[` or `(` for links to be matched in time",
                line=first_line,
                hint="close the brackets, or escape them as \\[",
            )


def _outside_fences(lines: list[str]) -> Sequence[tuple[int, str]]:
    """(1-based number, line) for every line not inside a fenced code block."""
    out: list[tuple[int, str]] = []
    fence: str | None = None
    for number, line in enumerate(lines, 1):
        if fence is not None:
            stripped = line.strip()
            if stripped.startswith(fence) and not stripped.strip(fence[0]):
                fence = None
            continue
        match = _FENCE_OPEN.match(line)
        if match:
            fence = match.group(1)
            continue
        out.append((number, line))
    return out


def _nesting(line: str) -> int:
    """Containers a line sits in, at least: its ``>`` and list markers, plus one level per four
    columns of indentation before them (list items nest by indentation). Rules (``- - -``) are
    not lists."""
    if _HR.match(line):
        return 0
    line = line.expandtabs(4)
    opened = _CONTAINERS.match(line)
    assert opened is not None  # the pattern matches the empty string
    prefix = opened.group(0)
    return len(_MARKS.findall(prefix)) + _indent(line) // 4


def _blocks(text: str, lines: Sequence[tuple[int, str]] | None = None) -> list[tuple[int, str]]:
    """Paragraph-sized runs of lines outside fences (split at blank lines), with first lines;
    ``lines`` are the text's lines outside fences when the caller has them already."""
    blocks: list[tuple[int, str]] = []
    current: list[str] = []
    start = 1
    for number, line in _outside_fences(text.split("\n")) if lines is None else lines:
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            blocks.append((start, "\n".join(current)))
            current = []
    if current:
        blocks.append((start, "\n".join(current)))
    return blocks


def _bracket_scan(block: str) -> int:
    """Characters python-markdown's link patterns walk in ``block``: from each ``[`` (and each
    ``(`` right after ``]``) to its matching closer, or to the end when it has none."""
    scan = 0
    opened: list[tuple[str, int, bool]] = []  # (bracket, position, costs a scan)
    for match in _BRACKETS.finditer(block):
        char, at = match.group(0), match.start()
        if char in "[(":
            costs = char == "[" or (at > 0 and block[at - 1] == "]")
            opened.append((char, at, costs))
        elif char in "])":
            want = "[" if char == "]" else "("
            while opened and opened[-1][0] != want:
                _, start, costs = opened.pop()
                scan += (len(block) - start) if costs else 0
            if opened:
                _, start, costs = opened.pop()
                scan += (at - start) if costs else 0
    return scan + sum(len(block) - start for _, start, costs in opened if costs)


class _Markdown(markdown.Markdown):
    """python-markdown, building the extensions ours load by module name (superfences adds
    ``pymdownx.highlight``) without first scanning every installed package's entry points for
    that name (none declares one): the scan reads every package's metadata at a cold start."""

    def build_extension(self, ext_name: str, configs: Mapping[str, Any]) -> Extension:
        if ext_name.startswith("pymdownx."):
            module = importlib.import_module(ext_name)
            extension: Extension = module.makeExtension(**configs)
            return extension
        return super().build_extension(ext_name, configs)


# Not a kramdown option: the site's choice of table rule (``broadsheet: {tables: gfm}`` in
# _config.yml), which the renderer adds to the kramdown options it passes.
TABLES_OPTION = "broadsheet_tables"


class MarkdownRenderer:
    """kramdown-compatible markdown -> HTML fragment. Thread safe (one document at a time).

    ``convert`` enforces :func:`check_limits` and a time budget (``budget`` seconds, ``None`` for
    none), raising :class:`MarkdownLimit`; a document once refused is refused again at once.
    """

    def __init__(
        self,
        kramdown: Mapping[str, Any] | None = None,
        *,
        budget: float | None = RENDER_BUDGET_SECONDS,
    ) -> None:
        self._options = dict(kramdown or {})
        self.budget = budget
        # python-markdown's converters are not thread-safe: each conversion takes one from a
        # pool (a new one when all are busy), so no lock is held while a document converts and
        # a slow document never makes another one wait.
        self._free: list[_Converter] = [self._build(self._options)]
        self._refused: dict[bytes, MarkdownLimit] = {}
        self._lock = threading.Lock()

    def _build(self, options: Mapping[str, Any]) -> _Converter:
        kramdown = _KramdownExtension(_toc_levels(options.get("toc_levels")))
        # Instances, not names: a name makes python-markdown scan every installed package's
        # entry points first (see _Markdown).
        extensions: list[Extension] = [
            SuperFencesCodeExtension(
                custom_fences=[{"name": "*", "class": "", "format": _fence_format}]
            ),
            TableExtension(),
            # kramdown numbers footnotes in the order the text refers to them
            FootnoteExtension(BACKLINK_TITLE="", SUPERSCRIPT_TEXT="{}", USE_DEFINITION_ORDER=False),
            DefListExtension(),
            AbbrExtension(),
            AttrListExtension(),
            TasklistExtension(),
            kramdown,
        ]
        if options.get("hard_wrap", False):
            extensions.append(Nl2BrExtension())
        md = _Markdown(extensions=extensions, output_format="xhtml")
        quotes = _quote_chars(options.get("smart_quotes"))
        md.treeprocessors.register(_TypographyTreeprocessor(md, quotes), "bs_typo", 6)
        md.treeprocessors.register(_SpanCloseTreeprocessor(md), "bs_span_close", 7.5)
        if not options.get("auto_ids", True):
            md.treeprocessors.deregister("bs_header_ids")
        document = kramdown.document

        def serialize(root: etree.Element) -> str:
            serializer = Serializer(md.htmlStash.rawHtmlBlocks)
            if root.tag != md.doc_tag:  # a span python-markdown writes back into raw HTML
                return serializer.inline(root)
            html = serializer.document(root)
            document.footnotes = serializer.footnotes
            document.trailing_blank = len(root) > 0 and BLANK in root[-1].attrib
            return html

        md.serializer = serialize
        md.stripTopLevelTags = False
        document.gfm_tables = options.get(TABLES_OPTION) == "gfm"
        return _Converter(md, kramdown.document)

    def convert(self, text: str) -> str:
        """Render one markdown document to an HTML fragment, within the limits."""
        digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        with self._lock:
            refused = self._refused.get(digest)
            if refused is not None:
                raise MarkdownLimit(refused.message, line=refused.line, hint=refused.hint)
            converter = self._free.pop() if self._free else None
        if converter is None:
            converter = self._build(self._options)
        # A converter that fails (interrupted by a budget, anywhere) is in an unknown state:
        # it is dropped, never given back.
        try:
            html = self._convert(converter, text)
        except MarkdownLimit as limit:
            with self._lock:
                if len(self._refused) >= _REFUSED_KEPT:
                    self._refused.pop(next(iter(self._refused)))
                self._refused[digest] = limit
            raise
        with self._lock:
            if len(self._free) < _POOL_KEPT:
                self._free.append(converter)
        return html

    def _convert(self, converter: _Converter, text: str) -> str:
        check_limits(text)
        md, document = converter.md, converter.document
        md.reset()
        document.reset()
        parser = md.parser
        if isinstance(parser, _TrackingBlockParser):
            parser.leading_blank, parser.depth = False, 0
        try:
            if self.budget is None:
                body = md.convert(text)
            else:
                with budget_limit(self.budget):
                    body = md.convert(text)
        except RecursionError:
            raise MarkdownLimit(
                "the markdown is nested too deeply to render",
                hint="check for runaway list, blockquote or emphasis nesting",
            ) from None
        except BudgetExceeded:
            if budget_active():
                raise  # the page's budget, not this conversion's: the page render reports it
            raise MarkdownLimit(
                f"the markdown took longer than {self.budget:g} s to render",
                hint="look for long runs of the same markup character, or split the post",
            ) from None
        if not body:
            return "\n"
        # python-markdown strips the document; kramdown keeps a blank line at either end.
        trailing = document.trailing_blank and not document.footnotes
        leading = _LEADING_BLANK.match(text) or getattr(parser, "leading_blank", False)
        return ("\n" if leading else "") + body + ("\n\n" if trailing else "\n")


@dataclass(slots=True)
class _Converter:
    """One python-markdown converter and the kramdown state it writes into."""

    md: markdown.Markdown
    document: _Document


# kramdown reads a first line of spaces and tabs (and more lines after it) as a blank line.
_LEADING_BLANK = re.compile(r"[ \t]*(?:\r\n?|\n)")
