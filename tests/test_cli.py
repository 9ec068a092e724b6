"""`broadsheet render`, `index` and `preview-url`, run as a user runs them."""

from __future__ import annotations

import shutil
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import S3Bucket, upload_tree

from handler.cli import main
from handler.engine import manifest
from handler.settings import DEFAULT_INDEX_KEY
from handler.site import preview
from handler.store.s3 import S3Store

ROOT = Path(__file__).parents[1]
SEED = "/posts/2023/06/journey/"


def test_render_prints_a_page(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    assert main(["render", SEED, "--content", str(ROOT / "content")], env={}) == 0
    html = capsysbinary.readouterr().out.decode()
    assert html.startswith("<!doctype html>")
    assert "p.s. my advice for anyone" in html


def test_render_an_unknown_url_is_exit_1_with_a_message(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["render", "/no/such/", "--content", str(ROOT / "content")], env={}) == 1
    err = capsys.readouterr().err
    assert "no page at /no/such/" in err and "permalink" in err


def test_render_a_broken_post_names_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(ROOT / "content", tmp_path / "site")
    (tmp_path / "site/_posts/2024-01-01-bad.md").write_text(
        "---\ntitle: Bad\n---\nfine\n\n{% include nosuch.html %}\n", encoding="utf-8"
    )
    assert main(["render", "/bad/", "--content", str(tmp_path / "site")], env={}) == 1
    assert "_posts/2024-01-01-bad.md:6" in capsys.readouterr().err


def test_index_a_local_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(ROOT / "content", tmp_path / "site")
    assert main(["index", "--content", str(tmp_path / "site")], env={}) == 0
    body = (tmp_path / "site" / DEFAULT_INDEX_KEY).read_bytes()
    index, _ = manifest.loads(body, DEFAULT_INDEX_KEY)
    assert [e.url for e in index.documents] == [SEED]
    assert "wrote _broadsheet/index.json" in capsys.readouterr().out


def test_index_a_bucket_with_a_prefix(s3_bucket: S3Bucket, moto_endpoint: str) -> None:
    upload_tree(s3_bucket.client, s3_bucket.name, ROOT / "content", prefix="blog")
    env = {"AWS_ENDPOINT_URL": moto_endpoint}
    assert main(["index", "--bucket", s3_bucket.name, "--prefix", "blog"], env=env) == 0
    store = S3Store(s3_bucket.client, s3_bucket.name, "blog")
    index, _ = manifest.loads(store.get(DEFAULT_INDEX_KEY).body, DEFAULT_INDEX_KEY)
    assert [e.url for e in index.documents] == ["/posts/2023/06/journey/"]


def test_preview_url_signs_a_link(capsys: pytest.CaptureFixture[str]) -> None:
    env = {"PREVIEW_SECRET": "s" * 32, "SITE_URL": "https://blog.example.com"}
    assert main(["preview-url", "/drafts/idea/", "--expires", "2h"], env=env) == 0
    link = capsys.readouterr().out.strip()
    assert link.startswith("https://blog.example.com/drafts/idea/?preview=")
    query: Any = link.split("?", 1)[1]
    now = datetime.now(UTC)
    assert preview.verify("/drafts/idea/", query, "s" * 32, now)
    assert not preview.verify("/drafts/idea/", query, "s" * 32, now + timedelta(hours=3))


def test_preview_url_without_a_secret_says_where_to_get_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["preview-url", "/x/"], env={}) == 1
    assert "PREVIEW_SECRET is not set" in capsys.readouterr().err


def test_check_without_the_authors_extra_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """ftfy is the author's extra, not a runtime dependency (the Lambda artifact has none)."""
    import handler.tools

    for module in ("check", "mojibake"):  # imported by earlier tests: import them again
        monkeypatch.delitem(sys.modules, f"handler.tools.{module}", raising=False)
        monkeypatch.delattr(handler.tools, module, raising=False)
    monkeypatch.setitem(sys.modules, "ftfy", None)  # import ftfy: ModuleNotFoundError
    assert main(["check", "--content", str(ROOT / "content")], env={}) == 2
    assert "pip install 'broadsheet[author]'" in capsys.readouterr().err
