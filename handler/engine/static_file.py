"""Static files as Jekyll copies them (``Jekyll::StaticFile``): every file it reads that has no
front matter, including the files of a collection (written only when the collection is)."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from handler.engine.config import SiteConfig, defaults_for
from handler.engine.url import page_url, unescape_path


@dataclass(slots=True)
class StaticFile:
    """A file served as it is. ``url`` is where Jekyll writes it (escaped as Jekyll escapes it)."""

    key: str
    version: str
    size: int
    modified: datetime
    url: str
    collection: str | None = None
    data: dict[str, Any] | None = None  # front matter defaults that apply to it, if any

    @property
    def name(self) -> str:
        return posixpath.basename(self.key)

    @property
    def extname(self) -> str:
        return posixpath.splitext(self.key)[1]

    @property
    def basename(self) -> str:
        return re.sub(r"\.*\Z", "", posixpath.splitext(self.name)[0])

    @property
    def relative_path(self) -> str:
        """``StaticFile#relative_path`` (``/images/a.png``; a collection's files start with its
        folder, ``_docs/a.pdf``, below any ``collections_dir``)."""
        if not self.collection:
            return "/" + self.key
        folder = f"_{self.collection}/"
        if self.key.startswith(folder):
            return self.key
        at = self.key.find("/" + folder)
        return self.key[at + 1 :] if at >= 0 else self.key

    @property
    def destination(self) -> str:
        return unescape_path(self.url).lstrip("/")

    @property
    def published(self) -> bool:
        return (self.data or {}).get("published", True) is not False


def static_file(
    key: str,
    version: str,
    size: int,
    modified: datetime,
    config: SiteConfig,
    collection: str | None = None,
) -> StaticFile:
    """The static file at ``key``, with its URL (``StaticFile#url``) and defaults."""
    ext = posixpath.splitext(key)[1]
    cleaned = re.sub(r"\.*\Z", "", key[: len(key) - len(ext)] if ext else key)
    if collection is None:
        url = "/" + cleaned + ext
    else:
        base = config.collections_dir
        inside = key[len(base) + 1 :] if base and key.startswith(base + "/") else key
        inside = re.sub(r"\.*\Z", "", inside[: len(inside) - len(ext)] if ext else inside)
        placeholders = {
            "collection": collection,
            "path": inside.replace("_" + collection, "", 1),
            "output_ext": "",
            "name": posixpath.basename(cleaned),
            "title": "",
        }
        template = config.collection(collection).url_template
        url = page_url(template, None, list(placeholders.items())).rstrip("/") + ext
    defaults = defaults_for(config, url, collection)
    return StaticFile(key, version, size, modified, url, collection, defaults or None)
