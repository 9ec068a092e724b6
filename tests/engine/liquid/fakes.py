"""A host that inherits nothing, and running a ``Case`` through the Python engine."""

from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Iterator, Mapping
from typing import Any

from handler.engine.liquid import LiquidEngine, Source
from handler.errors import ContentError, LiquidError, NotFound

from .ruby import Case

ENGINE = LiquidEngine()


class FakeHost:
    """The site as a dict of files; records what the engine reports."""

    def __init__(
        self,
        files: Mapping[str, str] | None = None,
        *,
        baseurl: str = "",
        site_url: str = "",
        posts: Mapping[str, str] | None = None,
        links: Mapping[str, str] | None = None,
        version: str | None = None,
    ) -> None:
        self.files = dict(files or {})
        self._baseurl = baseurl
        self._site_url = site_url
        self.posts = dict(posts or {})
        self.links = dict(links or {})
        self.version = version  # None: each file's version is its content's digest
        self.reports: list[tuple[str, str, str, int | None]] = []
        self.asked: list[tuple[str, str]] = []

    @property
    def baseurl(self) -> str:
        return self._baseurl

    @property
    def site_url(self) -> str:
        return self._site_url

    plugins: frozenset[str] = frozenset()  # no plugin runs: their tags are unknown tags

    def _source(self, key: str) -> Source:
        if key not in self.files:
            raise NotFound(key)
        text = self.files[key]
        version = self.version or hashlib.sha256(text.encode()).hexdigest()[:16]
        return Source(text, key, version)

    def include(self, name: str) -> Source:
        self.asked.append(("include", name))
        return self._source(f"_includes/{name}")

    def include_relative(self, name: str, relative_to: str) -> Source:
        self.asked.append(("include_relative", f"{relative_to}:{name}"))
        key = posixpath.normpath(posixpath.join(posixpath.dirname(relative_to), name))
        if key.startswith(".."):
            raise ContentError(relative_to, f"{name} is outside the site")
        return self._source(key)

    def post_url(self, name: str) -> str | None:
        return self.posts.get(name)

    def link(self, path: str) -> str | None:
        return self.links.get(path)

    def markdownify(self, text: str) -> str:
        return f"<p>{text}</p>\n"

    def sassify(self, text: str, syntax: str) -> str:
        return f"/* {syntax} */{text}"

    def unsupported(self, kind: str, name: str, path: str, line: int | None) -> None:
        self.reports.append((kind, name, path, line))


class Drop(Mapping[str, Any]):
    """A lazy drop: values computed on read, ``KeyError`` for what it does not have."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        self._values = dict(values)

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


def host_for(case: Case) -> FakeHost:
    url = str(case.config.get("url") or "")
    baseurl = str(case.config.get("baseurl") or "").removesuffix("/")
    return FakeHost(case.files, baseurl=baseurl, site_url=url.removesuffix("/"))


def render_case(case: Case, engine: LiquidEngine = ENGINE) -> dict[str, Any]:
    """The Python engine's result in the harness's shape (``output`` or ``error``)."""
    host = host_for(case)
    variables = dict(case.vars)
    if case.page_path:
        variables["page"] = {**dict(variables.get("page") or {}), "path": case.page_path}
    timezone = case.config.get("timezone")
    if timezone:
        variables["site"] = {**dict(variables.get("site") or {}), "timezone": timezone}
    try:
        template = engine.parse(Source(case.template, "page.html", str(hash(case.template))))
        output = engine.render(template, variables, host)
        for index, (text, data) in enumerate(case.layouts):
            layout = engine.parse(Source(text, f"_layouts/layout{index}.html", str(hash(text))))
            output = engine.render(layout, {**variables, "content": output, "layout": data}, host)
        return {"output": output}
    except LiquidError as err:
        return {"error": "LiquidError", "message": str(err)}


def same(python: dict[str, Any], ruby: dict[str, Any]) -> bool:
    """Both rendered the same text, or both failed."""
    if "output" in ruby:
        return bool(python.get("output") == ruby["output"])
    return bool("error" in python)
