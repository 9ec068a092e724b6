"""`sam build` through infra/build.sh: each artifact holds the package and its runtime dependencies
only, as wheels for the Lambda architecture (not this machine's), with bytecode for the target
Python compiled as unchecked-hash .pyc. The indexer's adds libsass and is always x86_64 (libsass
has no Linux arm64 wheel); the render function's never carries libsass, on either architecture."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tomllib
import zipfile
from pathlib import Path

import pytest

from infra.conftest import Build, native_arch
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
    "ftfy",  # the author's extra: `broadsheet check` only
    "wcwidth",
)
ZIPPED_GOAL_MIB = 15  # issue 15: at most 15 MB zipped per function (target 12)
FUNCTIONS = ("RenderFunction", "IndexerFunction")
BUILDS = ("native_build", "foreign_build")
LIBSASS_FILES = ("_sass", "sass", "sassc", "pysassc", "sasstests", "sassutils")  # its top_level.txt


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


def function_arch(build: Build, function: str) -> str:
    """The architecture a function's artifact must be for: the indexer's is always x86_64."""
    return "x86_64" if function == "IndexerFunction" else build.arch


def libsass_spec() -> str:
    """libsass's requirement in pyproject.toml's extras, without its marker."""
    with (REPO / "pyproject.toml").open("rb") as f:
        extras = tomllib.load(f)["project"]["optional-dependencies"]
    found = [r for extra in extras.values() for r in extra if r.lower().startswith("libsass")]
    assert found, "pyproject.toml's extras list no libsass"
    return str(found[0]).split(";", 1)[0].strip()


def run_in(build: Build, function: str, code: str, **env: str) -> str:
    """Run ``code`` with the runtime's Python on the artifact alone (no site-packages)."""
    result = subprocess.run(
        [
            str(build.python),
            "-S",
            "-c",
            f"import sys; sys.path[:0] = [sys.argv[1]]\n{code}",
            str(build.function(function)),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1", **env},
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_the_indexer_artifact_is_the_render_artifact_plus_libsass(native_build: Build) -> None:
    def files(function: str) -> set[Path]:
        root = native_build.function(function)
        return {p.relative_to(root) for p in root.rglob("*") if p.is_file()}

    render, indexer = files("RenderFunction"), files("IndexerFunction")
    assert Path("handler/app.py") in render
    assert Path("handler/indexer.py") in render
    assert render <= indexer
    extra = indexer - render
    assert extra
    for path in extra:
        top = path.parts[0]
        stem = (path.parts[1] if top == "__pycache__" else top).split(".")[0]
        assert stem in LIBSASS_FILES or top.startswith("libsass-"), path


@pytest.mark.parametrize("which", BUILDS)
def test_indexer_artifact_compiles_sass_on_x86_64(
    which: str, request: pytest.FixtureRequest
) -> None:
    """Whatever the Architecture parameter, the indexer carries libsass's extension, for x86_64,
    at the version pyproject.toml asks for, and the engine finds and loads it."""
    from packaging.requirements import Requirement
    from packaging.version import Version

    build: Build = request.getfixturevalue(which)
    function = build.function("IndexerFunction")
    (extension,) = function.glob("_sass*.so")
    header = extension.read_bytes()[:20]
    assert int.from_bytes(header[18:20], "little") == ELF_MACHINE["x86_64"]
    (dist,) = function.glob("libsass-*.dist-info")
    version = Version(dist.name.removeprefix("libsass-").removesuffix(".dist-info"))
    assert version in Requirement(libsass_spec()).specifier
    if os.uname().machine != "x86_64":
        pytest.skip("the indexer's x86_64 libsass cannot load on this machine")
    out = run_in(
        build,
        "IndexerFunction",
        "from handler.engine import sass\n"
        "from handler.engine.sass import _native\n"
        "import handler.indexer\n"
        "print(sass.available(), sass.libsass_version(), _native.extension_path())",
    )
    available, libsass_version, path = out.split()
    assert available == "True", out
    assert libsass_version.startswith("3.")
    assert Path(path) == extension


@pytest.mark.parametrize("which", BUILDS)
def test_render_artifact_never_carries_libsass(which: str, request: pytest.FixtureRequest) -> None:
    build: Build = request.getfixturevalue(which)
    function = build.function("RenderFunction")
    assert not list(function.glob("_sass*.so"))
    assert not list(function.glob("libsass-*.dist-info"))
    assert not (function / "sass.py").exists()
    assert not (function / "sassutils").exists()


def test_native_render_artifact_imports_without_libsass(native_build: Build) -> None:
    out = run_in(
        native_build,
        "RenderFunction",
        "import handler.app\nfrom handler.engine import sass\nprint(sass.available())",
        CONTENT_DIR="/nonexistent",
    )
    assert out.split() == ["False"]


TWIN_IMPORT = """
import importlib.abc, importlib.machinery, importlib.util, pathlib, sys
arm, x86 = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
ARM_SUFFIX = ".cpython-313-aarch64-linux-gnu.so"
X86_SUFFIX = ".cpython-313-x86_64-linux-gnu.so"
twins = []
class Twins(importlib.abc.MetaPathFinder):
    # An aarch64 extension module of the arm64 artifact, loaded from the x86_64 artifact's twin:
    # every line of Python comes from the arm64 artifact, only machine code is swapped.
    def find_spec(self, name, path=None, target=None):
        tail = name.rpartition(".")[2]
        for folder in (path or [str(arm)]):
            found = pathlib.Path(folder) / (tail + ARM_SUFFIX)
            if found.is_file() and found.is_relative_to(arm):
                twin = x86 / found.relative_to(arm).with_name(tail + X86_SUFFIX)
                assert twin.is_file(), f"no x86_64 twin for {found}"
                twins.append(name)
                loader = importlib.machinery.ExtensionFileLoader(name, str(twin))
                return importlib.util.spec_from_file_location(name, twin, loader=loader)
        return None
sys.path[:0] = [str(arm)]
sys.meta_path.insert(0, Twins())
import handler.app
from handler.engine import sass
assert not sass.available()
outside = [m.__file__ for m in list(sys.modules.values())
           if getattr(m, "__file__", None) and not m.__file__.startswith((str(arm), str(x86), sys.base_prefix))]
assert not outside, outside
print(" ".join(sorted(twins)))
"""


def test_arm64_render_artifact_imports_handler_app(
    native_build: Build, foreign_build: Build
) -> None:
    """The arm64 artifact cannot run here, but its Python can: handler.app is imported from it,
    each aarch64 extension module it needs stood in for by its x86_64 twin from the native build
    (so a module missing from the arm64 artifact, or needing libsass, fails the import)."""
    builds = {b.arch: b for b in (native_build, foreign_build)}
    if set(builds) != {"arm64", "x86_64"} or os.uname().machine != "x86_64":
        pytest.skip("needs an x86_64 machine to stand x86_64 twins in for aarch64 modules")
    result = subprocess.run(
        [
            str(native_build.python),
            "-S",
            "-c",
            TWIN_IMPORT,
            str(builds["arm64"].function("RenderFunction")),
            str(builds["x86_64"].function("RenderFunction")),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={
            "PATH": "/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "PYTHONDONTWRITEBYTECODE": "1",
            "CONTENT_DIR": "/nonexistent",
        },
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "pydantic_core._pydantic_core" in result.stdout.split()


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


def runtime_magic(build: Build) -> str:
    """The target Python's bytecode magic number, in hex."""
    return subprocess.run(
        [
            str(build.python),
            "-c",
            "import importlib.util,sys; sys.stdout.write(importlib.util.MAGIC_NUMBER.hex())",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout


def unchecked(pyc: Path, magic: str) -> bool:
    head = pyc.read_bytes()[:8]
    return head[:4].hex() == magic and int.from_bytes(head[4:8], "little") == PYC_UNCHECKED_HASH


@pytest.mark.parametrize("function", FUNCTIONS)
def test_the_package_keeps_sources_beside_unchecked_hash_bytecode(
    native_build: Build, function: str
) -> None:
    magic = runtime_magic(native_build)
    handler = native_build.function(function) / "handler"
    sources = [p for p in handler.rglob("*.py") if "__pycache__" not in p.parts]
    assert len(sources) > 100
    missing, wrong = [], []
    for source in sources:
        pyc = source.parent / "__pycache__" / f"{source.stem}.cpython-313.pyc"
        if not pyc.exists():
            missing.append(source)
        elif not unchecked(pyc, magic):
            wrong.append(pyc)
    assert not missing, missing[:5]
    assert not wrong, wrong[:5]


@pytest.mark.parametrize("function", FUNCTIONS)
def test_dependencies_ship_as_unchecked_hash_bytecode_alone(
    native_build: Build, function: str
) -> None:
    """Outside the handler package every module is a legacy .pyc where its source was (imported
    sourceless), none left as a .py or under __pycache__: half the bytes of both."""
    magic = runtime_magic(native_build)
    root = native_build.function(function)
    outside = [p for p in root.rglob("*") if p.is_file() and p.parts[len(root.parts)] != "handler"]
    assert not [p for p in outside if p.suffix == ".py"]
    assert not [p for p in outside if "__pycache__" in p.parts]
    compiled = [p for p in outside if p.suffix == ".pyc"]
    assert len(compiled) > 500
    assert not [p for p in compiled if not unchecked(p, magic)][:5]


CODE_PATHS = """
import marshal, sys
for path in sys.argv[1:]:
    with open(path, "rb") as f:
        print(marshal.loads(f.read()[16:]).co_filename)
"""


@pytest.mark.parametrize("function", FUNCTIONS)
def test_bytecode_records_the_paths_lambda_runs_it_from(native_build: Build, function: str) -> None:
    """Tracebacks in CloudWatch name /var/task/..., not the build machine's folder, and the two
    functions' handler trees are byte for byte the same."""
    root = native_build.function(function)
    pycs = [
        root / "handler" / "__pycache__" / "app.cpython-313.pyc",
        root / "fastapi" / "routing.pyc",
        root / "yaml" / "__init__.pyc",
    ]
    names = subprocess.run(
        [str(native_build.python), "-c", CODE_PATHS, *map(str, pycs)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.split()
    assert names == [
        "/var/task/handler/app.py",
        "/var/task/fastapi/routing.py",
        "/var/task/yaml/__init__.py",
    ]
    if function == "IndexerFunction":
        render = native_build.function("RenderFunction") / "handler"
        for pyc in (root / "handler").rglob("*.pyc"):
            assert pyc.read_bytes() == (render / pyc.relative_to(root / "handler")).read_bytes(), (
                pyc
            )


def elf_sections(library: Path) -> set[str]:
    """The section names of a 64-bit little-endian ELF file."""
    data = library.read_bytes()
    shoff = int.from_bytes(data[0x28:0x30], "little")
    shentsize = int.from_bytes(data[0x3A:0x3C], "little")
    shnum = int.from_bytes(data[0x3C:0x3E], "little")
    shstrndx = int.from_bytes(data[0x3E:0x40], "little")

    def header(index: int) -> tuple[int, int, int]:
        at = shoff + index * shentsize
        name = int.from_bytes(data[at : at + 4], "little")
        offset = int.from_bytes(data[at + 0x18 : at + 0x20], "little")
        size = int.from_bytes(data[at + 0x20 : at + 0x28], "little")
        return name, offset, size

    _, strings, _ = header(shstrndx)
    names = set()
    for index in range(shnum):
        name = header(index)[0]
        names.add(data[strings + name : data.index(b"\0", strings + name)].decode())
    return names


@pytest.mark.parametrize("function", FUNCTIONS)
@pytest.mark.parametrize("which", BUILDS)
def test_extension_modules_carry_no_debug_information(
    which: str, function: str, request: pytest.FixtureRequest
) -> None:
    build: Build = request.getfixturevalue(which)
    arch = function_arch(build, function)
    needed = "strip" if arch == native_arch() else "aarch64-linux-gnu-strip"
    if not shutil.which(needed):
        pytest.skip(f"{needed} is not installed (infra/setup-system.sh): shipped unstripped")
    libraries = list(build.function(function).rglob("*.so"))
    assert libraries
    for library in libraries:
        sections = elf_sections(library)
        assert ".dynsym" in sections, library
        assert not {".debug_info", ".debug_line"} & sections, library


@pytest.mark.parametrize("function", FUNCTIONS)
@pytest.mark.parametrize("which", BUILDS)
def test_native_code_is_for_the_lambda_architecture(
    which: str, function: str, request: pytest.FixtureRequest
) -> None:
    build: Build = request.getfixturevalue(which)
    libraries = list(build.function(function).rglob("*.so"))
    assert libraries, "pydantic-core, PyYAML and MarkupSafe ship compiled code"
    for library in libraries:
        header = library.read_bytes()[:20]
        assert header[:4] == b"\x7fELF"
        machine = int.from_bytes(header[18:20], "little")
        assert machine == ELF_MACHINE[function_arch(build, function)], library
        assert "cpython-313" in library.name or library.name.endswith(".abi3.so"), library


@pytest.mark.parametrize("function", FUNCTIONS)
@pytest.mark.parametrize("which", BUILDS)
def test_artifact_size_is_stated_and_bounded(
    which: str,
    function: str,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    build: Build = request.getfixturevalue(which)
    root = build.function(function)
    files = [p for p in root.rglob("*") if p.is_file()]
    unzipped = sum(p.stat().st_size for p in files)
    archive = tmp_path / "function.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in files:
            zf.write(path, path.relative_to(root))
    zipped = archive.stat().st_size
    with capsys.disabled():
        print(
            f"\n{function} (Architecture={build.arch}, built for {function_arch(build, function)}):"
            f" {unzipped / 2**20:.1f} MiB unzipped, {zipped / 2**20:.1f} MiB zipped,"
            f" {len(files)} files"
        )
    assert unzipped < 250 * 2**20  # Lambda's limit for a function and its layers, unzipped
    assert zipped <= ZIPPED_GOAL_MIB * 2**20
    if shutil.which("strip"):  # binutils (infra/setup-system.sh): libsass's debug info is gone
        for extension in root.glob("_sass*.so"):
            assert extension.stat().st_size < 8 * 2**20, "infra/build.sh did not strip libsass"
