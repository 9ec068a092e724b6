"""The site index as one JSON object in the bucket (the manifest).

The render function reads it once per container and revalidates it with a conditional GET, so a
request never lists the bucket; ``broadsheet index``, ``broadsheet publish`` and the S3-event
indexer write it. It carries the ``_config.yml`` text and every record the reader made: pages and
documents (with their front matter), static files, layouts, and the version of every other file a
render may read. One GET is enough to serve a whole site.

Rows are arrays of columns (smaller and faster to read than objects), in the index's order, and the
index's version is stored, so a reader neither re-sorts nor re-hashes. JSON has no dates: the
``date`` of each document is a column of its own; other dates in front matter (rare) are written
as ``{"$t": ISO}`` (a time) or ``{"$d": ISO}`` (a date) and the row says it holds some.

The configuration travels as its text and, where JSON holds it exactly, as the mapping that text
loads to (``user``): a reader then builds the configuration, checked as ever, without loading
YAML, and a render function serving posts from the manifest never imports PyYAML at all. A
mapping JSON would change (keys that are not strings, sets, a ``{"$t": ...}`` of the author's
own) is left out, and the text is parsed as before.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from handler.engine.config import SiteConfig, load_user
from handler.engine.document import Document
from handler.engine.index import FileRef, SiteIndex
from handler.engine.loaded import carried, freeze, thaw, thaw_bounded
from handler.engine.static_file import StaticFile
from handler.errors import ContentError

FORMAT = 3
DOCUMENT_COLUMNS = (
    "key", "version", "kind", "collection", "url", "output_ext", "date", "modified", "draft",
    "data", "tagged", "lists", "heading", "optional", "dated",
)  # fmt: skip
STATIC_COLUMNS = ("key", "version", "size", "modified", "url", "collection", "data")


class ManifestError(ContentError):
    """The manifest object is not one this version of Broadsheet can read."""


def dumps(index: SiteIndex, config_text: str | None = None) -> bytes:
    """Serialise ``index`` with the ``_config.yml`` text its configuration was read from.

    That is the index's own (``index.config.source``), whatever ``config_text`` (the file as the
    store holds it now) says: a broken ``_config.yml`` that the index did not take (it kept the
    last good one) never reaches the manifest, so no reader of the manifest meets it.
    """
    text = index.config.source
    document: dict[str, Any] = {
        "format": FORMAT,
        "version": index.version,
        "config": {
            "token": index.config_token,
            "text": text,
            "fallback": index.config_fallback,
            **_loaded(text),
        },
        "columns": {"documents": list(DOCUMENT_COLUMNS), "statics": list(STATIC_COLUMNS)},
        "documents": [_document_row(d) for d in index.documents],
        "statics": [_static_row(s) for s in index.statics],
        "layouts": {name: [ref.key, ref.version] for name, ref in index.layouts.items()},
        "files": dict(index.files),
        "listing_templates": sorted(index.listing_templates),
        "problems": [
            {"key": key, "line": error.line, "column": error.column, "message": error.message}
            for key, error in sorted(index.problems.items())
        ],
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def loads(data: bytes, key: str) -> tuple[SiteIndex, str | None]:
    """Parse a manifest; returns the index and the ``_config.yml`` text it carries."""
    try:
        document = json.loads(data)
        columns = document.get("columns") or {}
        if (
            document.get("format") != FORMAT
            or columns.get("documents") != list(DOCUMENT_COLUMNS)
            or columns.get("statics") != list(STATIC_COLUMNS)
        ):
            raise ManifestError(
                key,
                f"unknown manifest format {document.get('format')!r} (this version reads {FORMAT})",
                hint="rebuild it: broadsheet index",
            )
        config_text = document["config"]["text"]
        user = document["config"].get("user")
        try:
            if isinstance(user, dict) and isinstance(config_text, str):
                config = SiteConfig.from_user(thaw_bounded(user), config_text)
            else:
                config = SiteConfig.parse(config_text)
        except ContentError as error:  # e.g. written before a rule this version checks
            raise ManifestError(
                key,
                f"the site index's configuration is no longer valid ({error})",
                hint="rebuild it: broadsheet index",
            ) from None
        index = SiteIndex.build(
            config,
            _documents(document["documents"]),
            [_static(row) for row in document["statics"]],
            layouts={name: FileRef(*ref) for name, ref in document["layouts"].items()},
            files=document["files"],
            problems={
                p["key"]: ContentError(
                    p["key"], p["message"], line=p.get("line"), column=p.get("column")
                )
                for p in document.get("problems", [])
            },
            config_token=document["config"]["token"],
            config_fallback=bool(document["config"].get("fallback", False)),
            version=document["version"],
            ordered=True,  # dumps writes the index's own order
            listing_templates=document.get("listing_templates", []),
        )
    except ManifestError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as error:
        # (RecursionError: JSON nested deeper than the parser goes, e.g. [[[[...)
        raise ManifestError(
            key, f"the site index is unreadable ({error})", hint="rebuild it: broadsheet index"
        ) from None
    return index, config_text


@functools.lru_cache(maxsize=2)
def _loaded(text: str | None) -> dict[str, Any]:
    """``{"user": mapping}``: what ``text`` loads to, when JSON carries it exactly; else ``{}``.
    Kept for the text: the indexer writes a manifest per S3 event, and the configuration rarely
    changes between them (only read: ``dumps`` copies it into the JSON it writes)."""
    if text is None:
        return {}
    try:
        user = load_user(text)
    except ContentError:
        return {}
    found = carried(user)
    return {} if found is None else {"user": found[0]}


# --- rows ---------------------------------------------------------------------------------------


def _document_row(document: Document) -> list[Any]:
    data = dict(document.data)
    moment = data.pop("date", None)
    tagged = _has_dates(data)
    return [
        document.key,
        document.version,
        document.kind,
        document.collection,
        document.url,
        document.output_ext,
        freeze(moment) if moment is not None else None,
        document.modified.isoformat(),
        document.draft,
        freeze(data) if tagged else data,
        tagged,
        document.lists,
        document.heading,
        document.optional,
        document.dated,
    ]


def _documents(rows: list[list[Any]]) -> list[Document]:
    """The documents of the manifest's rows: one loop, names bound once, each Document built
    positionally in its field order (half the cost of keywords): a large site's cold start does
    this for every post (test_manifest's round trips check every field)."""
    fromisoformat = datetime.fromisoformat
    found: list[Document] = []
    append = found.append
    for row in rows:
        data: dict[str, Any] = thaw(row[9]) if row[10] else row[9]
        moment = row[6]
        if moment is not None:
            stamp = moment.get("$t") if type(moment) is dict and len(moment) == 1 else None
            data["date"] = fromisoformat(stamp) if stamp is not None else thaw(moment)
        append(
            Document(
                row[0],  # key
                row[1],  # version
                row[2],  # kind
                row[3],  # collection
                row[4],  # url
                row[5],  # output_ext
                data,
                fromisoformat(row[7]),  # modified
                row[8],  # draft
                row[11],  # lists
                row[12],  # heading
                row[13],  # optional
                row[14],  # dated
            )
        )
    return found


def _static_row(static: StaticFile) -> list[Any]:
    return [
        static.key,
        static.version,
        static.size,
        static.modified.isoformat(),
        static.url,
        static.collection,
        freeze(static.data) if static.data else None,
    ]


def _static(row: list[Any]) -> StaticFile:
    return StaticFile(
        key=row[0],
        version=row[1],
        size=row[2],
        modified=datetime.fromisoformat(row[3]),
        url=row[4],
        collection=row[5],
        data=thaw(row[6]) if row[6] else None,
    )


def _has_dates(value: Any) -> bool:
    if isinstance(value, date):
        return True
    if isinstance(value, Mapping):
        return any(_has_dates(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_has_dates(v) for v in value)
    return False
