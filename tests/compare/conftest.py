"""Fixtures for the comparison tools' own tests: the academicpages build, Chromium, the checker."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from .environment import chromium_or_skip, missing, nu_or_skip, shared_site


@pytest.fixture(scope="session")
def jekyll_site() -> Path:
    """Jekyll 4.3.1's build of the academicpages site (shared/sites/academicpages/jekyll-site)."""
    site = shared_site("academicpages")
    if site is None:
        missing("shared/sites/academicpages/jekyll-site is absent")
    return site


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    from .screenshots import chromium  # Playwright starts only for the tests that ask

    with chromium(chromium_or_skip()) as launched:
        yield launched


@pytest.fixture(scope="session")
def nu_command() -> list[str]:
    from .nu import command

    java_path, jar = nu_or_skip()
    return command(java_path, jar)
