"""`sam build` through infra/build.sh: the artifact holds the package and its runtime dependencies
only, as wheels for the Lambda architecture (not this machine's), with bytecode for the target
Python compiled as unchecked-hash .pyc."""

from __future__ import annotations

import re
import subprocess
import tomllib
import zipfile
from pathlib import Path

import pytest

from infra.conftest import Build
from infra.tools import REPO

pytestmark = pytest.mark.slow

ELF_MACHINE = {"x86_64": 62, "arm64": 183}  # e_machine: EM_X86_64, EM_AARCH64
PYC_UNCHECKED_HASH = 0b01  # PEP 552 flags: hash-based, do not check the source
DEV_ONLY = (
    "uvicorn",
    "pytest",
    "moto",
    "httpx",
    "httpx2",
    "mypy",
    "ruff",
    "cfn_lint",
    "awslambdaric",
)


def runtime_requirements() -> list[str]:
    """Distribution names from pyproject.toml's [project] dependencies, normalised."""
    with (REPO / "pyproject.toml").open("rb") as f:
        deps = tomllib.load(f)["project"]["dependencies"]
    names = [re.split(r"[\s<>=!~;\[]", dep, maxsplit=1)[0] for dep in deps]
    return [re.sub(r"[-_.]+", "_", name).lower() for name in names]


def installed(function: Path) -> set[str]:
    """Distributions in the artifact, by their normalised dist-info names."""
    return {
        re.sub(r"[-_.]+", "_", p.name.split("-")[0]).lower() for p in function.glob("*.dist-info")
    }


def test_both_functions_get_the_same_artifact(native_build: Build) -> None:
    def files(function: str) -> set[Path]:
        root = native_build.function(function)
        return {p.relative_to(root) for p in root.rglob("*") if p.is_file()}

    render = files("RenderFunction")
    assert Path("handler/app.py") in render
    assert Path("handler/indexer.py") in render
    assert render == files("IndexerFunction")


def test_artifact_holds_runtime_dependencies_and_the_package_only(native_build: Build) -> None:
    function = native_build.function("RenderFunction")
    present = installed(function)
    assert set(runtime_requirements()) <= present
    assert not [name for name in DEV_ONLY if name in present]
    assert (function / "handler" / "theme" / "templates" / "post.html").is_file()
    assert not (function / "bin").exists()
    assert not (function / "content").exists(), "BROADSHEET_CONTENT is for sam local only"
    assert not list(function.rglob("*.pyi"))


def test_botocore_keeps_only_the_services_broadsheet_calls(native_build: Build) -> None:
    data = native_build.function("RenderFunction") / "botocore" / "data"
    services = {p.name for p in data.iterdir() if p.is_dir()}
    assert services == {"s3", "cloudfront", "sts"}
    assert (data / "endpoints.json").is_file()


def test_every_module_has_unchecked_hash_bytecode_for_the_runtime(native_build: Build) -> None:
    magic = subprocess.run(
        [
            str(native_build.python),
            "-c",
            "import importlib.util,sys; sys.stdout.write(importlib.util.MAGIC_NUMBER.hex())",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    function = native_build.function("RenderFunction")
    sources = [p for p in function.rglob("*.py") if "__pycache__" not in p.parts]
    assert len(sources) > 500
    missing, wrong = [], []
    for source in sources:
        pyc = source.parent / "__pycache__" / f"{source.stem}.cpython-313.pyc"
        if not pyc.exists():
            missing.append(source)
            continue
        head = pyc.read_bytes()[:8]
        if head[:4].hex() != magic or int.from_bytes(head[4:8], "little") != PYC_UNCHECKED_HASH:
            wrong.append(pyc)
    assert not missing, missing[:5]
    assert not wrong, wrong[:5]


@pytest.mark.parametrize("which", ["native_build", "foreign_build"])
def test_native_code_is_for_the_lambda_architecture(
    which: str, request: pytest.FixtureRequest
) -> None:
    build: Build = request.getfixturevalue(which)
    function = build.function("RenderFunction")
    libraries = list(function.rglob("*.so"))
    assert libraries, "pydantic-core, PyYAML and MarkupSafe ship compiled code"
    for library in libraries:
        header = library.read_bytes()[:20]
        assert header[:4] == b"\x7fELF"
        assert int.from_bytes(header[18:20], "little") == ELF_MACHINE[build.arch], library
        assert "cpython-313" in library.name or library.name.endswith(".abi3.so"), library


def test_artifact_size_is_stated_and_bounded(
    native_build: Build, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    function = native_build.function("RenderFunction")
    files = [p for p in function.rglob("*") if p.is_file()]
    unzipped = sum(p.stat().st_size for p in files)
    archive = tmp_path / "function.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in files:
            zf.write(path, path.relative_to(function))
    zipped = archive.stat().st_size
    with capsys.disabled():
        print(
            f"\nartifact ({native_build.arch}): {unzipped / 2**20:.1f} MiB unzipped, "
            f"{zipped / 2**20:.1f} MiB zipped, {len(files)} files"
        )
    assert unzipped < 250 * 2**20  # Lambda's limit for a function and its layers, unzipped
    assert zipped < 50 * 2**20  # a regression guard: today's artifact is well under this
