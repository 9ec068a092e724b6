"""The site index as one JSON object in the bucket (the manifest).

The render function reads it once per container and revalidates it with a conditional GET, so a
request never lists the bucket; ``broadsheet index``, ``broadsheet publish`` and the S3-event
indexer write it. It carries each post's key, version (ETag), URL and the front matter listings
need, plus the ``_config.yml`` text, so one GET is enough to serve a site.
"""

from __future__ import annotations

import json
from typing import Any

from handler.engine.config import SiteConfig
from handler.errors import ContentError
from handler.index import COLUMNS, SiteIndex, entry_from_row, entry_row

FORMAT = 2


class ManifestError(ContentError):
    """The manifest object is not one this version of Broadsheet can read."""


def dumps(index: SiteIndex, config_text: str | None) -> bytes:
    """Serialise ``index`` (with the ``_config.yml`` text it was built from).

    Posts are rows (``handler.index.COLUMNS``), newest first, and the index's version is stored,
    so a reader neither re-sorts nor re-hashes: a 10,000-post site loads in tens of milliseconds.
    Excerpts are not stored: listings render the few they show, and cache them.
    """
    document: dict[str, Any] = {
        "format": FORMAT,
        "version": index.version,
        "config": {"token": index.config_token, "text": config_text},
        "theme": {"token": index.theme_token},
        "columns": list(COLUMNS),
        "posts": [entry_row(e) for e in index.entries],
        "statics": sorted(index.statics),
        "problems": [
            {"key": key, "line": error.line, "column": error.column, "message": str(error)}
            for key, error in sorted(index.problems.items())
        ],
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def loads(data: bytes, key: str) -> tuple[SiteIndex, str | None]:
    """Parse a manifest; returns the index and the ``_config.yml`` text it carries."""
    try:
        document = json.loads(data)
        if document.get("format") != FORMAT or document.get("columns") != list(COLUMNS):
            raise ManifestError(
                key,
                f"unknown manifest format {document.get('format')!r} (this version reads {FORMAT})",
                hint="rebuild it: broadsheet index",
            )
        config_text = document["config"]["text"]
        config = SiteConfig.parse(config_text)
        problems = {
            p["key"]: ContentError(p["key"], p["message"], line=p.get("line"))
            for p in document.get("problems", [])
        }
        index = SiteIndex.build(
            config,
            [entry_from_row(row) for row in document["posts"]],
            problems=problems,
            statics=document.get("statics", []),
            config_token=document["config"]["token"],
            theme_token=document.get("theme", {}).get("token", ""),
            version=document["version"],
            ordered=True,  # dumps writes index.entries, which are newest first
        )
    except (ValueError, KeyError, TypeError, AttributeError, IndexError) as error:
        raise ManifestError(
            key, f"the site index is unreadable ({error})", hint="rebuild it: broadsheet index"
        ) from None
    return index, config_text
