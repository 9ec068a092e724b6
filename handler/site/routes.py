"""From a request path to what answers it, as GitHub Pages serves a Jekyll build.

The engine's output table says which file Jekyll writes at each destination
(``posts/2023/06/journey/index.html``, ``talks/2012-03-01-talk-1.html``). GitHub Pages serves a
request for ``/x/`` from ``x/index.html``, ``/x`` from ``x`` or else ``x.html``, and answers
``/x`` with a 301 to ``/x/`` when only ``x/index.html`` exists. ``baseurl`` is the site's mount
point: paths under it are the site's.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from handler.engine.outputs import Output, OutputTable


@dataclass(frozen=True, slots=True)
class Route:
    """A resolved request: the output that answers it, or a redirect to the folder form."""

    destination: str
    output: Output | None = None
    redirect: str | None = None  # a site URL (``/x/``, percent-encoded), before ``baseurl``


# What a path segment may hold unescaped (RFC 3986 pchar, and the slashes between segments).
_PATH_SAFE = "/:@!$&'()*+,;="


def resolve(table: OutputTable, path: str) -> Route | None:
    """What answers the (percent-decoded, ``baseurl``-stripped) request ``path``, if anything."""
    relative = path.lstrip("/")
    if path.endswith("/") or not relative:
        destination = relative + "index.html"
        output = table.get(destination)
        return Route(destination, output) if output is not None else None
    for destination in (relative, relative + ".html"):
        output = table.get(destination)
        if output is not None:
            return Route(destination, output)
    if relative + "/index.html" in table:
        return Route(relative + "/index.html", redirect="/" + quote(relative, _PATH_SAFE) + "/")
    return None


def strip_baseurl(baseurl: str, path: str) -> str:
    """``path`` relative to the site's mount point (``/blog/x/`` -> ``/x/`` for ``/blog``)."""
    if baseurl and (path == baseurl or path.startswith(baseurl + "/")):
        return path[len(baseurl) :] or "/"
    return path
