"""infra/events and infra/env.local.json: the inputs a user gives `sam local invoke` and
`sam local start-api` (the RIE tests feed the same events to the built functions)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra.tools import EVENTS, REPO, TEMPLATE, Stack, s3_filter_matches, transform

HTTP_EVENTS = sorted(p.stem for p in EVENTS.glob("http-*.json"))
REST_EVENTS = sorted(p.stem for p in EVENTS.glob("rest-*.json"))
S3_EVENTS = sorted(p.stem for p in EVENTS.glob("s3-*.json"))


def load(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((EVENTS / f"{name}.json").read_text())
    return loaded


def test_every_kind_of_event_is_there() -> None:
    assert len(HTTP_EVENTS) >= 8
    assert "http-get-stylesheet" in HTTP_EVENTS  # a Sass page, served as CSS
    assert len(REST_EVENTS) >= 3
    assert {
        "s3-put-post",
        "s3-delete-post",
        "s3-put-config",
        "s3-put-page",
        "s3-put-sass-partial",
        "s3-put-compiled-css",
    } <= set(S3_EVENTS)


@pytest.mark.parametrize("name", HTTP_EVENTS)
def test_http_api_events_match_the_template_routes(name: str) -> None:
    event = load(name)
    path = event["rawPath"]
    assert event["version"] == "2.0"
    assert event["routeKey"] == ("ANY /" if path == "/" else "ANY /{proxy+}")
    assert event["requestContext"]["http"]["path"] == path
    assert event["requestContext"]["http"]["method"] in ("GET", "HEAD", "POST")
    assert "authorizer" not in event["requestContext"]


@pytest.mark.parametrize("name", REST_EVENTS)
def test_rest_api_events_are_payload_v1(name: str) -> None:
    event = load(name)
    assert event["httpMethod"] == "GET"
    assert event["requestContext"]["path"].endswith(event["path"])


@pytest.mark.parametrize("name", S3_EVENTS)
def test_s3_events_name_a_key_the_bucket_notifies_the_indexer_of(name: str) -> None:
    """As the template's default stack (the site at the bucket root) would send them; events for
    Broadsheet's own objects come too (no S3 filter can exclude a folder), and are no-ops."""
    (record,) = load(name)["Records"]
    key = record["s3"]["object"]["key"]
    kind = "ObjectRemoved" if "delete" in name else "ObjectCreated"
    assert record["eventName"].startswith(kind)
    assert record["s3"]["bucket"]["name"] == "broadsheet-local"  # infra/env.local.json's
    stack = Stack(transform(TEMPLATE.read_text()))
    configurations = stack.resource("ContentBucket")["Properties"]["NotificationConfiguration"][
        "LambdaConfigurations"
    ]
    heard = [
        c
        for c in configurations
        if record["eventName"].startswith(c["Event"].removeprefix("s3:").removesuffix("*"))
    ]
    assert heard and all(s3_filter_matches(c, key) for c in heard), key
    assert key.startswith("_broadsheet/") == (name == "s3-put-compiled-css")


def test_env_local_sets_only_variables_the_template_declares() -> None:
    """`sam local` applies an env-vars file only to variables the template declares."""
    template = transform(TEMPLATE.read_text())
    local = json.loads((REPO / "infra" / "env.local.json").read_text())
    for function, variables in local.items():
        declared = template["Resources"][function]["Properties"]["Environment"]["Variables"]
        assert set(variables) <= set(declared), f"{function}: {set(variables) - set(declared)}"
