"""HTTP: routes, caching headers, error pages, access logs. The only module that knows FastAPI.

Every request is a GET or HEAD of a path; the site answers with a :class:`~handler.site.Page` or
raises, and this module turns both into responses. A cached page is served without leaving the
event loop; anything that may touch the store runs in the thread pool.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from fastapi import FastAPI, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Scope

from handler import timing
from handler.errors import ContentError, NotFound, StoreUnavailable
from handler.settings import CachePolicy
from handler.site import HTML, Page, Site

log = logging.getLogger(__name__)
access_log = logging.getLogger("broadsheet.access")

ALLOW = "GET, HEAD"
RETRY_AFTER = "5"
# The built-in theme is written for this policy: no inline script anywhere. Style attributes
# are allowed (style-src-attr) because kramdown writes table alignment as style="text-align:
# ..." and authors' raw HTML uses them; <style> elements and external stylesheets stay blocked.
# A site's own theme gets no Content-Security-Policy, as on GitHub Pages: its inline scripts,
# fonts and CDNs must keep working.
THEME_CSP = (
    "default-src 'self'; img-src 'self' https: data:; style-src 'self'; "
    "style-src-attr 'unsafe-inline'; script-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
BASE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "X-Frame-Options": "SAMEORIGIN",
}
SECURITY_HEADERS = {"Content-Security-Policy": THEME_CSP, **BASE_HEADERS, "X-Frame-Options": "DENY"}
_MAX_AGE = re.compile(r"\b(s-maxage|max-age)=(\d+)")
_SWR = re.compile(r",?\s*stale-while-revalidate=\d+")


PRIVATE = "private, no-store"


def create_app(
    site: Site, policy: CachePolicy | None = None, *, preview_secret: str | None = None
) -> FastAPI:
    """The ASGI app for ``site``: one catch-all GET/HEAD route, no OpenAPI pages.

    ``preview_secret`` turns on signed preview links for drafts (``?preview=...``).
    """
    policy = policy or CachePolicy()
    cache_control = {
        "post": policy.post,
        "document": policy.post,
        "listing": policy.listing,
        "static": policy.static,
        "asset": policy.static,
        "redirect": policy.post,
        "not_found": policy.not_found,
        "preview": PRIVATE,
    }
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)

    @app.api_route("/{path:path}", methods=["GET", "HEAD"], include_in_schema=False)
    async def serve(request: Request) -> Response:
        began = time.perf_counter()
        measured = timing.start()
        return observed(request.scope, await answer(request), measured, began)

    async def answer(request: Request) -> Response:
        path: str = request.scope["path"]
        query = request.scope.get("query_string", b"").decode("latin-1")
        wants_preview = "preview=" in query
        # Query strings never change a public page (nor split the cache); only a signed preview
        # link does, and its answer is private and never kept.
        page = None if wants_preview else site.cached(path)
        if page is None:
            try:
                if wants_preview:
                    found = await run_in_threadpool(
                        _unless_missing, site.preview, path, query, preview_secret
                    )
                else:
                    found = await run_in_threadpool(_unless_missing, site.page, path)
            except StoreUnavailable as error:
                log.error("store unavailable for %s: %s", path, error)
                body = site.error_page(503, "The site is briefly unavailable. Please try again.")
                return _html(request, 503, body, policy.error, {"Retry-After": RETRY_AFTER})
            except ContentError as error:
                log.error("content error for %s: %s", path, error)
                body = site.error_page(500, "This page could not be rendered.")
                return _html(request, 500, body, policy.error)
            page = found if found is not None else site.not_found_page()
        control = cache_control[page.kind]
        if page.expires is not None:
            control = capped(control, page.expires, site.now())
        return respond(request, page, control)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        began = time.perf_counter()
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = ALLOW
        message = "That method is not allowed here." if exc.status_code == 405 else "Bad request."
        body = site.error_page(exc.status_code, message)
        response = _html(request, exc.status_code, body, policy.error, headers)
        measured = timing.start()
        measured.cache = "bypass"
        return observed(request.scope, response, measured, began)

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error for %s", request.scope.get("path"))
        body = site.error_page(500, "Something went wrong on our side.")
        return _html(request, 500, body, policy.error)

    return app


def _unless_missing(build: Callable[..., Page], *args: Any) -> Page | None:
    """``build(*args)``, or ``None`` where it raises ``NotFound``: run in the thread pool, so
    that a 404 (never kept, so every one comes here) raises nothing across the thread boundary.
    An exception that does leaves its traceback, the worker's frames and its thread in reference
    cycles (~100 objects a request) that only a full collection frees."""
    try:
        return build(*args)
    except NotFound:
        return None


def observed(scope: Scope, response: Response, measured: timing.Timing, began: float) -> Response:
    """Add ``Server-Timing`` and write the request's one JSON access-log line.

    Done in the route rather than in a middleware: an ASGI middleware layer costs a cached hit
    more than everything else it does (measured in bench/).
    """
    response.headers["server-timing"] = measured.server_timing()
    if access_log.isEnabledFor(logging.INFO):
        _log_request(scope, response.status_code, measured, began)
    return response


def respond(request: Request, page: Page, cache_control: str) -> Response:
    """A page as a response, answering conditional requests with 304 and HEAD without a body."""
    status = 404 if page.kind == "not_found" else 200
    headers = {
        **(SECURITY_HEADERS if page.themed else BASE_HEADERS),
        "Cache-Control": cache_control,
    }
    if page.kind == "preview":
        headers["X-Robots-Tag"] = "noindex, nofollow"
    if status == 200:
        headers["ETag"] = page.etag
    if page.http_date is not None:
        headers["Last-Modified"] = page.http_date
    if page.location is not None:
        headers["Location"] = page.location
        if page.status == 307:  # a presigned URL: short-lived, never shared by caches
            headers["Cache-Control"] = PRIVATE
        return Response(status_code=page.status, headers=headers)
    if status == 200 and not_modified(request, page):
        return Response(status_code=304, headers=headers)
    return _body(request, status, page.body, page.media_type, headers)


def capped(cache_control: str, expires: datetime | None, now: datetime) -> str:
    """``cache_control`` with its lifetimes cut to the seconds left before ``expires``.

    A page that changes by itself at a known moment (a scheduled post going live) is never kept
    by a browser or CDN past that moment; revalidating late is not allowed either, so
    ``stale-while-revalidate`` goes.
    """
    if expires is None:
        return cache_control
    left = max(0, int((expires - now).total_seconds()))

    def cut(match: re.Match[str]) -> str:
        return f"{match.group(1)}={min(int(match.group(2)), left)}"

    capped_control = _MAX_AGE.sub(cut, cache_control)
    if capped_control == cache_control and left >= _longest(cache_control):
        return cache_control
    return _SWR.sub("", capped_control)


def _longest(cache_control: str) -> int:
    return max((int(m.group(2)) for m in _MAX_AGE.finditer(cache_control)), default=0)


def not_modified(request: Request, page: Page) -> bool:
    """RFC 9110 13.2.2: If-None-Match wins; If-Modified-Since only without it."""
    inm = request.headers.get("if-none-match")
    if inm is not None:
        tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
        return "*" in tags or page.etag in tags
    ims = request.headers.get("if-modified-since")
    if ims is None or page.last_modified is None:
        return False
    try:
        since = parsedate_to_datetime(ims)
    except (TypeError, ValueError):
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return int(page.last_modified.timestamp()) <= int(since.timestamp())


def _html(
    request: Request,
    status: int,
    body: bytes,
    cache_control: str,
    extra: dict[str, str] | None = None,
) -> Response:
    headers = {**SECURITY_HEADERS, "Cache-Control": cache_control, **(extra or {})}
    return _body(request, status, body, HTML, headers)


def _body(
    request: Request, status: int, body: bytes, media_type: str, headers: dict[str, str]
) -> Response:
    if request.method == "HEAD":
        headers = {**headers, "Content-Length": str(len(body))}
        return Response(status_code=status, headers=headers, media_type=media_type)
    return Response(content=body, status_code=status, headers=headers, media_type=media_type)


def _log_request(scope: Scope, status: int, measured: timing.Timing, began: float) -> None:
    context = scope.get("aws.context")
    record = {
        "path": scope.get("path"),
        "method": scope.get("method"),
        "status": status,
        "cache": measured.cache if status < 500 else "error",
        "ms": round((time.perf_counter() - began) * 1000, 2),
        "render_ms": round(measured.render_ms, 2),
        "s3_ms": round(measured.store_ms, 2),
        "request_id": getattr(context, "aws_request_id", None),
    }
    access_log.info(json.dumps(record, separators=(",", ":")))
