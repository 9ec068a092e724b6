"""nu.py against the real checker: one JVM run for many documents, errors per document."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from .nu import NuCheckerError, NuError, check_documents, check_files, compare_documents

pytestmark = pytest.mark.slow

CLEAN = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ok</title></head>
<body><p>fine</p></body></html>
"""
DUPLICATE_ID = CLEAN.replace("<p>fine</p>", '<p id="a">x</p>\n<p id="a">y</p>')


def test_errors_per_document_with_lines(tmp_path: Path, nu_command: list[str]) -> None:
    found = check_documents(
        {"/clean/": CLEAN, "/bad/": DUPLICATE_ID.encode("utf-8")}, tmp_path, checker=nu_command
    )
    assert found == {"/clean/": [], "/bad/": [NuError(4, "Duplicate ID “a”.")]}


def test_a_missing_file_is_an_error_not_silence(tmp_path: Path, nu_command: list[str]) -> None:
    with pytest.raises(FileNotFoundError):
        check_files([tmp_path / "absent.html"], checker=nu_command)
    assert check_files([], checker=nu_command) == {}


def test_a_checker_that_does_not_run_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(CLEAN, encoding="utf-8")
    with pytest.raises(NuCheckerError):
        check_files([tmp_path / "a.html"], checker=["java", "-version"])


def test_jekylls_build_against_itself_and_a_broken_copy(
    tmp_path: Path, jekyll_site: Path, nu_command: list[str]
) -> None:
    pages = {
        str(page.relative_to(jekyll_site)): page.read_bytes()
        for page in sorted(jekyll_site.rglob("*.html"))
    }
    post = "posts/2023/06/journey/index.html"
    broken = pages[post].replace(b"<p>", b'<p id="twice">', 2)
    pairs = {name: (html, html) for name, html in pages.items()}
    pairs["broken"] = (broken, pages[post])
    start = time.perf_counter()
    extra = compare_documents(pairs, tmp_path, checker=nu_command)
    print(f"Nu checker, {2 * len(pairs)} documents in one run: {time.perf_counter() - start:.1f}s")
    assert {name: errors for name, errors in extra.items() if errors} == {
        "broken": [NuError(307, "Duplicate ID “twice”.")]
    }
