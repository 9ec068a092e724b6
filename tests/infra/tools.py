"""Where the infrastructure tools live, and small wrappers the infra tests share.

The SAM CLI and checkov each have a venv of their own under ``.tools/`` (``make tools``); the
transform uses samtranslator's Python API in this process, with no AWS account.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = REPO / "template.yaml"
EVENTS = REPO / "infra" / "events"
REGION = "us-east-1"
# What `sam package` would put in place of the local CodeUri before CloudFormation transforms it.
PACKAGED_CODE_URI = "s3://broadsheet-artifacts/code.zip"


def tool(name: str, venv: str) -> Path:
    """``.tools/<venv>/bin/<name>``, else ``name`` on PATH; fails (not skips) when neither exists."""
    local = REPO / ".tools" / venv / "bin" / name
    if local.exists():
        return local
    found = shutil.which(name)
    if found:
        return Path(found)
    pytest.fail(f"{name} is not installed: run `make tools` (it installs .tools/{venv}/bin/{name})")


def sam() -> Path:
    return tool("sam", "sam")


def checkov() -> Path:
    return tool("checkov", "checkov")


def rie_binary(machine: str) -> Path:
    """The official Lambda Runtime Interface Emulator shipped inside the aws-sam-cli wheel."""
    arch = "arm64" if machine in ("aarch64", "arm64") else "x86_64"
    pattern = str(REPO / ".tools/sam/lib/python3*/site-packages/samcli/local/rapid")
    for folder in sorted(glob.glob(pattern)):
        candidate = Path(folder) / f"aws-lambda-rie-{arch}"
        if candidate.exists():
            return candidate
    pytest.fail(f"aws-lambda-rie-{arch} not found under {pattern}: run `make tools`")


def python_for(runtime: str) -> Path | None:
    """A working interpreter for a Lambda runtime name (``python3.13``): pyenv's, else on PATH.

    Each candidate must run: a pyenv shim for a version that is not selected is on PATH but fails.
    """
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    version = runtime.removeprefix("python")
    candidates = sorted(pyenv_root.glob(f"versions/{version}.*/bin/{runtime}"), reverse=True)
    found = shutil.which(runtime)
    if found:
        candidates.append(Path(found))
    for candidate in candidates:
        check = subprocess.run(
            [str(candidate), "-c", "import sys"], capture_output=True, timeout=60, check=False
        )
        if check.returncode == 0:
            return candidate
    return None


def tool_env(**extra: str) -> dict[str, str]:
    """An environment for the SAM CLI: offline, no telemetry, a region, the test's fake AWS."""
    env = dict(os.environ)
    env.update(SAM_CLI_TELEMETRY="0", AWS_DEFAULT_REGION=REGION, AWS_REGION=REGION)
    env.update(extra)
    return env


def run(
    args: list[str | Path], *, timeout: float, cwd: Path = REPO, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a tool to completion (bounded), capturing its output as text."""
    return subprocess.run(
        [str(arg) for arg in args],
        cwd=cwd,
        env=env if env is not None else tool_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def transform(template_text: str) -> dict[str, Any]:
    """The CloudFormation template that the SAM transform makes of ``template_text``, offline.

    As cfn-lint once did: local CodeUris become S3 URIs (as after ``sam package``), and the managed
    policy map is empty (the template names no managed policy, so nothing asks IAM for one).
    """
    # samtranslator and cfn-lint ship no type information.
    from samtranslator.translator.transform import (  # type: ignore[import-untyped]
        transform as sam_transform,
    )
    from samtranslator.yaml_helper import yaml_parse  # type: ignore[import-untyped]

    class OfflinePolicyLoader:
        def load(self) -> dict[str, str]:
            return {}

    document: dict[str, Any] = yaml_parse(template_text)
    document.setdefault("Globals", {}).setdefault("Function", {})
    if "CodeUri" in document["Globals"]["Function"]:
        document["Globals"]["Function"]["CodeUri"] = PACKAGED_CODE_URI
    for resource in document["Resources"].values():
        properties = resource.get("Properties", {})
        if resource.get("Type") == "AWS::Serverless::Function" and "CodeUri" in properties:
            properties["CodeUri"] = PACKAGED_CODE_URI
    pseudo = {"AWS::Region": REGION, "AWS::Partition": "aws", "AWS::AccountId": "123456789012"}
    with pytest.MonkeyPatch.context() as mp:  # the translator asks boto3 for a region
        mp.setenv("AWS_DEFAULT_REGION", REGION)
        result: dict[str, Any] = sam_transform(document, pseudo, OfflinePolicyLoader())
    return result


def lint(template: dict[str, Any]) -> list[str]:
    """cfn-lint's findings on a plain CloudFormation template, as ``RULE: message`` lines."""
    import json

    from cfnlint.api import lint as cfn_lint  # type: ignore[import-untyped]

    return [f"{m.rule.id}: {m.message}" for m in cfn_lint(json.dumps(template), regions=[REGION])]
