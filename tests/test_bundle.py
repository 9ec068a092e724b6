"""The bundle of a site's layouts, includes and data (``engine.bundle``), over moto's S3.

A themed page's first render must read its templates in one request, serve the very bytes it
serves without the bundle, and never trust a bundle over the index: a stale, damaged or missing
bundle only means the files are read one by one.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from conftest import upload_tree

from handler.engine import yamlload
from handler.engine.bundle import MAX_BUNDLE_BYTES, PREFIX, Bundle, bundle_key, write_bundle
from handler.site import Site
from handler.site.bucket import apply_changes, write_index
from handler.store import StoredObject
from handler.store.s3 import S3Store

if TYPE_CHECKING:
    from conftest import S3Bucket

ROOT = Path(__file__).parents[1]
ACADEMICPAGES = ROOT / "tests" / "fixtures" / "academicpages" / "src"
ACADEMICPAGES_POST = "/posts/2012/08/blog-post-1/"
INDEX_KEY = "_broadsheet/index.json"


class CountingStore(S3Store):
    """The bucket, with every GET counted by key."""

    def __init__(self, bucket: S3Bucket) -> None:
        super().__init__(bucket.client, bucket.name)
        self.gets: Counter[str] = Counter()

    def get(self, key: str, *, max_bytes: int | None = None) -> StoredObject:
        self.gets[key] += 1
        return super().get(key, max_bytes=max_bytes)


@contextmanager
def yaml_loads() -> Iterator[list[str]]:
    """Every YAML text loaded meanwhile (front matter, configuration, data files)."""
    loads: list[str] = []
    original = yamlload.load_yaml

    def counting(text: str) -> Any:
        loads.append(text)
        return original(text)

    yamlload.load_yaml = counting
    try:
        yield loads
    finally:
        yamlload.load_yaml = original


def site_over(store: S3Store) -> Site:
    return Site(store, manifest_key=INDEX_KEY, show_future=True)


def bundled_site(s3_bucket: S3Bucket, tmp_path: Path) -> tuple[S3Store, str]:
    """:func:`themed_site` in the bucket, indexed: the store and its bundle's key."""
    store = S3Store(s3_bucket.client, s3_bucket.name)
    upload_tree(s3_bucket.client, s3_bucket.name, themed_site(tmp_path))
    write_index(store, INDEX_KEY)
    key = bundle_key(site_over(store).live.index())
    assert key is not None
    return store, key


def themed_site(tmp_path: Path) -> Path:
    (tmp_path / "_layouts").mkdir()
    (tmp_path / "_includes").mkdir()
    (tmp_path / "_data").mkdir()
    (tmp_path / "_posts").mkdir()
    (tmp_path / "_config.yml").write_text("title: Bundled\n")
    (tmp_path / "_layouts" / "default.html").write_text(
        "<html>{% include head.html %}<body>{{ content }}"
        "{% for link in site.data.nav %}<a>{{ link }}</a>{% endfor %}</body></html>\n"
    )
    (tmp_path / "_layouts" / "post.html").write_text(
        "---\nlayout: default\n---\n<article>{% include byline.html %}{{ content }}</article>\n"
    )
    (tmp_path / "_includes" / "head.html").write_text(
        "<head><title>{{ page.title }}</title></head>"
    )
    (tmp_path / "_includes" / "byline.html").write_text("<p>by {{ site.title }}</p>")
    (tmp_path / "_data" / "nav.yml").write_text("- home\n- about\n")
    (tmp_path / "_posts" / "2024-01-02-hello.md").write_text(
        "---\nlayout: post\ntitle: Hello\n---\nHello *there*.\n"
    )
    return tmp_path


def test_a_themed_page_reads_its_templates_in_one_request(
    s3_bucket: S3Bucket, tmp_path: Path
) -> None:
    """academicpages' post page: 26 layouts, includes and data files in one GET, and the page is
    byte for byte what the same site serves without a bundle."""
    upload_tree(s3_bucket.client, s3_bucket.name, ACADEMICPAGES)
    write_index(S3Store(s3_bucket.client, s3_bucket.name), INDEX_KEY)
    bundled = CountingStore(s3_bucket)
    with yaml_loads() as loads:
        page = site_over(bundled).page(ACADEMICPAGES_POST)
    assert loads == []  # data and layouts' front matter come loaded: no YAML at all

    keys = [key for key in bundled.gets if key.startswith(PREFIX)]
    assert len(keys) == 1 and bundled.gets[keys[0]] == 1
    one_by_one = [k for k in bundled.gets if k.startswith(("_layouts/", "_includes/", "_data/"))]
    assert one_by_one == []

    s3_bucket.client.delete_object(Bucket=s3_bucket.name, Key=keys[0])
    unbundled = CountingStore(s3_bucket)
    again = site_over(unbundled).page(ACADEMICPAGES_POST)
    assert again.body == page.body
    templates = [k for k in unbundled.gets if k.startswith(("_layouts/", "_includes/", "_data/"))]
    assert len(templates) >= 20  # what the bundle saved: one request each


