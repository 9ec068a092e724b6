"""What a cold start loads: the Lambda module and its first post, in a new process.

Structural checks of laziness, never timings: a module the first post of a built-in-theme site
does not need must not be imported by ``handler.app`` nor by answering that post, so that its
import time (measured in ``bench/``, P2) stays off every cold start. Each check names a module
whose import was measured to cost a cold start.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from conftest import upload_tree

from handler.site.bucket import write_index
from handler.store.s3 import S3Store

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

ROOT = Path(__file__).parents[1]
SEED_URL = "/posts/2023/06/journey/"

_CHILD = """
import json, sys
import handler.app
from bench.events import Context, http_event

imported = set(sys.modules)
response = handler.app.handler(http_event(sys.argv[1]), Context())
from markdown.util import get_installed_extensions

print(json.dumps({
    "status": response["statusCode"],
    "at_import": sorted(imported),
    "after_first": sorted(sys.modules),
    "entry_point_scans": get_installed_extensions.cache_info().misses,
}))
"""


def cold_start(env: dict[str, str]) -> dict[str, Any]:
    """A new process imports ``handler.app`` and answers the seed post once."""
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, SEED_URL],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["status"] == 200
    return result


@pytest.fixture(scope="module")
def local() -> dict[str, Any]:
    return cold_start({"CONTENT_DIR": str(ROOT / "content")})


def loaded(modules: list[str], name: str) -> bool:
    return any(m == name or m.startswith(name + ".") for m in modules)


def test_liquid_is_not_loaded_for_a_post_without_liquid(local: dict[str, Any]) -> None:
    # The seed post has no {{ or {%, and the built-in theme is Jinja: the Liquid engine and
    # python-liquid (with babel) are left for the first page that has Liquid.
    for name in ("handler.engine.liquid.engine", "liquid", "babel"):
        assert not loaded(local["at_import"], name), name
        assert not loaded(local["after_first"], name), name


def test_sass_and_the_date_reader_are_not_loaded_for_a_site_without_sass(
    local: dict[str, Any],
) -> None:
    # Sass (and its libsass loader) for Sass pages only; Time.parse's port for reading dates in
    # files (the index holds them).
    for name in ("handler.engine.sass", "handler.engine.liquid.timeparse"):
        assert not loaded(local["at_import"], name), name
        assert not loaded(local["after_first"], name), name


def test_markdown_extensions_are_not_looked_up_by_name(local: dict[str, Any]) -> None:
    # A name (``"tables"``) makes python-markdown scan every installed package's entry points.
    assert local["entry_point_scans"] == 0


@pytest.fixture(scope="module")
def bucket(s3_client: S3Client) -> dict[str, Any]:
    """The seed site in moto's S3 with its manifest: the render function's own setting."""
    name = "broadsheet-cold-start"
    s3_client.create_bucket(Bucket=name)
    upload_tree(s3_client, name, ROOT / "content")
    write_index(S3Store(s3_client, name))
    return cold_start({"CONTENT_BUCKET": name})


def test_the_render_function_does_not_import_boto3(bucket: dict[str, Any]) -> None:
    # botocore's client is all it uses; boto3 and s3transfer are for publish's uploads.
    for name in ("boto3", "s3transfer"):
        assert not loaded(bucket["after_first"], name), name
    assert loaded(bucket["after_first"], "botocore")


def test_a_post_served_from_the_manifest_loads_no_yaml(bucket: dict[str, Any]) -> None:
    # The manifest holds the configuration as loaded and every post's front matter: PyYAML and
    # python-frontmatter (~10 ms of imports) wait for a file the index does not hold.
    for name in ("yaml", "frontmatter", "handler.engine.yamlload"):
        assert not loaded(bucket["after_first"], name), name


def test_a_folder_site_reads_its_yaml_all_the_same(local: dict[str, Any]) -> None:
    # A folder is scanned (no manifest), so its configuration and front matter are loaded.
    assert loaded(local["after_first"], "yaml")
