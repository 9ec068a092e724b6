"""The site: one route table from URL to what answers it, the live index, and the page cache.

``Site`` (in :mod:`handler.site.site`) is what the web layer and the CLI talk to; ``Page`` is what
it answers with. Below it: the engine (``handler.engine``) and the stores.
"""

from handler.site.page import ATOM, CSS, HTML, JSON, TEXT, XML, Page, PageKind
from handler.site.site import STYLESHEET_PATH, THEME_ASSETS, Site

__all__ = [
    "ATOM",
    "CSS",
    "HTML",
    "JSON",
    "STYLESHEET_PATH",
    "TEXT",
    "THEME_ASSETS",
    "XML",
    "Page",
    "PageKind",
    "Site",
]
