"""Python against Ruby: Liquid's standard filters, edge cases included."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from .fakes import Drop, render_case, same
from .ruby import Case, register

V: dict[str, Any] = {
    "a": [3, 1, 2],
    "words": ["b", "A", "c", "a", "B"],
    "mixed": [1, "a"],
    "withnil": ["b", None, "a"],
    "nums": [10, 2.5, -1, 3],
    "nested": [[1, [2, None]], "x", [None]],
    "posts": [
        {"title": "B", "n": 2, "cat": "x"},
        {"title": "a", "n": 10, "cat": None},
        {"title": "C", "cat": "x"},
        {"title": "a", "n": 1, "cat": "y"},
    ],
    "h": {"k": "v", "n": 1},
    "drop": Drop({"title": "T", "url": "/t/"}),
    "s": "  Hello, World!  ",
    "html": "<p>One <b>two</b></p><script>x()</script><!-- c --><style>p{}</style>three",
    "none": None,
    "t": True,
    "time": datetime(2008, 10, 18, 9, 30, 5, 123456, tzinfo=timezone(timedelta(hours=-5))),
    "utc": datetime(2020, 1, 5, 13, 4, 5, tzinfo=UTC),
    "day": date(2023, 6, 7),
    "unicode": "Ünïcödé ß ǆ",
}

TEMPLATES = [
    # strings
    "{{ s | strip }}|{{ s | lstrip }}|{{ s | rstrip }}|{{ none | strip }}",
    "{{ s | upcase }}|{{ s | downcase }}|{{ 'hELLO wORLD' | capitalize }}|{{ unicode | upcase }}|{{ unicode | capitalize }}",
    "{{ t | upcase }}|{{ 1.5 | upcase }}|{{ a | upcase }}|{{ none | upcase }}",
    "{{ '<a href=\"x\">\\'&</a>' | escape }}|{{ none | escape }}|{{ 1 | escape }}",
    "{{ '&amp; &lt; & &#39; &foo; &#x27; <\"' | escape_once }}",
    "{{ 'a b&c/d?é~*' | url_encode }}|{{ 'a+b%20c%ZZ' | url_decode }}|{{ none | url_encode }}",
    "{{ 'hello' | base64_encode }}|{{ 'aGVsbG8=' | base64_decode }}|{{ 'aGVsbG8' | base64_url_safe_decode }}|{{ '???' | base64_url_safe_encode }}",
    "{{ 'aGVsbG8' | base64_decode }}",
    "{{ 'abcdef' | slice: 1 }}|{{ 'abcdef' | slice: 1, 3 }}|{{ 'abcdef' | slice: -2 }}|{{ 'abcdef' | slice: -2, 5 }}|{{ 'abcdef' | slice: 6 }}|{{ 'abcdef' | slice: 7 }}|{{ 'abcdef' | slice: -7 }}",
    "{{ a | slice: 1, 2 }}|{{ a | slice: -1 }}|{{ a | slice: 5 }}|{{ a | slice: 0, -1 }}|{{ a | slice: '1' }}|{{ 12345 | slice: 1, 2 }}",
    "{{ 'abc' | slice: 1.5 }}",
    "{{ 'abc' | slice: none }}",
    "{{ 'abc' | slice: ' 1 ' }}|{{ 'abcdefghijklmnop' | slice: '0x3' }}|{{ 'abcdefghij' | slice: '010' }}",
    "{{ 'Ground control to Major Tom.' | truncate: 20 }}|{{ 'abc' | truncate: 3 }}|{{ 'abcd' | truncate: 3 }}|{{ 'abcdef' | truncate: 5, '' }}|{{ 'abcdef' | truncate: 2, '...' }}|{{ none | truncate: 2 }}",
    "{{ 'Ground control to Major Tom.' | truncatewords: 3 }}|{{ 'a  b   c' | truncatewords: 2 }}|{{ ' a b ' | truncatewords: 5 }}|{{ 'a b c' | truncatewords: 0 }}|{{ 'a b c' | truncatewords: 2, '--' }}",
    "{{ 'one\ttwo\nthree four' | truncatewords: 3 }}|{{ 'a b c d' | truncatewords: -1 }}",
    "{{ 'a,b,,c,,' | split: ',' | join: '|' }}|{{ ' a  b ' | split: ' ' | join: '|' }}|{{ 'abc' | split: '' | join: '|' }}|{{ '' | split: ',' | size }}|{{ 'abc' | split: 'abc' | size }}",
    "{{ 'a1b2c' | split: none | join: '|' }}|{{ 'a  b' | split: '  ' | join: '|' }}|{{ 5 | split: '' | join: '|' }}|{{ ',a' | split: ',' | size }}",
    "{{ html | strip_html }}|{{ 'a<b' | strip_html }}|{{ '<p\nclass=x>y</p>' | strip_html }}|{{ '<SCRIPT>x</SCRIPT>y' | strip_html }}",
    "{{ 'a\nb\r\nc' | strip_newlines }}|{{ 'a\nb\r\nc\r' | newline_to_br }}",
    "{{ 'aXbXc' | replace: 'X', '-' }}|{{ 'aXbXc' | replace_first: 'X', '-' }}|{{ 'aXbXc' | replace_last: 'X', '-' }}|{{ 'abc' | replace: '', '-' }}|{{ 'abc' | replace_first: '', '-' }}",
    "{{ 'aXb' | replace: 'X', '\\\\' }}|{{ 'aXb' | replace: 'X', '[\\0]' }}|{{ 'aXb' | replace: 'X', '\\&\\&' }}|{{ 'aXb' | replace: 'X', '\\1' }}|{{ 'aXb' | replace: 'X', '\\`' }}|{{ 'aXb' | replace: 'X', \"\\\\'\" }}",
    "{{ 'a\\\\b' | replace: '\\\\', '\\\\\\\\' }}|{{ 'a.b' | replace_first: '.', '\\\\.' }}|{{ 'aXb' | replace_last: 'X', '\\0' }}",
    "{{ 'aXbXc' | remove: 'X' }}|{{ 'aXbXc' | remove_first: 'X' }}|{{ 'aXbXc' | remove_last: 'X' }}|{{ 'Xa' | remove_last: 'X' }}|{{ 'abc' | remove: none }}",
    "{{ 'a' | append: 'b' }}|{{ 'a' | prepend: 'b' }}|{{ none | append: none }}|{{ 1 | plus: 1 | append: 1 }}|{{ 'a' | append: a }}",
    "{{ 'a' | append }}",
    "{{ s | size }}|{{ a | size }}|{{ h | size }}|{{ none | size }}|{{ 5 | size }}|{{ 1.5 | size }}|{{ t | size }}|{{ (1..5) | size }}|{{ drop | size }}|{{ time | size }}",
    # numbers
    "{{ 1 | plus: 2 }}|{{ '1' | plus: '2' }}|{{ '1.5' | plus: 1 }}|{{ 1.5 | plus: 1 }}|{{ 0.1 | plus: 0.2 }}|{{ 'abc' | plus: 1 }}|{{ none | plus: 1 }}|{{ t | plus: 1 }}|{{ a | plus: 1 }}",
    "{{ 5 | minus: 7 }}|{{ 5.5 | minus: 0.1 }}|{{ 3 | times: 1.1 }}|{{ 3 | times: '2' }}|{{ '3.0' | times: 2 }}|{{ 2 | times: 0.5 }}",
    "{{ 7 | divided_by: 2 }}|{{ -7 | divided_by: 2 }}|{{ 7 | divided_by: 2.0 }}|{{ 7.0 | divided_by: 2 }}|{{ 10 | divided_by: 3.0 }}|{{ 2 | divided_by: 3.0 }}|{{ '9' | divided_by: '2' }}",
    "{{ 7 | divided_by: 0 }}",
    "{{ 7.5 | divided_by: 0 }}|{{ -7.5 | divided_by: 0 }}|{{ 0.0 | divided_by: 0 }}",
    "{{ 7 | modulo: 3 }}|{{ -7 | modulo: 3 }}|{{ 7 | modulo: -3 }}|{{ 7.5 | modulo: 2 }}|{{ -7.5 | modulo: 2 }}|{{ 10 | modulo: 3.5 }}",
    "{{ 7 | modulo: 0 }}",
    "{{ 2.5 | round }}|{{ 3.5 | round }}|{{ -2.5 | round }}|{{ 2.675 | round: 2 }}|{{ 1234 | round: -2 }}|{{ 1250 | round: -2 }}|{{ 3 | round: 2 }}|{{ '2.5' | round }}|{{ 2.5 | round: '0' }}|{{ 1234.5 | round: -2 }}|{{ 1.23456 | round: 3 }}|{{ 2 | round: 1.7 }}",
    "{{ 1.2 | ceil }}|{{ -1.2 | ceil }}|{{ 1.8 | floor }}|{{ -1.2 | floor }}|{{ '3.7' | floor }}|{{ 5 | ceil }}|{{ 'x' | ceil }}",
    "{{ 5 | at_least: 7 }}|{{ 5 | at_least: 3 }}|{{ 5 | at_least: 7.5 }}|{{ 5.0 | at_most: 7 }}|{{ 5 | at_most: '3' }}|{{ 'x' | at_least: 1 }}",
    "{{ -3 | abs }}|{{ -3.5 | abs }}|{{ '-4' | abs }}|{{ 'x' | abs }}",
    "{{ 1e3 | plus: 0 }}|{{ '1e3' | plus: 0 }}|{{ '1_000' | plus: 0 }}|{{ ' 2 ' | plus: 1 }}|{{ '1.5.5' | plus: 1 }}|{{ '.5' | plus: 1 }}",
    "{{ 9007199254740993 | plus: 1 }}|{{ 123456789012345678901234567890 | times: 10 }}",
    # arrays
    "{{ a | join }}|{{ a | join: ', ' }}|{{ nested | join: '-' }}|{{ h | join: ',' }}|{{ 'str' | join: ',' }}|{{ none | join: ',' }}|{{ drop | join: ',' }}",
    "{{ a | first }}|{{ a | last }}|{{ 'abc' | first }}|{{ 'abc' | last }}|{{ h | first }}|{{ h | last }}|{{ none | first }}|{{ (1..3) | first }}|{{ (1..3) | last }}",
    "{{ a | sort | join: ',' }}|{{ words | sort | join: ',' }}|{{ nums | sort | join: ',' }}|{{ 'cba' | sort }}",
    "{{ mixed | sort }}",
    "{{ withnil | sort | join: ',' }}",
    "{{ none | sort }}",
    "{{ h | sort }}|{{ (3..1) | sort }}",
    "{{ posts | sort: 'title' | map: 'title' | join: ',' }}|{{ posts | sort: 'n' | map: 'title' | join: ',' }}|{{ posts | sort: 'n', 'last' | map: 'title' | join: ',' }}",
    "{{ posts | sort: 'cat' | map: 'title' | join: ',' }}|{{ posts | sort: 'missing' | map: 'title' | join: ',' }}",
    "{{ posts | sort: 'n', 'middle' }}",
    "{{ words | sort_natural | join: ',' }}|{{ withnil | sort_natural | join: ',' }}|{{ posts | sort_natural: 'title' | map: 'title' | join: ',' }}|{{ mixed | sort_natural | join: ',' }}",
    "{{ posts | sort_natural: 'cat' | map: 'title' | join: ',' }}|{{ a | sort_natural: 'x' }}",
    "{{ words | uniq | join: ',' }}|{{ [1, 1.0] | uniq }}|{{ posts | uniq: 'title' | map: 'n' | join: ',' }}|{{ nested | uniq | join: ',' }}",
    "{{ withnil | compact | join: ',' }}|{{ posts | compact: 'n' | map: 'title' | join: ',' }}|{{ posts | compact: 'cat' | size }}",
    "{{ a | reverse | join: ',' }}|{{ 'abc' | reverse }}|{{ nested | reverse | join: ',' }}|{{ h | reverse }}",
    "{{ posts | map: 'title' | join: ',' }}|{{ posts | map: 'n' | join: ',' }}|{{ h | map: 'k' }}|{{ words | map: 'a' | join: ',' }}",
    "{{ a | map: 'x' }}",
    "{{ nested | map: 'x' }}",
    "{{ posts | map: 'title' | map: 'size' | join: ',' }}|{{ withnil | map: 'a' | join: ',' }}",
    "{{ a | concat: words | join: ',' }}|{{ nested | concat: nested | size }}|{{ none | concat: a | join: ',' }}",
    "{{ a | concat: 'x' }}",
    "{{ posts | where: 'cat', 'x' | map: 'title' | join: ',' }}|{{ posts | where: 'n' | map: 'title' | join: ',' }}",
    "{{ posts | where: 'n', 2 | map: 'title' | join: ',' }}|{{ posts | where: 'n', '2' | map: 'title' | join: ',' }}|{{ posts | where: 'cat', nil | map: 'title' | join: ',' }}",
    # default / date
    "{{ none | default: 'd' }}|{{ '' | default: 'd' }}|{{ a | default: 'd' }}|{{ 0 | default: 'd' }}|{{ t | default: 'd' }}|{{ '' | default }}|{{ h | default: 'd' }}|{{ ' ' | default: 'd' }}",
    "{{ none | default: 'd', allow_false: false }}|{{ false | default: 'd', allow_false: nil }}|{{ none | default: allow_false: true }}",
    "{{ '[]' | split: ',' | default: 'd' }}|{{ '' | split: ',' | default: 'd' }}",
    "{{ time | date: '%Y-%m-%d %H:%M:%S %z' }}|{{ utc | date: '%c' }}|{{ day | date: '%d %b %Y %H %z %Z %s' }}",
    "{{ time | date: '%-d %e %-m %l %P %p %s %N %L %:z %^a %j %U %W %Z %y %C %I %k %u %w %G %V %g %3N %F %T %D %R %r %%' }}",
    "{{ utc | date: '%Z %z %::z' }}|{{ time | date: '%v %^B %#b %-y %_d %010A %Q %+ %E %O %Ey %Od' }}",
    "{{ '1900-01-01' | date: '%Y %B' }}|{{ '2020-02-30' | date: '%F' }}|{{ '2020-13-45' | date: '%F' }}|{{ 'hello' | date: '%F' }}",
    "{{ 0 | date: '%F %T %z' }}|{{ '0' | date: '%F' }}|{{ 1700000000 | date: '%c' }}|{{ '1700000000' | date: '%s' }}|{{ 1.5 | date: '%F' }}",
    "{{ 'Jan 2, 2020' | date: '%F' }}|{{ '2 January 2020 10:00' | date: '%F %R' }}|{{ '2020/01/02' | date: '%F' }}|{{ '01/02/2020' | date: '%F' }}|{{ '2020-01-02T10:00:00Z' | date: '%F %T %z' }}",
    "{{ 'Thu, 02 Jan 2020 10:00:00 -0500' | date: '%F %T %z' }}|{{ '2020-01-02 10:20:30.123 +05:30' | date: '%F %T.%L %z' }}|{{ '20200102' | date: '%F' }}|{{ '2010-10-10 10:10 PM' | date: '%R' }}",
    "{{ 'August 5th 2019' | date: '%F' }}|{{ '3rd Feb 2001' | date: '%F' }}|{{ 'May 2020' | date: '%F' }}|{{ '10/11/12' | date: '%F' }}|{{ '99-01-01' | date: '%F' }}|{{ '2020-1-2' | date: '%F' }}",
    "{{ none | date: '%F' }}|{{ '' | date: '%F' }}|{{ time | date: '' }}|{{ time | date: none }}|{{ a | date: '%F' }}",
    "{{ time | date }}",
]

CASES = register([Case(f"filters-{i}", template, V) for i, template in enumerate(TEMPLATES)])


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_same_as_ruby(case: Case, ruby_results: dict[str, dict[str, Any]]) -> None:
    python = render_case(case)
    ruby = ruby_results[case.id]
    assert same(python, ruby), f"{case.template!r}\npython: {python}\nruby:   {ruby}"
