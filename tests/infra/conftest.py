"""Session fixtures: ``sam build`` once per architecture, reused by every infra test."""

from __future__ import annotations

import platform
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from infra.tools import REPO, TEMPLATE, python_for, run, sam, tool_env

RUNTIME = "python3.13"  # the template's default Runtime
MAKE_TARGETS = (
    "build-RenderFunction",
    "build-IndexerFunction",
    "build-RenderDependencies",
    "build-IndexerDependencies",
)


@dataclass(frozen=True)
class Build:
    """One ``sam build`` output: the built template and the folders it points at (each function's
    code, each layer's content)."""

    arch: str
    root: Path
    python: Path

    def function(self, name: str) -> Path:
        """The function's code folder: what Lambda unpacks at /var/task."""
        return self.root / name

    def template(self) -> dict[str, Any]:
        """The built template (``sam build`` points its CodeUris and ContentUris at the folders)."""
        from samtranslator.yaml_helper import yaml_parse  # type: ignore[import-untyped]

        template: dict[str, Any] = yaml_parse((self.root / "template.yaml").read_text())
        return template

    def layers(self, function: str) -> list[Path]:
        """The content folders of ``function``'s layers, in order, as the built template's
        ``Layers`` names them (Globals' first, as SAM merges them): Lambda extracts each into /opt."""
        template = self.template()
        resources = template["Resources"]
        globals_ = template.get("Globals", {}).get("Function", {}).get("Layers", [])
        found = []
        for ref in [*globals_, *resources[function]["Properties"].get("Layers", [])]:
            assert isinstance(ref, dict) and set(ref) == {"Ref"}, (
                f"not a layer of this stack: {ref}"
            )
            layer = resources[ref["Ref"]]
            assert layer["Type"] == "AWS::Serverless::LayerVersion", ref
            found.append(self.root / layer["Properties"]["ContentUri"])
        return found

    def sys_path(self, function: str) -> list[Path]:
        """Where ``function`` imports from on Lambda, in order: /var/task (its code), then
        /opt/python (its layers' python/ folders; one layer each here, so one folder each)."""
        return [self.function(function), *(layer / "python" for layer in self.layers(function))]

    def dependencies(self, function: str) -> Path:
        """The python/ folder of ``function``'s one layer: what it runs as /opt/python."""
        (layer,) = self.layers(function)
        return layer / "python"


def native_arch() -> str:
    return "arm64" if platform.machine() in ("aarch64", "arm64") else "x86_64"


def makefile_targets(text: str) -> set[str]:
    """The targets that have a rule in a Makefile (not those only declared .PHONY)."""
    targets: set[str] = set()
    for line in text.splitlines():
        if line.startswith(("\t", "#", ".")) or ":" not in line or ":=" in line:
            continue
        targets.update(line.split(":", 1)[0].split())
    return targets


def sam_build(arch: str, into: Path) -> Build:
    python = python_for(RUNTIME)
    if python is None:
        pytest.skip(f"{RUNTIME} is not installed (pyenv install 3.13): it compiles the bytecode")
    if not set(MAKE_TARGETS) <= makefile_targets((REPO / "Makefile").read_text()):
        pytest.fail(
            f"the Makefile has no recipe for one of {', '.join(MAKE_TARGETS)}; add:\n"
            f"{' '.join(MAKE_TARGETS)}: build-%:\n"
            '\tbash infra/build.sh "$(ARTIFACTS_DIR)" $*'
        )
    env = tool_env(BROADSHEET_ARCH=arch, BROADSHEET_RUNTIME=RUNTIME)
    env["PATH"] = f"{python.parent}:{env['PATH']}"
    result = run(
        [
            sam(),
            "build",
            "--template",
            TEMPLATE,
            "--build-dir",
            into,
            "--build-in-source",
            "--parameter-overrides",
            f"Architecture={arch} Runtime={RUNTIME}",
        ],
        timeout=540,
        env=env,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return Build(arch, into, python)


@pytest.fixture(scope="session")
def native_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The build this machine can run under the RIE (x86_64 here)."""
    arch = native_arch()
    return sam_build(arch, tmp_path_factory.mktemp(f"sam-build-{arch}"))


@pytest.fixture(scope="session")
def foreign_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The other architecture (arm64 here, the template's default): its render function is built,
    not run; its indexer is x86_64 whatever the Architecture, and runs under the RIE here."""
    arch = "x86_64" if native_arch() == "arm64" else "arm64"
    return sam_build(arch, tmp_path_factory.mktemp(f"sam-build-{arch}"))
