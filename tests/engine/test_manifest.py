"""handler.engine.manifest: the manifest round-trips the index, and a broken one is a clear, typed
error."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from handler.engine import manifest
from handler.engine.index import read_config_text, scan
from handler.store.local import LocalStore

ROOT = Path(__file__).parents[2]
CORPUS = ROOT / "tests" / "fixtures" / "jekyll-corpus"


@pytest.mark.parametrize("name", ["mmistakes__minimal-mistakes", "jekyll__jekyll-testsource"])
def test_round_trip(name: str, tmp_path: Path) -> None:
    shutil.copytree(CORPUS / name, tmp_path / name)
    store = LocalStore(tmp_path / name)
    scanned = scan(store)
    body = manifest.dumps(scanned, read_config_text(store))
    loaded, config_text = manifest.loads(body, "index.json")
    assert config_text == (tmp_path / name / "_config.yml").read_text(encoding="utf-8")
    assert len(loaded.documents) > 10
    assert loaded.documents == scanned.documents  # keys, URLs, dates, front matter: all of it
    assert loaded.statics == scanned.statics
    assert (loaded.layouts, loaded.files) == (scanned.layouts, scanned.files)
    assert loaded.version == scanned.version
    assert loaded.config.permalink == scanned.config.permalink


def test_round_trip_keeps_dates_in_front_matter_and_problems(tmp_path: Path) -> None:
    root = tmp_path / "site"
    (root / "_posts").mkdir(parents=True)
    (root / "_layouts").mkdir()
    (root / "_config.yml").write_text("timezone: Europe/Paris\n", encoding="utf-8")
    (root / "_layouts" / "post.html").write_text("{{ content }}", encoding="utf-8")
    (root / "_posts" / "2024-02-03-a.md").write_text(
        "---\nlayout: post\nlast_modified_at: 2024-03-04 05:06:07\nevent: {day: 2024-05-06}\n---\nA\n",
        encoding="utf-8",
    )
    (root / "_posts" / "2024-02-04-broken.md").write_text(
        "---\ntitle: [unclosed\n---\nB\n", encoding="utf-8"
    )
    store = LocalStore(root)
    scanned = scan(store)
    assert set(scanned.problems) == {"_posts/2024-02-04-broken.md"}
    loaded, _ = manifest.loads(manifest.dumps(scanned, read_config_text(store)), "index.json")
    assert loaded.documents == scanned.documents
    assert loaded.layouts == scanned.layouts
    problem = loaded.problems["_posts/2024-02-04-broken.md"]
    original = scanned.problems["_posts/2024-02-04-broken.md"]
    assert (problem.line, problem.message) == (original.line, original.message)


def test_the_format_is_three(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    (tmp_path / "_config.yml").write_text("title: t\n", encoding="utf-8")
    written = json.loads(manifest.dumps(scan(store), read_config_text(store)))
    assert written["format"] == manifest.FORMAT == 3


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"{}",
        b'{"format": 99}',
        b'{"format": 1, "config": {}}',
        b'{"format": 2, "config": {"text": null}, "entries": []}',  # an older Broadsheet's
        b'{"format": 3, "columns": {"documents": ["key"], "statics": []}}',
        b"[" * 100_000,  # deeper than the JSON parser recurses
    ],
)
def test_unreadable_manifest(body: bytes) -> None:
    with pytest.raises(manifest.ManifestError) as caught:
        manifest.loads(body, "_broadsheet/index.json")
    assert caught.value.path == "_broadsheet/index.json"
    assert "broadsheet index" in str(caught.value)
