"""What Liquid may ask of the site it renders for: the one seam between templates and content.

The Liquid engine (``handler.engine.liquid``) knows the language, Jekyll's tags and filters and Ruby's
value semantics; it knows nothing of stores, indexes or URLs. Whatever a tag or filter needs from
the site (an include file, a post's URL, the site's markdown settings) it asks a :class:`LiquidHost`
for. The renderer passes one host per page render; tests pass a plain class that inherits nothing.

Values handed to templates follow one model (Ruby's, as Jekyll 4.3 with Liquid 5 sees them):

- ``None`` is ``nil``; ``bool``, ``int``, ``float`` and ``str`` are themselves;
- an aware ``datetime`` is a Ruby ``Time`` (prints ``2023-06-07 00:00:00 +0000``), a ``date`` is a
  Ruby ``Date`` (prints ``2023-06-07``);
- ``list``/``tuple`` are arrays; any ``Mapping`` is a hash or a drop. Drops are lazy mappings: a key
  is computed when a template first reads it, and ``KeyError`` means "no such key" (``nil``).

Nothing else is reachable from a template: lookups go through ``__getitem__`` only, never
attributes, so no Python object, method or module can be reached from bucket content.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True, slots=True)
class Source:
    """A template file's text, where it lives (a store key, for messages) and its version.

    Parsed templates are cached by ``(key, version)``: an edited include is parsed again, an
    unchanged one never is.
    """

    text: str
    key: str
    version: str


@runtime_checkable
class LiquidHost(Protocol):
    """The site as Liquid's tags and filters see it during one page render.

    Every method may raise :class:`handler.errors.NotFound` (the thing does not exist) or
    :class:`handler.errors.ContentError` (it exists but is broken, too large, or outside the site);
    the engine turns either into a ``LiquidError`` at the tag that asked.
    """

    @property
    def baseurl(self) -> str:
        """``baseurl`` from ``_config.yml`` without a trailing slash (``""`` for none)."""
        ...

    @property
    def site_url(self) -> str:
        """The absolute site URL (``SITE_URL`` or ``url``) without a trailing slash."""
        ...

    @property
    def plugins(self) -> frozenset[str]:
        """The Jekyll plugins that run for this site (``jekyll-seo-tag``, ``jekyll-gist``...):
        a plugin's tags render only when it runs, else they are unknown tags."""
        ...

    def include(self, name: str) -> Source:
        """``{% include name %}``: the file ``name`` under the site's ``_includes`` folder."""
        ...

    def include_relative(self, name: str, relative_to: str) -> Source:
        """``{% include_relative name %}``: ``name`` relative to the folder of the file whose key
        is ``relative_to`` (the page, post or layout being rendered). Never outside the site."""
        ...

    def post_url(self, name: str) -> str | None:
        """``{% post_url 2010-07-21-name %}``: that post's URL (with ``baseurl``), or ``None``."""
        ...

    def link(self, path: str) -> str | None:
        """``{% link _posts/2016-07-26-name.md %}``: the URL of the page, document or static file
        at ``path`` (relative to the site root, with ``baseurl``), or ``None``."""
        ...

    def markdownify(self, text: str) -> str:
        """The site's markdown converter (its ``kramdown:`` settings) on ``text``."""
        ...

    def sassify(self, text: str, syntax: str) -> str:
        """The site's Sass converter on ``text`` (``syntax`` is ``"sass"`` or ``"scss"``)."""
        ...

    def unsupported(self, kind: str, name: str, path: str, line: int | None) -> None:
        """Note a tag (``kind="tag"``) or filter (``"filter"``) Broadsheet does not implement.

        Jekyll would fail the build on an unknown tag; Broadsheet renders the page without it and
        ``broadsheet check`` reports it at ``path:line``.
        """
        ...
