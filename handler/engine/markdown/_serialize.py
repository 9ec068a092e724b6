"""python-markdown's element tree written the way kramdown's HTML converter writes its own.

kramdown indents nested block elements by two spaces, keeps a blank line where the source had one
between two blocks, writes a tight list item's text right after ``<li>``, re-writes raw HTML from
its parsed form (double-quoted attributes, ``<br />``), and puts the table of contents and the
footnotes in at the end. The tree carries what the output needs in private attributes (names
starting with STX), which are never written.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Sequence
from dataclasses import dataclass

BLANK = "\x02blank"  # the element is followed by a blank line in the source
BARE = "\x02bare"  # a paragraph written without its tags (kramdown's text no block parser took)
KD = "\x02kd"  # a raw HTML element: category ("b"/"s"), content model ("r"/"b"/"s"), closed ("c")
LEADING_BLANK = "\x02lead"  # markdown in a raw HTML element that opens with a blank line
TOC = "\x02toc"  # the list kramdown replaces with the table of contents
TOC_MARK = "\x02bstoc\x03"
COMMENT = "\x02comment"  # tag of a raw HTML comment (its text is the comment)
RAW_TEXT = "\x02raw"  # tag of raw text written as it is (script and style bodies)

VOID = frozenset(
    (
        "area",
        "base",
        "br",
        "col",
        "command",
        "embed",
        "hr",
        "img",
        "input",
        "keygen",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    )
)
_HEADERS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
_INDENTED = frozenset(("ul", "ol", "dl", "blockquote", "table", "thead", "tbody", "tfoot", "tr"))
_INLINE_BLOCKS = frozenset(("p", "dt", "th", "td", *_HEADERS))
_ITEMS = frozenset(("li", "dd"))
BLOCK_TAGS = frozenset(
    (
        *_INDENTED,
        *_INLINE_BLOCKS,
        *_ITEMS,
        "div",
        "pre",
        "hr",
        "figure",
        COMMENT,
    )
)

# python-markdown keeps a list item's indentation (4 columns a level) in its paragraphs' lines.
_CONTINUATIONS = [re.compile(f"\n {{1,{4 * depth}}}") for depth in range(1, 9)]
_SPACES = re.compile("\x02bssp(\\d)\x03")  # indentation kept in a list item's paragraph line
_AMP = re.compile(r"&(?!(?:#[0-9]+|#x[0-9a-f]+|[0-9a-z]+);)", re.I)
_PLACEHOLDER = re.compile("^\x02wzxhzdk:(\\d+)\x03$")
_LAST_PLACEHOLDER = re.compile("\x02wzxhzdk:(\\d+)\x03$")


def is_block(element: etree.Element) -> bool:
    """A block element, or block HTML (``* <font>a</font>``: not the text of its list item)."""
    return element.tag in BLOCK_TAGS or element.get(KD, "")[:1] == "b"


def escape_text(text: str) -> str:
    """kramdown's ``escape_html(text, :text)``: ``&`` (not in a reference), ``<`` and ``>``."""
    if "&" in text:
        text = _AMP.sub("&amp;", text)
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def escape_attribute(value: str) -> str:
    """kramdown's ``escape_html(value, :attribute)``: as text, and ``"`` too."""
    value = escape_text(value)
    if '"' in value:
        value = value.replace('"', "&quot;")
    return value


def attributes(element: etree.Element) -> str:
    if not element.attrib:
        return ""  # most elements: no list to build
    items = [(k, v) for k, v in element.attrib.items() if k[:1] != "\x02"]
    if element.tag == "img" and len(items) > 1:
        order = {"src": 0, "alt": 1, "title": 2}
        items.sort(key=lambda item: order.get(item[0], 3))
    return "".join(f' {key}="{escape_attribute(value)}"' for key, value in items)


class CodeBlock(str):
    """A stashed code block: kramdown indents its wrapper, so it is written by the serializer.

    ``open`` is the wrapper's start tag up to the highlighted code, ``body`` the rest, ``close``
    the end tag; for a bare ``<pre>`` (no highlighter) ``close`` is empty."""

    open: str
    body: str
    close: str
    # (code, language, classes, attributes) it was made from, to make it again with an IAL
    source: tuple[str, str, tuple[str, ...], dict[str, str]] | None

    def __new__(cls, open_tag: str, body: str, close: str) -> CodeBlock:
        block = super().__new__(cls, open_tag + body + close)
        block.open, block.body, block.close = open_tag, body, close
        block.source = None
        return block


class InlineHtml(str):
    """A stashed piece of span HTML: a paragraph holding only it is still a paragraph."""

    source: str | None = None  # a raw span element's source (its text is that as written)


class AutoClose(str):
    """End tags of span HTML left open in a paragraph, where its text ends (kramdown closes
    ``<i>a`` there). A list item's bare first paragraph with blocks after it ends with a line
    break in kramdown's text (``parse_list`` adds it), so inside the tags."""


class RawBlock(str):
    """A stashed block kramdown writes as it is, then a newline (nomarkdown, block math)."""


