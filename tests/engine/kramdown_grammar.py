"""Markdown documents from a grammar of kramdown's block and inline constructs, for the
differential test against Jekyll (``test_kramdown_differential.py``).

``document(seed, index)`` is a pure function of its arguments: each document draws from its own
``random.Random(f"kramdown:{seed}:{index}")``, so any one of a run can be made again alone (the
shrinker and the report do). A document is a sequence of blocks, each with the separator before it
(usually a blank line, sometimes none, so that blocks run into each other as they do in real
posts), and the set of construct tags its generators used (``fence.indent``, ``span.font``...).

The constructs are those of issue 14: lists with nesting (tight, loose, lazy, split by link
definitions, with fences, rules and ``|`` inside), fences with every info-string form and indent
0-3, indented code, block HTML with and without ``markdown="1"``, span HTML, tables and lines with
``|``, blockquotes (lazy, nested, split by blank lines), setext and ATX headers with inline markup,
reference and inline links (titles, code spans in labels), footnotes, abbreviations, definition
lists, IALs and ALDs, math, typographic characters, entities, hard breaks, emphasis.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

WORDS = (
    "alpha", "beta", "gamma", "delta", "post", "site", "code", "list", "page", "note", "read",
    "more", "kramdown", "Jekyll", "HTML", "CSS", "it's", "don't", "90's", "café", "naïve", "x",
    "a", "I", "snake_case_name", "file.md", "v1.2", "C++", "e.g.", "(see", "below)", "2023",
    "one,", "two;", "end.", "yes!", "why?", "über", "日本",
)  # fmt: skip
LABELS = ("ref", "Ref Label", "`x`", "the `x` flag", "1", "z `y` w", "`a|b`")
URLS = (
    "https://a.example/",
    "https://a.example/x?y=1&z=2",
    "/local/path.html",
    "#anchor",
    "mailto:me@example.com",
    "https://a.example/paren_(x)",
    "../up.md",
)
TITLES = ('"A title"', "'single title'", '"quote \\" inside"', "(paren title)")
LANGS = (
    "", "python", "ruby", "js", "rust,ignore", "c++", "text", "plaintext", "shell", "console",
    "unknownlang", "html", "yaml", "json", "diff", "Python", "sh {.x}", "python title=\"a.py\"",
    "{.language-python}", "ruby linenos", "bash $", "-", "go,norun extra",
)  # fmt: skip
SPAN_TAGS = ("span", "font", "u", "em", "b", "i", "small", "kbd", "abbr", "sup", "sub", "mark", "s")
BLOCK_TAGS = ("div", "p", "details", "section", "center", "figure", "aside", "table", "pre")


@dataclass(frozen=True)
class Block:
    """One block of a document: its text (no trailing newline) and what precedes it."""

    text: str
    separator: str = "\n\n"
    tags: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Document:
    seed: int
    index: int
    blocks: tuple[Block, ...]
    label: str = ""  # an issue case's name (its page is named by it)

    @property
    def text(self) -> str:
        return render(self.blocks)

    @property
    def tags(self) -> frozenset[str]:
        found: set[str] = set()
        for block in self.blocks:
            found |= block.tags
        return frozenset(found)

    @property
    def name(self) -> str:
        return f"issue-{self.label}" if self.label else f"d{self.index:05d}"


def render(blocks: tuple[Block, ...] | list[Block]) -> str:
    """The markdown text of ``blocks`` (the first block's separator is dropped)."""
    parts = [
        block.text if i == 0 else block.separator + block.text for i, block in enumerate(blocks)
    ]
    return "".join(parts) + "\n"


@dataclass
class _Gen:
    """The generator's state for one document: its random source and the tags it used."""

    r: random.Random
    tags: set[str] = field(default_factory=set)
    depth: int = 0

    def tag(self, name: str) -> None:
        self.tags.add(name)

    def pick(self, options: tuple[str, ...] | list[str]) -> str:
        return options[self.r.randrange(len(options))]

    def chance(self, p: float) -> bool:
        return self.r.random() < p

    # --- inline ----------------------------------------------------------------------------------

    def words(self, low: int = 1, high: int = 4) -> str:
        return " ".join(self.pick(WORDS) for _ in range(self.r.randint(low, high)))

    def inline(self, low: int = 2, high: int = 6, markup: float = 0.45) -> str:
        """A run of words and inline constructs (no newline)."""
        items = []
        for _ in range(self.r.randint(low, high)):
            if self.depth < 2 and self.chance(markup):
                self.depth += 1
                items.append(self.r.choice(INLINE)(self))
                self.depth -= 1
            else:
                items.append(self.words(1, 2))
        return " ".join(items)

    def lines(self, low: int = 1, high: int = 3) -> str:
        """Paragraph lines: soft breaks, hard breaks (two spaces, ``\\\\``)."""
        out: list[str] = []
        for i in range(self.r.randint(low, high)):
            line = self.inline()
            if i and self.chance(0.2):
                self.tag("inline.hard-break")
                out[-1] += self.pick(("  ", "\\\\", "   "))
            out.append(line)
        return "\n".join(out)


# --- inline constructs (each a function of the generator) ----------------------------------------


def _emphasis(g: _Gen) -> str:
    g.tag("inline.emphasis")
    kind = g.r.randrange(9)
    inner = g.inline(1, 2, 0.3) if g.chance(0.4) else g.words(1, 2)
    match kind:
        case 0:
            return f"*{inner}*"
        case 1:
            return f"_{inner}_"
        case 2:
            return f"**{inner}**"
        case 3:
            return f"__{inner}__"
        case 4:
            g.tag("inline.strike")
            return f"~~{inner}~~"
        case 5:
            g.tag("inline.intraword")
            return f"{g.pick(WORDS)}*{g.pick(WORDS)}*{g.pick(WORDS)}"
        case 6:
            return f"***{inner}***"
        case 7:
            g.tag("inline.unbalanced")
            return g.pick(("* not emphasis *", "a * b", "**open", "_a", "x_y_z", "__init__"))
        case _:
            return f"*{g.words(1, 1)} **{inner}** {g.words(1, 1)}*"


def _code_span(g: _Gen) -> str:
    g.tag("inline.code")
    return g.pick(
        ("`x`", "`a | b`", "``a ` b``", "`<b>`", "`*not*`", "` spaced `", "`&amp;`", "`$x$`",
         "`{:.c}`", "`--`", "`x\\`")
    )  # fmt: skip


def _link(g: _Gen) -> str:
    g.tag("inline.link")
    text = g.inline(1, 2, 0.3) if g.chance(0.3) else g.words(1, 2)
    url = g.pick(URLS)
    match g.r.randrange(11):
        case 0:
            return f"[{text}]({url})"
        case 1:
            g.tag("inline.link-title")
            return f"[{text}]({url} {g.pick(TITLES)})"
        case 2:
            return f"[{text}](<{url} x>)"
        case 3:
            g.tag("inline.ref")
            return f"[{text}][{g.pick(LABELS)}]"
        case 4:
            g.tag("inline.ref")
            return f"[{g.pick(LABELS)}][]"
        case 5:
            g.tag("inline.ref")
            label = g.pick(LABELS)
            if "`" in label:
                g.tag("inline.ref-code-label")
            return f"[{label}]"
        case 6:
            g.tag("inline.image")
            return f"![{g.words(1, 2)}]({url})"
        case 7:
            g.tag("inline.autolink")
            return g.pick(("<https://a.example/x>", "<me@example.com>", "https://bare.example/x"))
        case 8:
            g.tag("inline.ref")
            return f"[{text}] [{g.pick(LABELS)}]"
        case 9:
            g.tag("inline.link-nested")
            return f"[![{g.words(1, 1)}]({url})]({g.pick(URLS)})"
        case _:
            g.tag("inline.ref-code-label")
            return f"[{g.words(1, 1)}][`{g.pick(('x', 'z', 'y'))}`]"


def _footnote_ref(g: _Gen) -> str:
    g.tag("inline.footnote")
    return f"[^{g.pick(('1', 'n', 'note', '2'))}]"


def _span_html(g: _Gen) -> str:
    name = g.pick(SPAN_TAGS)
    g.tag(f"span.{name}")
    inner = g.inline(1, 3, 0.5)
    attrs = ""
    if name == "font":
        attrs = ' color="red"'
    elif name == "abbr":
        attrs = ' title="t"'
    elif g.chance(0.2):
        attrs = ' class="c"'
    if g.chance(0.15):
        g.tag("span.markdown-attr")
        attrs += g.pick((' markdown="1"', ' markdown="0"', ' markdown="span"'))
    tail = ""
    if g.chance(0.2):
        g.tag("inline.typography-after-tag")
        tail = g.pick(("> done", ">> done", " << x", "--"))
    return f"<{name}{attrs}>{inner}</{name}>{tail}"


def _void_html(g: _Gen) -> str:
    g.tag("span.void")
    return g.pick(("<br>", "<br/>", "<br />", '<img src="/i.png" alt="i">', "<wbr>", "<!-- c -->"))


def _typography(g: _Gen) -> str:
    g.tag("inline.typography")
    return g.pick(
        ('"quoted words"', "'single quoted'", "it's", "--", "---", "...", "<<", ">>", "a -- b",
         "'90s", "\"x\"", "5'10\"", "<< x >>", "rock 'n' roll", "``tick''", "(c)", "a--b",
         "he said \"*hi*\"", "'*x*'", "\"[l](/u)\"")
    )  # fmt: skip


def _entity(g: _Gen) -> str:
    g.tag("inline.entity")
    return g.pick(
        ("&amp;", "&copy;", "&#169;", "&#x27;", "&nbsp;", "AT&T", "&", "a < b", "b > a", "&lt;x&gt;",
         "&unknown;", "&#0;", "&hellip;", "&mdash;", "<3", "&quot;")
    )  # fmt: skip


def _math(g: _Gen) -> str:
    g.tag("inline.math")
    return g.pick(
        ("$$x^2$$", "$$a_{i}$$", "$z^{(0)}_{v_{i}}$", "$x$", "$$ \\alpha | \\beta $$", "$5 and $6",
         "$$\\frac{a}{b}$$")
    )  # fmt: skip


def _span_ial(g: _Gen) -> str:
    g.tag("inline.ial")
    w = g.words(1, 1)
    return g.pick(
        (f"*{w}*{{:.cls}}", f"*{w}*{{x}}", f"**{w}**{{: #an-id}}", f"[{w}](/u){{:target=\"_blank\"}}",
         f"`{w}`{{:.language-ruby}}", f"{w}{{:.c}}", f"*{w}*{{: ref}}", "{x}", "{: not at start}")
    )  # fmt: skip


def _escape(g: _Gen) -> str:
    g.tag("inline.escape")
    return g.pick(("\\*", "\\_", "\\|", "\\[", "\\\\", "\\`", "\\#", "\\$$", "\\<", "\\{", "\\:"))


def _pipe(g: _Gen) -> str:
    g.tag("inline.pipe")
    return g.pick(("a | b", "(N || G)", "|", "x|y", "` | `"))


def _abbr_word(g: _Gen) -> str:
    g.tag("inline.abbr-word")
    return g.pick(("HTML", "CSS", "W3C", "HTML5"))


INLINE: tuple[Callable[[_Gen], str], ...] = (
    _emphasis, _emphasis, _code_span, _link, _link, _footnote_ref, _span_html, _span_html,
    _void_html, _typography, _typography, _entity, _math, _span_ial, _escape, _pipe, _abbr_word,
)  # fmt: skip


# --- blocks --------------------------------------------------------------------------------------


def _paragraph(g: _Gen) -> str:
    g.tag("block.paragraph")
    text = g.lines()
    if g.chance(0.12):
        g.tag("block.ial")
        text += "\n" + g.pick(("{:.cls}", "{: #pid .a .b}", "{: ref}", '{:title="t"}', "{:x}"))
    return text


def _atx(g: _Gen) -> str:
    g.tag("block.atx")
    level = g.r.randint(1, 6)
    text = g.inline(1, 3, 0.5)
    line = "#" * level + g.pick((" ", " ", "  ", "")) + text
    if g.chance(0.2):
        line += " " + "#" * g.r.randint(1, 4)
    if g.chance(0.15):
        g.tag("block.header-id")
        line += g.pick((" {#custom-id}", " {#x .c}", "{:.c}"))
    return line


def _setext(g: _Gen) -> str:
    g.tag("block.setext")
    return g.inline(1, 3, 0.5) + "\n" + g.pick(("=" * g.r.randint(1, 6), "-" * g.r.randint(1, 6)))


def _rule(g: _Gen) -> str:
    g.tag("block.hr")
    return g.pick(("***", "---", "* * *", "___", "- - -", "*****", "  ---"))


def _code_body(g: _Gen) -> str:
    return "\n".join(
        g.pick(
            ("x = 1", "print('hi')", "<b>&amp;</b>", "  indented", "", "a | b", "fn x() {}",
             "$ ls -la", "# not a header", "```", "\ttab", "* not a list", "{{ liquid }}")
        )
        for _ in range(g.r.randint(1, 4))
    )  # fmt: skip


def _fence(g: _Gen) -> str:
    g.tag("block.fence")
    indent = g.pick(("", "", "", " ", "  ", "   "))
    if indent:
        g.tag("fence.indent")
    char = g.pick(("`", "`", "~"))
    length = g.r.randint(3, 5)
    lang = g.pick(LANGS)
    if lang:
        g.tag("fence.info")
        if "," in lang or " " in lang or "{" in lang:
            g.tag("fence.info-odd")
    space = g.pick(("", "", " "))
    body = _code_body(g)
    body = "\n".join(indent + line if line else line for line in body.split("\n"))
    close = char * (length + g.r.choice((0, 0, 1)))
    text = f"{indent}{char * length}{space}{lang}\n{body}\n{indent}{close}"
    if g.chance(0.25):
        g.tag("fence.text-after")
        text += "\n" + g.inline(1, 3, 0.3)
    return text


def _indented_code(g: _Gen) -> str:
    g.tag("block.indented-code")
    prefix = g.pick(("    ", "\t", "     "))
    return "\n".join(prefix + line if line else "" for line in _code_body(g).split("\n")).rstrip()


def _item_body(g: _Gen, indent: str) -> Iterator[str]:
    """Extra content of a list item, already indented by ``indent``."""
    extra = g.r.randrange(12)
    if extra == 0:
        g.tag("list.item-paragraph")
        yield ""
        yield indent + g.inline()
    elif extra == 1 and g.depth < 2:
        g.tag("list.nested")
        g.depth += 1
        yield from (indent + line if line else "" for line in _list(g).split("\n"))
        g.depth -= 1
    elif extra == 2:
        g.tag("list.fence")
        if g.chance(0.5):
            yield ""
        yield from (indent + line if line else "" for line in _fence(g).split("\n"))
    elif extra == 3:
        g.tag("list.setext-rule")
        yield indent + g.pick(("---", "===", "***"))
    elif extra == 4:
        g.tag("list.lazy")
        yield g.inline(1, 3, 0.3)
    elif extra == 5:
        g.tag("list.continuation")
        yield indent[: g.r.randint(1, len(indent))] + g.inline(1, 3, 0.3)
    elif extra == 6:
        g.tag("list.pipe")
        yield indent + g.pick(("a | b", "| x | y |", "(N || G)"))
    elif extra == 7 and g.depth < 2:
        g.tag("list.quote")
        g.depth += 1
        yield ""
        yield from (indent + line if line else "" for line in _blockquote(g).split("\n"))
        g.depth -= 1


def _list(g: _Gen) -> str:
    g.tag("block.list")
    ordered = g.chance(0.35)
    marker = g.pick(("1.", "2.", "10.", "1)")) if ordered else g.pick(("*", "-", "+"))
    if ordered:
        g.tag("list.ordered")
    space = g.pick((" ", " ", " ", "  ", "   "))
    loose = g.chance(0.25)
    out: list[str] = []
    for i in range(g.r.randint(1, 4)):
        m = marker
        if ordered and g.chance(0.3):
            m = f"{i + 1}{marker[-1]}"
        head = m + space
        indent = " " * len(head)
        text = g.inline(1, 4, 0.4)
        if g.chance(0.1):
            g.tag("list.task")
            text = g.pick(("[ ] ", "[x] ", "[X] ")) + text
        if i and loose:
            g.tag("list.loose")
            out.append("")
        if i and g.chance(0.08):
            g.tag("list.link-def-between")
            out.append(f"[{g.pick(LABELS)}]: {g.pick(URLS)}")
        if i and g.chance(0.05):
            g.tag("list.marker-change")
            head = g.pick(("*", "-", "+", "1.")) + " "
        out.append(head + text)
        out.extend(_item_body(g, indent))
    return "\n".join(out)


def _blockquote(g: _Gen) -> str:
    g.tag("block.quote")
    out: list[str] = []
    for i in range(g.r.randint(1, 3)):
        kind = g.r.randrange(8)
        if i and g.chance(0.3):
            g.tag("quote.blank-split")
            out.append("")
        if kind == 0:
            g.tag("quote.lazy")
            out.append("> " + g.inline())
            out.append(g.inline(1, 3, 0.3))
        elif kind == 1 and g.depth < 2:
            g.tag("quote.nested")
            out.append("> > " + g.inline())
        elif kind == 2 and g.depth < 2:
            g.tag("quote.block")
            g.depth += 1
            inner = g.r.choice((_list, _fence, _atx, _paragraph))(g)
            g.depth -= 1
            out.extend(">" + (" " + line if line else "") for line in inner.split("\n"))
        elif kind == 3:
            g.tag("quote.empty-line")
            out.append(">")
            out.append("> " + g.inline())
        else:
            out.append(g.pick(("> ", ">", ">  ")) + g.inline())
    return "\n".join(out)


def _cell(g: _Gen) -> str:
    return g.inline(1, 2, 0.35) if g.chance(0.5) else g.words(1, 2)


def _table(g: _Gen) -> str:
    g.tag("block.table")
    cols = g.r.randint(1, 4)
    edge = g.chance(0.6)

    def row(cells: list[str]) -> str:
        body = " | ".join(cells)
        return f"| {body} |" if edge else body

    out = []
    kind = g.r.randrange(6)
    if kind == 0:
        g.tag("table.no-separator")
    else:
        out.append(row([_cell(g) for _ in range(cols)]))
        out.append(row([g.pick(("---", ":--", "--:", ":-:", "-")) for _ in range(cols)]))
    for _ in range(g.r.randint(1, 3)):
        out.append(row([_cell(g) for _ in range(g.r.randint(max(1, cols - 1), cols + 1))]))
    if kind == 1:
        g.tag("table.footer")
        out.append(row(["==="] * cols))
        out.append(row([_cell(g) for _ in range(cols)]))
    if kind == 2:
        g.tag("table.ial")
        out.append("{: .tbl}")
    return "\n".join(out)


def _pipe_line(g: _Gen) -> str:
    g.tag("block.pipe-line")
    return g.pick(
        (f"{g.words()} | {g.words()}", f"{g.words()} || {g.words()}", f"|{g.words()}",
         f"{g.words()} `a|b` {g.words()}", f"{g.words()} \\| {g.words()}")
    )  # fmt: skip


def _block_html(g: _Gen) -> str:
    name = g.pick(BLOCK_TAGS)
    g.tag(f"html.{name}")
    md = g.r.randrange(4)
    attr = ""
    if md == 1:
        g.tag("html.markdown-1")
        attr = ' markdown="1"'
    elif md == 2:
        g.tag("html.markdown-other")
        attr = g.pick((' markdown="block"', ' markdown="span"', ' markdown="0"'))
    if name == "details":
        return f"<details{attr}>\n<summary>{g.words()}</summary>\n\n{g.lines()}\n\n</details>"
    if name == "table":
        return f'<table{attr}>\n<tr><td markdown="1">{g.inline()}</td></tr>\n</table>'
    if name == "pre":
        return f"<pre{attr}>{_code_body(g)}</pre>"
    if g.chance(0.5):
        inner = g.r.choice((_paragraph, _list, _atx, _fence))(g)
        return f'<{name}{attr} class="box">\n{inner}\n</{name}>'
    return f"<{name}{attr}>{g.inline()}</{name}>"


def _html_misc(g: _Gen) -> str:
    g.tag("html.misc")
    return g.pick(
        ("<!-- a comment -->", "<!--\nmulti *line*\n-->", '<script>var a = "*x*" < 1;</script>',
         "<hr>", "<hr/>", '<img src="/a.png">', f"<span>{g.words()}</span> {g.words()}",
         f"<em>{g.words()}</em>", f'<a href="/x">{g.words()}</a>', "<br>",
         f"<div>\n\n{g.words()}\n\n</div>", f"<p>{g.words()}\n\n{g.words()}</p>",
         "<style>\np { color: red; }\n</style>")
    )  # fmt: skip


def _link_defs(g: _Gen) -> str:
    g.tag("block.link-def")
    out = []
    for _ in range(g.r.randint(1, 3)):
        label = g.pick(LABELS)
        if "`" in label:
            g.tag("link-def.code-label")
        url = g.pick(URLS)
        title = ""
        if g.chance(0.3):
            g.tag("link-def.title")
            title = " " + g.pick(TITLES)
        if g.chance(0.15):
            url = f"<{url}>"
        out.append(f"{g.pick(('', '', ' ', '  '))}[{label}]: {url}{title}")
    return "\n".join(out)


def _footnote_def(g: _Gen) -> str:
    g.tag("block.footnote-def")
    name = g.pick(("1", "n", "note", "2"))
    text = f"[^{name}]: {g.inline()}"
    if g.chance(0.3):
        g.tag("footnote.multi-para")
        text += "\n\n    " + g.inline()
    return text


def _abbr_defs(g: _Gen) -> str:
    g.tag("block.abbr-def")
    return "\n".join(
        f"*[{g.pick(('HTML', 'CSS', 'W3C', 'HTML5'))}]: {g.words(1, 3)}"
        for _ in range(g.r.randint(1, 2))
    )


def _deflist(g: _Gen) -> str:
    g.tag("block.deflist")
    out = []
    for i in range(g.r.randint(1, 3)):
        if i and g.chance(0.5):
            out.append("")
        out.append(g.inline(1, 3, 0.3))
        if g.chance(0.25):
            g.tag("deflist.loose")
            out.append("")
        for _ in range(g.r.randint(1, 2)):
            out.append(":" + g.pick((" ", "   ")) + g.inline(1, 4, 0.35))
    return "\n".join(out)


def _ald(g: _Gen) -> str:
    g.tag("block.ald")
    return (
        g.pick(("{:ref: .refcls #refid}", '{:ref: title="t"}'))
        + "\n\n"
        + _paragraph(g)
        + "\n{: ref}"
    )


def _math_block(g: _Gen) -> str:
    g.tag("block.math")
    body = g.pick(
        ("x^2 + y^2", "\\begin{align}\na &= b \\\\\nc &= d\n\\end{align}", "a | b", "f(x)")
    )
    return f"$${body}$$" if g.chance(0.3) else f"$$\n{body}\n$$"


def _extension(g: _Gen) -> str:
    g.tag("block.extension")
    return g.pick(
        ("* TOC\n{:toc}", "{::comment}\nhidden *x*\n{:/comment}", "{::nomarkdown}\n<b>raw *x*</b>\n{:/}",
         "^", "{::options auto_ids=\"false\" /}", "1. TOC\n{:toc}")
    )  # fmt: skip


BLOCKS: tuple[tuple[Callable[[_Gen], str], int], ...] = (
    (_paragraph, 8), (_atx, 4), (_setext, 2), (_rule, 1), (_fence, 4), (_indented_code, 1),
    (_list, 6), (_blockquote, 3), (_table, 3), (_pipe_line, 2), (_block_html, 3), (_html_misc, 2),
    (_link_defs, 3), (_footnote_def, 2), (_abbr_defs, 1), (_deflist, 2), (_ald, 1),
    (_math_block, 1), (_extension, 1),
)  # fmt: skip
_BLOCK_FUNCS = [f for f, _ in BLOCKS]
_BLOCK_WEIGHTS = [w for _, w in BLOCKS]


def document(seed: int, index: int) -> Document:
    """Document ``index`` of run ``seed``: 1 to 7 blocks, deterministic."""
    r = random.Random(f"kramdown:{seed}:{index}")
    blocks = []
    for i in range(r.randint(1, 7)):
        g = _Gen(r)
        make = r.choices(_BLOCK_FUNCS, _BLOCK_WEIGHTS)[0]
        text = make(g)
        separator = "\n\n" if i else ""
        if i:
            roll = r.random()
            if roll < 0.15:
                separator = "\n"
                g.tag("doc.adjacent")
            elif roll < 0.2:
                separator = "\n\n\n"
        blocks.append(Block(text, separator, frozenset(g.tags)))
    return Document(seed, index, tuple(blocks))


def documents(seed: int, count: int) -> list[Document]:
    return [document(seed, i) for i in range(1, count + 1)]


# The markdown gaps of issue 14, each verified against Jekyll 4.3.1 by the issue: they are pages
# of every differential run too.
ISSUE_CASES: dict[str, str] = {
    "ref-code-label": "See [`x`].\n\n[`x`]: https://a.example/\n",
    "ref-code-label-phrase": (
        "Use [the `x` flag] and [t][`z`].\n\n"
        "[the `x` flag]: https://a.example/x\n[`z`]: https://a.example/z\n"
    ),
    "header-id-link": "### [Linked](https://a.example/x) and *more*\n",
    "header-id-code-tag": "## A `code` & <b>tag</b> title\n",
    "text-after-fence": "```\ncode\n```\nText after.\n",
    "pipe-in-list-item": "- Alice\n- Carol (N || G)\n- Bob\n",
    "blockquotes-split": "> a\n\n> b\n",
    "fence-info-comma": "```rust,ignore\nfn main() {}\n```\n\nAfter the fence.\n",
    "setext-in-list-item": "- item text\n---\n\n* other item\n  ---\n",
    "link-defs-between-items": "- one\n[r]: https://a.example/\n- two\n",
    "fence-indented": "   ```python\n   x = 1\n   ```\n\n ~~~\n a\n ~~~\n",
    "braces-not-ial": "*w*{x} and `c`{y}\n\nMath $z^{(0)}_{v_{i}}$ here.\n",
    "span-html": '<font color="red">*not*</font> <u>*not*</u> <span>*yes*</span>\n',
    "typography-closing-tag": "<small>big</small>> done\n",
}


def issue_documents() -> list[Document]:
    return [
        Document(0, 0, (Block(text.rstrip("\n")),), label=name)
        for name, text in ISSUE_CASES.items()
    ]
