"""template.yaml, proven with the tools that run here: sam validate (plain and --lint), cfn-lint on
the template and on its SAM transform (which alone sees a circular dependency), checkov, and the
least-privilege and wiring promises read off the transformed template."""

from __future__ import annotations

import json
from typing import Any

import pytest

from handler.site import STYLESHEET_PATH
from infra.tools import REPO, TEMPLATE, checkov, lint, run, sam, transform

CIRCULAR_FROM = """        CONTENT_BUCKET: !Sub
          - broadsheet-${Guid}
          - Guid: !Select [2, !Split ["/", !Ref AWS::StackId]]
"""
CIRCULAR_TO = "        CONTENT_BUCKET: !Ref ContentBucket\n"


@pytest.fixture(scope="module")
def transformed() -> dict[str, Any]:
    return transform(TEMPLATE.read_text())


def resources_of(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {name: r for name, r in template["Resources"].items() if r["Type"] == kind}


def statements(template: dict[str, Any], role: str) -> list[dict[str, Any]]:
    policies = template["Resources"][role]["Properties"]["Policies"]
    found: list[dict[str, Any]] = []
    for policy in policies:
        found.extend(policy["PolicyDocument"]["Statement"])
    return found


def actions(statement: dict[str, Any]) -> set[str]:
    if "Fn::If" in statement:  # a statement that exists only when the CDN is on
        statement = statement["Fn::If"][1]
    action = statement["Action"]
    return {action} if isinstance(action, str) else set(action)


@pytest.mark.slow
def test_sam_validate_accepts_the_template() -> None:
    result = run([sam(), "validate", "--template", TEMPLATE], timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "is a valid SAM Template" in result.stdout + result.stderr


@pytest.mark.slow
def test_sam_validate_lint_finds_nothing() -> None:
    result = run([sam(), "validate", "--lint", "--template", TEMPLATE], timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr


def test_cfn_lint_finds_nothing_in_the_template() -> None:
    result = run([REPO / ".venv" / "bin" / "cfn-lint", TEMPLATE], timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr


def test_cfn_lint_finds_nothing_in_the_transformed_template(transformed: dict[str, Any]) -> None:
    assert lint(transformed) == []


def test_transformed_lint_catches_a_circular_dependency() -> None:
    """The classic mistake: the indexer naming its bucket with !Ref. The bucket's notification
    points at the indexer, so the reference closes a loop that only the transformed template shows
    (sam validate and cfn-lint on the SAM template accept it)."""
    text = TEMPLATE.read_text()
    assert CIRCULAR_FROM in text, "the template no longer computes the bucket name in Globals"
    findings = lint(transform(text.replace(CIRCULAR_FROM, CIRCULAR_TO)))
    circular = [f for f in findings if f.startswith("E3004")]
    assert circular, findings
    assert any("ContentBucket" in f and "IndexerFunction" in " ".join(circular) for f in circular)


@pytest.mark.slow
def test_checkov_passes_or_each_skip_has_a_reason() -> None:
    result = run(
        [
            checkov(),
            "--file",
            TEMPLATE,
            "--framework",
            "cloudformation",
            "--skip-download",
            "--output",
            "json",
        ],
        timeout=300,
    )
    report = json.loads(result.stdout)
    report = report[0] if isinstance(report, list) else report
    failed = [(c["check_id"], c["resource"]) for c in report["results"]["failed_checks"]]
    assert failed == [], f"checkov failed {failed}: fix them or skip each with its reason"
    assert report["summary"]["passed"] > 0
    assert report["summary"]["parsing_errors"] == 0
    for skipped in report["results"]["skipped_checks"]:
        reason = skipped.get("check_result", {}).get("suppress_comment", "")
        assert len(reason) > 20, f"{skipped['check_id']} on {skipped['resource']} has no reason"


def test_render_role_may_only_read_the_bucket(transformed: dict[str, Any]) -> None:
    granted = set().union(*(actions(s) for s in statements(transformed, "RenderFunctionRole")))
    assert granted == {"s3:GetObject", "s3:ListBucket"}
    managed = transformed["Resources"]["RenderFunctionRole"]["Properties"]["ManagedPolicyArns"]
    assert managed == ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]


def test_indexer_writes_only_the_index_object(transformed: dict[str, Any]) -> None:
    found = statements(transformed, "IndexerFunctionRole")
    writes = [s for s in found if "s3:PutObject" in actions(s)]
    assert len(writes) == 1
    assert "${IndexKey}" in writes[0]["Resource"]["Fn::Sub"][0]
    granted = set().union(*(actions(s) for s in found))
    assert granted == {
        "s3:GetObject",
        "s3:PutObject",
        "s3:ListBucket",
        "cloudfront:CreateInvalidation",
    }
    invalidation = next(s for s in found if "cloudfront:CreateInvalidation" in actions(s))
    assert invalidation["Fn::If"][0] == "CdnEnabled"
    assert "distribution/${Distribution}" in invalidation["Fn::If"][1]["Resource"]["Fn::Sub"]


def test_bucket_is_private_encrypted_versioned_retained_and_tls_only(
    transformed: dict[str, Any],
) -> None:
    bucket = transformed["Resources"]["ContentBucket"]
    assert bucket["DeletionPolicy"] == bucket["UpdateReplacePolicy"] == "Retain"
    props = bucket["Properties"]
    assert all(props["PublicAccessBlockConfiguration"].values())
    assert props["VersioningConfiguration"] == {"Status": "Enabled"}
    sse = props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
    assert sse["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    policy = transformed["Resources"]["ContentBucketPolicy"]["Properties"]["PolicyDocument"]
    deny = policy["Statement"][0]
    assert deny["Effect"] == "Deny"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_indexer_hears_posts_and_config_and_is_serialised(transformed: dict[str, Any]) -> None:
    notifications = transformed["Resources"]["ContentBucket"]["Properties"][
        "NotificationConfiguration"
    ]["LambdaConfigurations"]
    events = {n["Event"] for n in notifications}
    assert events == {"s3:ObjectCreated:*", "s3:ObjectRemoved:*"}
    text = json.dumps(notifications)
    for suffix in (".md", ".markdown", "_config.yml"):
        assert suffix in text
    indexer = transformed["Resources"]["IndexerFunction"]["Properties"]
    assert indexer["ReservedConcurrentExecutions"]["Fn::If"][:2] == ["ReserveIndexerConcurrency", 1]
    assert indexer["Handler"] == "handler.indexer.handler"


def test_render_function_is_published_behind_an_alias_on_both_routes(
    transformed: dict[str, Any],
) -> None:
    render = transformed["Resources"]["RenderFunction"]["Properties"]
    assert render["Handler"] == "handler.app.handler"
    assert render["LoggingConfig"]["LogFormat"] == "JSON"
    assert render["SnapStart"] == {"ApplyOn": {"Ref": "SnapStart"}}
    assert resources_of(transformed, "AWS::Lambda::Alias")
    paths = transformed["Resources"]["HttpApi"]["Properties"]["Body"]["paths"]
    assert set(paths) == {"/", "/{proxy+}"}
    for path in paths.values():
        integration = path["x-amazon-apigateway-any-method"]["x-amazon-apigateway-integration"]
        assert integration["payloadFormatVersion"] == "2.0"
        assert "${RenderFunctionAliaslive}" in integration["uri"]["Fn::Sub"]


def test_cdn_forwards_no_host_and_serves_static_files_from_the_bucket(
    transformed: dict[str, Any],
) -> None:
    config = transformed["Resources"]["Distribution"]["Properties"]["DistributionConfig"]
    default = config["DefaultCacheBehavior"]
    assert default["OriginRequestPolicyId"] == "b689b0a8-53d0-40ab-baf2-68738e2966ac"
    assert default["Compress"] is True
    assert default["ViewerProtocolPolicy"] == "redirect-to-https"
    static = {b["PathPattern"]: b["TargetOriginId"] for b in config["CacheBehaviors"]}
    assert static == {"/images/*": "content", "/files/*": "content", "/assets/*": "content"}
    # The theme's own stylesheet and icon live in the app, not the bucket: never a bucket route.
    assert not any(STYLESHEET_PATH.startswith(p.rstrip("*")) for p in static)
    headers = transformed["Resources"]["SecurityHeadersPolicy"]["Properties"]
    hsts = headers["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"][
        "StrictTransportSecurity"
    ]
    assert hsts["AccessControlMaxAgeSec"] >= 31536000
    cache = transformed["Resources"]["PageCachePolicy"]["Properties"]["CachePolicyConfig"]
    assert cache["DefaultTTL"] == 0  # no Cache-Control from the origin: not cached


def test_outputs_name_site_api_bucket_and_distribution(transformed: dict[str, Any]) -> None:
    outputs = transformed["Outputs"]
    assert {"SiteUrl", "ApiUrl", "BucketName", "DistributionUrl"} <= set(outputs)
    assert outputs["DistributionUrl"]["Condition"] == "CdnEnabled"
