"""handler.tools.publish: ``publish`` against moto's S3 server over HTTP: only what changed goes up, and reruns are safe."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from boto3.s3.transfer import TransferConfig
from conftest import S3Bucket

from handler.engine import manifest
from handler.engine.config import SiteConfig
from handler.settings import DEFAULT_INDEX_KEY
from handler.store.s3 import PART_SIZE, S3Store
from handler.tools.publish import (
    CachePolicy,
    Plan,
    Step,
    Summary,
    etag_of,
    local_files,
    publish,
)

ROOT = Path(__file__).resolve().parents[2]
CACHE = CachePolicy(static="public, max-age=86400")
BIG = 9 * 1024 * 1024  # over the 8 MiB multipart threshold: uploaded in two parts


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(ROOT / "content", root)
    (root / "_posts" / "2024-02-03-second.md").write_text(
        "---\ntitle: Second\n---\nHello.\n", encoding="utf-8"
    )
    (root / "assets").mkdir()
    (root / "assets" / "site.css").write_text("body { color: black }\n", encoding="utf-8")
    (root / "files").mkdir()
    (root / "files" / "big.bin").write_bytes(os.urandom(BIG))
    (root / "_site").mkdir()
    (root / "_site" / "index.html").write_text("Jekyll's output\n", encoding="utf-8")
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text("[core]\n", encoding="utf-8")
    (root / "_posts" / "2024-02-03-second.md.bak").write_text("old\n", encoding="utf-8")
    return root


SITE_KEYS = [
    "_config.yml",
    "_posts/2023-06-07-journey.md",
    "_posts/2024-02-03-second.md",
    "assets/site.css",
    "files/big.bin",
]


def keys(bucket: S3Bucket) -> list[str]:
    listing = bucket.client.list_objects_v2(Bucket=bucket.name)
    return sorted(item["Key"] for item in listing.get("Contents", []))


def run(site: Path, bucket: S3Bucket, **options: object) -> Summary:
    store = S3Store(bucket.client, bucket.name)
    return publish(site, store, CACHE, **options)  # type: ignore[arg-type]


def test_first_run_uploads_everything_with_types_cache_control_and_the_index(
    site: Path, s3_bucket: S3Bucket
) -> None:
    summary = run(site, s3_bucket)
    assert (summary.uploaded, summary.unchanged, summary.deleted) == (5, 0, 0)
    assert summary.keys[-1] == "_config.yml"  # the config goes last
    assert summary.bytes == sum((site / k).stat().st_size for k in SITE_KEYS)
    assert keys(s3_bucket) == sorted([*SITE_KEYS, DEFAULT_INDEX_KEY])
    head = s3_bucket.client.head_object
    css = head(Bucket=s3_bucket.name, Key="assets/site.css")
    assert (css["ContentType"], css["CacheControl"]) == ("text/css", "public, max-age=86400")
    post = head(Bucket=s3_bucket.name, Key="_posts/2023-06-07-journey.md")
    assert (post["ContentType"], post["CacheControl"]) == ("text/markdown", "no-cache")
    big = head(Bucket=s3_bucket.name, Key="files/big.bin")
    assert big["ETag"].strip('"').endswith("-2")  # multipart, and recognised as unchanged below
    index = s3_bucket.client.get_object(Bucket=s3_bucket.name, Key=DEFAULT_INDEX_KEY)
    loaded, _ = manifest.loads(index["Body"].read(), DEFAULT_INDEX_KEY)
    assert {d.key for d in loaded.documents} == set(SITE_KEYS[1:3])
    assert summary.index_version is not None
    assert "uploaded 5 (9.4 MB), unchanged 0, deleted 0" in summary.line()


def test_second_run_uploads_nothing(site: Path, s3_bucket: S3Bucket) -> None:
    run(site, s3_bucket)
    again = run(site, s3_bucket)
    assert (again.uploaded, again.unchanged, again.deleted, again.bytes) == (0, 5, 0, 0)


def test_an_edited_post_uploads_one_object(site: Path, s3_bucket: S3Bucket) -> None:
    run(site, s3_bucket)
    post = site / "_posts" / "2024-02-03-second.md"
    post.write_text(post.read_text(encoding="utf-8") + "More.\n", encoding="utf-8")
    edited = run(site, s3_bucket)
    assert (edited.uploaded, edited.keys) == (1, ["_posts/2024-02-03-second.md"])
    body = s3_bucket.client.get_object(Bucket=s3_bucket.name, Key="_posts/2024-02-03-second.md")
    assert body["Body"].read().endswith(b"More.\n")


def test_a_same_size_edit_is_seen_by_its_hash(site: Path, s3_bucket: S3Bucket) -> None:
    run(site, s3_bucket)
    css = site / "assets" / "site.css"
    css.write_text("body { color: white }\n", encoding="utf-8")
    assert run(site, s3_bucket).keys == ["assets/site.css"]


def test_delete_lists_then_removes_what_is_gone_but_never_the_index(
    site: Path, s3_bucket: S3Bucket
) -> None:
    run(site, s3_bucket)
    (site / "assets" / "site.css").unlink()
    kept = run(site, s3_bucket)
    assert (kept.deleted, kept.strays) == (0, ("assets/site.css",))
    assert "assets/site.css" in keys(s3_bucket)
    announced: list[Plan] = []
    gone = run(site, s3_bucket, delete=True, announce=announced.append)
    assert announced[0].deletions == ("assets/site.css",)
    assert (gone.deleted, gone.uploaded) == (1, 0)
    assert keys(s3_bucket) == sorted([*(k for k in SITE_KEYS if k != "assets/site.css"),
                                      DEFAULT_INDEX_KEY])  # fmt: skip


def test_an_interrupted_run_completes_on_retry(site: Path, s3_bucket: S3Bucket) -> None:
    class Interrupted(Exception):
        pass

    def stop_after_two(step: Step) -> None:
        if step.number == 3:
            raise Interrupted

    with pytest.raises(Interrupted):
        run(site, s3_bucket, progress=stop_after_two)
    assert len(keys(s3_bucket)) == 2  # two objects, and no index yet
    retry = run(site, s3_bucket)
    assert (retry.uploaded, retry.unchanged) == (3, 2)
    assert keys(s3_bucket) == sorted([*SITE_KEYS, DEFAULT_INDEX_KEY])
    assert run(site, s3_bucket).uploaded == 0


def test_dry_run_changes_nothing_and_says_what_would(site: Path, s3_bucket: S3Bucket) -> None:
    before = keys(s3_bucket)
    dry = run(site, s3_bucket, dry=True, delete=True)
    assert keys(s3_bucket) == before == []
    assert (dry.uploaded, dry.dry_run, dry.index_version) == (5, True, None)
    assert dry.line().startswith("dry run: would upload 5")
    run(site, s3_bucket)
    (site / "assets" / "site.css").unlink()
    dry = run(site, s3_bucket, dry=True, delete=True)
    assert (dry.uploaded, dry.deleted) == (0, 1)
    assert "assets/site.css" in keys(s3_bucket)


def test_a_prefix_keeps_the_site_under_it(site: Path, s3_bucket: S3Bucket) -> None:
    store = S3Store(s3_bucket.client, s3_bucket.name, "blog")
    publish(site, store, CACHE)
    assert keys(s3_bucket) == sorted(f"blog/{k}" for k in [*SITE_KEYS, DEFAULT_INDEX_KEY])
    assert publish(site, store, CACHE).uploaded == 0


def test_multipart_objects_from_other_tools_are_recognised(site: Path, s3_bucket: S3Bucket) -> None:
    five_mib = 5 * 1024 * 1024  # the AWS CLI's and many tools' part size differs from ours
    config = TransferConfig(multipart_threshold=five_mib, multipart_chunksize=five_mib)
    s3_bucket.client.upload_file(
        str(site / "files" / "big.bin"), s3_bucket.name, "files/big.bin", Config=config
    )
    head = s3_bucket.client.head_object(Bucket=s3_bucket.name, Key="files/big.bin")
    assert head["ETag"].strip('"').endswith("-2")
    assert etag_of(site / "files" / "big.bin", five_mib) == head["ETag"].strip('"')
    summary = run(site, s3_bucket)
    assert "files/big.bin" not in summary.keys


def test_etags_of_single_and_multipart_bodies(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    assert etag_of(empty) == "d41d8cd98f00b204e9800998ecf8427e"
    small = tmp_path / "small"
    small.write_bytes(b"hello\n")
    assert etag_of(small) == "b1946ac92492d2347c6235b4d2611184"
    exact = tmp_path / "exact"
    exact.write_bytes(b"\0" * PART_SIZE)
    assert "-" not in etag_of(exact)  # one part: a plain PUT below the threshold... or at it


def test_local_files_are_what_jekyll_reads(site: Path) -> None:
    # The fixture's `_site/`, `.git/` and `.bak` file are never read: not uploaded.
    assert [f.key for f in local_files(site)] == SITE_KEYS


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("_site/index.html", False),
        ("Gemfile", False),
        ("node_modules/x/y.js", False),
        ("notes/secret.txt", False),
        ("notes/keep.md", True),
        ("drafts.txt", True),
        ("_posts/2024-01-01-a.md", True),
        ("_posts/2024-01-01-a.md~", False),
        ("_sass/_base.scss", True),  # Sass partials: read through a page's @import
        ("_theme/post.html", True),  # Broadsheet's own theme overrides
        ("_plugins/x.rb", False),
    ],
)
def test_local_files_follow_jekyll_exclude(tmp_path: Path, key: str, expected: bool) -> None:
    # Was excluded(key, patterns): the selection is now Jekyll's reader (Classifier.read) with
    # the site's own `exclude:`, so the patterns come from the configuration.
    config = SiteConfig.parse('exclude: [_site, Gemfile, node_modules, "notes/*.txt"]\n')
    path = tmp_path / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("x\n", encoding="utf-8")
    assert [f.key for f in local_files(tmp_path, config)] == ([key] if expected else [])


def test_local_files_read_the_sites_own_configuration(tmp_path: Path) -> None:
    (tmp_path / "_config.yml").write_text("exclude: [private]\n", encoding="utf-8")
    for key in ("private/a.md", "public/b.md"):
        (tmp_path / key).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / key).write_text("b\n", encoding="utf-8")
    assert [f.key for f in local_files(tmp_path)] == ["_config.yml", "public/b.md"]
