"""Similarity of two token sequences, and a readable account of where they first differ.

Pages that differ at all usually share a long head (masthead, navigation) and tail (footer), so
the common prefix and suffix are matched outright and only the middle goes to difflib's
``SequenceMatcher`` (``autojunk=False``: frequent words such as "the" still count). A middle too
big for an exact match in good time (``EXACT_BUDGET`` token pairs) is matched with difflib's
``autojunk`` heuristic instead, which can only under-count matches: a ratio never flatters.
"""

from __future__ import annotations

from collections.abc import Sequence
from difflib import SequenceMatcher

EXACT_BUDGET = 25_000_000  # len(a) * len(b) of the middles; two 5,000-word pages
CLIP = 12  # tokens shown of one changed run


def common_ends(a: Sequence[str], b: Sequence[str]) -> tuple[int, int]:
    """Lengths of the common prefix and of the common suffix (not overlapping it)."""
    shortest = min(len(a), len(b))
    start = 0
    while start < shortest and a[start] == b[start]:
        start += 1
    end = 0
    while end < shortest - start and a[-1 - end] == b[-1 - end]:
        end += 1
    return start, end


def matcher(a: Sequence[str], b: Sequence[str]) -> SequenceMatcher[str]:
    exact = len(a) * len(b) <= EXACT_BUDGET
    return SequenceMatcher(None, a, b, autojunk=not exact)


def similarity(a: Sequence[str], b: Sequence[str]) -> float:
    """``2 * matches / (len(a) + len(b))``, as difflib's ratio; 1.0 for two empty sequences."""
    if a == b:
        return 1.0
    start, end = common_ends(a, b)
    middle_a, middle_b = a[start : len(a) - end], b[start : len(b) - end]
    matched = start + end
    if middle_a and middle_b:
        matched += sum(block.size for block in matcher(middle_a, middle_b).get_matching_blocks())
    return 2.0 * matched / (len(a) + len(b))


def clip(tokens: Sequence[str]) -> str:
    shown = " ".join(tokens[:CLIP])
    return shown + (f" … (+{len(tokens) - CLIP})" if len(tokens) > CLIP else "")


def excerpt(tokens: Sequence[str], i1: int, i2: int, context: int) -> str:
    before = " ".join(tokens[max(0, i1 - context) : i1])
    after = " ".join(tokens[i2 : i2 + context])
    return f"…{before} [{clip(tokens[i1:i2])}] {after}…"


def describe(
    a: Sequence[str],
    b: Sequence[str],
    spans: tuple[int, int, int, int],
    context: int,
    labels: tuple[str, str],
) -> str:
    """One difference: each side's run in brackets, between the tokens around it."""
    i1, i2, j1, j2 = spans
    width = max(len(label) for label in labels)
    return (
        f"  {labels[0]:<{width}} @{i1}: {excerpt(a, i1, i2, context)}\n"
        f"  {labels[1]:<{width}} @{j1}: {excerpt(b, j1, j2, context)}"
    )


def first_differences(
    a: Sequence[str],
    b: Sequence[str],
    *,
    limit: int = 3,
    context: int = 6,
    labels: tuple[str, str] = ("ours", "jekyll"),
) -> str:
    """The first ``limit`` differing runs, one pair of lines each; "" if equal.

    Each line shows one side's run in brackets (``[]`` where that side has nothing), at the token
    index where it starts, with ``context`` tokens either side.
    """
    if a == b:
        return ""
    start, end = common_ends(a, b)
    middle = matcher(a[start : len(a) - end], b[start : len(b) - end])
    changes = [
        (i1 + start, i2 + start, j1 + start, j2 + start)
        for tag, i1, i2, j1, j2 in middle.get_opcodes()
        if tag != "equal"
    ]
    lines = [f"{labels[0]} ({len(a)} tokens) vs {labels[1]} ({len(b)} tokens):"]
    lines += [describe(a, b, spans, context, labels) for spans in changes[:limit]]
    if len(changes) > limit:
        lines.append(f"  … and {len(changes) - limit} more differences")
    return "\n".join(lines)
