"""Python against Ruby: values (printing, truthiness, lookups, numbers) and the loop tags."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from .fakes import Drop, render_case, same
from .ruby import Case, register

TIME = datetime(2008, 10, 18, 9, 30, 5, tzinfo=timezone(timedelta(hours=-5)))
V: dict[str, Any] = {
    "a": [1, 2, 3, 4, 5],
    "words": ["b", "A", "c", None, "a"],
    "nested": [[1, [2]], 3, None, "x", {"k": "v"}],
    "h": {"k": "v", "n": 1, "list": [1, 2], "h": {"x": None}, "size": "big"},
    "hash": {"b": 2, "a": 1},
    "f": 1.5,
    "i": 7,
    "big": 2**70,
    "s": "hello world",
    "empty": "",
    "none": None,
    "t": True,
    "no": False,
    "time": TIME,
    "utc": datetime(2020, 2, 29, 23, 59, 59, tzinfo=UTC),
    "day": date(2023, 6, 7),
    "drop": Drop({"title": "T", "url": "/t/", "n": 2}),
    "floats": [0.1, 1.0, 1e16, 1e-5, 123456789.125, -0.0, 100.0, 3.3333333333333335],
    "posts": [
        {"title": "B", "n": 2, "cat": "x", "tags": ["t1"]},
        {"title": "a", "n": 10, "cat": "y", "tags": []},
        {"title": "C", "cat": "x", "tags": ["t1", "t2"]},
        {"title": "d", "n": "3", "cat": None},
    ],
}

TEMPLATES = [
    # printing
    "{{ a }}|{{ nested }}|{{ h }}|{{ hash }}|{{ none }}|{{ t }}|{{ no }}",
    "{% for x in floats %}{{ x }};{% endfor %}",
    "{{ f }}|{{ i }}|{{ big }}|{{ 1.0 }}|{{ 0.5 }}|{{ -3 }}",
    "{{ time }}|{{ utc }}|{{ day }}",
    "{{ a | append: '' }}|{{ h | append: '' }}|{{ nested | append: '' }}",
    "{{ 'x' | append: none }}|{{ 'x' | append: t }}|{{ 'x' | append: f }}|{{ 'x' | append: time }}",
    "{{ (1..4) | append: '' }}|{{ (1..4) | join: ',' }}|{{ (1..4) }}",
    "{{ drop.title }}|{{ drop.missing }}|{{ drop.size }}|{{ drop | size }}",
    "{{ drop | map: 'title' }}",
    # lookups
    "{{ h.k }}{{ h['k'] }}{{ h.size }}{{ h.list.size }}{{ h.first }}{{ h.last }}",
    "{{ hash.size }}{{ hash.first }}|{{ hash.first.first }}",
    "{{ a.first }}{{ a.last }}{{ a.size }}{{ a[0] }}{{ a[-1] }}{{ a[9] }}{{ a['0'] }}",
    "{{ s.size }}|{{ s.first }}|{{ s[0] }}|{{ empty.size }}",
    "{{ i.size }}|{{ big.size }}|{{ f.size }}|{{ t.size }}|{{ none.size }}|{{ time.size }}",
    "{% assign k = 'k' %}{{ h[k] }}|{{ h[h.k] }}",
    "{{ (1..5).first }}{{ (1..5).last }}{{ (1..5).size }}",
    "{{ posts[0].title }}{{ posts.first.title }}{{ posts.last.n }}",
    "{{ a[1.0] }}|{{ a[true] }}|{{ a[none] }}",
    # truthiness
    "{% if 0 %}a{% endif %}{% if empty %}b{% endif %}{% if none %}c{% endif %}{% if no %}d{% endif %}{% if a %}e{% endif %}{% if h %}f{% endif %}",
    "{% unless none %}a{% endunless %}{% unless 0 %}b{% endunless %}",
    "{% if a == empty %}a{% endif %}{% if h == empty %}b{% endif %}{% if none == empty %}c{% endif %}{% if 0 == empty %}d{% endif %}",
    "{% if a != empty %}a{% endif %}{% if none != empty %}c{% endif %}",
    "{% if a == a %}a{% endif %}{% if h == h %}b{% endif %}{% if a == nested %}c{% endif %}",
    "{% if 1 == 1.0 %}a{% endif %}{% if '1' == 1 %}b{% endif %}{% if t == 1 %}c{% endif %}{% if no == nil %}d{% endif %}",
    "{% if time == time %}a{% endif %}{% if day == day %}b{% endif %}{% if time > utc %}c{% else %}d{% endif %}",
    "{% if day < time %}a{% endif %}",
    "{% if 'a' < 'b' %}a{% endif %}{% if 'B' < 'a' %}b{% endif %}{% if 'é' > 'z' %}c{% endif %}",
    "{% if 2 < 10 %}a{% endif %}{% if '2' < '10' %}b{% endif %}{% if f > 1 %}c{% endif %}",
    "{% if none < 1 %}a{% else %}b{% endif %}{% if 1 < none %}a{% else %}b{% endif %}",
    "{% if s contains 'lo w' %}a{% endif %}{% if s contains none %}b{% endif %}{% if a contains 3 %}c{% endif %}",
    "{% if a contains '3' %}a{% else %}b{% endif %}{% if h contains 'k' %}c{% endif %}{% if 12 contains 1 %}d{% endif %}",
    "{% if (1..5) contains 3 %}a{% endif %}{% if nested contains 3 %}b{% endif %}",
    "{% if drop contains 'title' %}a{% else %}b{% endif %}",
    "{% if h.h.x == nil %}a{% endif %}{% if h.nope.deeper == nil %}b{% endif %}",
    # loops
    "{% for x in a %}{{ forloop.index }}{{ forloop.index0 }}{{ forloop.rindex }}{{ forloop.rindex0 }}{{ forloop.first }}{{ forloop.last }}{{ forloop.length }},{% endfor %}",
    "{% for x in a %}{% for y in (1..2) %}{{ forloop.parentloop.index }}{{ forloop.index }} {% endfor %}{% endfor %}",
    "{{ forloop.index }}|{% for x in (1..1) %}{{ forloop.parentloop }}|{{ forloop.name }}{% endfor %}",
    "{% for x in a limit: 2 %}{{ x }}{% endfor %}|{% for x in a offset: 3 %}{{ x }}{% endfor %}|{% for x in a limit: 0 %}{{ x }}{% endfor %}",
    "{% for x in a offset: 2 limit: 2 reversed %}{{ x }}{% endfor %}",
    "{% for x in a limit: 2 %}{{ x }}{% endfor %}|{% for x in a offset: continue limit: 2 %}{{ x }}{% endfor %}|{% for x in a offset: continue %}{{ x }}{% endfor %}",
    "{% for x in a offset: -2 %}{{ x }}{% endfor %}|{% for x in a limit: -1 %}{{ x }}{% endfor %}",
    "{% for x in a limit: '2' %}{{ x }}{% endfor %}|{% for x in a limit: none %}{{ x }}{% endfor %}",
    "{% for x in a limit: 'x' %}{{ x }}{% endfor %}",
    "{% for x in a limit: 1.5 %}{{ x }}{% endfor %}",
    "{% for x in (1..3) reversed %}{{ x }}{% endfor %}|{% for x in (3..1) %}{{ x }}{% else %}none{% endfor %}",
    "{% for x in ('1'..'3') %}{{ x }}{% endfor %}|{% for x in (i..9) %}{{ x }}{% endfor %}|{% for x in (none..2) %}{{ x }}{% endfor %}",
    "{% for x in (f..3) %}{{ x }}{% endfor %}",
    "{% for x in h %}{{ x[0] }}={{ x[1] }};{% endfor %}",
    "{% for x in h %}{{ x }};{% endfor %}",
    "{% for x in drop %}{{ x }};{% endfor %}",
    "{% for x in s %}[{{ x }}]{% endfor %}|{% for x in empty %}[{{ x }}]{% else %}e{% endfor %}",
    "{% for x in i %}[{{ x }}]{% else %}e{% endfor %}|{% for x in none %}x{% else %}n{% endfor %}",
    "{% for x in a %}{% if x == 2 %}{% continue %}{% endif %}{% if x == 4 %}{% break %}{% endif %}{{ x }}{% endfor %}",
    "{% for x in a %}{% for y in a %}{% if y == 2 %}{% break %}{% endif %}{{ x }}{{ y }} {% endfor %}{% endfor %}",
    "{% for x in a %}{{ x }}{% endfor %}{{ x }}",
    "{% assign x = 'outer' %}{% for x in a limit:1 %}{% assign x = 'in' %}{{ x }}{% endfor %}{{ x }}",
    "{% for x in a %}{% assign last = x %}{% endfor %}{{ last }}",
    "{% for x in a %}{% capture c %}{{ c }}{{ x }}{% endcapture %}{% endfor %}{{ c }}",
    "{% break %}after",
    "{% if true %}a{% continue %}b{% endif %}c",
    "{% for x in a %}{{ x }}{% cycle 'odd', 'even' %} {% endfor %}",
    "{% for x in a %}{% cycle 'a', 'b', 'c' %}{% cycle 'a', 'b', 'c' %}{% endfor %}",
    "{% for x in a %}{% cycle 'g1': 'a', 'b' %}{% cycle 'g2': 'a', 'b' %}{% endfor %}",
    "{% for x in a %}{% cycle x, 'b' %}{% endfor %}",
    "{% for x in a %}{% cycle f, i %}{% endfor %}",
    "{% tablerow x in a cols:2 %}{{ x }}{% endtablerow %}",
    "{% tablerow x in a %}{{ x }}{% endtablerow %}",
    "{% tablerow x in a cols:2 limit:3 offset:1 %}{{ tablerowloop.col }}{{ tablerowloop.row }}{{ tablerowloop.col_first }}{{ tablerowloop.col_last }}{{ tablerowloop.index }}{% endtablerow %}",
    "{% tablerow x in none %}{{ x }}{% endtablerow %}|{% tablerow x in empty %}{{ x }}{% endtablerow %}",
    "{% tablerow x in h cols:1 %}{{ x[0] }}{% endtablerow %}",
    "{% tablerow x in (1..3) cols:'2' %}{{ x }}{% endtablerow %}",
    "{% tablerow x in a cols:2 %}{{ forloop.index }}{{ tablerowloop.length }}{% endtablerow %}",
    # capture, increments, assign scope
    "{% capture c %}{% for x in a %}{{ x }}{% endfor %}{% endcapture %}{{ c | size }}",
    "{% increment n %}{% increment n %}{% decrement n %}{% decrement n %}{% increment n %}",
    "{% increment i %}{{ i }}|{% decrement i %}",
    "{% assign h2 = h %}{{ h2.k }}",
    "{% assign e = empty %}{{ e.size }}{% if e == empty %}y{% endif %}",
    "{% assign lst = '' | split: '' %}{{ lst.size }}{% if lst == empty %}y{% endif %}",
    "{% assign x = a | where: 'k', none %}{{ x }}",
]

CASES = register([Case(f"values-{i}", template, V) for i, template in enumerate(TEMPLATES)])


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_same_as_ruby(case: Case, ruby_results: dict[str, dict[str, Any]]) -> None:
    python = render_case(case)
    ruby = ruby_results[case.id]
    assert same(python, ruby), f"{case.template!r}\npython: {python}\nruby:   {ruby}"
