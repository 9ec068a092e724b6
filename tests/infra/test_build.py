"""`sam build` through infra/build.sh: each function's code is the handler package alone, the same
bytes for both functions (so `sam package` uploads it once: test_package.py), and its runtime
dependencies are its layer, as wheels for the Lambda architecture (not this machine's), with
bytecode for the target Python compiled as unchecked-hash .pyc. The indexer's layer adds libsass
and is always x86_64 (libsass has no Linux arm64 wheel); the render function's never carries
libsass, on either architecture. Each function is found with its layers as the built template
wires them (Build.layers), as Lambda would run it: its code at /var/task, its layer at /opt."""

from __future__ import annotations

import json
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
ZIPPED_GOAL_MIB = 15  # issue 15: at most 15 MB zipped per function, code and layers (target 12)
UNZIPPED_LIMIT = 250 * 2**20  # Lambda: a function's code and all its layers, unzipped
LAYERS_LIMIT = 5  # Lambda: layers a function may use
FUNCTIONS = ("RenderFunction", "IndexerFunction")
BUILDS = ("native_build", "foreign_build")
LIBSASS_FILES = ("_sass", "sass", "sassc", "pysassc", "sasstests", "sassutils")  # its top_level.txt


def runtime_requirements() -> list[str]:
    """Distribution names from pyproject.toml's [project] dependencies, normalised."""
    with (REPO / "pyproject.toml").open("rb") as f:
        deps = tomllib.load(f)["project"]["dependencies"]
    names = [re.split(r"[\s<>=!~;\[]", dep, maxsplit=1)[0] for dep in deps]
    return [re.sub(r"[-_.]+", "_", name).lower() for name in names]


def installed(folder: Path) -> set[str]:
    """Distributions in a layer's python/ folder, by their normalised dist-info names."""
    return {
        re.sub(r"[-_.]+", "_", p.name.split("-")[0]).lower() for p in folder.glob("*.dist-info")
    }


def files(folder: Path) -> dict[Path, Path]:
    """Every file under ``folder``, by its path relative to it."""
    return {p.relative_to(folder): p for p in folder.rglob("*") if p.is_file()}


