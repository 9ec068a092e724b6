"""The Jekyll corpus (tests/fixtures/jekyll-corpus): each set's reference.jsonl, what Jekyll 4.3.1
made of every post, and engine documents built from it (for tests that must not depend on the
reader: tests/test_corpus.py checks that the reader gives the same)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from handler.engine.document import Document

CORPUS = Path(__file__).parent / "fixtures" / "jekyll-corpus"
SETS = sorted(p.parent.name for p in CORPUS.glob("*/reference.jsonl"))


def references(name: str) -> Iterator[dict[str, Any]]:
    """One record per post file of set ``name``, as Jekyll saw it."""
    with (CORPUS / name / "reference.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            record: dict[str, Any] = json.loads(line)
            yield record


def date_of(document: Document) -> datetime:
    assert document.date is not None  # every post has one
    return document.date


def reference_documents(name: str, modified_after: timedelta = timedelta(0)) -> list[Document]:
    """The posts Jekyll published from set ``name``, newest first, as engine documents with
    Jekyll's URL, date, title, slug, categories and tags; ``modified`` is the date plus
    ``modified_after``."""
    documents = []
    for record in references(name):
        if not record.get("published_in_build"):
            continue
        date = datetime.fromisoformat(record["date"])
        data = {key: record[key] for key in ("title", "slug", "categories", "tags")}
        documents.append(
            Document(
                key=record["file"],
                version="v1",
                kind="document",
                collection="posts",
                url=record["url"],
                output_ext=".html",
                data={**data, "date": date},
                modified=date + modified_after,
            )
        )
    return sorted(documents, key=lambda d: (date_of(d), d.key), reverse=True)
