"""Where the infrastructure tools live, and small wrappers the infra tests share.

The SAM CLI and checkov each have a venv of their own under ``.tools/`` (``make tools``); the
transform uses samtranslator's Python API in this process, with no AWS account.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any, ClassVar

import pytest

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = REPO / "template.yaml"
EVENTS = REPO / "infra" / "events"
REGION = "us-east-1"
# What `sam package` would put in place of the local CodeUri (one zip for both functions: their
# code is the same) and of each layer's ContentUri before CloudFormation transforms the template.
PACKAGED_CODE_URI = "s3://broadsheet-artifacts/code.zip"
PACKAGED_LAYER_URI = "s3://broadsheet-artifacts/{name}.zip"


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

    As cfn-lint once did: local CodeUris and layer ContentUris become S3 URIs (as after
    ``sam package``), and the managed policy map is empty (the template names no managed policy,
    so nothing asks IAM for one).
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
    for name, resource in document["Resources"].items():
        properties = resource.get("Properties", {})
        if resource.get("Type") == "AWS::Serverless::Function" and "CodeUri" in properties:
            properties["CodeUri"] = PACKAGED_CODE_URI
        if resource.get("Type") == "AWS::Serverless::LayerVersion" and "ContentUri" in properties:
            properties["ContentUri"] = PACKAGED_LAYER_URI.format(name=name)
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


# --- reading the transformed template as CloudFormation would, for given parameter values --------

#: A stack ID as CloudFormation gives one; the bucket's name is built from its last part.
STACK_ID = "arn:aws:cloudformation:us-east-1:123456789012:stack/broadsheet/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
STACK_GUID = STACK_ID.rsplit("/", 1)[1]
NO_VALUE = object()  # what Ref AWS::NoValue resolves to: the key or item disappears


class Stack:
    """The transformed template's values with the intrinsics it uses resolved for one set of
    parameter values (the defaults, unless given): enough to check what a deployed stack would
    say, offline. Refs to resources and Fn::GetAtt are left as they are (they have no value before
    a deploy); an intrinsic this does not know fails the test rather than pass by accident."""

    PSEUDO: ClassVar[dict[str, str]] = {
        "AWS::Region": REGION,
        "AWS::Partition": "aws",
        "AWS::AccountId": "123456789012",
        "AWS::StackId": STACK_ID,
        "AWS::StackName": "broadsheet",
        "AWS::URLSuffix": "amazonaws.com",
    }

    def __init__(self, template: dict[str, Any], **parameters: str) -> None:
        self.template = template
        self.parameters = {
            name: str(spec.get("Default", "")) for name, spec in template["Parameters"].items()
        }
        unknown = set(parameters) - set(self.parameters)
        assert not unknown, f"no such parameters: {unknown}"
        self.parameters.update(parameters)

    def condition(self, name: str) -> bool:
        return bool(self._condition(self.template["Conditions"][name]))

    def _condition(self, node: Any) -> Any:
        if isinstance(node, dict) and len(node) == 1:
            ((key, arg),) = node.items()
            if key == "Fn::Equals":
                return self.value(arg[0]) == self.value(arg[1])
            if key == "Fn::Not":
                return not self._condition(arg[0])
            if key == "Fn::And":
                return all(self._condition(a) for a in arg)
            if key == "Fn::Or":
                return any(self._condition(a) for a in arg)
            if key == "Condition":
                return self.condition(arg)
        return self.value(node)

    def value(self, node: Any) -> Any:
        """``node`` resolved (recursively); ``NO_VALUE`` items and keys are dropped."""
        if isinstance(node, list):
            items = [self.value(item) for item in node]
            return [item for item in items if item is not NO_VALUE]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            ((key, arg),) = node.items()
            if key == "Ref":
                if arg == "AWS::NoValue":
                    return NO_VALUE
                if arg in self.PSEUDO:
                    return self.PSEUDO[arg]
                if arg in self.parameters:
                    return self.parameters[arg]
                return node  # a resource: no value offline
            if key == "Fn::If":
                name, then, otherwise = arg
                return self.value(then if self.condition(name) else otherwise)
            if key == "Fn::Sub":
                text, variables = (arg, {}) if isinstance(arg, str) else arg
                values = {k: self.value(v) for k, v in variables.items()}

                def substitute(match: re.Match[str]) -> str:
                    name = match.group(1)
                    if name in values:
                        return str(values[name])
                    resolved = self.value({"Ref": name}) if "." not in name else None
                    if not isinstance(resolved, str):
                        return match.group(0)  # a resource or attribute: left as written
                    return resolved

                return re.sub(r"\$\{([^}!]+)\}", substitute, text)
            if key == "Fn::FindInMap":
                mapping, top, second = (self.value(a) for a in arg)
                return self.template["Mappings"][mapping][top][second]
            if key == "Fn::Select":
                index, items = arg
                return self.value(items)[int(self.value(index))]
            if key == "Fn::Split":
                separator, text = arg
                return str(self.value(text)).split(separator)
            if key in ("Fn::GetAtt", "Fn::Join", "Fn::ImportValue", "Fn::Base64"):
                return node
            assert not key.startswith("Fn::"), f"{key} is not resolved by Stack: add it"
        resolved = {k: self.value(v) for k, v in node.items()}
        return {k: v for k, v in resolved.items() if v is not NO_VALUE}

    def resource(self, name: str) -> dict[str, Any]:
        resolved: dict[str, Any] = self.value(self.template["Resources"][name])
        return resolved

    def statements(self, role: str) -> list[dict[str, Any]]:
        """The IAM statements of ``role``'s inline policies, for these parameter values."""
        found: list[dict[str, Any]] = []
        for policy in self.resource(role)["Properties"].get("Policies", []):
            found.extend(policy["PolicyDocument"]["Statement"])
        return found


def iam_match(pattern: str, value: str) -> bool:
    """IAM's wildcard matching of resource ARNs: ``*`` is any run of characters (``/`` too)."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value) is not None


def allows(statements: list[dict[str, Any]], action: str, resource: str) -> bool:
    """Whether an Allow statement grants ``action`` on ``resource`` (conditions not evaluated;
    no statement here denies)."""
    for statement in statements:
        assert statement["Effect"] == "Allow", statement
        actions = (
            statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        )
        resources = statement["Resource"]
        resources = resources if isinstance(resources, list) else [resources]
        if action in actions and any(iam_match(r, resource) for r in resources):
            return True
    return False


def s3_filter_matches(configuration: dict[str, Any], key: str) -> bool:
    """Whether an S3 notification configuration's filter lets an event for ``key`` through."""
    rules = configuration.get("Filter", {}).get("S3Key", {}).get("Rules", [])
    for rule in rules:
        name, value = rule["Name"].lower(), rule["Value"]
        if name == "prefix" and not key.startswith(value):
            return False
        if name == "suffix" and not key.endswith(value):
            return False
    return True
