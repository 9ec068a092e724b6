"""Raw HTML as kramdown reads it: parsed into elements, written back the way kramdown writes them.

A block of HTML (a line opening with a tag that is not a span element, or a comment) is parsed by
a port of kramdown's HTML parser: its content is raw (text and nested tags, kept as they are but
re-written: double-quoted attributes, ``<br />``), except in an element with a ``markdown``
attribute, whose content is markdown again. In a paragraph, kramdown re-writes each tag alike.
"""

from __future__ import annotations

import html.entities
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from dataclasses import dataclass, field

from markdown.util import AtomicString

from handler.engine.markdown._serialize import (
    COMMENT,
    KD,
    LEADING_BLANK,
    RAW_TEXT,
    VOID,
    escape_attribute,
    escape_text,
)

_NAME = r"(?:[A-Za-z_:][\w.\-]*:)?[A-Za-z_:][\w.\-]*"
_NAME_RE = _NAME.replace(":]", "]").replace("[A-Za-z_:]", "[A-Za-z_]")
TAG_RE = re.compile(  # kramdown's HTML_TAG_RE, atomic groups and all
    rf"<((?>{_NAME_RE}))\s*((?>\s+{_NAME_RE}(?:\s*=\s*(?:\w+|(\"|').*?\3))?)*)\s*(/)?>", re.S
)
TAG_CLOSE_RE = re.compile(rf"</({_NAME_RE})\s*>", re.S)
_ATTRIBUTE_RE = re.compile(rf"\s*({_NAME_RE})(?:\s*=\s*(?:(\w+)|(\"|')(.*?)\3))?", re.S)
COMMENT_RE = re.compile(r"<!--(.*?)-->", re.S)
_INSTRUCTION_RE = re.compile(r"<\?(.*?)\?>", re.S)
_RAW_START = re.compile(rf"<(?:{_NAME_RE}|/|!--|\?)")
_TRAILING_WHITESPACE = re.compile(r"[ \t]*\n")
_BLANK_LINE = re.compile(r"[ \t]*\n")
BLOCK_START = re.compile(rf"[ ]{{0,3}}(?=<(?:{_NAME_RE}|!--))")

_MODEL_BLOCK = frozenset(
    (
        "address",
        "applet",
        "article",
        "aside",
        "blockquote",
        "body",
        "dd",
        "details",
        "div",
        "dl",
        "fieldset",
        "figure",
        "figcaption",
        "footer",
        "form",
        "header",
        "hgroup",
        "iframe",
        "li",
        "main",
        "map",
        "menu",
        "nav",
        "noscript",
        "object",
        "section",
        "summary",
        "td",
    )
)
_MODEL_SPAN = frozenset(
    (
        "a",
        "abbr",
        "acronym",
        "b",
        "bdo",
        "big",
        "button",
        "cite",
        "caption",
        "del",
        "dfn",
        "dt",
        "em",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "i",
        "ins",
        "label",
        "legend",
        "optgroup",
        "p",
        "q",
        "rb",
        "rbc",
        "rp",
        "rt",
        "rtc",
        "ruby",
        "select",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "th",
        "tt",
    )
)
SPAN_ELEMENTS = frozenset(
    (
        "a",
        "abbr",
        "acronym",
        "b",
        "big",
        "bdo",
        "br",
        "button",
        "cite",
        "code",
        "del",
        "dfn",
        "em",
        "i",
        "img",
        "input",
        "ins",
        "kbd",
        "label",
        "mark",
        "option",
        "q",
        "rb",
        "rbc",
        "rp",
        "rt",
        "rtc",
        "ruby",
        "samp",
        "select",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "tt",
        "u",
        "var",
    )
)
BLOCK_ELEMENTS = frozenset(
    (
        "address",
        "article",
        "aside",
        "applet",
        "body",
        "blockquote",
        "caption",
        "col",
        "colgroup",
        "dd",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "html",
        "head",
        "iframe",
        "legend",
        "menu",
        "li",
        "main",
        "map",
        "nav",
        "ol",
        "optgroup",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tfoot",
        "tr",
        "ul",
    )
)
_RAW_MODEL = frozenset(
    ("script", "style", "math", "option", "textarea", "pre", "code", "kbd", "samp", "var")
)
_KNOWN = SPAN_ELEMENTS | BLOCK_ELEMENTS | VOID | _MODEL_BLOCK | _MODEL_SPAN | _RAW_MODEL
_MARKDOWN_ATTR = {"0": "r", "1": "", "span": "s", "block": "b"}


