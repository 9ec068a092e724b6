"""The Jekyll plugins Broadsheet runs, as GitHub Pages runs them.

A plugin runs when the site lists it under ``plugins:`` (or ``gems:``), and GitHub Pages turns
some on for every site it builds (``enabled.GITHUB_PAGES_DEFAULTS``): Broadsheet does the same unless told
the site was built with plain Jekyll (``GITHUB_PAGES=false``). A plugin's own ``enabled: false``
setting turns it off. Sites without layouts of their own get Broadsheet's built-in theme, which
turns the feed, the sitemap and redirects on for every site, as it always has.

Generators (feeds, sitemaps, redirects, pagination) add pages to the output table and build
their bodies (:class:`Plugin`); reader plugins (default layouts, titles from headings, optional
front matter, README as index) change what the reader found (``github_pages``); Liquid plugins
(``{% seo %}``, ``{% gist %}``, ``{% feed_meta %}``) are tags the renderer gives its Liquid
engine (``tags``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from handler.engine.document import Document
    from handler.engine.outputs import Output
    from handler.engine.renderer import Renderer
    from handler.engine.view import SiteView


@dataclass(frozen=True, slots=True)
class Built:
    """A generated page's body (or, with ``location``, a redirect)."""

    body: bytes
    media_type: str
    modified: datetime | None = None
    location: str | None = None
    keep: bool = True  # False: a stand-in for what is not there yet; not to be cached


class Context(Protocol):
    """What a plugin may ask of the site while it builds a page."""

    @property
    def renderer(self) -> Renderer: ...

    def absolute(self, url: str) -> str:
        """``url`` (a site path) as an absolute URL: site URL, ``baseurl``, path."""
        ...

    def link(self, url: str) -> str:
        """``url`` with ``baseurl``, as ``relative_url`` gives it."""
        ...

    def affordable(self, document: Document) -> bool:
        """Whether this request may still render ``document`` (a listing's time budget)."""
        ...


class Plugin(Protocol):
    """A generator of pages and the builder of their bodies."""

    name: str

    def generate(self, view: SiteView, taken: Mapping[str, Output]) -> Iterable[tuple[str, Output]]:
        """(destination, output) pairs, after the site's own pages (``taken``) were written."""
        ...

    def build(self, view: SiteView, output: Output, context: Context) -> Built:
        """The body of one of this plugin's outputs."""
        ...
