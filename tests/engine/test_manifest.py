"""handler.engine.manifest: the manifest round-trips the index, and a broken one is a clear, typed
error."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from handler.engine import manifest
from handler.engine.config import SiteConfig
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


ACADEMICPAGES = ROOT / "tests" / "fixtures" / "academicpages" / "src"


@pytest.mark.parametrize(
    "folder", [ROOT / "content", ACADEMICPAGES, CORPUS / "mmistakes__minimal-mistakes"]
)
def test_the_configuration_travels_loaded_and_reads_the_same(folder: Path) -> None:
    store = LocalStore(folder)
    scanned = scan(store)
    body = manifest.dumps(scanned, read_config_text(store))
    assert isinstance(json.loads(body)["config"]["user"], dict)  # no YAML to load when read
    loaded, _ = manifest.loads(body, "index.json")
    parsed = SiteConfig.parse(scanned.config.source)
    assert loaded.config == parsed == scanned.config


@pytest.mark.parametrize(
    "text",
    [
        "title: t\nnumbers: {1: one, 2: two}\n",  # JSON keys are strings
        "title: t\nseen: !!set {a, b}\n",
        'title: t\nodd: {"$t": "2024-01-01T00:00:00"}\n',  # reads back as a time
        "title: t\nratio: .nan\n",  # never equal to itself
        "title: t\nwhen: 2024-01-02 03:04:05 +02:00\nday: 2024-01-02\n",  # these travel
    ],
)
def test_a_configuration_json_would_change_travels_as_text(text: str, tmp_path: Path) -> None:
    (tmp_path / "_config.yml").write_text(text, encoding="utf-8")
    store = LocalStore(tmp_path)
    scanned = scan(store)
    written = json.loads(manifest.dumps(scanned, read_config_text(store)))
    assert ("user" in written["config"]) == text.startswith("title: t\nwhen")
    loaded, _ = manifest.loads(json.dumps(written).encode(), "index.json")
    assert loaded.config == SiteConfig.parse(text)


def test_a_loaded_configuration_is_checked_as_the_text_is() -> None:
    """A manifest written by a Broadsheet that allowed what this one refuses (or forged) fails as
    its text would: a ManifestError, rebuilt by the reader."""
    body = json.loads(manifest.dumps(scan(LocalStore(ROOT / "content")), None))
    body["config"]["user"] = {"timezone": "Mars/Olympus_Mons"}
    body["config"]["text"] = "timezone: Mars/Olympus_Mons\n"
    with pytest.raises(manifest.ManifestError, match="no longer valid"):
        manifest.loads(json.dumps(body).encode(), "index.json")
