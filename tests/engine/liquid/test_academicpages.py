"""The academicpages theme: every layout, include and page parses and renders; its compress
layout and a whole themed post come out byte for byte as Ruby's; a page renders in milliseconds."""

from __future__ import annotations

import time
from typing import Any

import pytest

from handler.engine.liquid import LiquidEngine, Source

from . import academicpages as ap
from .fakes import FakeHost, render_case, same
from .ruby import Case, register

pytestmark = pytest.mark.skipif(
    ap.source_root() is None, reason="academicpages theme not on this machine"
)

ENGINE = LiquidEngine()


def host() -> FakeHost:
    return FakeHost(ap.files(), site_url="https://academicpages.github.io")


def render_page(
    page: dict[str, Any],
    content: str,
    engine: LiquidEngine = ENGINE,
    the_host: FakeHost | None = None,
) -> str:
    """``content`` placed in the page's layouts, as Jekyll's ``place_in_layouts`` does."""
    the_host = the_host or host()
    output = content
    for doc in ap.layout_chain(page.get("layout")):
        template = engine.parse(Source(doc.body, doc.key, "1"), first_line=doc.first_line)
        output = engine.render(
            template, {**ap.variables(page, output), "layout": doc.data}, the_host
        )
    return output


def _all_templates() -> list[str]:
    root = ap.source_root()
    if root is None:
        return []
    folders = ("_layouts", "_includes", "_pages")
    return sorted(
        path.relative_to(root).as_posix()
        for folder in folders
        for path in (root / folder).rglob("*")
        if path.is_file()
    )


@pytest.mark.parametrize("key", _all_templates())
def test_every_template_parses_and_renders(key: str) -> None:
    root = ap.source_root()
    assert root is not None
    doc = ap.read(root, root / key)
    the_host = host()
    template = ENGINE.parse(Source(doc.body, key, "1"), first_line=doc.first_line)
    page = {**ap.post_page(), **doc.data} if key.startswith("_pages") else ap.post_page()
    ENGINE.render(template, ap.variables(page, "<p>content</p>"), the_host)
    kinds = {kind for kind, *_ in the_host.reports}
    assert kinds <= {"filter"}, the_host.reports  # the theme uses no tag Broadsheet lacks


def test_every_page_renders_in_its_layouts() -> None:
    root = ap.source_root()
    assert root is not None
    for path in sorted((root / "_pages").glob("*")):
        doc = ap.read(root, path)
        page = {**ap.post_page(), **doc.data, "layout": doc.data.get("layout", "single")}
        body = ENGINE.render(
            ENGINE.parse(Source(doc.body, doc.key, "1"), first_line=doc.first_line),
            ap.variables(page),
            host(),
        )
        assert "</html>" in render_page(page, body)


def test_read_time_lax_filter_is_ignored_and_reported() -> None:
    the_host = host()
    text = "{% include read-time.html %}"
    page = {**ap.post_page(), "read_time": None}
    site = {**ap.site(), "words_per_minute": None}
    ENGINE.render(
        ENGINE.parse(Source(text, "t", "1")), {**ap.variables(page), "site": site}, the_host
    )
    assert ("filter", "Undefined", "_includes/read-time.html", 16) in the_host.reports


# --- byte for byte against Ruby ----------------------------------------------------------------


def _compress_case() -> Case | None:
    if ap.source_root() is None:
        return None
    compress = ap.layout_chain("compress")[0]
    html = render_page({**ap.post_page(), "layout": "default"}, ap.article_html())
    return Case(
        "academicpages-compress",
        compress.body,
        {"site": ap.site(), "content": html, "jekyll": {"environment": "production"}},
    )


def _post_case() -> Case | None:
    if ap.source_root() is None:
        return None
    page = ap.post_page()
    chain = ap.layout_chain("single")
    layouts = tuple((doc.body, doc.data) for doc in chain)
    content = ap.article_html()
    return Case(
        "academicpages-post",
        "{{ content }}",
        {**ap.variables(page), "content": content},
        files=ap.files(),
        config={"url": "https://academicpages.github.io"},
        layouts=layouts,
        stub_markdownify=True,
    )


DIFFERENTIAL = register([case for case in (_compress_case(), _post_case()) if case is not None])


@pytest.mark.parametrize("case", DIFFERENTIAL, ids=[case.id for case in DIFFERENTIAL])
def test_byte_for_byte_as_ruby(case: Case, ruby_results: dict[str, dict[str, Any]]) -> None:
    python = render_case(case)
    ruby = ruby_results[case.id]
    assert "output" in ruby, ruby
    assert same(python, ruby), _first_difference(python.get("output", str(python)), ruby["output"])
    assert len(ruby["output"]) > 30_000


def _first_difference(a: str, b: str) -> str:
    index = next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )
    return f"differ at {index}: python {a[index - 80 : index + 80]!r}\nruby {b[index - 80 : index + 80]!r}"


# --- speed -----------------------------------------------------------------------------------------


# How fast a themed page renders is measured by the benchmark (bench/p5.py, against Jekyll per
# file, in one run), not asserted here: an absolute time fails on a loaded, shared machine.


def test_compress_is_linear_in_the_page_size() -> None:
    compress = ap.layout_chain("compress")[0]
    template = ENGINE.parse(
        Source(compress.body, compress.key, "1"), first_line=compress.first_line
    )
    page = render_page({**ap.post_page(), "layout": "default"}, "<p>x</p>")

    def seconds(html: str) -> float:
        variables = {"site": ap.site(), "content": html, "jekyll": {"environment": "production"}}
        start = time.perf_counter()
        ENGINE.render(template, variables, host())
        return time.perf_counter() - start

    small = min(seconds(page) for _ in range(3))
    large = min(seconds(page * 4) for _ in range(3))
    assert large < small * 8, (small, large)