def shipped(build: Build, function: str) -> list[Path]:
    """Every file ``function`` runs with: its code and its layers'."""
    folders = [build.function(function), *build.layers(function)]
    return [p for folder in folders for p in folder.rglob("*") if p.is_file()]


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
    """Run ``code`` with the runtime's Python on the function's code and layer alone, in Lambda's
    order (no site-packages)."""
    result = subprocess.run(
        [
            str(build.python),
            "-S",
            "-c",
            f"import sys; sys.path[:0] = sys.argv[1:]\n{code}",
            *map(str, build.sys_path(function)),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1", **env},
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


@pytest.mark.parametrize("which", BUILDS)
def test_each_function_runs_with_its_own_layer_of_dependencies(
    which: str, request: pytest.FixtureRequest
) -> None:
    """As the built template wires them: one layer each, whose content is a python/ folder."""
    build: Build = request.getfixturevalue(which)
    assert build.layers("RenderFunction") == [build.root / "RenderDependencies"]
    assert build.layers("IndexerFunction") == [build.root / "IndexerDependencies"]
    for function in FUNCTIONS:
        for layer in build.layers(function):
            assert [p.name for p in layer.iterdir()] == ["python"], layer


@pytest.mark.parametrize("which", BUILDS)
def test_both_functions_code_is_the_handler_package_and_the_same_bytes(
    which: str, request: pytest.FixtureRequest
) -> None:
    """What lets `sam package` upload one zip for both: the same file names and contents."""
    build: Build = request.getfixturevalue(which)
    render, indexer = (files(build.function(f)) for f in FUNCTIONS)
    assert Path("handler/app.py") in render
    assert Path("handler/indexer.py") in render
    assert {path.parts[0] for path in render} == {"handler"}
    assert set(render) == set(indexer)
    differ = [path for path in render if render[path].read_bytes() != indexer[path].read_bytes()]
    assert not differ, differ[:5]


def test_the_code_is_the_same_bytes_whatever_the_architecture(
    native_build: Build, foreign_build: Build
) -> None:
    """Two separate builds (each function's code is compiled on its own, in another process)
    give the same bytes: the compile is reproducible, and the code holds no machine code."""
    native, foreign = (
        files(native_build.function("RenderFunction")),
        files(foreign_build.function("RenderFunction")),
    )
    assert set(native) == set(foreign)
    differ = [path for path in native if native[path].read_bytes() != foreign[path].read_bytes()]
    assert not differ, differ[:5]


def test_the_indexer_dependencies_are_the_render_dependencies_plus_libsass(
    native_build: Build,
) -> None:
    render = files(native_build.dependencies("RenderFunction"))
    indexer = files(native_build.dependencies("IndexerFunction"))
    assert Path("fastapi/routing.pyc") in render
    assert set(render) <= set(indexer)
    differ = [path for path in render if render[path].read_bytes() != indexer[path].read_bytes()]
    assert not differ, differ[:5]
    extra = set(indexer) - set(render)
    assert extra
    for path in extra:
        top = path.parts[0]
        assert top.split(".")[0] in LIBSASS_FILES or top.startswith("libsass-"), path


@pytest.mark.parametrize("which", BUILDS)
def test_indexer_artifact_compiles_sass_on_x86_64(
    which: str, request: pytest.FixtureRequest
) -> None:
    """Whatever the Architecture parameter, the indexer carries libsass's extension, for x86_64,
    at the version pyproject.toml asks for, and the engine finds and loads it."""
    from packaging.requirements import Requirement
    from packaging.version import Version

    build: Build = request.getfixturevalue(which)
    dependencies = build.dependencies("IndexerFunction")
    (extension,) = dependencies.glob("_sass*.so")
    header = extension.read_bytes()[:20]
    assert int.from_bytes(header[18:20], "little") == ELF_MACHINE["x86_64"]
    (dist,) = dependencies.glob("libsass-*.dist-info")
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
    for folder in build.sys_path("RenderFunction"):  # its code and its layer
        assert not list(folder.glob("_sass*.so")), folder
        assert not list(folder.glob("libsass-*.dist-info")), folder
        assert not list(folder.glob("sass.py*")), folder
        assert not (folder / "sassutils").exists(), folder
    libsass = [p for p in shipped(build, "RenderFunction") if p.name.startswith("_sass.")]
    assert not libsass, libsass


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
code, arm, x86 = (pathlib.Path(arg) for arg in sys.argv[1:4])
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
sys.path[:0] = [str(code), str(arm)]
sys.meta_path.insert(0, Twins())
import handler.app
from handler.engine import sass
assert not sass.available()
assert pathlib.Path(handler.app.__file__).is_relative_to(code)
outside = [m.__file__ for m in list(sys.modules.values())
           if getattr(m, "__file__", None)
           and not m.__file__.startswith((str(code), str(arm), str(x86), sys.base_prefix))]
assert not outside, outside
print(" ".join(sorted(twins)))
"""


def test_arm64_render_artifact_imports_handler_app(
    native_build: Build, foreign_build: Build
) -> None:
    """The arm64 layer cannot run here, but its Python can: handler.app is imported from the
    arm64 build's code and layer, each aarch64 extension module it needs stood in for by its
    x86_64 twin from the native build's layer (so a module missing from the arm64 layer, or
    needing libsass, fails the import)."""
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
            str(builds["arm64"].dependencies("RenderFunction")),
            str(builds["x86_64"].dependencies("RenderFunction")),
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


@pytest.mark.parametrize("function", FUNCTIONS)
def test_artifact_holds_runtime_dependencies_and_the_package_only(
    native_build: Build, function: str
) -> None:
    dependencies = native_build.dependencies(function)
    present = installed(dependencies)
    assert set(runtime_requirements()) <= present
    assert not [name for name in DEV_ONLY if name in present]
    assert not (dependencies / "bin").exists()
    assert not (dependencies / "handler").exists(), "the package is the function's code"
    code = native_build.function(function)
    assert (code / "handler" / "theme" / "templates" / "post.html").is_file()
    assert [p.name for p in code.iterdir()] == ["handler"]
    assert not (code / "content").exists(), "BROADSHEET_CONTENT is for sam local only"
    assert not [p for p in shipped(native_build, function) if p.suffix == ".pyi"]


def test_botocore_keeps_only_the_services_broadsheet_calls(native_build: Build) -> None:
    data = native_build.dependencies("RenderFunction") / "botocore" / "data"
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
    """In the layer every module is a legacy .pyc where its source was (imported sourceless),
    none left as a .py or under __pycache__: half the bytes of both."""
    magic = runtime_magic(native_build)
    outside = list(files(native_build.dependencies(function)).values())
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
    """Tracebacks in CloudWatch name where each file runs, not the build machine's folder:
    /var/task/handler/... for the code, /opt/python/... for the layer's dependencies."""
    code, dependencies = native_build.function(function), native_build.dependencies(function)
    pycs = [
        code / "handler" / "__pycache__" / "app.cpython-313.pyc",
        dependencies / "fastapi" / "routing.pyc",
        dependencies / "yaml" / "__init__.pyc",
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
        "/opt/python/fastapi/routing.py",
        "/opt/python/yaml/__init__.py",
    ]


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
    libraries = [p for p in shipped(build, function) if p.suffix == ".so"]
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
    libraries = [p for p in shipped(build, function) if p.suffix == ".so"]
    assert libraries, "pydantic-core, PyYAML and MarkupSafe ship compiled code"
    assert not list(build.function(function).rglob("*.so")), "machine code belongs in the layer"
    for library in libraries:
        header = library.read_bytes()[:20]
        assert header[:4] == b"\x7fELF"
        machine = int.from_bytes(header[18:20], "little")
        assert machine == ELF_MACHINE[function_arch(build, function)], library
        assert "cpython-313" in library.name or library.name.endswith(".abi3.so"), library


def zipped_size(folder: Path, into: Path) -> int:
    """The size of ``folder`` zipped (deflate), as `sam package` uploads a code or layer folder."""
    with zipfile.ZipFile(into, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(folder))
    return into.stat().st_size


@pytest.mark.parametrize("function", FUNCTIONS)
@pytest.mark.parametrize("which", BUILDS)
def test_artifact_size_is_stated_and_bounded(
    which: str,
    function: str,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Per function: its code zip and its layer zips together, zipped and unzipped, against
    issue 15's goal and Lambda's limits (5 layers; 250 MB unzipped, code and layers)."""
    build: Build = request.getfixturevalue(which)
    layers = build.layers(function)
    parts = {"code": build.function(function)} | {layer.name: layer for layer in layers}
    zipped = {name: zipped_size(folder, tmp_path / f"{name}.zip") for name, folder in parts.items()}
    every = shipped(build, function)
    unzipped = sum(p.stat().st_size for p in every)
    mib = 2**20
    with capsys.disabled():
        print(
            f"\n{function} (Architecture={build.arch}, built for {function_arch(build, function)}):"
            f" {' + '.join(f'{name} {size / mib:.2f}' for name, size in zipped.items())}"
            f" = {sum(zipped.values()) / mib:.2f} MiB zipped (goal {ZIPPED_GOAL_MIB});"
            f" {unzipped / mib:.1f} MiB unzipped (limit {UNZIPPED_LIMIT // mib});"
            f" {len(every)} files; {len(layers)} layer(s) (limit {LAYERS_LIMIT})"
        )
    assert len(layers) <= LAYERS_LIMIT
    assert unzipped < UNZIPPED_LIMIT
    assert sum(zipped.values()) <= ZIPPED_GOAL_MIB * mib
    if shutil.which("strip"):  # binutils (infra/setup-system.sh): libsass's debug info is gone
        for extension in (p for p in every if p.name.startswith("_sass") and p.suffix == ".so"):
            assert extension.stat().st_size < 8 * 2**20, "infra/build.sh did not strip libsass"


COMPILED_TEMPLATES = """
import json
from handler.theme import TEMPLATE_DIR, Theme
env = Theme()._env
compiled = []
original = env.compile
env.compile = lambda *a, **k: compiled.append(a[1]) or original(*a, **k)
names = sorted(p.name for p in TEMPLATE_DIR.iterdir() if p.is_file())
files = sorted({env.get_template(n).root_render_func.__code__.co_filename for n in names})
print(json.dumps({"names": names, "compiled": compiled, "files": files}))
"""


@pytest.mark.parametrize("function", FUNCTIONS)
def test_the_builtin_templates_ship_compiled(native_build: Build, function: str) -> None:
    """handler/theme/bytecode.py: the code carries every built-in template compiled by its
    layer's Jinja for the runtime's Python, so a cold start's first render compiles none, and the
    compiled code names the templates where Lambda runs them (the same bytes from any build
    folder: both functions' code stays one upload)."""
    kept = native_build.function(function) / "handler" / "theme" / "templates" / "__pycache__"
    found = json.loads(run_in(native_build, function, COMPILED_TEMPLATES))
    assert len(found["names"]) >= 10
    assert sorted(p.name.rsplit(".", 2)[0] for p in kept.glob("*.j2c")) == found["names"]
    assert found["compiled"] == []
    assert found["files"] == [f"/var/task/handler/theme/templates/{n}" for n in found["names"]]
