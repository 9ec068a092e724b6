"""template.yaml, proven with the tools that run here: sam validate (plain and --lint), cfn-lint on
the template and on its SAM transform (which alone sees a circular dependency), checkov, and the
least-privilege and wiring promises read off the transformed template, resolved for the default
parameters and for a site under a prefix as a deployed stack would resolve them (tools.Stack)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from samtranslator.yaml_helper import yaml_parse  # type: ignore[import-untyped]

from handler.settings import CachePolicy, Settings
from infra.tools import (
    REPO,
    STACK_GUID,
    TEMPLATE,
    Stack,
    allows,
    checkov,
    lint,
    run,
    s3_filter_matches,
    sam,
    transform,
)

CIRCULAR_FROM = """        CONTENT_BUCKET: !Sub
          - broadsheet-${Guid}
          - Guid: !Select [2, !Split ["/", !Ref AWS::StackId]]
"""
CIRCULAR_TO = "        CONTENT_BUCKET: !Ref ContentBucket\n"
BUCKET = f"broadsheet-{STACK_GUID}"
PREFIXES = ["", "site"]  # the site at the bucket root (the default), and under a folder
# One key of each kind of file a Jekyll site holds, relative to the site's root.
SITE_KEYS = [
    "_config.yml",
    "_posts/2024-01-02-hello.md",
    "blog/_posts/2024-01-02-hello.markdown",
    "_drafts/next.md",
    "index.html",
    "_pages/about.md",
    "_layouts/default.html",
    "_includes/head/custom.html",
    "_data/navigation.yml",
    "_sass/_themes.scss",
    "_sass/theme/_default_light.scss",
    "assets/css/main.scss",
    "assets/js/main.min.js",
    "_publications/2009-10-01-paper.md",
    "images/profile.png",
    "files/paper1.pdf",
    "talkmap/map.html",
    "CNAME",
    "favicon.ico",
    "a folder/with spaces.txt",
]
OWN_KEYS = ["_broadsheet/index.json", "_broadsheet/sass/0123456789abcdef.css"]


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


def object_arn(prefix: str, key: str) -> str:
    return f"arn:aws:s3:::{BUCKET}/{prefix + '/' if prefix else ''}{key}"


def test_own_folder_holds_the_index_and_is_what_the_engine_ignores() -> None:
    from handler.engine.index import IGNORED_PREFIXES
    from handler.engine.plugins.sass import PRECOMPILED

    names = transform(TEMPLATE.read_text())["Mappings"]["Names"]["Content"]
    own = names["OwnFolder"]
    assert names["IndexKey"].startswith(own)
    assert names["IndexKey"] == Settings().index_key
    assert PRECOMPILED.startswith(own), "compiled CSS must be where the indexer may write"
    assert own in IGNORED_PREFIXES, "the indexer must ignore its own writes' events"


@pytest.mark.parametrize("prefix", PREFIXES)
def test_render_role_may_only_read_the_site(transformed: dict[str, Any], prefix: str) -> None:
    granted = set().union(*(actions(s) for s in statements(transformed, "RenderFunctionRole")))
    # Earlier versions too: the last good copy of a post replaced by a broken upload.
    assert granted == {
        "s3:GetObject",
        "s3:GetObjectVersion",
        "s3:ListBucket",
        "s3:ListBucketVersions",
    }
    managed = transformed["Resources"]["RenderFunctionRole"]["Properties"]["ManagedPolicyArns"]
    assert managed == ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]
    found = Stack(transformed, ContentPrefix=prefix).statements("RenderFunctionRole")
    # Every file of the site (and compiled CSS, and what a presigned URL for a large file fetches).
    for key in [*SITE_KEYS, *OWN_KEYS]:
        assert allows(found, "s3:GetObject", object_arn(prefix, key)), key
        assert allows(found, "s3:GetObjectVersion", object_arn(prefix, key)), key
        assert not allows(found, "s3:PutObject", object_arn(prefix, key)), key
    if prefix:
        assert not allows(found, "s3:GetObject", f"arn:aws:s3:::{BUCKET}/elsewhere/secret.txt")
        assert not allows(
            found, "s3:GetObjectVersion", f"arn:aws:s3:::{BUCKET}/elsewhere/secret.txt"
        )
    assert not allows(found, "s3:GetObject", "arn:aws:s3:::another-bucket/index.html")


@pytest.mark.parametrize("prefix", PREFIXES)
def test_indexer_reads_the_site_and_writes_only_its_own_folder(
    transformed: dict[str, Any], prefix: str
) -> None:
    found = statements(transformed, "IndexerFunctionRole")
    granted = set().union(*(actions(s) for s in found))
    assert granted == {
        "s3:GetObject",
        "s3:PutObject",
        "s3:ListBucket",
        "cloudfront:CreateInvalidation",
    }
    writes = [s for s in found if "s3:PutObject" in actions(s)]
    assert len(writes) == 1
    assert actions(writes[0]) == {"s3:PutObject"}  # no delete, no ACLs, no tagging
    invalidation = next(s for s in found if "cloudfront:CreateInvalidation" in actions(s))
    assert invalidation["Fn::If"][0] == "CdnEnabled"
    assert "distribution/${Distribution}" in invalidation["Fn::If"][1]["Resource"]["Fn::Sub"]

    resolved = Stack(transformed, ContentPrefix=prefix).statements("IndexerFunctionRole")
    for key in SITE_KEYS:
        assert allows(resolved, "s3:GetObject", object_arn(prefix, key)), key
        assert not allows(resolved, "s3:PutObject", object_arn(prefix, key)), key
    for key in OWN_KEYS:  # the index (read-modify-write) and compiled Sass
        assert allows(resolved, "s3:GetObject", object_arn(prefix, key)), key
        assert allows(resolved, "s3:PutObject", object_arn(prefix, key)), key
    if prefix:  # another site's folder in the same bucket is out of reach
        for key in ("elsewhere/_broadsheet/index.json", "_broadsheet/index.json"):
            arn = f"arn:aws:s3:::{BUCKET}/{key}"
            assert not allows(resolved, "s3:PutObject", arn), key
            assert not allows(resolved, "s3:GetObject", arn), key
        listing = next(s for s in resolved if s["Action"] == "s3:ListBucket")
        assert listing["Condition"] == {"StringLike": {"s3:prefix": [f"{prefix}/*"]}}
    without_cdn = Stack(transformed, ContentPrefix=prefix, EnableCdn="false")
    granted = {a for s in without_cdn.statements("IndexerFunctionRole") for a in actions(s)}
    assert "cloudfront:CreateInvalidation" not in granted


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
    for prefix in PREFIXES:
        policy = Stack(transformed, ContentPrefix=prefix).resource("ContentBucketPolicy")
        (deny,) = policy["Properties"]["PolicyDocument"]["Statement"]  # and no Allow for anyone
        assert deny["Effect"] == "Deny"
        assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        rules = Stack(transformed, ContentPrefix=prefix).resource("ContentBucket")["Properties"][
            "LifecycleConfiguration"
        ]["Rules"]
        expiring = next(r for r in rules if "NoncurrentVersionExpiration" in r)
        assert expiring["Prefix"] == (f"{prefix}/" if prefix else "") + "_broadsheet/"


@pytest.mark.parametrize("prefix", PREFIXES)
def test_indexer_hears_every_file_of_the_site(transformed: dict[str, Any], prefix: str) -> None:
    configurations = Stack(transformed, ContentPrefix=prefix).resource("ContentBucket")[
        "Properties"
    ]["NotificationConfiguration"]["LambdaConfigurations"]
    assert {c["Event"] for c in configurations} == {"s3:ObjectCreated:*", "s3:ObjectRemoved:*"}
    for configuration in configurations:
        assert configuration["Function"] == {"Fn::GetAtt": ["IndexerFunction", "Arn"]}
        for key in SITE_KEYS:
            full = f"{prefix}/{key}" if prefix else key
            assert s3_filter_matches(configuration, full), (configuration, full)
        if prefix:
            assert not s3_filter_matches(configuration, "elsewhere/_posts/2024-01-02-x.md")
            assert not s3_filter_matches(configuration, f"{prefix}-old/index.html")
    # One configuration per event type: S3 rejects overlapping filters for the same event.
    assert len(configurations) == 2


def layer_of(stack: Stack, function: str) -> dict[str, Any]:
    """The one layer ``function`` uses, resolved for the stack's parameters."""
    (ref,) = stack.resource(function)["Properties"]["Layers"]
    layer = stack.resource(ref["Ref"])
    assert layer["Type"] == "AWS::Lambda::LayerVersion", ref
    return layer