def test_the_bundle_is_named_by_its_files_versions_and_rewritten_on_a_change(
    s3_bucket: S3Bucket, tmp_path: Path
) -> None:
    store = S3Store(s3_bucket.client, s3_bucket.name)
    upload_tree(s3_bucket.client, s3_bucket.name, themed_site(tmp_path))
    write_index(store, INDEX_KEY)
    before = site_over(store).live.index()
    first = bundle_key(before)
    assert first is not None
    assert site_over(store).page("/2024/01/02/hello.html").body.count(b"<a>") == 2

    s3_bucket.client.put_object(
        Bucket=s3_bucket.name,
        Key="_includes/byline.html",
        Body=b"<p>written by {{ site.title }}</p>",
    )
    apply_changes(store, ["_includes/byline.html"], index_key=INDEX_KEY)
    after = site_over(store).live.index()
    second = bundle_key(after)
    assert second is not None and second != first
    held = json.loads(store.get(second).body)["files"]
    assert held["_includes/byline.html"]["text"] == "<p>written by {{ site.title }}</p>"
    assert set(held) == {
        "_layouts/default.html",
        "_layouts/post.html",
        "_includes/head.html",
        "_includes/byline.html",
        "_data/nav.yml",
    }
    assert b"written by Bundled" in site_over(store).page("/2024/01/02/hello.html").body
    store.get(first)  # the old bundle stays: a render still holding the old index needs it


def test_a_bundle_never_overrides_the_version_the_index_records(
    s3_bucket: S3Bucket, tmp_path: Path
) -> None:
    """A bundle that disagrees with the index (forged, or from a bug) gives nothing for that
    file: it is read on its own, at the version the index records."""
    store, key = bundled_site(s3_bucket, tmp_path)
    forged = json.loads(store.get(key).body)
    forged["files"]["_includes/byline.html"] = {"version": "not-the-one", "text": "<p>FORGED</p>"}
    forged["files"]["_includes/extra.html"] = {"version": "x", "text": "<p>not in the index</p>"}
    s3_bucket.client.put_object(Bucket=s3_bucket.name, Key=key, Body=json.dumps(forged).encode())

    counting = CountingStore(s3_bucket)
    body = site_over(counting).page("/2024/01/02/hello.html").body
    assert b"FORGED" not in body and b"<p>by Bundled</p>" in body
    assert counting.gets["_includes/byline.html"] == 1  # read on its own
    assert counting.gets["_includes/head.html"] == 0  # from the bundle


