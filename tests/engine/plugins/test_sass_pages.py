"""handler.engine.plugins.sass: Sass compiled where libsass runs (the indexer, ``publish``,
``index``) and served by a render function where it does not (arm64 Lambda), through the store.

The render side is the real :class:`Site` over a real folder; "no libsass" is the one switch
flipped (``sass.available``), as it is false in the arm64 artifact (``tests/infra``)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from handler.engine import sass
from handler.engine.index import scan
from handler.engine.plugins.sass import PRECOMPILED, precompile
from handler.engine.view import SiteView
from handler.errors import ContentError, StoreUnavailable
from handler.site import Site
from handler.store.local import LocalStore

pytestmark = pytest.mark.skipif(not sass.available(), reason="libsass is needed to precompile")

CSS_URL = "/assets/css/main.css"
BASE = "$ink: #123456;\nbody { color: $ink; }\n"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "_config.yml").write_text("title: Sass\n")
    (tmp_path / "_layouts").mkdir()
    (tmp_path / "_layouts" / "default.html").write_text("<main>{{ content }}</main>\n")
    (tmp_path / "_sass").mkdir()
    (tmp_path / "_sass" / "_base.scss").write_text(BASE)
    (tmp_path / "assets" / "css").mkdir(parents=True)
    (tmp_path / "assets" / "css" / "main.scss").write_text('---\n---\n@import "base";\n')
    return tmp_path


def precompile_here(root: Path) -> list[str]:
    store = LocalStore(root)
    view = SiteView.of(scan(store), datetime.now(UTC))
    return precompile(store, view)


def without_libsass(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sass, "available", lambda: False)


def test_a_render_without_libsass_serves_what_was_precompiled(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    compiled_here = Site(LocalStore(root)).page(CSS_URL).body
    written = precompile_here(root)
    assert sorted(Path(k).suffix for k in written) == [".css", ".map"]
    assert all(k.startswith(PRECOMPILED) for k in written)

    without_libsass(monkeypatch)
    page = Site(LocalStore(root)).page(CSS_URL)
    assert page.body == compiled_here
    assert b"color: #123456" in page.body


def test_an_edit_not_yet_compiled_is_not_yet_there_then_served_once_compiled(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    precompile_here(root)
    with monkeypatch.context() as patch:
        without_libsass(patch)
        warm = Site(LocalStore(root), index_ttl=0)
        assert b"#123456" in warm.page(CSS_URL).body
        (root / "_sass" / "_base.scss").write_text(BASE.replace("#123456", "#abcdef"))

        # A warm function keeps its last good stylesheet; a cold one has none: 503, retry.
        assert b"#123456" in warm.page(CSS_URL).body
        with pytest.raises(StoreUnavailable, match="not compiled yet"):
            Site(LocalStore(root)).page(CSS_URL)

    precompile_here(root)  # the indexer's run on the _sass/ event
    without_libsass(monkeypatch)
    assert b"#abcdef" in warm.page(CSS_URL).body
    assert b"#abcdef" in Site(LocalStore(root)).page(CSS_URL).body


def test_a_compile_error_is_reported_with_its_file_and_line_by_a_render_without_libsass(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (root / "_sass" / "_base.scss").write_text("$ink: #123456;\nbody { color: $ink\n")
    with pytest.raises(ContentError) as here:
        Site(LocalStore(root)).page(CSS_URL)
    written = precompile_here(root)
    assert [Path(k).suffix for k in written] == [".error"]

    without_libsass(monkeypatch)
    with pytest.raises(ContentError) as there:
        Site(LocalStore(root)).page(CSS_URL)
    assert there.value.location == here.value.location
    assert there.value.path == "_sass/_base.scss"
    assert there.value.line is not None
    assert there.value.message == here.value.message
