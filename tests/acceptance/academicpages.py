"""The first user's whole site, academicpages, as a fixture: its source, Jekyll 4.3.1's build of it,
and Broadsheet serving the same source from a bucket (moto S3) through the Lambda entry.

The source is vendored in tests/fixtures/academicpages/src (MIT; PROVENANCE.md says where it comes
from). Jekyll's build is made here, once per session, with Debian's jekyll and the plugins the site
lists, exactly as the shared reference was made (plain Jekyll, JEKYLL_ENV unset, so
``development``). Broadsheet is told the same: ``JEKYLL_ENV=development`` and ``GITHUB_PAGES=false``
(the reference was not built by GitHub Pages, whose default plugins would add pages), and its clock
is set to the build's own ``site.time``, read back from Jekyll's sitemap.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from compare.environment import missing

REPO = Path(__file__).resolve().parents[2]
SOURCE = REPO / "tests" / "fixtures" / "academicpages" / "src"
SITE_URL = "https://academicpages.github.io"
REDIRECT_PAGE = re.compile(rb"<title>Redirecting&hellip;</title>")


@dataclass(frozen=True)
class Reference:
    """Jekyll's build: where it is, what it wrote, and the build's ``site.time``."""

    root: Path
    files: tuple[str, ...]
    built_at: datetime
    seconds: float  # how long `jekyll build` took, for the benchmark's comparison

    def read(self, relative: str) -> bytes:
        return (self.root / relative).read_bytes()

    def is_redirect(self, relative: str) -> bool:
        return relative.endswith(".html") and REDIRECT_PAGE.search(self.read(relative)) is not None


def build_reference(
    destination: Path, source: Path = SOURCE, environment: str = "development"
) -> Reference:
    """``jekyll build`` of ``source`` into ``destination`` (a writable copy is built, since
    Jekyll writes caches next to its source)."""
    if shutil.which("jekyll") is None:
        missing("Debian's jekyll is not installed (infra/setup-system.sh installs it)")
    work = destination.parent / (destination.name + "-src")
    shutil.copytree(source, work)
    env = {**os.environ, "TZ": "UTC", "JEKYLL_NO_BUNDLER_REQUIRE": "true"}
    env.pop("JEKYLL_ENV", None)
    if environment != "development":
        env["JEKYLL_ENV"] = environment
    began = time.perf_counter()
    subprocess.run(
        ["jekyll", "build", "--quiet", "-s", str(work), "-d", str(destination)],
        check=True,
        env=env,
        timeout=300,
        capture_output=True,
    )
    seconds = time.perf_counter() - began
    files = tuple(
        sorted(p.relative_to(destination).as_posix() for p in destination.rglob("*") if p.is_file())
    )
    return Reference(destination, files, site_time(destination), seconds)


def site_time(root: Path) -> datetime:
    """The build's ``site.time``: the ``lastmod`` of a document with no date of its own (a
    portfolio item) in Jekyll's sitemap."""
    sitemap = (root / "sitemap.xml").read_text(encoding="utf-8")
    match = re.search(r"portfolio-1/</loc>\s*<lastmod>([^<]+)</lastmod>", sitemap)
    assert match is not None, "the reference sitemap has no lastmod for portfolio-1"
    return datetime.fromisoformat(match.group(1))
