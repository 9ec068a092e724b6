"""The Lambda entry for API Gateway: Mangum, with a guard on each side of the app.

Mangum turns an event into an ASGI request and the app's answer into a response. It trusts the
event: a body that is not base64 though ``isBase64Encoded`` says so, ``rawQueryString: null``, a
header whose value is null, an event without ``requestContext.http`` raise out of it, and Lambda
answers with its own error. Here such an event is a 400 from us. Should anything escape the app
itself (it answers every error it meets, so this is a last line), or answer without the security
headers, the reader gets the page of last resort with them, never a bare 500.
"""

from __future__ import annotations

import binascii
import logging
from base64 import b64decode
from typing import Any

from mangum import Mangum
from mangum.protocols import HTTPCycle
from mangum.types import LambdaContext, LambdaEvent, Scope

from handler.web import last_resort_headers, last_resort_page

log = logging.getLogger(__name__)
# Mangum's HTTP cycle writes an INFO line per request (method, path, status): the access log
# (web.py) writes the same facts and more, so the cycle gets a logger of ours that keeps only
# its warnings and errors (a failure inside the app still logs its traceback). One formatted
# line fewer per request: ~25 us of a 100 us hit under the template's JSON logging (bench P1).
_cycle_log = logging.getLogger(f"{__name__}.cycle")
_cycle_log.setLevel(logging.WARNING)

# Every response the app makes carries this header; one without it was not made by the app.
_OURS = b"x-content-type-options"


class Gateway(Mangum):
    """``Mangum`` that answers malformed events with 400 and failures with a page of ours."""

    def __call__(self, event: LambdaEvent, context: LambdaContext) -> dict[str, Any]:
        try:
            handler = self.infer(event, context)
            scope = handler.scope
            body = handler.body
            problem = malformed(scope) or _bad_body(event)
        except Exception as error:  # whatever the event's shape made Mangum trip on
            problem = f"{type(error).__name__}: {error}"
        if problem is not None:
            log.warning("malformed API Gateway event, answered 400: %s", problem)
            return last_resort(event, 400, "Bad request.")
        try:
            cycle = HTTPCycle(scope, body)
            cycle.logger = _cycle_log
            response = cycle(self.app)
            if not any(name.lower() == _OURS for name, _ in response["headers"]):
                log.error("a %s answer without our headers replaced", response["status"])
                return last_resort(event, 500, "Something went wrong on our side.")
            return handler(response)
        except Exception:
            log.exception("the request for %s failed outside the app", scope.get("path"))
            return last_resort(event, 500, "Something went wrong on our side.")


def malformed(scope: Scope) -> str | None:
    """What in the ASGI scope Mangum built from an event the app could not take, if anything."""
    path, method, query = scope.get("path"), scope.get("method"), scope.get("query_string")
    if not isinstance(path, str) or not path.startswith("/"):
        return f"the path {path!r} is not an absolute path"
    if not isinstance(method, str) or not method:
        return f"the method {method!r} is not a method"
    if not isinstance(query, bytes):
        return f"the query string {query!r} is not text"
    return None


def _bad_body(event: dict[str, Any]) -> str | None:
    """Whether a body said to be base64 is not (Mangum's decoder skips what is not base64)."""
    body = event.get("body")
    if not event.get("isBase64Encoded") or not body:
        return None
    try:
        b64decode(body, validate=True)
    except (binascii.Error, TypeError, ValueError) as error:
        return f"the body is not base64: {error}"
    return None


def last_resort(event: Any, status: int, message: str) -> dict[str, Any]:
    """A response, in the form both payload versions take, with the page of last resort."""
    method = _method(event)
    body = b"" if method == "HEAD" else last_resort_page(status, message)
    headers = {name.lower(): value for name, value in last_resort_headers().items()}
    headers["content-length"] = str(len(last_resort_page(status, message)))
    return {
        "statusCode": status,
        "headers": headers,
        "body": body.decode(),
        "isBase64Encoded": False,
    }


def _method(event: Any) -> str | None:
    """The request's method, where the event says it plainly (for HEAD: no body)."""
    if not isinstance(event, dict):
        return None
    context = event.get("requestContext")
    http = context.get("http") if isinstance(context, dict) else None
    method = http.get("method") if isinstance(http, dict) else event.get("httpMethod")
    return method if isinstance(method, str) else None
