"""``/sitemap.xml`` (the sitemaps.org protocol, as jekyll-sitemap writes it) and ``/robots.txt``.

Which pages go in is the caller's choice (posts whose front matter does not say ``sitemap: false``,
plus :func:`handler.listings.listing_pages`); this module writes them: absolute ``loc`` values,
non-ASCII and spaces percent-encoded, each URL once, ``lastmod`` as a W3C datetime.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from urllib.parse import quote, urlsplit
from xml.etree.ElementTree import Element, SubElement, tostring

from handler.engine.document import Document
from handler.engine.outputs import Output
from handler.engine.plugins import Built, Context
from handler.engine.plugins.feed import rfc3339
from handler.engine.view import SiteView

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
MEDIA_TYPE = "application/xml"
SITEMAP_PATH = "/sitemap.xml"
ROBOTS_PATH = "/robots.txt"
MAX_URLS = 50_000  # the protocol's limit for one file
# Characters a URL may hold as they are; anything else (spaces, non-ASCII) is percent-encoded.
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~-._"


def sitemap_xml(urls: Iterable[tuple[str, datetime | None]], *, unique: bool = True) -> bytes:
    """The sitemap for ``(absolute URL, last modified or None)`` pairs, in the order given
    (each URL once, unless ``unique`` is off: jekyll-sitemap lists two documents that share a
    URL twice).

    Raises ``ValueError`` for a URL that is not absolute http(s) or for more than 50,000 URLs.
    """
    urlset = Element("urlset", {"xmlns": SITEMAP_NS})
    seen: set[str] = set()
    count = 0
    for url, modified in urls:
        loc = encode_url(url)
        if unique and loc in seen:
            continue
        seen.add(loc)
        count += 1
        if count > MAX_URLS:
            raise ValueError(f"a sitemap holds at most {MAX_URLS:,} URLs")
        item = SubElement(urlset, "url")
        SubElement(item, "loc").text = loc
        if modified is not None:
            SubElement(item, "lastmod").text = rfc3339(modified)
    return bytes(tostring(urlset, encoding="utf-8", xml_declaration=True))


def encode_url(url: str) -> str:
    """``url`` with spaces and non-ASCII percent-encoded (existing escapes kept): an absolute
    http(s) URL, or a site path (``/about/``) when the site has no absolute URL (as Jekyll
    writes it with an empty ``url``; ``check`` warns about it). Anything else is a ValueError."""
    if url.startswith("/"):  # a site path (``//x`` would read as a host: one slash)
        return quote("/" + url.lstrip("/"), safe=_URL_SAFE)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"sitemap URLs must be absolute http(s) URLs or site paths, not {url!r}")
    host = parts.netloc
    if not host.isascii():
        host = host.encode("idna").decode("ascii")
    rest = url[len(f"{parts.scheme}://{parts.netloc}") :]
    return f"{parts.scheme}://{host}{quote(rest, safe=_URL_SAFE)}"


ALLOW_ALL = "User-agent: *\nDisallow:\n"


def robots_txt(sitemap_url: str) -> bytes:
    """A robots.txt that lets every crawler in and names the sitemap (used unless the site has
    one). The protocol wants the sitemap's absolute URL: without one, there is no such line."""
    if not _absolute(sitemap_url):
        return ALLOW_ALL.encode()
    return f"{ALLOW_ALL}\nSitemap: {encode_url(sitemap_url)}\n".encode()


def _absolute(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


STATIC_EXTENSIONS = frozenset({".htm", ".html", ".xhtml", ".pdf"})  # jekyll-sitemap's
More = Callable[[SiteView], list[tuple[str, datetime | None]]]


class Sitemap:
    """jekyll-sitemap: ``/sitemap.xml`` and ``/robots.txt``, unless the site has its own.

    What goes in, as the plugin's template chooses: the documents of written collections, the
    HTML pages but the 404, and static HTML and PDF files, each unless it says ``sitemap: false``.
    ``more`` adds pages only the built-in theme has (its archives).
    """

    name = "jekyll-sitemap"

    def __init__(self, more: More | None = None, *, modified: bool = False) -> None:
        self.more = more
        self.modified = modified  # lastmod from the file's time (built-in theme) or the date

    def generate(self, view: SiteView, taken: Mapping[str, Output]) -> Iterable[tuple[str, Output]]:
        for path, kind in ((SITEMAP_PATH, "sitemap"), (ROBOTS_PATH, "robots")):
            where = path.lstrip("/")
            if where not in taken and view.index.version_of(where) is None:
                yield where, Output("generated", generator=self.name, argument=kind, url=path)

    def build(self, view: SiteView, output: Output, context: Context) -> Built:
        if output.argument == "robots":
            sitemap_url = context.absolute(SITEMAP_PATH)
            # jekyll-sitemap's robots.txt is its one line; the built-in theme's also says
            # "everyone may crawl" in full, for robots that want a User-agent group.
            # Never a 5xx (crawlers read that as "keep out"): without an absolute URL, no line
            # names the sitemap.
            if self.modified:
                body = robots_txt(sitemap_url)
            elif _absolute(sitemap_url):
                body = f"Sitemap: {encode_url(sitemap_url)}\n".encode()
            else:
                body = ALLOW_ALL.encode()
            return Built(body, "text/plain; charset=utf-8")
        urls = [(context.absolute(_loc(url)), when) for url, when in self.entries(view)]
        if self.more is not None:
            urls += [(context.absolute(url), when) for url, when in self.more(view)]
        return Built(sitemap_xml(urls, unique=self.modified), MEDIA_TYPE + "; charset=utf-8")

    def entries(self, view: SiteView) -> list[tuple[str, datetime | None]]:
        found: list[tuple[str, datetime | None]] = []
        # The template walks site.collections, which Jekyll sorts by label.
        for label in sorted(c.label for c in view.config.collections if c.output):
            for document in view.collection(label):
                if _off(document) or document.data.get("redirect_to"):
                    continue
                found.append((document.url, self._lastmod(document)))
        for page in view.pages:
            if (
                _off(page)
                or page.url == "/404.html"
                or not (page.is_html or page.url.endswith("/"))
            ):
                continue
            found.append((page.url, _last_modified_at(page)))
        for static in view.statics:
            if static.extname.lower() not in STATIC_EXTENSIONS or static.name == "404.html":
                continue
            if (static.data or {}).get("sitemap") is False:
                continue
            found.append((static.relative_path, static.modified))
        return found

    def _lastmod(self, document: Document) -> datetime | None:
        if self.modified:
            return document.modified
        return _last_modified_at(document) or document.date


def _off(document: Document) -> bool:
    return document.data.get("sitemap") is False


def _last_modified_at(document: Document) -> datetime | None:
    value = document.data.get("last_modified_at")
    return document.modified if value not in (None, "") else None


def _loc(url: str) -> str:
    return url.replace("/index.html", "/")
