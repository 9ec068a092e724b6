"""jekyll-paginate: ``paginator`` in the site's ``index.html``, and its pages 2, 3... at
``paginate_path`` (``/page:num``).

The template is the ``index.html`` page in the folder of ``paginate_path`` (or one above it);
page 1 is that page itself, page N a copy of it whose ``dir`` (so whose URL) is the filled path.
"""

from __future__ import annotations

import dataclasses
import math
import posixpath
from collections.abc import Iterable, Mapping
from typing import Any

from handler.engine.document import Document
from handler.engine.outputs import Output
from handler.engine.plugins import Built, Context
from handler.engine.url import destination
from handler.engine.view import SiteView

NAME = "jekyll-paginate"
DEFAULT_PATH = "/page:num"


def per_page(view: SiteView) -> int | None:
    """``paginate`` as a number of posts, or ``None`` when pagination is off."""
    value = view.config.raw.get("paginate")
    if value is None:
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def paginate_path(view: SiteView) -> str:
    value = view.config.raw.get("paginate_path")
    return str(value) if value else DEFAULT_PATH


def template_page(view: SiteView) -> Document | None:
    """``Pagination#template_page``: the deepest ``index.html`` page at or above the path's folder."""
    # File.expand_path drops a trailing slash: "/page:num/" lies in "/", "/blog/page:num" in "/blog".
    folder = posixpath.dirname(("/" + paginate_path(view).lstrip("/")).rstrip("/") or "/")
    candidates = [
        page
        for page in view.pages
        if page.name == "index.html" and _in_hierarchy(_page_dir(page), folder)
    ]
    candidates.sort(key=lambda page: -len(str(page.data.get("path") or page.key)))
    return candidates[0] if candidates else None


def _page_dir(page: Document) -> str:
    path = str(page.data.get("path") or page.key)
    return posixpath.dirname("/" + path.lstrip("/"))


def _in_hierarchy(page_dir: str, folder: str) -> bool:
    """``Pager.in_hierarchy``: ``page_dir`` is ``folder`` or one of its parents, up to the site's
    root (``/`` here; Ruby stops above the source folder)."""
    while True:
        if page_dir == folder:
            return True
        if folder == "/":
            return False
        folder = posixpath.dirname(folder)


def page_path(view: SiteView, number: int, first_url: str) -> str:
    """``Pager.paginate_path``: page 1 is the template's URL, page N the filled path."""
    if number <= 1:
        return first_url
    filled = paginate_path(view).replace(":num", str(number), 1)
    return filled if filled.startswith("/") else "/" + filled


def pager(view: SiteView, number: int, posts: list[Any], first_url: str) -> dict[str, Any]:
    """``Pager#to_liquid`` for page ``number`` of ``posts`` (drops, newest first)."""
    size = per_page(view) or 1
    total = max(math.ceil(len(posts) / size), 0)
    start = (number - 1) * size
    previous_page = number - 1 if number != 1 else None
    next_page = number + 1 if number != total else None
    return {
        "page": number,
        "per_page": size,
        "posts": posts[start : start + size],
        "total_posts": len(posts),
        "total_pages": total,
        "previous_page": previous_page,
        "previous_page_path": page_path(view, previous_page, first_url) if previous_page else None,
        "next_page": next_page,
        "next_page_path": page_path(view, next_page, first_url) if next_page else None,
    }


class Paginate:
    """The generator and builder of pages 2..N."""

    name = NAME

    def generate(self, view: SiteView, taken: Mapping[str, Output]) -> Iterable[tuple[str, Output]]:
        size = per_page(view)
        template = template_page(view) if size else None
        if size is None or template is None:
            return
        visible = [d for d in view.posts if not d.data.get("hidden")]
        total = math.ceil(len(visible) / size)
        for number in range(2, total + 1):
            url = page_path(view, number, template.url).rstrip("/") + "/"
            yield (
                destination(url, template.output_ext, page=True),
                Output(
                    "generated", generator=NAME, argument=str(number), url=url, source=template.key
                ),
            )

    def paginator(
        self, view: SiteView, document: Document, context: Context, number: int = 1
    ) -> dict[str, Any] | None:
        """The ``paginator`` of ``document`` if it is the pagination template, else ``None``."""
        template = template_page(view) if per_page(view) else None
        if template is None or template.key != document.key:
            return None
        site = context.renderer.site_data(view)
        posts = [site.drop(d) for d in view.posts if not d.data.get("hidden")]
        return pager(view, number, posts, template.url)

    def build(self, view: SiteView, output: Output, context: Context) -> Built:
        template = template_page(view)
        number = int(output.argument or "1")
        if template is None:
            raise LookupError("no pagination template")
        copy = dataclasses.replace(template, url=output.url)
        paginator = self.paginator(view, template, context, number)
        body = context.renderer.render(view, copy, paginator=paginator)
        return Built(body.encode(), "text/html; charset=utf-8", modified=None)
