"""The Jekyll plugins Broadsheet runs, as GitHub Pages runs them.

A plugin runs when the site lists it under ``plugins:`` (or ``gems:``), and GitHub Pages turns
some on for every site it builds (``GITHUB_PAGES_DEFAULTS``): Broadsheet does the same unless told
the site was built with plain Jekyll (``GITHUB_PAGES=false``). A plugin's own ``enabled: false``
setting turns it off. Sites without layouts of their own get Broadsheet's built-in theme, which
turns the feed, the sitemap and redirects on for every site, as it always has.

Generators (feeds, sitemaps, redirects, pagination) add pages to the output table and build
their bodies (:class:`Plugin`); reader plugins (default layouts, titles from headings, optional
front matter, README as index) change what the reader found (``github_pages``); Liquid plugins
(``{% seo %}``, ``{% gist %}``, ``{% feed_meta %}``) are tags of the Liquid engine.
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


# github-pages gem's DEFAULT_PLUGINS that change a site's output.
GITHUB_PAGES_DEFAULTS = frozenset(
    {
        "jekyll-coffeescript", "jekyll-default-layout", "jekyll-gist",
        "jekyll-github-metadata", "jekyll-optional-front-matter", "jekyll-paginate",
        "jekyll-readme-index", "jekyll-titles-from-headings", "jekyll-relative-links",
    }
)  # fmt: skip
# Each plugin's configuration key, where ``enabled: false`` turns it off.
CONFIG_KEYS = {
    "jekyll-optional-front-matter": "optional_front_matter",
    "jekyll-titles-from-headings": "titles_from_headings",
    "jekyll-relative-links": "relative_links",
    "jekyll-readme-index": "readme_index",
}


def enabled_plugins(
    config: Mapping[str, object], plugins: Iterable[str], *, github_pages: bool
) -> frozenset[str]:
    """The plugins that run for a site: listed ones, GitHub Pages' defaults, less disabled."""
    names = set(plugins)
    if github_pages:
        names |= GITHUB_PAGES_DEFAULTS
    for name, key in CONFIG_KEYS.items():
        settings = config.get(key)
        if isinstance(settings, Mapping) and settings.get("enabled") is False:
            names.discard(name)
    return frozenset(names)


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