@pytest.mark.parametrize(
    "damage",
    [
        b"{not json",
        b"[]",
        b'{"format": 99, "files": {}}',
        b'{"format": 1, "files": []}',
        b"[" * 100_000,  # deeper than the JSON parser recurses
    ],
)
def test_a_damaged_bundle_is_logged_and_every_file_read_on_its_own(
    s3_bucket: S3Bucket, tmp_path: Path, damage: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    store = S3Store(s3_bucket.client, s3_bucket.name)
    upload_tree(s3_bucket.client, s3_bucket.name, themed_site(tmp_path))
    write_index(store, INDEX_KEY)
    expected = site_over(store).page("/2024/01/02/hello.html").body
    key = bundle_key(site_over(store).live.index())
    assert key is not None
    s3_bucket.client.put_object(Bucket=s3_bucket.name, Key=key, Body=damage)

    counting = CountingStore(s3_bucket)
    assert site_over(counting).page("/2024/01/02/hello.html").body == expected
    assert counting.gets["_includes/head.html"] == 1
    assert f"template bundle not used: {key}" in caplog.text


def test_an_oversized_bundle_is_refused_before_its_body_is_read(
    s3_bucket: S3Bucket, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store, key = bundled_site(s3_bucket, tmp_path)
    s3_bucket.client.put_object(Bucket=s3_bucket.name, Key=key, Body=b" " * (MAX_BUNDLE_BYTES + 1))
    assert b"<p>by Bundled</p>" in site_over(store).page("/2024/01/02/hello.html").body
    assert "template bundle not used" in caplog.text


def test_data_files_leave_a_bundle_too_large_for_them_largest_first(
    s3_bucket: S3Bucket, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = themed_site(tmp_path)
    (site / "_data" / "big.yml").write_text("- " + "x" * 3000 + "\n")
    store = S3Store(s3_bucket.client, s3_bucket.name)
    upload_tree(s3_bucket.client, s3_bucket.name, site)
    write_index(store, INDEX_KEY)
    index = site_over(store).live.index()
    key = bundle_key(index)
    assert key is not None
    s3_bucket.client.delete_object(Bucket=s3_bucket.name, Key=key)

    monkeypatch.setattr("handler.engine.bundle.MAX_BUNDLE_BYTES", 2000)
    assert write_bundle(store, index) == key
    held = json.loads(store.get(key).body)["files"]
    assert "_data/big.yml" not in held and "_data/nav.yml" in held
    assert "_layouts/default.html" in held

    s3_bucket.client.delete_object(Bucket=s3_bucket.name, Key=key)
    monkeypatch.setattr("handler.engine.bundle.MAX_BUNDLE_BYTES", 100)
    assert write_bundle(store, index) is None  # the layouts alone do not fit: no bundle


def test_a_bundle_is_written_once(s3_bucket: S3Bucket, tmp_path: Path) -> None:
    store = S3Store(s3_bucket.client, s3_bucket.name)
    upload_tree(s3_bucket.client, s3_bucket.name, themed_site(tmp_path))
    write_index(store, INDEX_KEY)
    index = site_over(store).live.index()
    assert write_bundle(store, index) is None  # already there: content-addressed, kept as is


def test_bundle_entries_of_the_wrong_shape_are_skipped() -> None:
    body = json.dumps(
        {"format": 1, "files": {"a": {"version": "1", "text": "ok"}, "b": "x", "c": {"text": 1}}}
    ).encode()
    bundle = Bundle.loads(body, "k", datetime.now(UTC))
    assert set(bundle.files) == {"a"}
    assert bundle.get("a", "1", 10) is not None
    assert bundle.get("a", "1", 1) is None  # over the caller's byte limit: read on its own
    assert bundle.get("a", "2", 10) is None


def test_the_bundle_carries_data_and_front_matter_loaded_where_json_holds_them(
    s3_bucket: S3Bucket, tmp_path: Path
) -> None:
    site = themed_site(tmp_path)
    (site / "_data" / "table.csv").write_text("name,age\nada,36\n")
    (site / "_data" / "numbers.yml").write_text("1: one\n2: two\n")
    (site / "_data" / "when.yml").write_text("day: 2024-01-02\nat: 2024-01-02 03:04:05 +02:00\n")
    (site / "_data" / "broken.yml").write_text("a: [unclosed\n")
    (site / "_data" / "list.json").write_text('[1, 2.5, "x", null, true]')
    store = S3Store(s3_bucket.client, s3_bucket.name)
    upload_tree(s3_bucket.client, s3_bucket.name, site)
    write_index(store, INDEX_KEY)
    key = bundle_key(site_over(store).live.index())
    assert key is not None
    held = json.loads(store.get(key).body)["files"]
    assert held["_data/nav.yml"]["value"] == ["home", "about"]
    assert held["_data/list.json"]["value"] == [1, 2.5, "x", None, True]
    assert held["_data/when.yml"]["value"] == {
        "day": {"$d": "2024-01-02"},
        "at": {"$t": "2024-01-02T03:04:05+02:00"},
    }
    assert held["_layouts/post.html"]["matter"] == {"layout": "default"}
    assert "matter" not in held["_layouts/default.html"]  # it has no front matter
    assert "value" not in held["_data/table.csv"]  # a table is read by the configuration's rules
    assert "value" not in held["_data/numbers.yml"]  # JSON would turn its keys into strings
    assert "_data/broken.yml" not in held  # the index refused it (and reports it)

    with yaml_loads() as loads:
        page = site_over(store).page("/2024/01/02/hello.html").body
    assert loads == []
    s3_bucket.client.delete_object(Bucket=s3_bucket.name, Key=key)
    assert site_over(store).page("/2024/01/02/hello.html").body == page


@pytest.mark.parametrize(
    ("entry", "why"),
    [
        ({"value": json.loads("[" * 60 + "]" * 60)}, "deeper"),
        ({"value": list(range(20_001))}, "larger"),
        ({"value": {"$t": "not a time"}}, "malformed"),
    ],
    ids=["too-deep", "too-large", "bad-tag"],
)
def test_a_loaded_value_past_yamls_limits_is_dropped_and_the_text_loaded(
    s3_bucket: S3Bucket,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    entry: dict[str, Any],
    why: str,
) -> None:
    """A bundle is untrusted: it can give no value the data file's own YAML could not load to."""
    store, key = bundled_site(s3_bucket, tmp_path)
    forged = json.loads(store.get(key).body)
    forged["files"]["_data/nav.yml"].update(entry)
    s3_bucket.client.put_object(Bucket=s3_bucket.name, Key=key, Body=json.dumps(forged).encode())
    with yaml_loads() as loads:
        body = site_over(store).page("/2024/01/02/hello.html").body
    assert body.count(b"<a>") == 2  # home, about: from the text
    assert loads == ["- home\n- about\n"]
    assert "_data/nav.yml's loaded value not used" in caplog.text and why in caplog.text


def test_a_loaded_value_of_another_version_is_never_used() -> None:
    body = json.dumps(
        {
            "format": 1,
            "files": {
                "_data/a.yml": {"version": "1", "text": "x: 1\n", "value": {"x": 1}},
                "_layouts/l.html": {"version": "1", "text": "---\n---\n", "matter": {}},
            },
        }
    ).encode()
    bundle = Bundle.loads(body, "k", datetime.now(UTC))
    assert bundle.value("_data/a.yml", "1") == ({"x": 1},)
    assert bundle.value("_data/a.yml", "2") is None
    assert bundle.value("_data/a.yml", None) is None
    assert bundle.matter("_layouts/l.html", "1") == {}
    assert bundle.matter("_layouts/l.html", "2") is None