def test_each_function_has_its_own_dependencies_layer(transformed: dict[str, Any]) -> None:
    """One layer each (Lambda allows 5), for the function's runtime and architecture, named after
    the stack, and deleted with the stack or when superseded (SAM's default would retain every
    version). SAM's BuildArchitecture agrees with the layer's architectures."""
    source = yaml_parse(TEMPLATE.read_text())["Resources"]
    for architecture in ("arm64", "x86_64"):
        for runtime in ("python3.12", "python3.13"):
            stack = Stack(transformed, Architecture=architecture, Runtime=runtime)
            render, indexer = (layer_of(stack, f) for f in ("RenderFunction", "IndexerFunction"))
            assert render["Properties"]["CompatibleArchitectures"] == [architecture]
            assert indexer["Properties"]["CompatibleArchitectures"] == ["x86_64"]
            for layer in (render, indexer):
                assert layer["DeletionPolicy"] == "Delete"
                assert layer["Properties"]["CompatibleRuntimes"] == [runtime]
                assert layer["Properties"]["LayerName"].startswith("broadsheet-")  # the stack's
            assert render["Properties"]["LayerName"] != indexer["Properties"]["LayerName"]
            build = Stack(
                {**transformed, "Resources": source}, Architecture=architecture, Runtime=runtime
            )
            for name, layer in (("RenderDependencies", render), ("IndexerDependencies", indexer)):
                metadata = build.resource(name)["Metadata"]
                assert metadata["BuildMethod"] == "makefile"
                assert [metadata["BuildArchitecture"]] == layer["Properties"][
                    "CompatibleArchitectures"
                ]


