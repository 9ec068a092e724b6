"""environment.py: a missing tool skips locally and fails under CI."""

from __future__ import annotations

import pytest

from .environment import missing, shared_site, vnu_jar


def test_missing_skips_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no chromium"):
        missing("no chromium")


def test_missing_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="no java"):
        missing("no java")


def test_the_checker_and_the_shared_site_are_found() -> None:
    jar = vnu_jar()
    assert jar is None or jar.name == "vnu.jar"
    site = shared_site("academicpages")
    assert site is None or (site / "index.html").is_file()
    assert shared_site("no-such-site") is None
