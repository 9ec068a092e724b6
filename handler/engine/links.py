"""What ``{% post_url %}`` and ``{% link %}`` point at (``tags/post_url.rb``, ``tags/link.rb``)."""

from __future__ import annotations

import re

from handler.engine.document import Document
from handler.engine.drops import relative_path
from handler.engine.view import SiteView

_POST_NAME = re.compile(r"^(.+/)*(\d+-\d+-\d+)-(.*)$")


def find_post(view: SiteView, name: str) -> Document | None:
    """The post ``{% post_url name %}`` means: ``2010-07-21-slug`` or ``folder/2010-07-21-slug``,
    matched against the post's path as ``PostComparer`` matches it."""
    match = _POST_NAME.match(name.strip().lstrip("/"))
    if match is None:
        return None
    path, day, slug = match.group(1) or "", match.group(2), match.group(3)
    base = f"{re.escape(day)}-{re.escape(slug)}\\.[^.]+"
    pattern = re.compile(rf"^_posts/{re.escape(path)}{base}|^{re.escape(path)}_posts/?{base}")
    for document in view.collection("posts"):
        if pattern.match(relative_path(document, view)):
            return document
    return None


def find_link(view: SiteView, path: str) -> str | None:
    """The URL of the page, document or static file whose relative path is ``path``."""
    wanted = path.strip()
    with_slash = "/" + wanted.lstrip("/")
    for document in view.documents:
        if view.written(document) and relative_path(document, view) in (wanted, with_slash):
            return document.url
    for static in view.statics:
        if static.relative_path in (wanted, with_slash) or static.key == wanted:
            return static.url
    return None
