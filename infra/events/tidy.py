"""Turn a `sam local generate-event` sample into what this stack's API or bucket really sends.

Reads the sample on stdin, writes the event on stdout: ``tidy.py http|rest|s3 METHOD|KIND PATH|KEY``.
The samples carry placeholders (a JWT authorizer, cookies, a query string, a base64 flag on an
empty body, a private source IP) that a public blog's requests never have; the route keys and
path parameters are set to the template's two routes, ``ANY /`` and ``ANY /{proxy+}``.
"""

from __future__ import annotations

import hashlib
import json
import sys
from typing import Any

BROWSER_HEADERS = {
    "accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "accept-encoding": "gzip, deflate, br",
    "accept-language": "en-US,en;q=0.9",
    "host": "id.execute-api.us-east-1.amazonaws.com",
    "user-agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "x-forwarded-for": "203.0.113.10",
    "x-forwarded-port": "443",
    "x-forwarded-proto": "https",
}


def request_id(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def http(event: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    route = "ANY /" if path == "/" else "ANY /{proxy+}"
    context = event["requestContext"]
    for placeholder in ("authentication", "authorizer"):
        context.pop(placeholder, None)
    context.update(routeKey=route, requestId=request_id("http", method, path))
    context["http"].update(
        method=method, path=path, sourceIp="203.0.113.10", userAgent=BROWSER_HEADERS["user-agent"]
    )
    event.update(
        routeKey=route,
        rawPath=path,
        rawQueryString="",
        headers=dict(BROWSER_HEADERS),
        isBase64Encoded=False,
    )
    for absent in ("cookies", "queryStringParameters", "stageVariables", "body", "pathParameters"):
        event.pop(absent, None)
    if path != "/":
        event["pathParameters"] = {"proxy": path.lstrip("/")}
    return event


def rest(event: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    resource = "/" if path == "/" else "/{proxy+}"
    event.update(
        resource=resource,
        path=path,
        httpMethod=method,
        isBase64Encoded=False,
        body=None,
        queryStringParameters=None,
        multiValueQueryStringParameters=None,
        stageVariables=None,
        pathParameters=None if path == "/" else {"proxy": path.lstrip("/")},
        headers=dict(BROWSER_HEADERS),
        multiValueHeaders={name: [value] for name, value in BROWSER_HEADERS.items()},
    )
    context = event["requestContext"]
    context.update(
        path=f"/{context['stage']}{path}",
        resourcePath=resource,
        httpMethod=method,
        requestId=request_id("rest", method, path),
    )
    context["identity"]["sourceIp"] = "203.0.113.10"
    return event


def s3(event: dict[str, Any], kind: str, key: str) -> dict[str, Any]:
    for record in event["Records"]:
        record["eventTime"] = "2024-05-01T12:00:00.000Z"
        if kind == "delete":  # deletes carry no size or ETag
            record["s3"]["object"].pop("size", None)
            record["s3"]["object"].pop("eTag", None)
    return event


def main(argv: list[str]) -> int:
    kind, what, where = argv[1:4]
    event = json.load(sys.stdin)
    shaped = {"http": http, "rest": rest, "s3": s3}[kind](event, what, where)
    json.dump(shaped, sys.stdout, indent=2, sort_keys=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