@dataclass
class Serializer:
    """One document's serialization: ``stash`` is python-markdown's raw HTML stash."""

    stash: Sequence[object]
    toc: etree.Element | None = None
    footnotes: bool = False
    _continuation: re.Pattern[str] | None = None  # a list item's indentation, in its text

    def document(self, root: etree.Element) -> str:
        """The document's HTML; python-markdown strips it, the renderer puts back its ends."""
        children = list(root)
        footnotes = None
        if children and children[-1].get("class") == "footnotes" and children[-1].tag == "div":
            footnotes = children.pop()
        out = [self._children(children, 0)]
        if footnotes is not None:
            self.footnotes = True
            if children and BLANK in children[-1].attrib:
                out.append("\n")
            out.append(self.block(footnotes, 0))
        text = "".join(out)
        if self.toc is not None and TOC_MARK in text:
            text = text.replace(TOC_MARK, self._toc_list(self.toc, 0), 1)
        return text.replace(TOC_MARK, "")

    # --- blocks ---------------------------------------------------------------------------------

    def _children(
        self, children: list[etree.Element], indent: int, *, keep_last_blank: bool = False
    ) -> str:
        out: list[str] = []
        last = len(children) - 1
        for index, child in enumerate(children):
            out.append(self.block(child, indent))
            if BLANK in child.attrib and (index < last or keep_last_blank):
                out.append("\n")
        return "".join(out)

    def block(self, element: etree.Element, indent: int, *, in_raw: bool = False) -> str:
        tag = element.tag
        kd = element.get(KD)
        if kd is not None:
            return self._html_element(element, kd, indent, in_raw=in_raw)
        if tag == COMMENT:
            return element.text or "" if in_raw else " " * indent + (element.text or "") + "\n"
        if TOC in element.attrib:
            if self.toc is None:
                self.toc = element
            return TOC_MARK
        pad = " " * indent
        if tag == "p":
            if BARE in element.attrib:  # kramdown's text that no block took: no tags
                return pad + self.inline_content(element).rstrip() + "\n"
            stashed = self._stashed(element)
            if stashed is not None:
                return self._stashed_block(stashed, indent)
            body = self.inline_content(element, strip=True)
            return f"{pad}<p{attributes(element)}>{body}</p>\n"
        if tag in _INLINE_BLOCKS:
            body = self.inline_content(element, strip=tag != "td" and tag != "th")
            if tag in ("td", "th") and not body:
                body = "\u00a0"
            return f"{pad}<{tag}{attributes(element)}>{body}</{tag}>\n"
        if tag in _ITEMS:
            return self._item(element, indent)
        if tag == "hr":
            return f"{pad}<hr{attributes(element)} />\n"
        if tag in _INDENTED:
            children = list(element)
            if tag == "blockquote":
                inner = self._children(children, indent + 2)
            else:  # lists and tables: kramdown has no blank lines between their parts
                inner = "".join(self.block(child, indent + 2) for child in children)
            return f"{pad}<{tag}{attributes(element)}>\n{inner}{pad}</{tag}>\n"
        if tag == "div" and "highlighter-rouge" in element.get("class", "").split():
            # code keeps its lines' spaces (no list item's indentation is left in them)
            outer, self._continuation = self._continuation, None
            try:
                code = "".join(self.inline(child) for child in element)
            finally:
                self._continuation = outer
            return f"{pad}<div{attributes(element)}>{code}{pad}</div>\n"
        if tag == "div" or tag == "figure":
            inner = self._children(list(element), indent + 2)
            return f"{pad}<{tag}{attributes(element)}>\n{inner}{pad}</{tag}>\n"
        if tag == "pre":
            return f"{pad}{self.inline(element)}\n"
        return pad + self.inline(element) + "\n"

    def _item(self, item: etree.Element, indent: int, *, toc: bool = False) -> str:
        outer = self._continuation
        depth = indent // 2 // 2 + 1  # an item's indent is 2 + 4 per list level
        self._continuation = _CONTINUATIONS[min(depth, len(_CONTINUATIONS) - 1)]
        try:
            return self._item_html(item, indent, toc=toc)
        finally:
            self._continuation = outer

    def _item_html(self, item: etree.Element, indent: int, *, toc: bool = False) -> str:
        pad = " " * indent
        children = list(item)
        split = 0
        while split < len(children) and not is_block(children[split]):
            split += 1
        text = item.text or ""
        if not toc:
            text = text.lstrip() if split else text.strip()
        transparent = bool(text) or split > 0 or not children
        out = [f"{pad}<{item.tag}{attributes(item)}>"]
        if transparent:
            body = self._inline_run(text, children[:split], strip=not toc)
            blocks = children[split:]
            if blocks and not toc:
                body = self._before_closer(body)
            res = body + self._children(blocks, indent + 2)
            out.append(res)
            if res.endswith("\n"):
                out.append(pad)
        else:
            out.append("\n")
            out.append(self._children(children, indent + 2))
            out.append(pad)
        out.append(f"</{item.tag}>\n")
        return "".join(out)

    def _before_closer(self, body: str) -> str:
        """``body`` with its line break, inside the end tags that close its span HTML."""
        closer = _LAST_PLACEHOLDER.search(body)
        if closer is not None:
            index = int(closer.group(1))
            if index < len(self.stash) and isinstance(self.stash[index], AutoClose):
                return body[: closer.start()] + "\n" + body[closer.start() :]
        return body + "\n"

    def _toc_list(self, toc: etree.Element, indent: int) -> str:
        if not len(toc):
            return ""
        pad = " " * indent
        out = [f"{pad}<{toc.tag}{attributes(toc)}>\n"]
        for item in toc:
            sub = [child for child in item if child.tag in ("ul", "ol")]
            links = [child for child in item if child.tag not in ("ul", "ol")]
            body = self._inline_run("", links, strip=False)
            res = body + "".join(self._toc_list(child, indent + 4) for child in sub)
            out.append(f"{pad}  <li>{res}{pad + '  ' if res.endswith(chr(10)) else ''}</li>\n")
        out.append(f"{pad}</{toc.tag}>\n")
        return "".join(out)

    def _stashed(self, element: etree.Element) -> object | None:
        if len(element) or not element.text:
            return None
        match = _PLACEHOLDER.match(element.text.strip())
        if match is None:
            return None
        index = int(match.group(1))
        stashed = self.stash[index] if index < len(self.stash) else None
        return None if isinstance(stashed, InlineHtml) else stashed

    def _stashed_block(self, stashed: object, indent: int) -> str:
        pad = " " * indent
        if isinstance(stashed, CodeBlock):
            if stashed.close:
                return f"{pad}{stashed.open}{stashed.body}{pad}{stashed.close}\n"
            return f"{pad}{stashed}\n"
        if isinstance(stashed, RawBlock):
            return f"{stashed}\n"
        return f"{pad}{stashed}\n"

    # --- raw HTML -------------------------------------------------------------------------------

    def _html_element(self, element: etree.Element, kd: str, indent: int, *, in_raw: bool) -> str:
        name = element.tag
        category, model, closed = kd[0], kd[1], kd[2:] == "c"
        attrs = attributes(element)
        if category == "s":
            res = self._raw_inner(element, indent) if model == "r" else self.inline_content(element)
            if not res and name in VOID:
                return f"<{name}{attrs} />"
            return f"<{name}{attrs}>{res}</{name}>"
        if model == "b":
            res = self._children(list(element), indent + 2, keep_last_blank=True)
            if LEADING_BLANK in element.attrib:
                res = "\n" + res
        elif model == "s":
            res = self.inline_content(element)
        else:
            res = self._raw_inner(element, indent)
        out = "" if in_raw else " " * indent
        out += f"<{name}{attrs}"
        if closed and model == "r":
            out += " />"
        elif res and model != "b":
            out += f">{res}</{name}>"
        elif res:
            out += f">\n{res.removesuffix(chr(10))}\n{' ' * indent}</{name}>"
        elif name in VOID:
            out += " />"
        else:
            out += f"></{name}>"
        return out if in_raw else out + "\n"

    def _raw_inner(self, element: etree.Element, indent: int) -> str:
        out = [escape_text(element.text)] if element.text else []
        for child in element:
            if child.tag == RAW_TEXT:
                out.append(child.text or "")
            else:
                out.append(self.block(child, indent + 2, in_raw=True))
            if child.tail:
                out.append(escape_text(child.tail))
        return "".join(out)

    # --- spans ----------------------------------------------------------------------------------

    def inline_content(self, element: etree.Element, *, strip: bool = False) -> str:
        return self._inline_run(element.text or "", list(element), strip=strip)

    def _inline_run(self, text: str, children: list[etree.Element], *, strip: bool) -> str:
        if strip and not children:
            text = text.strip()
        elif strip:
            text = text.lstrip()
        out = [self._text(text)]
        last = len(children) - 1
        for index, child in enumerate(children):
            out.append(self.inline(child))
            tail = child.tail or ""
            if child.tag == "br" and not tail.startswith("\n"):
                tail = "\n" + tail  # python-markdown's line break took the newline
            if strip and index == last:
                tail = tail.rstrip()
            if tail:
                out.append(self._text(tail))
        return "".join(out)

    def _text(self, text: str) -> str:
        if not text:
            return ""
        if self._continuation is not None and "\n " in text:
            text = self._continuation.sub("\n", text)
        if "\x02bssp" in text:
            text = _SPACES.sub(lambda match: " " * int(match.group(1)), text)
        return escape_text(text)

    def inline(self, element: etree.Element) -> str:
        tag = element.tag
        kd = element.get(KD)
        if kd is not None:
            return self._html_element(element, kd, 0, in_raw=True)
        if tag == COMMENT:
            return element.text or ""
        if tag == RAW_TEXT:
            return element.text or ""
        attrs = attributes(element)
        if tag in VOID and not len(element) and not element.text:
            return f"<{tag}{attrs} />"
        body = self._inline_run(element.text or "", list(element), strip=False)
        return f"<{tag}{attrs}>{body}</{tag}>"
