"""Where a Ruby pattern is replaced by a linear-time equivalent, the two agree (property tests
against the original regular expression)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from handler.engine.liquid.filters.strings import strip_html
from handler.engine.liquid.lexer import _TEMPLATE, _pieces
from handler.engine.liquid.markup import (
    QUOTED_FRAGMENT,
    TAG_ATTRIBUTES,
    VARIABLE_SIGNATURE,
    scan_attributes,
)
from handler.engine.liquid.tags.include import _FULL_VALID, _VALID, _VARIABLE_FILE
from handler.engine.liquid.tags.table import _TABLEROW
from handler.engine.liquid.tags.variables import _assign_match


def texts(alphabet: list[str]) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(alphabet), max_size=16).map("".join)


@settings(max_examples=800, deadline=None)
@given(texts(["{", "}", "%", "{{", "}}", "{%", "%}", "a", "\n", "-"]))
def test_template_split(source: str) -> None:
    expected: list[tuple[int, str]] = []
    position = 0
    for match in _TEMPLATE.finditer(source):
        if match.start() > position:
            expected.append((position, source[position : match.start()]))
        expected.append((match.start(), match.group(0)))
        position = match.end()
    if position < len(source):
        expected.append((position, source[position:]))
    assert _pieces(source) == expected


@settings(max_examples=800, deadline=None)
@given(texts(["a", "b-c", ":", " ", "-", "'x'", '"', ",", "|", "1", "_"]))
def test_tag_attributes(markup: str) -> None:
    assert scan_attributes(markup) == TAG_ATTRIBUTES.findall(markup)


@settings(max_examples=800, deadline=None)
@given(texts(["a", "=", " ", "(", ")", ".", "[", "]", "-", "x y", "|"]))
def test_assign(markup: str) -> None:
    original = re.compile(rf"({VARIABLE_SIGNATURE}+)\s*=\s*(.*)\s*", re.ASCII | re.S).search(markup)
    ours = _assign_match(markup)
    assert (original and original.groups()) == (ours and ours.groups())


@settings(max_examples=800, deadline=None)
@given(texts(["a", " in ", "in", " ", "x", "'q'", "b1", "-"]))
def test_tablerow(markup: str) -> None:
    original = re.compile(rf"(\w+)\s+in\s+({QUOTED_FRAGMENT}+)", re.ASCII).search(markup)
    ours = _TABLEROW.search(markup)
    assert (original and original.groups()) == (ours and ours.groups())


@settings(max_examples=800, deadline=None)
@given(texts(["a", "=", " ", '"', "'", "\\", ".", "-", "b", "x=y", "\n"]))
def test_include_parameters(markup: str) -> None:
    original = re.compile(rf"\A\s*(?:{_VALID}(?=\s|\Z)\s*)*\Z", re.ASCII)
    assert bool(original.match(markup)) == bool(_FULL_VALID.match(markup))


@settings(max_examples=800, deadline=None)
@given(texts(["{{", "}}", "{", "}", " a ", "|", "x", " ", "b.c"]))
def test_include_variable_file(markup: str) -> None:
    original = re.compile(
        r"(?P<variable>[^{]*(\{\{\s*[\w\-.]+\s*(\|.*)?\}\}[^\s{}]*)+)(?P<params>.*)",
        re.ASCII | re.S,
    ).search(markup)
    ours = _VARIABLE_FILE.search(markup)
    assert (original and original.groupdict()) == (ours and ours.groupdict())


@settings(max_examples=800, deadline=None)
@given(texts(["<", ">", "<script", "</script>", "<!--", "-->", "<style", "</style>", "a", "\n"]))
def test_strip_html(text: str) -> None:
    blocks = re.compile(r"<script.*?</script>|<!--.*?-->|<style.*?</style>", re.S)
    expected = re.sub(r"<.*?>", "", blocks.sub("", text), flags=re.S)
    assert strip_html(text) == expected
