"""The Ruby reference: Ruby Liquid 5.4 with Jekyll 4.3, run once per session for every case.

Differential test modules build ``Case``s and ``register`` them at import; the first test that
asks for Ruby's results (the ``ruby_results`` fixture) runs ``ruby_liquid.rb`` over all of them
in one process (Ruby and Jekyll take a while to start). Without ``ruby`` or the ``jekyll`` gem the
differential tests are skipped, unless ``CI`` is ``"true"``: then they fail.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

HARNESS = Path(__file__).with_name("ruby_liquid.rb")
_REGISTRY: dict[str, Case] = {}


@dataclass(frozen=True)
class Case:
    """One template rendered by both engines."""

    id: str
    template: str
    vars: Mapping[str, Any] = field(default_factory=dict)
    files: Mapping[str, str] = field(default_factory=dict)
    config: Mapping[str, Any] = field(default_factory=dict)
    page_path: str | None = None
    layouts: tuple[tuple[str, Mapping[str, Any]], ...] = ()
    stub_markdownify: bool = False

    def spec(self) -> dict[str, Any]:
        spec: dict[str, Any] = {"template": self.template, "vars": encode(self.vars)}
        if self.files:
            spec["files"] = dict(self.files)
        if self.config:
            spec["config"] = dict(self.config)
        if self.page_path:
            spec["page_path"] = self.page_path
        if self.layouts:
            spec["layouts"] = [{"template": t, "data": encode(d)} for t, d in self.layouts]
        if self.stub_markdownify:
            spec["stub_markdownify"] = True
        return spec


def encode(value: Any) -> Any:
    """Python template values as the JSON the harness decodes (times, dates, drops tagged)."""
    if isinstance(value, datetime):
        return {"$t": "time", "v": value.isoformat()}
    if isinstance(value, date):
        return {"$t": "date", "v": value.isoformat()}
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, Mapping):
        return {"$t": "drop", "v": {str(k): encode(value[k]) for k in value}}
    if isinstance(value, list | tuple):
        return [encode(item) for item in value]
    return value


def register(cases: list[Case]) -> list[Case]:
    """Add ``cases`` to this session's Ruby run; returns them (for ``parametrize``)."""
    for case in cases:
        assert case.id not in _REGISTRY or _REGISTRY[case.id] == case, f"duplicate id {case.id}"
        _REGISTRY[case.id] = case
    return cases


def ruby_missing() -> str | None:
    """Why the reference cannot run here (``None`` when it can)."""
    if shutil.which("ruby") is None:
        return "ruby is not installed"
    probe = subprocess.run(
        ["ruby", "-e", 'require "jekyll"; require "jekyll-include-cache"'],
        capture_output=True,
        text=True,
        check=False,
    )
    if probe.returncode != 0:
        return "the jekyll (or jekyll-include-cache) Ruby library is not installed"
    return None


def require_ruby() -> None:
    """Skip without the reference, but fail in CI (``CI=true``), where it must be present."""
    reason = _missing_cached()
    if reason is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"differential Liquid tests need Ruby + Jekyll in CI: {reason}")
    pytest.skip(reason)


@functools.cache
def _missing_cached() -> str | None:
    return ruby_missing()


def run_cases(cases: list[Case]) -> list[dict[str, Any]]:
    """Run the harness over ``cases``; one result per case, in order."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cases.json"
        path.write_text(json.dumps([case.spec() for case in cases]), encoding="utf-8")
        done = subprocess.run(
            ["ruby", str(HARNESS), str(path)],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "TZ": "UTC"},
        )
    if done.returncode != 0:
        raise RuntimeError(f"ruby harness failed: {done.stderr[-3000:]}")
    results: list[dict[str, Any]] = json.loads(done.stdout)
    return results


def all_results() -> dict[str, dict[str, Any]]:
    """Ruby's result for every registered case, computed once (a failure is kept too)."""
    outcome = _outcome()
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


@functools.cache
def _outcome() -> dict[str, dict[str, Any]] | Exception:
    cases = list(_REGISTRY.values())
    try:
        results = run_cases(cases)
    except (RuntimeError, OSError, ValueError) as err:
        return err
    return {case.id: result for case, result in zip(cases, results, strict=True)}
