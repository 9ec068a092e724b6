"""Compare two HTML documents as a reader and a stylesheet see them.

One parse per document (:func:`summarize`) gives its title, its visible words, its tag sequence and
the words of its main content; :func:`compare_html` sets two summaries side by side as ratios in
[0, 1] (1 = equal) and explains the first differences for an assertion message.

Visible text follows what a browser renders with scripting on: nothing from ``<head>``, no
``script``/``style``/``template``/``noscript``/``iframe`` content, nothing ``hidden``, no SVG
``<title>``/``<desc>`` tooltips, no attribute text (``alt``, ``title``). Block elements separate
words; inline ones do not (``a<b>b</b>`` reads "ab", as on screen). Whitespace collapses.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, Tag
from bs4.element import Comment, Declaration, Doctype, PageElement, ProcessingInstruction

from .diff import first_differences, similarity

Html = str | bytes

MAIN_SELECTORS: tuple[str, ...] = ("#main", "main", "article", ".page__content")
TAG_ATTRS: tuple[str, ...] = ("id", "class")

# Elements whose content a browser does not render as text (scripting enabled).
UNRENDERED = frozenset(
    ["head", "script", "style", "template", "noscript", "iframe", "title", "desc", "datalist"]
)
# innerText puts a line break (or a tab, for cells) around these: words never run across them.
BLOCKS = frozenset(
    ["address", "article", "aside", "blockquote", "body", "br", "caption", "dd", "details",
     "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2",
     "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend", "li", "main", "menu",
     "nav", "ol", "optgroup", "option", "p", "pre", "section", "summary", "table", "tbody", "td",
     "tfoot", "th", "thead", "tr", "ul"]
)  # fmt: skip
# Strings that are markup, not text (comments, doctype, <?...?>, <!...>).
NOT_TEXT = (Comment, Declaration, Doctype, ProcessingInstruction)


@dataclass(frozen=True)
class PageSummary:
    """What the comparison needs from one document."""

    title: str | None
    words: tuple[str, ...]
    tags: tuple[str, ...]
    main_selector: str  # the selector that matched, or "body" / ":root" when none did
    main_words: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.words)

    @property
    def main_text(self) -> str:
        return " ".join(self.main_words)


@dataclass(frozen=True)
class HtmlComparison:
    """Ours against Jekyll's: similarity ratios (1.0 = same) and the pages they came from."""

    ours: PageSummary
    theirs: PageSummary
    text: float
    tags: float
    main: float
    labels: tuple[str, str] = field(default=("ours", "jekyll"))

    @property
    def titles_equal(self) -> bool:
        return self.ours.title == self.theirs.title

    @property
    def identical(self) -> bool:
        """Same title, visible text and tag sequence."""
        return self.titles_equal and self.text == 1.0 and self.tags == 1.0

    def text_diff(self, limit: int = 3) -> str:
        return first_differences(
            self.ours.words, self.theirs.words, limit=limit, labels=self.labels
        )

    def tags_diff(self, limit: int = 3) -> str:
        return first_differences(self.ours.tags, self.theirs.tags, limit=limit, labels=self.labels)

    def main_diff(self, limit: int = 3) -> str:
        ours, theirs = self.ours.main_words, self.theirs.main_words
        return first_differences(ours, theirs, limit=limit, labels=self.labels)

    def report(self, limit: int = 3) -> str:
        """A few lines for an assertion message: the ratios, the titles, the first differences."""
        a, b = self.labels
        lines = [
            f"text {self.text:.4f}  tags {self.tags:.4f}  main {self.main:.4f}"
            f" ({a}: {self.ours.main_selector}, {b}: {self.theirs.main_selector})",
        ]
        if not self.titles_equal:
            lines.append(f"title {a}: {self.ours.title!r}\ntitle {b}: {self.theirs.title!r}")
        if self.text < 1.0:
            lines.append("visible text:\n" + self.text_diff(limit))
        if self.tags < 1.0:
            lines.append("tags:\n" + self.tags_diff(limit))
        return "\n".join(lines)


def parse(html: Html) -> BeautifulSoup:
    """Parse with the standard library's parser; bytes are UTF-8 (a BOM is dropped)."""
    text = html.decode("utf-8-sig", errors="replace") if isinstance(html, bytes) else html
    return BeautifulSoup(text, "html.parser")


