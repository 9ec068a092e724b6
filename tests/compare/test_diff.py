"""diff.py: token similarity (exact for pages, bounded in time for huge ones) and readable diffs."""

from __future__ import annotations

import random
import time
from difflib import SequenceMatcher

from .diff import EXACT_BUDGET, common_ends, first_differences, similarity


def test_common_ends_never_overlap() -> None:
    assert common_ends("abcxyz", "abcQxyz") == (3, 3)
    assert common_ends("aaa", "aa") == (2, 0)
    assert common_ends("", "abc") == (0, 0)


def test_similarity_is_difflibs_ratio_on_tokens() -> None:
    a = ["the", "cat", "sat", "on", "the", "mat", "today"]
    b = ["the", "dog", "sat", "on", "the", "mat"]
    assert similarity(a, a) == 1.0
    assert similarity([], []) == 1.0
    assert similarity(a, []) == 0.0
    assert similarity(a, b) == SequenceMatcher(None, a, b, autojunk=False).ratio()


def test_frequent_tokens_still_match_when_exact() -> None:
    a = ["the", "x"] * 150  # difflib's autojunk would drop "the" as popular
    b = ["the", "y"] * 150
    assert similarity(a, b) == 0.5


def test_huge_unrelated_sequences_stay_fast() -> None:
    rng = random.Random(7)
    vocab = [f"w{i}" for i in range(3000)]
    weights = [1 / (i + 1) for i in range(3000)]
    for size in (5_000, 10_000):
        a, b = rng.choices(vocab, weights, k=size), rng.choices(vocab, weights, k=size)
        start = time.perf_counter()
        ratio = similarity(a, b)
        assert time.perf_counter() - start < 5
        assert 0.0 <= ratio < 0.2
    assert EXACT_BUDGET < 10_000 * 10_000  # the second size took the bounded path


def test_first_differences_show_each_side_with_context() -> None:
    a = ["one", "two", "three", "four", "five", "six", "seven"]
    b = ["one", "two", "THREE", "four", "five", "six", "seven", "eight"]
    text = first_differences(a, b, context=2)
    assert text.splitlines() == [
        "ours (7 tokens) vs jekyll (8 tokens):",
        "  ours   @2: …one two [three] four five…",
        "  jekyll @2: …one two [THREE] four five…",
        "  ours   @7: …six seven [] …",
        "  jekyll @7: …six seven [eight] …",
    ]
    assert first_differences(a, a) == ""


def test_first_differences_are_limited_and_clipped() -> None:
    a = [f"t{i}" for i in range(100)]
    b = list(a)
    for i in (10, 30, 50, 70):
        b[i] = "X"
    b[80:80] = ["new"] * 20
    text = first_differences(a, b, limit=2, labels=("a", "b"))
    assert text.count("[X]") == 2
    assert "… and 3 more differences" in text
    assert "(+8)" in first_differences(a, b, limit=10)  # 20 inserted tokens, 12 shown