def content_model(name: str) -> str:
    """kramdown's HTML_CONTENT_MODEL: "b"lock, "s"pan or "r"aw."""
    if name in _MODEL_BLOCK:
        return "b"
    if name in _MODEL_SPAN:
        return "s"
    return "r"


def parse_attributes(text: str, known: bool) -> dict[str, str]:
    attrs: dict[str, str] = {}
    for match in _ATTRIBUTE_RE.finditer(text):
        name = match.group(1).lower() if known else match.group(1)
        value = match.group(2) if match.group(2) is not None else match.group(4)
        attrs[name] = value or ""
    return attrs


@dataclass
class Markdown:
    """Markdown content of an element with a ``markdown`` attribute, parsed later."""

    element: etree.Element
    text: str
    block: bool


@dataclass
class HtmlBlock:
    """One block of HTML: its elements (usually one), and the markdown parts still to parse."""

    nodes: list[etree.Element] = field(default_factory=list)
    markdown: list[Markdown] = field(default_factory=list)


class HtmlParser:
    """kramdown's block HTML parser over ``text`` (``parse_block_html`` off, the default)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def parse(self, start: int) -> tuple[HtmlBlock, int] | None:
        """The HTML block opening at ``start`` (a line start) and where it ends, or None."""
        match = BLOCK_START.match(self.text, start)
        if match is None:
            return None
        at = match.end()
        result = HtmlBlock()
        # kramdown's parse_block_html scans a comment where the line starts: after spaces
        # it is no block (the paragraph's span HTML)
        comment = COMMENT_RE.match(self.text, at) if at == start else None
        if comment:
            result.nodes.append(_comment(comment.group(0)))
            self.pos = self._trailing(comment.end())
            return result, self.pos
        tag = TAG_RE.match(self.text, at)
        if tag is None or tag.group(1).lower() in SPAN_ELEMENTS:
            return None
        self.pos = tag.end()
        holder = etree.Element("holder")
        self._start_tag(tag, holder, result, raw_parent=False)
        result.nodes.extend(holder)
        return result, self.pos

    def _trailing(self, pos: int) -> int:
        match = _TRAILING_WHITESPACE.match(self.text, pos)
        return match.end() if match else pos

    def _start_tag(
        self, tag: re.Match[str], parent: etree.Element, block: HtmlBlock, *, raw_parent: bool
    ) -> None:
        name = tag.group(1)
        known = name.lower() in _KNOWN
        if known:
            name = name.lower()
        closed = tag.group(4) is not None or name in VOID
        attrs = parse_attributes(tag.group(2), known)
        element = etree.SubElement(parent, name)
        if name in ("script", "style"):
            self._raw_body(element, name)
            model = self._model(name, attrs, raw_parent=raw_parent)
            element.attrib.update(attrs)
            element.set(KD, "b" + model)
            # kramdown leaves the end of the line: a blank line follows (the caller adds it).
            return
        model = self._model(name, attrs, raw_parent=raw_parent)
        element.attrib.update(attrs)
        element.set(KD, "b" + model + ("c" if closed else ""))
        if model == "b":
            self.pos = self._trailing(self.pos)
        if not closed:
            if model == "b":
                if _BLANK_LINE.match(self.text, self.pos):
                    element.set(LEADING_BLANK, "")
                end = self._markdown_end(name)
                block.markdown.append(Markdown(element, self.text[self.pos : end[0]], True))
                self.pos = end[1]
            elif model == "s":
                close = re.compile(rf"</{re.escape(name)}\s*>", re.I)
                found = close.search(self.text, self.pos)
                stop = found.start() if found else len(self.text)
                block.markdown.append(Markdown(element, self.text[self.pos : stop], False))
                self.pos = found.end() if found else len(self.text)
            else:
                self._raw(element, block)
            if not raw_parent:
                self.pos = self._trailing(self.pos)

    @staticmethod
    def _model(name: str, attrs: dict[str, str], *, raw_parent: bool) -> str:
        value = _MARKDOWN_ATTR.get(attrs.pop("markdown", ""))
        if value is None:
            return "r"
        return value or content_model(name)

    def _raw_body(self, element: etree.Element, name: str) -> None:
        close = re.compile(rf"</{re.escape(name)}\s*>", re.I)
        found = close.search(self.text, self.pos)
        end = found.start() if found else len(self.text)
        if end > self.pos:
            raw = etree.SubElement(element, RAW_TEXT)
            raw.text = AtomicString(self.text[self.pos : end])
        self.pos = found.end() if found else len(self.text)

    def _raw(self, element: etree.Element, block: HtmlBlock) -> None:
        """kramdown's ``parse_raw_html``: text and tags up to the element's end tag."""
        text = self.text
        while self.pos < len(text):
            start = _RAW_START.search(text, self.pos)
            if start is None:
                _add_text(element, text[self.pos :])
                self.pos = len(text)
                return
            _add_text(element, text[self.pos : start.start()])
            self.pos = start.start()
            comment = COMMENT_RE.match(text, self.pos)
            instruction = None if comment else _INSTRUCTION_RE.match(text, self.pos)
            tag = None if comment or instruction else TAG_RE.match(text, self.pos)
            close = None if comment or instruction or tag else TAG_CLOSE_RE.match(text, self.pos)
            if comment or instruction:
                found = comment or instruction
                assert found is not None
                element.append(_comment(found.group(0)))
                self.pos = found.end()
            elif tag:
                self.pos = tag.end()
                self._start_tag(tag, element, block, raw_parent=True)
            elif close:
                self.pos = close.end()
                name = close.group(1).lower() if element.tag in _KNOWN else close.group(1)
                if name == element.tag:
                    return
                _add_text(element, close.group(0))
            else:
                _add_text(element, text[self.pos])
                self.pos += 1

    def _markdown_end(self, name: str) -> tuple[int, int]:
        """Where the markdown in a ``markdown="1"`` block element ends: (content end, after the
        end tag). The end tag must open a line; HTML blocks and fenced code on the way are
        skipped whole."""
        text = self.text
        close = re.compile(rf"[ ]{{0,3}}</{re.escape(name)}\s*>", re.I)
        pos = self.pos
        fence: str | None = None
        fence_indent = 0
        while pos < len(text):
            line_end = text.find("\n", pos)
            line_end = len(text) if line_end < 0 else line_end + 1
            line = text[pos:line_end]
            if fence is not None:
                if closes_fence(line.rstrip("\n"), fence, fence_indent):
                    fence = None
                pos = line_end
                continue
            opening = re.match(r"([ ]{0,3})(`{3,}|~{3,})", line)
            if opening:
                fence, fence_indent = opening.group(2), len(opening.group(1))
                pos = line_end
                continue
            found = close.match(text, pos)
            if found:
                return pos, found.end()
            nested = HtmlParser(text)
            parsed = nested.parse(pos) if BLOCK_START.match(text, pos) else None
            if parsed is not None and parsed[1] > pos:
                pos = parsed[1]
                if pos < len(text) and text[pos - 1] != "\n":
                    line_end = text.find("\n", pos)
                    pos = len(text) if line_end < 0 else line_end + 1
                continue
            pos = line_end
        return len(text), len(text)


def closes_fence(line: str, fence: str, indent: int) -> bool:
    """Whether ``line`` closes a fence opened by ``fence`` at ``indent`` columns (the closing
    run may be longer, and indented up to three columns more)."""
    stripped = line.strip()
    return (
        stripped.startswith(fence)
        and not stripped.strip(fence[0])
        and len(line) - len(line.lstrip(" ")) <= indent + 3
    )


def _comment(text: str) -> etree.Element:
    element = etree.Element(COMMENT)
    element.text = AtomicString(text)
    return element


def _add_text(element: etree.Element, text: str) -> None:
    if not text:
        return
    if len(element):
        last = element[-1]
        last.tail = AtomicString((last.tail or "") + text)
    else:
        element.text = AtomicString((element.text or "") + text)


# --- span HTML -----------------------------------------------------------------------------------


def span_tag(raw: str) -> str:
    """One tag in paragraph text as kramdown writes it (``raw`` as python-markdown found it)."""
    if raw.startswith("<!--") or raw.startswith("<?"):
        return raw
    close = TAG_CLOSE_RE.fullmatch(raw)
    if close:
        name = close.group(1)
        return f"</{name.lower() if name.lower() in _KNOWN else name}>"
    tag = TAG_RE.fullmatch(raw)
    if tag is None:
        return escape_text(raw)
    name = tag.group(1)
    known = name.lower() in _KNOWN
    if known:
        name = name.lower()
    if name in BLOCK_ELEMENTS:
        return escape_text(raw)  # kramdown: a block tag in a paragraph is text
    attrs = parse_attributes(tag.group(2), known)
    attrs.pop("markdown", None)
    written = "".join(
        f' {key}="{escape_attribute(_NEWLINES.sub(" ", value))}"' for key, value in attrs.items()
    )
    if name in VOID:
        return f"<{name}{written} />"
    if tag.group(4):
        return f"<{name}{written}></{name}>"
    return f"<{name}{written}>"


def with_attributes(written: str, update: Callable[[etree.Element], None]) -> str:
    """``written`` (span HTML as ``span_tag`` writes it, opening with a start tag) with that
    tag's attributes changed by ``update`` (on an element holding them)."""
    tag = TAG_RE.match(written)
    if tag is None:
        return written
    name = tag.group(1)
    holder = etree.Element(name, parse_attributes(tag.group(2), name.lower() in _KNOWN))
    update(holder)
    attrs = "".join(f' {key}="{escape_attribute(value)}"' for key, value in holder.items())
    return f"<{name}{attrs}{' />' if tag.group(4) else '>'}{written[tag.end() :]}"