def test_indexer_is_x86_64_serialised_and_sized_for_sass(transformed: dict[str, Any]) -> None:
    indexer = transformed["Resources"]["IndexerFunction"]["Properties"]
    assert indexer["Handler"] == "handler.indexer.handler"
    assert indexer["ReservedConcurrentExecutions"]["Fn::If"][:2] == ["ReserveIndexerConcurrency", 1]
    for architecture in ("arm64", "x86_64"):  # libsass: x86_64 wheels only
        stack = Stack(transformed, Architecture=architecture)
        assert stack.resource("IndexerFunction")["Properties"]["Architectures"] == ["x86_64"]
        render = stack.resource("RenderFunction")["Properties"]
        assert render["Architectures"] == [architecture]
    assert Stack(transformed).resource("RenderFunction")["Properties"]["Architectures"] == ["arm64"]
    # A Sass compile and a full rescan need more than the old 256 MB / 30 s; the async retries
    # must still fit the event age.
    assert indexer["MemorySize"] >= 1024
    assert 60 <= indexer["Timeout"] <= 900
    assert "EventInvokeConfig" not in indexer  # SAM makes it a resource of its own
    invoke = resources_of(transformed, "AWS::Lambda::EventInvokeConfig")
    (settings,) = invoke.values()
    assert settings["Properties"]["MaximumEventAgeInSeconds"] > 3 * indexer["Timeout"]


def test_render_environment_matches_the_code_defaults(transformed: dict[str, Any]) -> None:
    """JEKYLL_ENV and MAX_STATIC_BYTES are declared (so `sam local` can override them) with the
    values the code would use anyway; JEKYLL_ENV is the same for both functions (the compiled
    CSS's digest covers it)."""
    stack = Stack(transformed)
    render = stack.resource("RenderFunction")["Properties"]["Environment"]["Variables"]
    indexer = stack.resource("IndexerFunction")["Properties"]["Environment"]["Variables"]
    defaults = Settings()
    assert render["JEKYLL_ENV"] == indexer["JEKYLL_ENV"] == defaults.jekyll_env == "production"
    assert int(render["MAX_STATIC_BYTES"]) == defaults.max_static_bytes == 4 * 2**20
    # Base64 grows a body by 4/3: the largest file served inline must fit Lambda's 6 MB response.
    assert int(render["MAX_STATIC_BYTES"]) * 4 / 3 < 6_000_000
    assert render["CONTENT_BUCKET"] == indexer["CONTENT_BUCKET"] == BUCKET


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


def test_cdn_sends_every_path_to_the_api_and_keeps_its_headers(
    transformed: dict[str, Any],
) -> None:
    """No bucket origin: a Jekyll site renders files anywhere (assets/css/main.scss is
    /assets/css/main.css) and the render function serves static files itself."""
    config = transformed["Resources"]["Distribution"]["Properties"]["DistributionConfig"]
    assert [o["Id"] for o in config["Origins"]] == ["api"]
    assert all(
        "S3OriginConfig" not in o and "OriginAccessControlId" not in o for o in config["Origins"]
    )
    assert "CacheBehaviors" not in config
    assert not resources_of(transformed, "AWS::CloudFront::OriginAccessControl")
    assert not resources_of(transformed, "AWS::CloudFront::CloudFrontOriginAccessIdentity")
    text = json.dumps(transformed)
    assert "cloudfront.amazonaws.com" not in text  # no bucket policy statement for CloudFront
    assert "StaticOriginAccessControl" not in text

    default = config["DefaultCacheBehavior"]
    assert default["TargetOriginId"] == "api"
    # No origin request policy: the origin sees only the cache key (tests/hardening/
    # test_http_input.py proves the key holds every input an answer varies on).
    assert "OriginRequestPolicyId" not in default
    assert default["Compress"] is True
    assert default["ViewerProtocolPolicy"] == "redirect-to-https"
    headers = transformed["Resources"]["SecurityHeadersPolicy"]["Properties"][
        "ResponseHeadersPolicyConfig"
    ]["SecurityHeadersConfig"]
    assert headers["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000
    csp = headers["ContentSecurityPolicy"]
    assert csp["Override"] is False  # the render function's own CSP, when it sends one, wins
    assert "script-src" not in csp["ContentSecurityPolicy"]  # themes' inline scripts must run
    cache = transformed["Resources"]["PageCachePolicy"]["Properties"]["CachePolicyConfig"]
    assert cache["DefaultTTL"] == 0  # no Cache-Control from the origin: not cached
    # Static files' long Cache-Control (the render function's) is honoured, not cut short.
    static_max_age = int(CachePolicy().static.split("max-age=")[1].split(",")[0])
    assert cache["MaxTTL"] >= static_max_age


def test_outputs_name_site_api_bucket_and_distribution(transformed: dict[str, Any]) -> None:
    outputs = transformed["Outputs"]
    assert {"SiteUrl", "ApiUrl", "BucketName", "DistributionUrl"} <= set(outputs)
    assert outputs["DistributionUrl"]["Condition"] == "CdnEnabled"
