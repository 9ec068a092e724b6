"""Python against Ruby: Jekyll's ``include``, ``include_relative`` and ``include_cached``."""

from __future__ import annotations

from typing import Any

import pytest

from .fakes import render_case, same
from .ruby import Case, register

FILES = {
    "_includes/sig.html": "-- {{ include.who }} for {{ page.title }}",
    "_includes/list.html": "{% for item in include.items %}[{{ item }}]{% endfor %}",
    "_includes/params.html": "{{ include.a }}|{{ include.b }}|{{ include.c }}|{{ include.d }}",
    "_includes/assign.html": "{% assign leaked = 'from include' %}{% capture cap %}c{% endcapture %}",
    "_includes/outer.html": "<{{ include.x }}{% include inner.html %}{% include inner.html x='2' %}>",
    "_includes/inner.html": "({{ include.x }})",
    "_includes/base_path": "{% assign base_path = site.url | append: site.baseurl %}",
    "_includes/head/custom.html": "custom:{{ include.k }}",
    "_includes/blank.html": "\n\n",
    "_includes/loop.html": "{% if include.n > 2 %}{% break %}{% endif %}{{ include.n }}",
    "_includes/broken.html": "line one\n{% if %}",
    "_includes/fails.html": "ok\n{{ 1 | divided_by: 0 }}",
    "_includes/counter.html": "{% increment n %}",
    "_includes/cached.html": "{% increment calls %}:{{ include.v }}",
    "_includes/whitespace.html": "  spaced  \n",
    "notes/aside.md": "Aside for {{ page.title }}: {{ include.x }}",
    "notes/other.md": "{% include_relative aside.md x='nested' %}",
}
V: dict[str, Any] = {
    "page": {"title": "Hello", "items": ["x", "y"], "name": "sig", "n": 5},
    "site": {"url": "https://example.com", "baseurl": "/blog"},
}

TEMPLATES = [
    "{% include sig.html who='me' %}",
    '{% include sig.html who="you" %}',
    "{% include sig.html who=page.title %}",
    "{% include sig.html who=page.missing %}|{% include sig.html %}",
    "{% include list.html items=page.items %}",
    "{% include params.html a='1' b=\"2\" c=page.title d=5 %}",
    "{% include params.html a=true b=nil c=1.5 d=page.items.size %}",
    "{% include params.html a=\"q\\\"uote\" b='it\\'s' %}",
    "{% include params.html a='x' a='y' %}",
    "{% include params.html   a = 'spaced'   %}",
    "{% include params.html a='1'b='2' %}",
    "{% include params.html a= %}",
    "{% include params.html junk %}",
    "{% include params.html a=page.title | upcase %}",
    "{% include {{ page.name }}.html who='v' %}",
    "{% include {{ page.name | append: '.html' }} who='w' %}",
    "{% include {{page.name}}.html %}",
    "{% include head/custom.html k='v' %}",
    "{% include base_path %}{{ base_path }}",
    "{% include assign.html %}{{ leaked }}|{{ cap }}",
    "{% include outer.html x='1' %}",
    "{% include inner.html x='top' %}{% include outer.html %}",
    "[{% include blank.html %}]",
    "[{% include whitespace.html %}]",
    "{% if true %}{% include sig.html who='in if' %}{% endif %}",
    "{% for i in (1..2) %}{% include sig.html who=i %}{% endfor %}",
    "{% for i in (1..5) %}{% include loop.html n=i %}{% endfor %}",
    "{% include counter.html %}{% include counter.html %}{{ n }}",
    "{% include_cached cached.html v='a' %}{% include_cached cached.html v='a' %}{% include_cached cached.html v='b' %}",
    "{% include_cached cached.html %}{% include_cached cached.html %}",
    "{% include_cached cached.html x='a' %}{% include_cached cached.html y='a' %}",
    "{% include_cached sig.html who=page.title %}",
    "{% include nope.html %}",
    "{% include ../secret.html %}",
    "{% include a//b.html %}",
    "{% include sig.html?x %}",
    "{% include 'sig.html' %}",
    "{% include broken.html %}",
    "{% include fails.html %}",
    "{% include {{ page.missing }} %}",
    "{% include_cached nope.html %}",
    "{% include_relative notes/aside.md x='y' %}",
    "{% include_relative notes/other.md %}",
    "{% include_relative aside.md %}",
    "{% include_relative ../x.md %}",
]

CASES = register(
    [
        Case(f"include-{i}", template, V, files=FILES, page_path="page.md")
        for i, template in enumerate(TEMPLATES)
    ]
    + [
        Case(
            "include-relative-dir",
            "{% include_relative aside.md x='z' %}",
            V,
            files=FILES,
            page_path="notes/page.md",
        ),
        Case(
            "include-relative-nested",
            "{% include_relative other.md %}",
            V,
            files=FILES,
            page_path="notes/page.md",
        ),
    ]
)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_same_as_ruby(case: Case, ruby_results: dict[str, dict[str, Any]]) -> None:
    python = render_case(case)
    ruby = ruby_results[case.id]
    assert same(python, ruby), f"{case.template!r}\npython: {python}\nruby:   {ruby}"
