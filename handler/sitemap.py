"""``/sitemap.xml`` (the sitemaps.org protocol, as jekyll-sitemap writes it) and ``/robots.txt``.

Which pages go in is the caller's choice (posts whose front matter does not say ``sitemap: false``,
plus :func:`handler.listings.listing_pages`); this module writes them: absolute ``loc`` values,
non-ASCII and spaces percent-encoded, each URL once, ``lastmod`` as a W3C datetime.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from urllib.parse import quote, urlsplit
from xml.etree.ElementTree import Element, SubElement, tostring

from handler.feed import rfc3339

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
MEDIA_TYPE = "application/xml"
SITEMAP_PATH = "/sitemap.xml"
ROBOTS_PATH = "/robots.txt"
MAX_URLS = 50_000  # the protocol's limit for one file
# Characters a URL may hold as they are; anything else (spaces, non-ASCII) is percent-encoded.
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~-._"


def sitemap_xml(urls: Iterable[tuple[str, datetime | None]]) -> bytes:
    """The sitemap for ``(absolute URL, last modified or None)`` pairs, in the order given.

    Raises ``ValueError`` for a URL that is not absolute http(s) or for more than 50,000 URLs.
    """
    urlset = Element("urlset", {"xmlns": SITEMAP_NS})
    seen: set[str] = set()
    for url, modified in urls:
        loc = encode_url(url)
        if loc in seen:
            continue
        seen.add(loc)
        if len(seen) > MAX_URLS:
            raise ValueError(f"a sitemap holds at most {MAX_URLS:,} URLs")
        item = SubElement(urlset, "url")
        SubElement(item, "loc").text = loc
        if modified is not None:
            SubElement(item, "lastmod").text = rfc3339(modified)
    return bytes(tostring(urlset, encoding="utf-8", xml_declaration=True))


def encode_url(url: str) -> str:
    """``url`` with spaces and non-ASCII percent-encoded (existing escapes kept); must be absolute."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(
            f"sitemap URLs must be absolute http(s) URLs, not {url!r} (is SITE_URL or url set?)"
        )
    host = parts.netloc
    if not host.isascii():
        host = host.encode("idna").decode("ascii")
    rest = url[len(f"{parts.scheme}://{parts.netloc}") :]
    return f"{parts.scheme}://{host}{quote(rest, safe=_URL_SAFE)}"


def robots_txt(sitemap_url: str) -> bytes:
    """A robots.txt that lets every crawler in and names the sitemap (used unless the site has one)."""
    return f"User-agent: *\nDisallow:\n\nSitemap: {encode_url(sitemap_url)}\n".encode()
