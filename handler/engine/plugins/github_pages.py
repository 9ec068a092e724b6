"""GitHub Pages' reader plugins: what they change about the documents Jekyll read.

- jekyll-optional-front-matter: markdown files without front matter are pages too (not
  ``README``, ``LICENSE``, ``CONTRIBUTING``... unless ``include:`` names them); the file is also
  still copied as it is.
- jekyll-readme-index: a folder with no index page gets its ``README.md`` as one.
- jekyll-titles-from-headings: a markdown page without a ``title`` takes its first heading.
- jekyll-default-layout: a markdown page or document without a ``layout`` gets ``home`` (the
  site's root), ``page``, ``post``, the collection's name, or ``default``, whichever exists.

They run in the order GitHub Pages runs them (by priority: optional front matter, then readme
index, then titles and layouts), each only when the site's view has it turned on.
"""

from __future__ import annotations

import dataclasses
import posixpath
import re
from collections.abc import Iterable, Iterator

from handler.engine.document import Document
from handler.engine.index import SiteIndex
from handler.engine.reader import EntryFilter

OPTIONAL = "jekyll-optional-front-matter"
README_INDEX = "jekyll-readme-index"
TITLES = "jekyll-titles-from-headings"
DEFAULT_LAYOUT = "jekyll-default-layout"
BLACKLIST = frozenset(
    {"README", "LICENSE", "LICENCE", "COPYING", "CODE_OF_CONDUCT", "CONTRIBUTING",
     "ISSUE_TEMPLATE", "PULL_REQUEST_TEMPLATE"}
)  # fmt: skip
_README = re.compile(r"(?:^|/)(?:\.github/|docs/)?readme\.[^/.]+$", re.I)
_INDEX = re.compile(r"(?:index\.(?:html?|xhtml|xml))?$", re.I)
_MARKUP = re.compile(r"<[^>]*>|[*_`~]|\[\^[^\]]*\]")


def read(index: SiteIndex, plugins: frozenset[str]) -> Iterator[Document]:
    """``index``'s documents as these plugins leave them (optional pages only when asked for).

    One pass (each plugin changes a document on its own), with the checks that leave most
    documents as they are made first: every view of a site goes through all its documents."""
    titles = TITLES in plugins
    layouts = DEFAULT_LAYOUT in plugins
    for document in _optional_pages(index, plugins):
        if titles and document.heading is not None:
            document = _titled(index, document)
        if layouts and "layout" not in document.data:
            document = _laid_out(index, document)
        yield document


def _optional_pages(index: SiteIndex, plugins: frozenset[str]) -> Iterable[Document]:
    entry_filter = EntryFilter(index.config)
    indexes: set[str] | None = None  # found when first needed: most sites have no such page
    for document in index.documents:
        if not document.optional:
            yield document
            continue
        readme = README_INDEX in plugins and _README.search("/" + document.key) is not None
        if readme:
            if indexes is None:
                indexes = _folders_with_index(index)
            if _folder(document) not in indexes:
                yield _as_index(document)
                continue
        if OPTIONAL in plugins and not _blacklisted(document, entry_filter):
            yield document


def _blacklisted(document: Document, entry_filter: EntryFilter) -> bool:
    if entry_filter.included(document.key):
        return False
    base = posixpath.splitext(document.name)[0]
    return base.upper() in BLACKLIST


def _folder(document: Document) -> str:
    folder = posixpath.dirname("/" + document.key)
    if folder in ("/.github", "/docs"):
        return "/"
    return folder if folder.endswith("/") else folder + "/"


def _folders_with_index(index: SiteIndex) -> set[str]:
    """Folders that already have an index page or file (``dir_has_index?``)."""
    found = set()
    for document in index.documents:
        if document.optional:
            continue
        folder, _, name = document.url.rpartition("/")
        if _INDEX.fullmatch(name):
            found.add(folder + "/")
    for static in index.statics:
        folder, _, name = static.url.rpartition("/")
        if re.fullmatch(r"index\.(?:html?|xhtml|xml)", name, re.I):
            found.add(folder + "/")
    return found


def _as_index(document: Document) -> Document:
    folder = _folder(document)
    data = {**document.data, "permalink": folder}
    return dataclasses.replace(document, url=folder, data=data, optional=False)


def _titled(index: SiteIndex, document: Document) -> Document:
    """titles-from-headings: pages (and, with ``collections: true``, documents)."""
    if document.heading is None or document.data.get("title") is not None:
        return document
    settings = index.config.raw.get("titles_from_headings")
    collections = isinstance(settings, dict) and settings.get("collections") is True
    if document.kind != "page" and not collections:
        return document
    title = " ".join(_MARKUP.sub("", document.heading).split())
    return dataclasses.replace(document, data={**document.data, "title": title})


def _laid_out(index: SiteIndex, document: Document) -> Document:
    """default-layout: markdown (and, with ``html_pages: true``, HTML) without a layout."""
    if "layout" in document.data:
        return document
    ext = posixpath.splitext(document.key)[1].lower()
    settings = index.config.raw.get("jekyll-default-layout")
    html = isinstance(settings, dict) and settings.get("html_pages") is True
    if ext not in index.config.markdown_exts and not (html and ext == ".html"):
        return document
    layouts = index.layouts
    choice = None
    if document.url == "/" and "home" in layouts:
        choice = "home"
    elif document.kind == "page" and "page" in layouts:
        choice = "page"
    elif document.collection == "posts" and "post" in layouts:
        choice = "post"
    elif document.collection not in (None, "posts") and document.collection in layouts:
        choice = document.collection
    elif "default" in layouts:
        choice = "default"
    if choice is None:
        return document
    return dataclasses.replace(document, data={**document.data, "layout": choice})
