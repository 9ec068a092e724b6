"""nu.py's pure parts: errors only ours has, and mapping the checker's URLs back to files."""

from __future__ import annotations

from pathlib import Path

from .nu import NuError, file_of, new_errors

DUPLICATE = "Duplicate ID “a”."
STRAY = "Stray end tag “div”."


def test_errors_match_by_message_not_line() -> None:
    ours = [NuError(10, DUPLICATE), NuError(40, STRAY)]
    theirs = [NuError(12, DUPLICATE)]
    assert new_errors(ours, theirs) == [NuError(40, STRAY)]
    assert new_errors(theirs, ours) == []
    assert new_errors([], theirs) == []


def test_by_count_reports_a_shared_mistake_made_more_often() -> None:
    ours = [NuError(1, DUPLICATE), NuError(2, DUPLICATE), NuError(3, DUPLICATE)]
    theirs = [NuError(5, DUPLICATE)]
    assert new_errors(ours, theirs) == []
    assert new_errors(ours, theirs, by_count=True) == [NuError(2, DUPLICATE), NuError(3, DUPLICATE)]


def test_errors_are_line_message_tuples() -> None:
    line, message = NuError(3, STRAY)
    assert (line, message) == (3, STRAY)


def test_checker_urls_map_back_to_files() -> None:
    assert file_of("file:/tmp/a%20b.html") == Path("/tmp/a b.html").resolve()
