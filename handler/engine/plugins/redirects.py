"""jekyll-redirect-from: ``redirect_from`` pages (real 301s here) and ``redirects.json``.

For every written document and page that names ``redirect_from`` paths, the plugin adds a
``RedirectPage`` at each path (a ``Jekyll::Page`` whose permalink is that path), and a
``redirects.json`` listing every redirect unless the site has its own or turns it off
(``redirect_from: {json: false}``). ``redirect_to`` turns the document itself into a redirect;
the site answers it with a 301 when it serves the document.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from handler.engine.outputs import Output
from handler.engine.plugins import Built, Context
from handler.engine.url import destination, page_url
from handler.engine.view import SiteView

log = logging.getLogger(__name__)

NAME = "jekyll-redirect-from"
JSON_PATH = "redirects.json"
TARGET_HINT = "redirect_to takes an http(s) URL or a path of the site, such as /posts/new/"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SCHEMES = frozenset({"", "http", "https"})


def redirect_from(data: Mapping[str, Any]) -> list[str]:
    """``Redirectable#redirect_from``: a list, or one path, with nils dropped."""
    value = data.get("redirect_from")
    items = value if isinstance(value, list) else [value]
    return [str(item) for item in items if item is not None]


def redirect_to(data: Mapping[str, Any]) -> str | None:
    """``Redirectable#redirect_to``: the first non-nil of a list, or the value."""
    value = data.get("redirect_to")
    if isinstance(value, list):
        value = next((item for item in value if item is not None), None)
    return None if value is None else str(value)


def target_problem(target: str) -> str | None:
    """What is wrong with ``target`` as a ``redirect_to``, or ``None`` when it is one.

    A target is an http(s) URL or a path of the site (``/x/``, ``x/``); no control character
    (a CR or LF would end the ``Location`` header and start another), no other scheme
    (``javascript:``, ``data:``), no surrounding spaces. The server, ``redirects.json`` and
    ``broadsheet check`` all ask here.
    """
    if not target.strip():
        return "is empty"
    if _CONTROL.search(target):
        return "holds a control character (a line break, a tab)"
    if target != target.strip():
        return "starts or ends with a space"
    try:
        parts = urlsplit(target)
    except ValueError as error:
        return f"is not a URL ({error})"
    if parts.scheme.lower() not in _SCHEMES:
        return f"is a {parts.scheme}: URL, not http(s)"
    if parts.scheme and not parts.netloc:
        return "names no host"
    return None


def redirect_destination(path: str) -> tuple[str, str]:
    """(destination, url) of the ``RedirectPage`` for ``path`` (a page named ``redirect.html``)."""
    from_path = path if path.startswith("/") else "/" + path
    url = page_url("/:path/:basename:output_ext", from_path, [])
    ext = _permalink_ext(from_path) or ".html"
    return destination(url, ext, page=True), url


def _permalink_ext(permalink: str) -> str | None:
    if permalink.endswith("/"):
        return None
    name = permalink.rsplit("/", 1)[-1]
    return "." + name.rsplit(".", 1)[1] if "." in name.lstrip(".") else None


class RedirectFrom:
    """The generator: redirect pages after the site's own pages, in the plugin's order."""

    name = NAME

    def __init__(self, *, json: bool = True) -> None:
        self.json = json

    def generate(self, view: SiteView, taken: Mapping[str, Output]) -> Iterable[tuple[str, Output]]:
        # Most documents have no redirect_from: only those that do are looked at further.
        asking = [d for d in view.documents if d.data.get("redirect_from") is not None]
        written = [d for d in asking if d.kind == "document" and view.written(d)]
        pages = [d for d in asking if d.kind == "page"]  # view.pages, in the same order
        for document in [*written, *pages]:
            for path in redirect_from(document.data):
                where, url = redirect_destination(path)
                yield where, Output(
                    "generated", generator=NAME, argument=document.url, url=url,
                    source=document.key,
                )  # fmt: skip
        has_own = view.index.version_of(JSON_PATH) is not None
        if self.json and not has_own:
            yield (
                JSON_PATH,
                Output("generated", generator=NAME, argument=JSON_PATH, url="/" + JSON_PATH),
            )

    def build(self, view: SiteView, output: Output, context: Context) -> Built:
        if output.argument == JSON_PATH:
            targets = {
                source: target if "://" in target else context.absolute(target)
                for source, target in redirects(view).items()
                if not _refused(source, target)
            }
            body = json.dumps(targets, ensure_ascii=False, separators=(",", ":"))
            return Built(body.encode(), "application/json; charset=utf-8")
        target = output.argument or "/"
        location = target if "://" in target else context.link(target)
        return Built(b"", "text/html; charset=utf-8", location=location)


def _refused(source: str, target: str) -> bool:
    problem = target_problem(target)
    if problem is not None:
        log.error("redirects.json leaves out %s: its redirect_to %r %s", source, target, problem)
    return problem is not None


def redirects(view: SiteView) -> dict[str, str]:
    """``redirects.json``'s mapping: every redirect's from path to its (absolute) target."""
    found: dict[str, str] = {}
    written = [d for d in view.documents if d.kind == "document" and view.written(d)]
    for document in [*written, *view.pages]:
        for path in redirect_from(document.data):
            _, url = redirect_destination(path)
            found[url] = document.url
        target = redirect_to(document.data)
        if target is not None:
            found[document.url] = target
    return found
