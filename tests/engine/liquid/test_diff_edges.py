"""Python against Ruby: corner cases of scoping, loops, drops and lookups."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from .fakes import Drop, render_case, same
from .ruby import Case, register

V: dict[str, Any] = {
    "a": [1, 2, 3],
    "h": {
        "b": {"c": "deep"},
        "b.c": "dotted",
        "key": "b",
        "list": [{"x": 1}, {"x": 2}],
        "1": "one",
    },
    "drop": Drop(
        {"title": "T", "nested": Drop({"x": "y"}), "list": [Drop({"n": 1}), Drop({"n": 2})]}
    ),
    "count": 5,
    "text": "3",
    "now": datetime(2021, 3, 4, 5, 6, 7, tzinfo=UTC),
}

TEMPLATES = [
    "{% for x in a %}{{ forloop }}{% endfor %}",
    "{% tablerow x in a %}{{ tablerowloop }}{% endtablerow %}",
    "{% for x in a %}{{ forloop | jsonify }}{% endfor %}",
    "{{ h.b.c }}|{{ h['b.c'] }}|{{ h[h.key].c }}|{{ h['b']['c'] }}|{{ h.list[1].x }}|{{ h.list.last.x }}",
    "{{ h['1'] }}|{{ h[1] }}",
    "{{ drop.nested.x }}|{{ drop.list[0].n }}|{{ drop.list | map: 'n' | join: ',' }}|{{ drop.list.size }}",
    "{{ drop | jsonify }}",
    "{{ drop.list | where: 'n', 2 | map: 'n' }}|{{ drop.list | sort: 'n' | map: 'n' | join }}",
    "{% for x in (1..text) %}{{ x }}{% endfor %}|{% for x in (text..5) %}{{ x }}{% endfor %}",
    "{% for x in a %}{% capture c %}{{ x }}{% if x == 2 %}{% break %}{% endif %}after{% endcapture %}{% endfor %}{{ c }}",
    "{% increment count %}{% increment count %}{{ count }}",
    "{% decrement count %}{{ count }}",
    "{% for x in a %}{% cycle x, 'b' %}{% cycle x, 'b' %}{% endfor %}",
    "{% for x in a limit:1 %}{{ x }}{% endfor %}{% for y in a offset:continue %}{{ y }}{% endfor %}{% for x in a offset:continue %}{{ x }}{% endfor %}",
    "{% liquid\ncase count\nwhen 5\necho 'five'\nelse\necho 'other'\nendcase\n%}",
    "{% liquid\nif count > 2\n  unless false\n    echo count | plus: 1\n  endunless\nendif\n%}",
    "{% liquid assign x = 1\necho x %}",
    "{{ 'a' | append: 'b' | upcase | prepend: 'x' | split: '' | reverse | join: '-' }}",
    "{{ a | append: 'x' }}|{{ 'x' | prepend: a }}",
    "{% assign x = a %}{% assign x = x | push: 4 %}{{ a.size }}{{ x.size }}",
    "{% assign empty_list = '' | split: ',' %}{% for i in empty_list %}x{% else %}none{% endfor %}",
    "{% for i in (1..3) %}{% for j in (1..3) %}{% if j == 2 %}{% continue %}{% endif %}{{ i }}{{ j }} {% endfor %}{% endfor %}",
    "{% if count == 5 and text == '3' %}both{% endif %}{% if count == '5' %}str{% endif %}",
    "{% case text %}{% when 3 %}int{% when '3' %}str{% endcase %}",
    "{% case count %}{% when '5' %}str{% when 5.0 %}float{% endcase %}",
    "{{ now | date: '%Y' }}|{{ now.year }}|{{ now | size }}|{{ now | jsonify }}",
    "{% assign d = now | date: '%s' %}{{ d | date: '%F' }}",
    "{{ 'x' | default: nil }}|{{ nil | default: nil }}|{{ nil | default: false }}",
    "{{ 1 | plus: nil }}|{{ 'abc' | slice: 1, nil }}",
    "{{ a | first | plus: 10 }}|{{ a.first | plus: 10 }}",
    "{{ a[0] }}{{ a[-4] }}{{ a[3] }}",
    "{{ h.list | map: 'x' | sum }}",
    "{{ 'a b c' | split: ' ' | last }}|{{ 'a,b' | split: ',' | first | upcase }}",
    "{% assign n = 0 %}{% for i in (1..4) %}{% assign n = n | plus: i %}{% endfor %}{{ n }}",
    "{% for i in (1..2) %}{% assign inner = i %}{% endfor %}{{ inner }}|{{ i }}",
    "{% capture x %}{% increment k %}{% increment k %}{% endcapture %}{{ x }}{% increment k %}",
    "{% if a.size > 2 and a.first == 1 or false %}y{% endif %}",
    "{{ '  x  ' | strip | size }}{{ 'x' | size | plus: 1 }}",
    "{% for k in h.b %}{{ k[0] }}{{ k.last }}{% endfor %}",
    "{% assign s = 'a' %}{% case s %}{% when 'a' or 'b', 'a' %}A{% endcase %}",
    "[{% comment %} {% assign hidden = 1 %} {% endcomment %}{{ hidden }}]",
    "{% raw %}{{{% endraw %}x{% raw %}}}{% endraw %}",
    "{{ '{{' }}{{ '}' }}",
    "a{{ 'x' -}}\n  b{%- if true %}\n{% endif -%}\n c",
]

CASES = register([Case(f"edges-{i}", template, V) for i, template in enumerate(TEMPLATES)])


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_same_as_ruby(case: Case, ruby_results: dict[str, dict[str, Any]]) -> None:
    python = render_case(case)
    ruby = ruby_results[case.id]
    assert same(python, ruby), f"{case.template!r}\npython: {python}\nruby:   {ruby}"