_NEWLINES = re.compile(r"\n+")
_ENTITY_KEEP = frozenset("<>&")


def entity(original: str) -> str | None:
    """kramdown's ``entity_output: as_char``: the character, except for ``<``, ``>`` and ``&``
    (written as in the source); None for a name kramdown does not know (then it is text)."""
    body = original[1:-1]
    if body.startswith("#"):
        try:
            code = int(body[2:], 16) if body[1:2] in ("x", "X") else int(body[1:])
            char = chr(code)
        except (ValueError, OverflowError):
            return None
    else:
        found = html.entities.html5.get(body + ";")
        if found is None:
            return None
        char = found
    return original if char in _ENTITY_KEEP else char


def raw_span(text: str, start: int) -> tuple[str | etree.Element, int] | None:
    """The span element whose tag opens at ``start``, when kramdown's content model for it is
    raw (``<u>``, ``<font>``, ``<kbd>``, any unknown name, ``markdown="0"``; ``markdown="1"``
    keeps the element's own model): kramdown parses no markdown inside,
    only more tags, and closes it at the end of the text if its end tag is missing. Returns the
    element as kramdown writes it and where it ends; None for any other tag.

    A tag inside whose ``markdown`` attribute asks for span parsing (``<em markdown="1">``)
    has its content parsed as markdown all the same: then the element comes back as a tree,
    the raw HTML in ``RAW_TEXT`` children, that tag's element (its text the markdown source,
    a plain string for the inline patterns) between them."""
    tag = TAG_RE.match(text, start)
    if tag is None or tag.group(4):
        return None
    name = tag.group(1)
    known = name.lower() in _KNOWN
    if known:
        name = name.lower()
    if name in BLOCK_ELEMENTS or name in VOID:
        return None
    raw = content_model(name) == "r"
    if "markdown" in tag.group(2):  # kramdown's parse_span_html: the attribute decides
        value = parse_attributes(tag.group(2), known).get("markdown")
        raw = {"0": True, "1": raw, "span": False}.get(value or "", raw)
    if not raw:
        return None
    parts: list[str | etree.Element] = []
    end = _raw_content(text, tag.end(), name, known, parts)
    if all(isinstance(part, str) for part in parts):
        return f"{span_tag(tag.group())}{''.join(parts)}</{name}>", end  # type: ignore[arg-type]
    element = _span_element(tag, name, known, "r")
    element.text = AtomicString("")  # (the inline patterns leave the raw HTML alone)
    for part in parts:
        if isinstance(part, str):
            raw_text = etree.SubElement(element, RAW_TEXT)
            raw_text.text = AtomicString(part)
        else:
            element.append(part)
    return element, end


