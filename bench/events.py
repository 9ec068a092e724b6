"""API Gateway HTTP API (payload 2.0) events and a Lambda context, as the runtime passes them.

The event is the SAM CLI's own sample (``sam local generate-event apigateway http-api-proxy``),
copied here so the benchmark needs neither the SAM CLI nor the test suite, and adjusted the way
``tests/conftest.py::api_event`` adjusts it: a GET of one path, no body, no cookies.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # only the standard library at run time: the cold-start child imports this
    from mangum.types import LambdaCognitoIdentity, LambdaMobileClientContext

_SAMPLE: dict[str, Any] = {
    "version": "2.0",
    "routeKey": "$default",
    "rawPath": "/path/to/resource",
    "rawQueryString": "",
    "headers": {},
    "requestContext": {
        "accountId": "123456789012",
        "apiId": "api-id",
        "domainName": "id.execute-api.us-east-1.amazonaws.com",
        "domainPrefix": "id",
        "http": {
            "method": "GET",
            "path": "/path/to/resource",
            "protocol": "HTTP/1.1",
            "sourceIp": "192.168.0.1/32",
            "userAgent": "agent",
        },
        "requestId": "id",
        "routeKey": "$default",
        "stage": "$default",
        "time": "12/Mar/2020:19:03:58 +0000",
        "timeEpoch": 1583348638390,
    },
    "body": None,
    "isBase64Encoded": False,
    "stageVariables": {"stageVariable1": "value1"},
}


def http_event(path: str, method: str = "GET") -> dict[str, Any]:
    """A payload 2.0 event for ``method path`` with API Gateway's usual headers."""
    event = copy.deepcopy(_SAMPLE)
    event.update(
        rawPath=path,
        headers={
            "host": "id.execute-api.us-east-1.amazonaws.com",
            "user-agent": "broadsheet-bench",
            "accept": "text/html",
        },
    )
    event["requestContext"]["http"].update(method=method, path=path)
    return event


class Context:
    """A Lambda context with the fields Mangum's ``LambdaContext`` Protocol names."""

    function_name = "RenderFunction"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:RenderFunction"
    memory_limit_in_mb = 512
    aws_request_id = "bench"
    log_group_name = "/aws/lambda/RenderFunction"
    log_stream_name = "bench"
    identity: LambdaCognitoIdentity | None = None
    client_context: LambdaMobileClientContext | None = None

    def get_remaining_time_in_millis(self) -> int:
        return 10_000
