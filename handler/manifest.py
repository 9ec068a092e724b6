"""The site index as one JSON object in the bucket (the manifest).

The render function reads it once per container and revalidates it with a conditional GET, so a
request never lists the bucket; ``broadsheet index``, ``broadsheet publish`` and the S3-event
indexer write it. It carries each post's key, version (ETag), URL, the front matter listings need
and the rendered excerpt, plus the ``_config.yml`` text, so one GET is enough to serve a site.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from typing import Any

from handler.config import SiteConfig
from handler.errors import ContentError
from handler.index import Entry, SiteIndex, entry_json

FORMAT = 1


class ManifestError(ContentError):
    """The manifest object is not one this version of Broadsheet can read."""


def dumps(index: SiteIndex, config_text: str | None) -> bytes:
    """Serialise ``index`` (with the ``_config.yml`` text it was built from)."""
    document: dict[str, Any] = {
        "format": FORMAT,
        "config": {"token": index.config_token, "text": config_text},
        "theme": {"token": index.theme_token},
        "posts": [entry_json(e) for e in index.entries],
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
        if document.get("format") != FORMAT:
            raise ManifestError(
                key,
                f"unknown manifest format {document.get('format')!r} (this version reads {FORMAT})",
                hint="rebuild it: broadsheet index",
            )
        config_text = document["config"]["text"]
        config = SiteConfig.parse(config_text)
        entries = [_entry(item) for item in document["posts"]]
        problems = {
            p["key"]: ContentError(p["key"], p["message"], line=p.get("line"))
            for p in document.get("problems", [])
        }
        index = SiteIndex.build(
            config,
            entries,
            problems=problems,
            statics=document.get("statics", []),
            config_token=document["config"]["token"],
            theme_token=document.get("theme", {}).get("token", ""),
        )
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise ManifestError(
            key, f"the site index is unreadable ({error})", hint="rebuild it: broadsheet index"
        ) from None
    return index, config_text


def _entry(item: dict[str, Any]) -> Entry:
    return Entry(
        key=item["key"],
        version=item["version"],
        url=item["url"],
        date=datetime.fromisoformat(item["date"]),
        title=item["title"],
        slug=item["slug"],
        categories=tuple(item["categories"]),
        tags=tuple(item["tags"]),
        published=item["published"],
        draft=item["draft"],
        modified=datetime.fromisoformat(item["modified"]),
        excerpt_html=item.get("excerpt_html"),
        redirect_from=tuple(item.get("redirect_from", ())),
        redirect_to=item.get("redirect_to"),
        sitemap=item.get("sitemap", True),
    )


def with_excerpts(index: SiteIndex, excerpt: Any) -> SiteIndex:
    """``index`` with every entry's ``excerpt_html`` filled by ``excerpt(index, entry)``."""
    entries = [
        e if e.excerpt_html is not None else replace(e, excerpt_html=excerpt(index, e))
        for e in index.entries
    ]
    return SiteIndex.build(
        index.config,
        entries,
        problems=index.problems,
        statics=index.statics,
        config_token=index.config_token,
        theme_token=index.theme_token,
    )
