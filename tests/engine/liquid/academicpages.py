"""The academicpages theme as a site for the engine: its real ``_config.yml`` and ``_data``, its
posts and collections read from front matter, its layouts and includes as files."""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml

_CANDIDATES = (
    Path("/work/shared/sites/academicpages/src"),
    Path(__file__).resolve().parents[4] / ".." / "shared" / "sites" / "academicpages" / "src",
)
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n?---[ \t]*\n", re.S)
COLLECTIONS = ("publications", "talks", "teaching", "portfolio")


def source_root() -> Path | None:
    """Where the theme is on this machine (``None`` when it is not)."""
    return next((path for path in _CANDIDATES if (path / "_config.yml").is_file()), None)


@dataclass(frozen=True)
class Document:
    """A file split into front matter and body (``first_line``: the body's line in the file)."""

    key: str
    data: dict[str, Any]
    body: str
    first_line: int


def read(root: Path, path: Path) -> Document:
    text = path.read_text(encoding="utf-8")
    match = _FRONT_MATTER.match(text)
    key = path.relative_to(root).as_posix()
    if match is None:
        return Document(key, {}, text, 1)
    data = yaml.safe_load(match.group(1)) or {}
    return Document(key, data, text[match.end() :], text[: match.end()].count("\n") + 1)


def _time(value: object) -> object:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return value


def _document(root: Path, path: Path, collection: str) -> dict[str, Any]:
    doc = read(root, path)
    slug = path.stem[11:] if re.match(r"\d{4}-\d{2}-\d{2}-", path.stem) else path.stem
    stamp = doc.data.get("date") or (
        date.fromisoformat(path.stem[:10])
        if path.stem[:4].isdigit() and path.stem[4] == "-"
        else None
    )
    item: dict[str, Any] = {
        **doc.data,
        "content": doc.body,
        "excerpt": doc.data.get("excerpt") or doc.body.strip().split("\n\n")[0],
        "collection": collection,
        "path": doc.key,
        "relative_path": doc.key,
        "url": doc.data.get("permalink") or f"/{collection}/{slug}/",
        "id": f"/{collection}/{slug}",
        "slug": slug,
        "tags": doc.data.get("tags") or [],
        "categories": doc.data.get("categories") or [],
    }
    if stamp is not None:
        item["date"] = _time(stamp)
    return item


def _collection(root: Path, name: str) -> list[dict[str, Any]]:
    folder = root / f"_{name}"
    items = [_document(root, path, name) for path in sorted(folder.glob("*")) if path.is_file()]
    return sorted(items, key=lambda item: str(item.get("date", "")), reverse=True)


@functools.cache
def site() -> dict[str, Any]:
    """``site`` as Jekyll hands it to templates (a plain hash here, on both sides)."""
    root = source_root()
    assert root is not None
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    data: dict[str, Any] = {}
    for path in sorted((root / "_data").glob("*")):
        if path.suffix in (".yml", ".yaml"):
            data[path.stem] = yaml.safe_load(path.read_text(encoding="utf-8"))
        elif path.suffix == ".json":
            data[path.stem] = json.loads(path.read_text(encoding="utf-8"))
    posts = [post for post in _collection(root, "posts") if str(post.get("date", "")) < "2100"]
    collections = {name: _collection(root, name) for name in COLLECTIONS}
    tags: dict[str, list[Any]] = {}
    for post in posts:
        for tag in post["tags"]:
            tags.setdefault(str(tag), []).append(post)
    return {
        **config,
        "data": data,
        "posts": posts,
        **collections,
        "tags": tags,
        "categories": {},
        "pages": [],
        "html_pages": [],
        "static_files": [],
        "documents": posts + [item for items in collections.values() for item in items],
        "time": datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC),
    }


@functools.cache
def _files() -> tuple[tuple[str, str], ...]:
    root = source_root()
    assert root is not None
    out: list[tuple[str, str]] = []
    for folder in ("_includes", "_layouts"):
        for path in sorted((root / folder).rglob("*")):
            if path.is_file():
                out.append((path.relative_to(root).as_posix(), path.read_text(encoding="utf-8")))
    return tuple(out)


def files() -> dict[str, str]:
    """Every include and layout, keyed as the host knows them."""
    return dict(_files())


@functools.cache
def layout_chain(name: str | None) -> tuple[Document, ...]:
    """The layout ``name`` and the layouts it sits in, innermost first."""
    root = source_root()
    assert root is not None
    chain: list[Document] = []
    while name:
        doc = read(root, root / "_layouts" / f"{name}.html")
        chain.append(doc)
        name = doc.data.get("layout")
    return tuple(chain)


def variables(page: dict[str, Any], content: str = "") -> dict[str, Any]:
    return {
        "site": site(),
        "page": page,
        "content": content,
        "layout": {},
        "paginator": None,
        "jekyll": {"environment": "production", "version": "4.3.1"},
    }


@functools.cache
def article_html(minimum: int = 40_000) -> str:
    """A realistic article body: the theme's own pages and posts in HTML, ``minimum`` chars."""
    import markdown

    root = source_root()
    assert root is not None
    sources = [root / "_pages" / "about.md", root / "_pages" / "markdown.md"]
    sources += sorted((root / "_posts").glob("*.md"))
    parts = [
        markdown.markdown(read(root, path).body, extensions=["fenced_code", "tables"])
        for path in sources
    ]
    html = "\n".join(parts)
    while len(html) < minimum:
        html += "\n" + html
    return html


def post_page(index: int = 0) -> dict[str, Any]:
    """A post as ``page``, with the settings the theme's front matter defaults give posts."""
    page = dict(site()["posts"][index])
    page.update(
        {
            "layout": "single",
            "author_profile": True,
            "read_time": True,
            "share": True,
            "comments": True,
            "related": True,
        }
    )
    return page
