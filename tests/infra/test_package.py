"""`sam package` of the built template against moto's S3 server on 127.0.0.1, as `sam deploy`
packages before it deploys (same S3 prefix as samconfig.toml's): the two functions' code, the
same bytes, is one S3 object uploaded once; each layer is an object of its own, uploaded once; and
packaging the same build again uploads nothing at all.

SAM names an upload by the MD5 of the folder (each file's relative path and contents,
samcli.lib.utils.hash.dir_checksum) and skips it when HEAD finds that key already
(samcli.lib.package.s3_uploader.S3Uploader.upload). The bucket is versioned, as SAM's managed
artifacts bucket is, so an upload that overwrote a key would show as a second version.
"""

from __future__ import annotations

import tomllib
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from handler.store.s3 import make_s3_client
from infra.conftest import Build
from infra.tools import REGION, REPO, run, sam, tool_env

pytestmark = pytest.mark.slow

FUNCTIONS = ("RenderFunction", "IndexerFunction")
LAYERS = ("RenderDependencies", "IndexerDependencies")
BUILDS = ("native_build", "foreign_build")

Versions = dict[str, list[str]]  # key -> its version ids


@dataclass(frozen=True)
class Packaged:
    build: Build
    bucket: str
    template: dict[str, Any]  # the packaged template
    first: Versions  # the bucket's object versions after `sam package`
    again: Versions  # and after a second `sam package` of the same build
    sizes: dict[str, int]  # key -> bytes

    def uri(self, resource: str) -> str:
        properties = self.template["Resources"][resource]["Properties"]
        uri = properties["ContentUri" if resource in LAYERS else "CodeUri"]
        assert isinstance(uri, str), f"{resource}: {uri!r}"
        return uri

    def key(self, resource: str) -> str:
        """The S3 key ``resource``'s URI names, in this bucket."""
        prefix = f"s3://{self.bucket}/"
        uri = self.uri(resource)
        assert uri.startswith(prefix), f"{resource} points outside the bucket: {uri}"
        return uri.removeprefix(prefix)


def s3_prefix() -> str:
    """The prefix `sam deploy` uploads under (samconfig.toml's)."""
    with (REPO / "samconfig.toml").open("rb") as f:
        prefix: str = tomllib.load(f)["default"]["deploy"]["parameters"]["s3_prefix"]
    return prefix


def versions(bucket: str) -> tuple[Versions, dict[str, int]]:
    listed = make_s3_client(REGION).list_object_versions(Bucket=bucket)
    assert not listed.get("DeleteMarkers")
    found: Versions = {}
    sizes: dict[str, int] = {}
    for version in listed.get("Versions", []):
        found.setdefault(version["Key"], []).append(version["VersionId"])
        sizes[version["Key"]] = version["Size"]
    return found, sizes


def sam_package(build: Build, bucket: str, endpoint: str, output: Path) -> dict[str, Any]:
    from samtranslator.yaml_helper import yaml_parse  # type: ignore[import-untyped]

    env = tool_env(
        AWS_ENDPOINT_URL=endpoint,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION=REGION,
        AWS_REGION=REGION,
        SAM_CLI_TELEMETRY="0",
    )
    result = run(
        [
            sam(),
            "package",
            "--template-file",
            build.root / "template.yaml",
            "--s3-bucket",
            bucket,
            "--s3-prefix",
            s3_prefix(),
            "--output-template-file",
            output,
            "--region",
            REGION,
            "--no-progressbar",
        ],
        timeout=300,
        env=env,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    packaged: dict[str, Any] = yaml_parse(output.read_text())
    return packaged


@pytest.fixture(scope="module", params=BUILDS)
def packaged(
    request: pytest.FixtureRequest, moto_endpoint: str, tmp_path_factory: pytest.TempPathFactory
) -> Packaged:
    """One build packaged twice into a new versioned bucket."""
    build: Build = request.getfixturevalue(request.param)
    client = make_s3_client(REGION)
    bucket = f"broadsheet-artifacts-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=bucket)
    client.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    out = tmp_path_factory.mktemp(f"sam-package-{build.arch}")
    template = sam_package(build, bucket, moto_endpoint, out / "packaged.yaml")
    first, sizes = versions(bucket)
    again_template = sam_package(build, bucket, moto_endpoint, out / "packaged-again.yaml")
    assert again_template == template, "the same build packaged to another template"
    again, _ = versions(bucket)
    return Packaged(build, bucket, template, first, again, sizes)


def test_both_functions_point_at_one_code_object(packaged: Packaged) -> None:
    render, indexer = (packaged.key(f) for f in FUNCTIONS)
    assert render == indexer
    assert render.startswith(f"{s3_prefix()}/")


def test_the_code_is_uploaded_once(packaged: Packaged) -> None:
    """One version of the code's key: the second function's upload was skipped, not repeated
    over the first (which a versioned bucket would keep as two versions)."""
    assert len(packaged.first[packaged.key("RenderFunction")]) == 1


def test_each_layer_is_its_own_object_uploaded_once(
    packaged: Packaged, capsys: pytest.CaptureFixture[str]
) -> None:
    code = packaged.key("RenderFunction")
    layers = {layer: packaged.key(layer) for layer in LAYERS}
    assert len({code, *layers.values()}) == 3, layers
    for key in layers.values():
        assert len(packaged.first[key]) == 1, key
    # Nothing else: one object for the code and one per layer, one version each.
    assert set(packaged.first) == {code, *layers.values()}
    mib = 2**20
    with capsys.disabled():
        print(
            f"\nsam package (Architecture={packaged.build.arch}):"
            f" {len(packaged.first)} objects, {sum(map(len, packaged.first.values()))} versions;"
            f" code (both functions) {packaged.sizes[code] / mib:.2f} MiB,"
            + ",".join(f" {n} {packaged.sizes[k] / mib:.2f} MiB" for n, k in layers.items())
        )


def test_packaging_the_same_build_again_uploads_nothing(packaged: Packaged) -> None:
    assert packaged.again == packaged.first