def _span_element(tag: re.Match[str], name: str, known: bool, model: str) -> etree.Element:
    """An element of span HTML as the serializer writes kramdown's (``KD``), its attributes
    as ``span_tag`` writes them."""
    element = etree.Element(name)
    for key, value in parse_attributes(tag.group(2), known).items():
        if key != "markdown":
            element.set(key, _NEWLINES.sub(" ", value))
    element.set(KD, "s" + model)
    return element


def _raw_content(text: str, at: int, name: str, known: bool, out: list[str | etree.Element]) -> int:
    """kramdown's ``parse_spans`` with the span HTML parser alone, up to ``</name>``: the
    written HTML into ``out`` (an element for a tag whose content is markdown), where it
    ends."""
    stop = re.compile(rf"</{re.escape(name)}\s*>", re.I if known else 0)
    while (opening := text.find("<", at)) >= 0:
        out.append(escape_text(text[at:opening]))
        end = stop.match(text, opening)
        if end is not None:
            return end.end()
        comment = COMMENT_RE.match(text, opening) if text.startswith("<!--", opening) else None
        if comment is not None:  # kramdown's span HTML parser keeps a comment
            out.append(comment.group())
            at = comment.end()
            continue
        tag = TAG_RE.match(text, opening)
        if tag is None or TAG_CLOSE_RE.match(text, opening):
            out.append("&lt;")  # a stray end tag is text
            at = opening + 1
            continue
        known_child = tag.group(1).lower() in _KNOWN
        child = tag.group(1).lower() if known_child else tag.group(1)
        at = tag.end()
        body = not (tag.group(4) or child in VOID or child in BLOCK_ELEMENTS)
        value = (
            parse_attributes(tag.group(2), known_child).get("markdown")
            if (body and "markdown" in tag.group(2))
            else None
        )
        if value == "span" or (value == "1" and content_model(child) != "r"):
            # kramdown's parse_span_html: in raw content still, ``markdown`` decides
            element = _span_element(tag, child, known_child, "s")
            close = re.compile(rf"</{re.escape(child)}\s*>", re.I if known_child else 0)
            found = close.search(text, at)
            element.text = text[at : found.start() if found else len(text)]
            out.append(element)
            at = found.end() if found else len(text)
            continue
        out.append(span_tag(tag.group()))
        if body:
            at = _raw_content(text, at, child, known_child, out)
            out.append(f"</{child}>")
    out.append(escape_text(text[at:]))
    return len(text)
