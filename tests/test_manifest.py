"""The manifest round-trips the index, and a broken one is a clear, typed error."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from handler.engine import manifest
from handler.index import scan
from handler.site import Site
from handler.store.local import LocalStore

ROOT = Path(__file__).parents[1]
CORPUS = ROOT / "tests" / "fixtures" / "jekyll-corpus"


@pytest.mark.parametrize("name", ["mmistakes__minimal-mistakes", "jekyll__jekyll-testsource"])
def test_round_trip(name: str, tmp_path: Path) -> None:
    shutil.copytree(CORPUS / name, tmp_path / name)
    store = LocalStore(tmp_path / name)
    body = Site(store).manifest()
    loaded, config_text = manifest.loads(body, "index.json")
    scanned = scan(store)
    assert config_text == (tmp_path / name / "_config.yml").read_text(encoding="utf-8")
    assert [e.key for e in loaded.entries] == [e.key for e in scanned.entries]
    assert [e.url for e in loaded.entries] == [e.url for e in scanned.entries]
    assert [e.date for e in loaded.entries] == [e.date for e in scanned.entries]
    assert loaded.version == scanned.version
    assert loaded.config.permalink == scanned.config.permalink


@pytest.mark.parametrize(
    "body", [b"not json", b"{}", b'{"format": 99}', b'{"format": 1, "config": {}}']
)
def test_unreadable_manifest(body: bytes) -> None:
    with pytest.raises(manifest.ManifestError) as caught:
        manifest.loads(body, "_broadsheet/index.json")
    assert caught.value.path == "_broadsheet/index.json"
    assert "broadsheet index" in str(caught.value)
