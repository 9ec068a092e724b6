"""jemoji 0.13.0: ``:shortcode:`` in the HTML of pages and documents becomes GitHub's image.

What the gem does (``lib/jemoji.rb`` with html-pipeline 2.14's ``EmojiFilter`` and gemoji 4.1,
the versions a GitHub Pages build installs), kept here:

- it runs after layouts (``post_render``) on pages and written documents whose output is
  ``.html``, and on anything whose ``permalink`` ends with ``/``;
- only when the output holds a known ``:name:`` somewhere; then only the ``<body>`` is
  processed (everything between ``<body ...>`` and ``</body>``), or the whole output when it
  has no ``<body``;
- in text, never inside ``pre``, ``code`` or ``tt`` (attributes and comments are not text;
  ``script``, ``style``, ``textarea`` and ``title`` content is, as libxml2 parses it);
- each known name becomes ``<img class="emoji" title=":name:" alt=":name:" src="SRC"
  height="20" width="20">`` with ``SRC`` the ``emoji.src`` setting (else
  ``https://github.githubassets.com/images/icons/``) joined with ``emoji/`` and gemoji's image
  file (``unicode/1f44d.png``: code points in hex, without ``fe0f`` and ``200d``). gemoji 4
  has no custom emoji: ``:octocat:`` stays text.

What differs: the gem re-serialises the whole body through Nokogiri (libxml2) when it finds an
emoji: character references become characters (``&quot;`` is ``"``), ``<br />`` becomes
``<br>``, ``href``/``src`` are percent-encoded, tag names lower-cased, and a text node holding an
emoji is parsed again as HTML, so escaped markup in it (``&lt;b&gt;``) becomes live. Broadsheet
keeps every byte but the shortcodes it replaces, and escaped text stays text: the visible text
and the tag sequence are the gem's. Shortcodes written with character references
(``&#58;smile&#58;``) are not matched. ``ASSET_HOST_URL`` (GitHub Enterprise's) is not read.

:func:`emojify` is a renderer ``after`` transform: it checks on each call whether the plugin
runs for the view.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from handler.engine.document import Document
from handler.engine.liquid.values import to_s
from handler.engine.view import SiteView

__all__ = ["ASSET_ROOT", "PLUGIN", "emoji_files", "emoji_src", "emojify", "filter_html"]

PLUGIN = "jemoji"
ASSET_ROOT = "https://github.githubassets.com/images/icons/"
DATA = Path(__file__).with_name("data") / "gemoji.tsv"
BODY_START = "<body"
OPENING_BODY = re.compile(r"<body(.*?)>\s*", re.S | re.ASCII)
IGNORED_ANCESTORS = frozenset({"pre", "code", "tt"})
RAW_TEXT = frozenset({"script", "style", "textarea", "title"})
VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
     "source", "track", "wbr", "basefont", "frame", "isindex", "keygen"}
)  # fmt: skip
_MARKUP = re.compile(
    r"<!--.*?(?:-->|\Z)"  # a comment
    r"|<[!?][^>]*>?"  # a declaration or processing instruction
    r"|</([A-Za-z][^\s/>]*)[^>]*>?"  # an end tag
    r"""|<([A-Za-z][^\s/<>]*)(?:[^<>"']|"[^"]*"|'[^']*')*+>""",  # a start tag
    re.S,
)


@cache
def emoji_files() -> Mapping[str, str]:
    """gemoji 4.1.0's names (every alias) and each one's image file."""
    files: dict[str, str] = {}
    for line in DATA.read_text(encoding="utf-8").splitlines():
        image, _, aliases = line.partition("\t")
        for name in aliases.split():
            files[name] = image
    return files


def emoji_src(config: Mapping[str, object]) -> str:
    """``Jekyll::Emoji.emoji_src``: ``emoji: src:`` if the site sets it, else GitHub's."""
    settings = config.get("emoji")
    if isinstance(settings, Mapping) and "src" in settings:
        return to_s(settings["src"])
    return ASSET_ROOT


def emojify(view: SiteView, document: Document, text: str) -> str:
    """``text`` (a document's whole output) with its emoji, if jemoji runs for ``view`` and the
    gem would touch ``document``; else ``text`` itself."""
    if PLUGIN not in view.plugins or not _emojiable(view, document):
        return text
    if not _has_emoji(text):
        return text
    src = emoji_src(view.config.raw)
    if BODY_START not in text:
        return filter_html(text, src)
    match = OPENING_BODY.search(text)
    if match is None:
        return text
    head, opener, tail = text[: match.start()], match.group(0), text[match.end() :]
    body, closer, rest = tail.partition("</body>")
    return head + opener + filter_html(body, src) + closer + rest


def _emojiable(view: SiteView, document: Document) -> bool:
    """``Jekyll::Emoji.emojiable?``: (a page or written document) with ``.html`` output, or a
    ``permalink`` ending in ``/``."""
    if view.written(document) and document.output_ext == ".html":
        return True
    permalink = document.data.get("permalink")
    return isinstance(permalink, str) and permalink.endswith("/")


def _names(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, name)`` of each ``:name:`` the gem's pattern matches, left to right.

    The pattern is ``:(name1|name2|...):``; names hold no ``:``, so a match starting at a colon
    ends at the next one, and a failed start leaves that next colon to start the next try.
    """
    files = emoji_files()
    found: list[tuple[int, int, str]] = []
    at = text.find(":")
    while at >= 0:
        close = text.find(":", at + 1)
        if close < 0:
            break
        name = text[at + 1 : close]
        if name in files:
            found.append((at, close + 1, name))
            at = text.find(":", close + 1)
        else:
            at = close
    return found


def _has_emoji(text: str) -> bool:
    files = emoji_files()
    at = text.find(":")
    while at >= 0:
        close = text.find(":", at + 1)
        if close < 0:
            return False
        if text[at + 1 : close] in files:
            return True
        at = close
    return False


def image_tag(name: str, src: str) -> str:
    """html-pipeline's ``emoji_image_tag`` with jemoji's attributes (``align`` removed)."""
    url = src + ("" if src.endswith("/") else "/") + "emoji/" + emoji_files()[name]
    return f'<img class="emoji" title=":{name}:" alt=":{name}:" src="{url}" height="20" width="20">'


def _replace(text: str, src: str) -> str:
    if ":" not in text:
        return text
    out: list[str] = []
    position = 0
    for start, end, name in _names(text):
        out.append(text[position:start])
        out.append(image_tag(name, src))
        position = end
    out.append(text[position:])
    return "".join(out)


def filter_html(html: str, src: str) -> str:
    """``EmojiFilter#call`` on an HTML fragment: emoji in text outside ``pre``/``code``/``tt``
    replaced, every other byte kept."""
    out: list[str] = []
    stack: list[str] = []
    ignored = 0  # open elements of IGNORED_ANCESTORS on the stack
    position = 0
    while True:
        match = _MARKUP.search(html, position)
        end = len(html) if match is None else match.start()
        text = html[position:end]
        out.append(text if ignored else _replace(text, src))
        if match is None:
            return "".join(out)
        out.append(match.group(0))
        position = match.end()
        closing, opening = match.group(1), match.group(2)
        if closing is not None:
            name = closing.lower()
            if name in stack:
                while stack:
                    popped = stack.pop()
                    ignored -= popped in IGNORED_ANCESTORS
                    if popped == name:
                        break
        elif opening is not None:
            name = opening.lower()
            if name in RAW_TEXT:
                position = _raw_text(html, position, name, out, src, ignored)
            elif name not in VOID:
                stack.append(name)
                ignored += name in IGNORED_ANCESTORS


def _raw_text(html: str, position: int, name: str, out: list[str], src: str, ignored: int) -> int:
    """The content of a raw text element up to its end tag (which the caller then reads)."""
    close = re.compile(rf"</{name}[\s/>]", re.I).search(html, position)
    end = len(html) if close is None else close.start()
    text = html[position:end]
    out.append(text if ignored else _replace(text, src))
    return end
