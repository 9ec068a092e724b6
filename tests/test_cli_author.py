"""The author's commands through ``broadsheet`` itself: new, check (and --fix), publish."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import S3Bucket

from handler.cli import main

ROOT = Path(__file__).resolve().parent.parent
JOURNEY = ROOT / "content" / "_posts" / "2023-06-07-journey.md"
KEY = "_posts/2023-06-07-journey.md"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(ROOT / "content", root)
    return root


def test_check_warns_about_the_seed_posts_mojibake_and_exits_0(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--content", str(site)], env={}) == 0
    out = capsys.readouterr().out
    assert f"{site}/{KEY}:9:444: warning: suspected mojibake 'â€™'" in out
    assert out.endswith("checked 1 post: 1 warning\n")


def test_fix_repairs_only_the_mojibake_and_keeps_a_backup(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    original = JOURNEY.read_bytes()
    assert main(["check", "--content", str(site), "--fix"], env={}) == 0
    assert capsys.readouterr().out == "checked 1 post: no problems\n"
    repaired = (site / KEY).read_bytes()
    assert (site / f"{KEY}.bak").read_bytes() == original
    assert JOURNEY.read_bytes() == original  # the seed itself is never touched
    bad, good = "\u00e2\u20ac\u2122".encode(), "\u2019".encode()
    at = original.index(bad)
    assert original.count(bad) == 1
    assert repaired[:at] == original[:at]
    assert repaired[at : at + len(good)] == good
    assert repaired[at + len(good) :] == original[at + len(bad) :]
    line = repaired.decode().split("\n")[8]
    assert line[443:].startswith("\u2019s creation")


def test_check_json_and_exit_1_on_errors(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (site / "_posts" / "2024-01-01-broken.md").write_text("---\ntitle: [\n---\n", "utf-8")
    assert main(["check", "--content", str(site), "--format", "json"], env={}) == 1
    document = json.loads(capsys.readouterr().out)
    assert document["summary"] == {
        "posts": 2, "pages": 0, "documents": 0, "errors": 1, "warnings": 1, "info": 0
    }  # fmt: skip
    error = document["diagnostics"][1]
    assert (error["path"], error["line"], error["level"]) == (
        "_posts/2024-01-01-broken.md",
        3,
        "error",
    )


def test_new_prints_the_file_and_the_url(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["new", "Notes from the road", "--date", "2024-05-06", "--tags", "travel, ml"]
    assert main([*argv, "--content", str(site)], env={}) == 0
    path = site / "_posts" / "2024-05-06-notes-from-the-road.md"
    assert capsys.readouterr().out == (
        f"{path}\nURL: /posts/2024/05/notes-from-the-road/ (once published)\n"
    )
    assert "  - travel\n  - ml\n" in path.read_text(encoding="utf-8")
    assert main([*argv, "--content", str(site)], env={}) == 1
    assert "refusing to overwrite" in capsys.readouterr().err


def test_new_rejects_a_bad_date(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["new", "X", "--date", "June 6th", "--content", str(site)], env={})
    assert "is not a date: use YYYY-MM-DD" in capsys.readouterr().err


def test_publish_uploads_then_nothing(
    site: Path, s3_bucket: S3Bucket, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["publish", "--bucket", s3_bucket.name, "--content", str(site)]
    assert main(argv, env={}) == 0
    captured = capsys.readouterr()
    assert "[2/2] upload _config.yml" in captured.err
    assert captured.out.startswith("uploaded 2 (")
    assert captured.out.rstrip().endswith("; wrote the site index")
    assert main(argv, env={}) == 0
    assert capsys.readouterr().out.startswith("uploaded 0 (0 B), unchanged 2, deleted 0")


def test_publish_dry_run_lists_and_changes_nothing(
    site: Path, s3_bucket: S3Bucket, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["publish", "--bucket", s3_bucket.name, "--content", str(site), "--dry-run"]
    assert main(argv, env={}) == 0
    captured = capsys.readouterr()
    assert f"would upload {KEY}" in captured.err
    assert captured.out.startswith("dry run: would upload 2")
    assert "Contents" not in s3_bucket.client.list_objects_v2(Bucket=s3_bucket.name)


def test_publish_refuses_a_site_with_errors(
    site: Path, s3_bucket: S3Bucket, capsys: pytest.CaptureFixture[str]
) -> None:
    (site / "_posts" / "2024-01-01-open.md").write_text("---\ntitle: Open\n", "utf-8")
    argv = ["publish", "--bucket", s3_bucket.name, "--content", str(site)]
    assert main(argv, env={}) == 1
    err = capsys.readouterr().err
    assert f"{site}/_posts/2024-01-01-open.md:1: error: the front matter block" in err
    assert "not publishing: checked 2 posts: 1 error, 1 warning" in err
    assert "Contents" not in s3_bucket.client.list_objects_v2(Bucket=s3_bucket.name)


def test_publish_delete_lists_what_it_removes(
    site: Path, s3_bucket: S3Bucket, capsys: pytest.CaptureFixture[str]
) -> None:
    (site / "notes.txt").write_text("temporary\n", "utf-8")
    argv = ["publish", "--bucket", s3_bucket.name, "--prefix", "blog", "--content", str(site)]
    assert main(argv, env={}) == 0
    (site / "notes.txt").unlink()
    capsys.readouterr()
    assert main([*argv, "--delete"], env={}) == 0
    captured = capsys.readouterr()
    assert f"will delete 1 objects from s3://{s3_bucket.name}/blog/:\n  notes.txt\n" in captured.err
    assert ", deleted 1," in captured.out