def as_soup(doc: Html | BeautifulSoup) -> BeautifulSoup:
    return doc if isinstance(doc, BeautifulSoup) else parse(doc)


def title(doc: Html | BeautifulSoup) -> str | None:
    """``document.title``: the first ``<title>``'s text, whitespace collapsed; None if absent."""
    found = as_soup(doc).find("title")
    return " ".join(found.get_text().split()) if isinstance(found, Tag) else None


def rendered(tag: Tag) -> bool:
    if tag.name in UNRENDERED or tag.has_attr("hidden"):
        return False
    return not (tag.name == "input" and str(tag.get("type", "")).lower() == "hidden")


def text_pieces(root: Tag) -> Iterator[str]:
    """Rendered strings in document order, with a " " at each block boundary."""
    stack: list[PageElement | str] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, Tag):
            if not rendered(node):
                continue
            if node.name in BLOCKS:
                yield " "
                stack.append(" ")
            stack.extend(reversed(node.contents))
        elif not isinstance(node, NOT_TEXT):
            yield str(node)


def words_of(root: Tag) -> tuple[str, ...]:
    return tuple("".join(text_pieces(root)).split())


def visible_text(doc: Html | BeautifulSoup) -> str:
    """The page's visible text, whitespace collapsed to single spaces."""
    return " ".join(words_of(as_soup(doc)))


def tag_token(tag: Tag, attrs: Sequence[str]) -> str:
    token = tag.name
    for name in attrs:
        value = tag.get(name)
        if value is None:
            continue
        if name == "id":
            token += f"#{value}"
        elif name == "class":
            classes = value if isinstance(value, list) else str(value).split()
            token += "".join(f".{c}" for c in sorted(classes))  # order has no effect on style
        else:
            token += f"[{name}={value}]"
    return token


def tag_sequence(doc: Html | BeautifulSoup, attrs: Sequence[str] = ()) -> tuple[str, ...]:
    """Element names in document order, e.g. ``div#main.page`` with ``attrs=("id", "class")``."""
    return tuple(tag_token(tag, attrs) for tag in as_soup(doc).find_all(True))


def main_content(
    doc: Html | BeautifulSoup, selectors: Sequence[str] = MAIN_SELECTORS
) -> tuple[str, Tag]:
    """The first element matching the first selector that matches; else ``<body>``; else the root."""
    soup = as_soup(doc)
    for selector in selectors:
        found = soup.select_one(selector)
        if found is not None:
            return selector, found
    body = soup.find("body")
    return ("body", body) if isinstance(body, Tag) else (":root", soup)


def summarize(
    html: Html, *, selectors: Sequence[str] = MAIN_SELECTORS, attrs: Sequence[str] = TAG_ATTRS
) -> PageSummary:
    """Parse once and keep what :func:`compare_html` needs."""
    soup = parse(html)
    selector, main = main_content(soup, selectors)
    return PageSummary(
        title=title(soup),
        words=words_of(soup),
        tags=tag_sequence(soup, attrs),
        main_selector=selector,
        main_words=words_of(main),
    )


def compare_summaries(
    ours: PageSummary, theirs: PageSummary, labels: tuple[str, str] = ("ours", "jekyll")
) -> HtmlComparison:
    return HtmlComparison(
        ours=ours,
        theirs=theirs,
        text=similarity(ours.words, theirs.words),
        tags=similarity(ours.tags, theirs.tags),
        main=similarity(ours.main_words, theirs.main_words),
        labels=labels,
    )


def compare_html(
    ours: Html,
    theirs: Html,
    *,
    selectors: Sequence[str] = MAIN_SELECTORS,
    attrs: Sequence[str] = TAG_ATTRS,
    labels: tuple[str, str] = ("ours", "jekyll"),
) -> HtmlComparison:
    """Compare two documents: visible text, tag sequence, title and main content."""
    a = summarize(ours, selectors=selectors, attrs=attrs)
    b = a if ours == theirs else summarize(theirs, selectors=selectors, attrs=attrs)
    return compare_summaries(a, b, labels)
