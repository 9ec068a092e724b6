"""Small sites built by Debian's Jekyll 4.3.1 (the reference) and served by Broadsheet, for the
plugin tests: write a site into a folder, build it with ``jekyll build``, serve the same folder
with ``Site(LocalStore(...))`` and compare what each wrote for a path.

Without ``jekyll`` (or a plugin's Debian package) a test is skipped locally and fails under CI
(``compare.environment.missing``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from compare.environment import jekyll_build, missing, write_files
from compare.html import compare_html

from handler.site import Site
from handler.store.local import LocalStore

BUILT = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
GEMS = Path("/usr/share/rubygems-integration/all/gems")


def require_gem(name: str) -> None:
    """Skip (fail under CI) unless Debian's package of gem ``name`` is installed."""
    if not any(GEMS.glob(f"{name}-*")) and not Path("/usr/lib/ruby/vendor_ruby", name).exists():
        missing(f"the {name} gem is not installed (Debian's ruby-{name})")


def serve(source: Path, *, github_pages: bool = False) -> Site:
    return Site(
        LocalStore(source), environment="development", github_pages=github_pages, now=lambda: BUILT
    )


def built(tmp_path: Path, files: Mapping[str, str]) -> tuple[Site, Path]:
    """The site in ``files`` built by Jekyll (into ``tmp_path/jekyll``) and served by Broadsheet."""
    source, reference = tmp_path / "src", tmp_path / "jekyll"
    write_files(source, files)
    jekyll_build(source, reference)
    return serve(source), reference


def assert_same(site: Site, reference: Path, relative: str) -> None:
    """Broadsheet's answer for ``relative`` is Jekyll's file, byte for byte (with the HTML
    comparison's report when it is not)."""
    ours = site.page("/" + relative).body.decode()
    theirs = (reference / relative).read_text(encoding="utf-8")
    if ours != theirs:
        comparison = compare_html(ours, theirs)
        raise AssertionError(
            f"{relative} differs from Jekyll's\n--- jekyll\n{theirs}\n--- broadsheet\n{ours}\n"
            + comparison.report()
        )
