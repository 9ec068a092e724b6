"""One correction to libsass's source map so it matches the one Jekyll gets.

libsass caches a file it imported from disk: imported twice, it is parsed and listed in the map's
``sources`` once. Content from a custom importer is not cached: each import of the same file is
registered again, appended to ``sources`` (and ``sourcesContent``) and parsed again, but the CSS
and the mappings come from the first parse (libsass keeps the first stylesheet per path). So the
map differs only by unused repeated entries: :func:`drop_repeated_sources` removes them and
renumbers the source indices in ``mappings``, editing the JSON text in place so everything else
keeps libsass's exact formatting and escaping.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

__all__ = ["drop_repeated_sources", "renumber_sources", "vlq_decode", "vlq_encode"]

_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_B64_INDEX = {ch: i for i, ch in enumerate(_B64)}
_DECODER = json.JSONDecoder()
_SEGMENT = re.compile(r"[A-Za-z0-9+/]+")
#: One VLQ value: continuation digits (bit 5 set: g-z, 0-9, +, /) then a final digit (A-Z, a-f).
_VALUE = re.compile(r"[g-z0-9+/]*[A-Za-f]")


@lru_cache(maxsize=4096)
def vlq_decode(token: str) -> int:
    """One base64 VLQ value."""
    value = shift = 0
    for ch in token:
        digit = _B64_INDEX[ch]
        value += (digit & 31) << shift
        shift += 5
    return -(value >> 1) if value & 1 else value >> 1


@lru_cache(maxsize=4096)
def vlq_encode(number: int) -> str:
    """The inverse of :func:`vlq_decode`."""
    vlq = (-number << 1) | 1 if number < 0 else number << 1
    out = []
    while True:
        digit = vlq & 31
        vlq >>= 5
        out.append(_B64[digit | 32] if vlq else _B64[digit])
        if not vlq:
            return "".join(out)


def renumber_sources(mappings: str, renumber: list[int]) -> str:
    """``mappings`` with every source index ``i`` replaced by ``renumber[i]``.

    Only the source field (the second value of a segment, a delta from the previous segment's
    source) changes; segments whose delta stays the same are kept as written.
    """
    state = {"old": 0, "new": 0}

    def fix(match: re.Match[str]) -> str:
        segment = match.group()
        values = _VALUE.findall(segment)
        if len(values) < 4:
            return segment
        old = state["old"] + vlq_decode(values[1])
        new = renumber[old]
        delta = new - state["new"]
        state["old"], state["new"] = old, new
        if delta == vlq_decode(values[1]):
            return segment
        values[1] = vlq_encode(delta)
        return "".join(values)

    return _SEGMENT.sub(fix, mappings)


def _array_elements(text: str, key: str) -> tuple[int, list[tuple[int, int]]] | None:
    """Spans of the string elements of the top-level array ``key`` (and where its ``[`` is)."""
    marker = f'"{key}": ['
    start = text.find(marker)
    if start < 0:
        return None
    pos = start + len(marker)
    spans: list[tuple[int, int]] = []
    while True:
        while text[pos] in " \t\r\n":
            pos += 1
        if text[pos] == "]":
            return start, spans
        _value, end = _DECODER.raw_decode(text, pos)
        spans.append((pos, end))
        pos = end
        while text[pos] in " \t\r\n":
            pos += 1
        if text[pos] == ",":
            pos += 1


def _drop_elements(text: str, key: str, drop: set[int]) -> str:
    found = _array_elements(text, key)
    if found is None:
        return text
    _start, spans = found
    for index in sorted(drop, reverse=True):
        if 0 < index < len(spans):
            text = text[: spans[index - 1][1]] + text[spans[index][1] :]
    return text


def drop_repeated_sources(source_map: str) -> str:
    """Remove repeated ``sources`` entries (and their ``sourcesContent``), renumbering mappings."""
    data = json.loads(source_map)
    sources = data.get("sources")
    if not isinstance(sources, list):
        return source_map
    first: dict[str, int] = {}
    renumber: list[int] = []
    drop: set[int] = set()
    for index, name in enumerate(sources):
        key = str(name)
        if key in first:
            drop.add(index)
            renumber.append(renumber[first[key]])
        else:
            first[key] = index
            renumber.append(len(first) - 1)
    if not drop:
        return source_map
    mappings = renumber_sources(str(data.get("mappings", "")), renumber)
    text = _drop_elements(source_map, "sourcesContent", drop)
    text = _drop_elements(text, "sources", drop)
    marker = '"mappings": '
    at = text.rfind(marker)
    if at >= 0:
        _old, end = _DECODER.raw_decode(text, at + len(marker))
        text = text[: at + len(marker)] + json.dumps(mappings) + text[end:]
    return text
