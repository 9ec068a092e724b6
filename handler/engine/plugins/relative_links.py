"""jekyll-relative-links 0.7.0: links to the site's own files by path become their URLs.

The gem's generator rewrites the markdown of every page (and, with ``relative_links:
collections: true``, every document of a written collection) before anything renders:
``[x](other.md)``, ``[x](../dir/file.md#frag "title")`` and reference definitions
(``[x]: other.md``) whose path, taken from the document's folder (or from the site root when it
starts with ``/``) and URL-unescaped, is the ``relative_path`` of a page, a static file or a
written document, get that file's URL with ``baseurl`` (``relative_url``); the fragment and the
title stay. Absolute URLs and bare ``#fragments`` are left alone, and so is everything when
``relative_links: enabled: false``, and documents ``relative_links: exclude:`` names.

It is the gem's regular expression, with its quirks kept: it does not know markdown, so links
in code are rewritten too, and a rewritten reference definition starts on a new line (the gem
writes ``"\\n[x]: url"`` in place of the line it matched).

:func:`rewrite` is a renderer ``before`` transform: it checks on each call whether the plugin
runs for the view.
"""

from __future__ import annotations

import logging
import posixpath
import re
from collections.abc import Mapping
from urllib.parse import unquote_plus

from handler.engine.document import Document
from handler.engine.drops import relative_path
from handler.engine.liquid.addressable import is_absolute, normalize
from handler.engine.reader import _glob_include
from handler.engine.view import SiteView

log = logging.getLogger(__name__)

__all__ = ["PLUGIN", "rewrite", "targets"]

PLUGIN = "jekyll-relative-links"
CONFIG_KEY = "relative_links"
# The gem's LINK_REGEX: an inline link or a reference definition (Ruby's ^ and $ are per line,
# its \s is ASCII).
_FRAGMENT = r"(#.+?|)?"
_TITLE = r"""(\s+"(?:\\"|[^"])*(?<!\\)"|\s+"(?:\\'|[^'])*(?<!\\)')?"""
_INLINE = rf"\[(.*?)\]\(([^)]+?){_FRAGMENT}{_TITLE}\)"
_REFERENCE = rf"^\s*?\[(.*?)\]: (.+?){_FRAGMENT}{_TITLE}\s*?$"
LINK = re.compile(rf"({_INLINE}|{_REFERENCE})", re.M | re.ASCII)
# The characters the gem's pattern may walk for one text before it is refused: past this a
# document (long lines full of ``[`` or ``#``) would take seconds of CPU the page budget cannot
# interrupt (the scan runs in C).
MAX_LINK_SCAN = 4_000_000
_LAZY_KEY = "relative-links:targets"


def rewrite(view: SiteView, document: Document, text: str) -> str:
    """``text`` (a document's source after front matter) with its relative links rewritten, if
    the plugin runs for ``view`` and ``document`` is one it rewrites; else ``text`` itself."""
    if PLUGIN not in view.plugins or not _rewritten(view, document):
        return text
    if "](" not in text and "]: " not in text:
        return text
    if _scan_cost(text) > MAX_LINK_SCAN:
        log.warning("%s: too many brackets for relative links to be rewritten", document.key)
        return text
    folder = posixpath.dirname(relative_path(document, view))
    found = targets(view)
    baseurl = view.config.baseurl

    def replace(match: re.Match[str]) -> str:
        inline = match.group(2) is not None
        first = 2 if inline else 6
        text_, path, fragment, title = match.group(first, first + 1, first + 2, first + 3)
        if path.startswith("#") or is_absolute(path):
            return match.group(0)
        url = found.get(unquote_plus(_from_root(path, folder)))
        if url is None:
            return match.group(0)
        link = _relative_url(url, baseurl) + (fragment or "") + (title or "")
        return f"[{text_}]({link})" if inline else f"\n[{text_}]: {link}"

    return LINK.sub(replace, text)


def _rewritten(view: SiteView, document: Document) -> bool:
    """Whether the generator rewrites ``document``: markdown, a page or (with ``collections:
    true``) a written document, and not ``exclude``d."""
    ext = posixpath.splitext(document.key)[1].lower()
    if ext not in view.config.markdown_exts:
        return False
    settings = view.config.raw.get(CONFIG_KEY)
    options: Mapping[str, object] = settings if isinstance(settings, Mapping) else {}
    if document.kind != "page" and not (
        options.get("collections") is True and view.written(document)
    ):
        return False
    exclude = options.get("exclude")
    if exclude:
        patterns = tuple(str(p) for p in exclude) if isinstance(exclude, list) else (str(exclude),)
        if _glob_include(patterns, relative_path(document, view)):
            return False
    return True


def _from_root(path: str, folder: str) -> str:
    """``path_from_root``: ``path`` from the site root (``File.expand_path`` against the
    document's folder, or the root for ``/path``); a path that leaves the site is returned
    absolute, so nothing matches it."""
    base = "" if path.startswith("/") else folder
    joined = posixpath.join(base, path[1:] if path.startswith("/") else path)
    if path.startswith(("~", "/~")) or joined.startswith("/"):
        return "/" + joined
    normal = posixpath.normpath(joined) if joined else "."
    if normal == ".." or normal.startswith("../"):
        return "/" + normal
    return normal


def _relative_url(url: str, baseurl: str) -> str:
    """Jekyll's ``relative_url`` of a site path."""
    base = baseurl if not baseurl or baseurl.startswith("/") else "/" + baseurl
    path = url if not url or url.startswith("/") else "/" + url
    return normalize(base + path)


def targets(view: SiteView) -> Mapping[str, str]:
    """Each linkable file's ``relative_path`` and URL, first one first: pages, static files,
    then written documents and their collections' files (``potential_targets``)."""
    kept: Mapping[str, str] | None = view._lazy.get(_LAZY_KEY)
    if kept is not None:
        return kept
    found: dict[str, str] = {}
    for page in view.pages:
        found.setdefault(page.key, page.url)
    statics = view.statics
    for static in statics:
        if static.collection is None:
            found.setdefault(static.relative_path.removeprefix("/"), static.url)
    base = view.config.collections_dir
    for document in view.documents:
        if document.kind == "document" and view.written(document):
            found.setdefault(relative_path(document, view), document.url)
    for static in statics:
        if static.collection is not None:
            key = (
                static.key[len(base) + 1 :]
                if base and static.key.startswith(base + "/")
                else static.key
            )
            found.setdefault(key, static.url)
    view._lazy[_LAZY_KEY] = found
    return found


def _scan_cost(text: str) -> int:
    """An upper bound on what the pattern's lazy parts walk: from each ``[`` and each ``#`` to
    the end of its line (link texts and fragments stay on one line), from each ``](`` to the
    next ``)`` (the path)."""
    cost = 0
    for char in "[#":
        at = text.find(char)
        while at >= 0:
            end = text.find("\n", at)
            cost += (len(text) if end < 0 else end) - at
            if cost > MAX_LINK_SCAN:
                return cost
            at = text.find(char, at + 1)
    at = text.find("](")
    while at >= 0:
        close = text.find(")", at + 2)
        cost += (len(text) if close < 0 else close) - at
        if cost > MAX_LINK_SCAN:
            return cost
        at = text.find("](", at + 2)
    return cost
