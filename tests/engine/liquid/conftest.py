"""Fixtures for the Liquid engine's tests (see ``ruby.py`` for the Ruby reference)."""

from __future__ import annotations

from typing import Any

import pytest

from .ruby import all_results, require_ruby


@pytest.fixture
def ruby_results() -> dict[str, dict[str, Any]]:
    """Ruby's result for every registered case (computed once per session)."""
    require_ruby()
    return all_results()
