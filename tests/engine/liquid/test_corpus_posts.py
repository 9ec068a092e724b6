"""The Jekyll corpus's posts (Jekyll's own test posts, Homebrew, minimal-mistakes, chirpy): every
post's Liquid parses and renders; where Ruby can render it too (no plugin tags, no ``post_url``,
no ``highlight``), the output is Ruby's."""

from __future__ import annotations

import json
import posixpath
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from handler.engine.liquid import LiquidEngine, Source
from handler.errors import NotFound

from .fakes import FakeHost, render_case, same
from .ruby import Case, register

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "jekyll-corpus"
_FRONT_MATTER = re.compile(r"\A---\s*\n.*?\n?---[ \t]*\n", re.S)
ENGINE = LiquidEngine()


class RecordingHost(FakeHost):
    """Every include exists: its text names it (so Ruby can be given the same files)."""

    def _source(self, key: str) -> Source:
        self.files.setdefault(key, f"[{key}]")
        return super()._source(key)

    def post_url(self, name: str) -> str | None:
        return f"/posts/{name}/"

    def include_relative(self, name: str, relative_to: str) -> Source:
        key = posixpath.normpath(posixpath.join(posixpath.dirname(relative_to), name))
        if key.startswith(".."):
            raise NotFound(key)
        return self._source(key)


def _posts() -> list[tuple[str, str, dict[str, Any], int]]:
    """``(key, liquid body, page, first_line)`` for every post holding Liquid."""
    posts: list[tuple[str, str, dict[str, Any], int]] = []
    for reference in sorted(CORPUS.glob("*/reference.jsonl")):
        for line in reference.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            path = reference.parent / entry["file"]
            text = path.read_text(encoding="utf-8")
            match = _FRONT_MATTER.match(text)
            body = text[match.end() :] if match else text
            no_liquid = "{{" not in body and "{%" not in body
            if no_liquid or entry["data"].get("render_with_liquid") is False:
                continue
            page = _page(entry)
            first = text[: match.end()].count("\n") + 1 if match else 1
            posts.append((f"{reference.parent.name}/{entry['file']}", body, page, first))
    return posts


def _page(entry: dict[str, Any]) -> dict[str, Any]:
    page = dict(entry["data"])
    page.update(
        {"url": entry["url"], "title": entry["title"], "path": entry["file"], "id": entry["id"]}
    )
    if isinstance(page.get("date"), str):
        page["date"] = datetime.fromisoformat(page["date"])
    return page


POSTS = _posts()


def _render(key: str, body: str, page: dict[str, Any], first: int) -> tuple[str, RecordingHost]:
    host = RecordingHost()
    template = ENGINE.parse(Source(body, key, "1"), first_line=first)
    return ENGINE.render(template, {"page": page, "site": {"title": "Corpus"}}, host), host


@pytest.mark.parametrize(("key", "body", "page", "first"), POSTS, ids=[post[0] for post in POSTS])
def test_every_corpus_post_renders(key: str, body: str, page: dict[str, Any], first: int) -> None:
    _, host = _render(key, body, page, first)
    plugin_tags = {"do_nothing", "do_nothing_other", "enddo_nothing"}  # Jekyll's test plugin
    assert all(kind == "tag" and name in plugin_tags for kind, name, *_ in host.reports)


def _comparable(body: str) -> bool:
    return not re.search(r"\{%-?\s*(post_url|highlight|do_nothing)", body)


def _case(key: str, body: str, page: dict[str, Any], first: int) -> Case:
    _, host = _render(key, body, page, first)
    files = dict(host.files)
    variables = {"page": page, "site": {"title": "Corpus"}}
    return Case(
        f"corpus-{key}", body, variables, files=files, page_path=page["path"], stub_markdownify=True
    )


CASES = register([_case(*post) for post in POSTS if _comparable(post[1])])


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_same_as_ruby(case: Case, ruby_results: dict[str, dict[str, Any]]) -> None:
    python = render_case(case)
    ruby = ruby_results[case.id]
    assert same(python, ruby), f"python: {python}\nruby:   {ruby}"
