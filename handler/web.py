"""HTTP: routes, caching headers, error pages. The only module that knows about FastAPI.

Every request is a GET or HEAD of a path; the site answers with a :class:`~handler.site.Page` or
raises, and this module turns both into responses. A cached page is served without leaving the
event loop; anything that may touch the store runs in the thread pool.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from fastapi import FastAPI, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from handler.errors import ContentError, NotFound, StoreUnavailable
from handler.settings import CachePolicy
from handler.site import HTML, Page, Site

log = logging.getLogger(__name__)

ALLOW = "GET, HEAD"
RETRY_AFTER = "5"
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        # No inline script anywhere. Style attributes are allowed (style-src-attr) because
        # kramdown writes table alignment as style="text-align: ..." and authors' raw HTML uses
        # them; <style> elements and external stylesheets stay blocked.
        "default-src 'self'; img-src 'self' https: data:; style-src 'self'; "
        "style-src-attr 'unsafe-inline'; script-src 'self'; object-src 'none'; "
        "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "X-Frame-Options": "DENY",
}


def create_app(site: Site, policy: CachePolicy | None = None) -> FastAPI:
    """The ASGI app for ``site``: one catch-all GET/HEAD route, no OpenAPI pages."""
    policy = policy or CachePolicy()
    cache_control = {
        "post": policy.post,
        "listing": policy.listing,
        "static": policy.static,
        "asset": policy.static,
        "redirect": policy.post,
    }
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)

    @app.api_route("/{path:path}", methods=["GET", "HEAD"], include_in_schema=False)
    async def serve(request: Request) -> Response:
        path: str = request.scope["path"]
        page = site.cached(path)
        if page is None:
            try:
                page = await run_in_threadpool(site.page, path)
            except NotFound:
                return _html(request, 404, site.not_found_page(), policy.not_found)
            except StoreUnavailable as error:
                log.error("store unavailable for %s: %s", path, error)
                body = site.error_page(503, "The site is briefly unavailable. Please try again.")
                return _html(request, 503, body, policy.error, {"Retry-After": RETRY_AFTER})
            except ContentError as error:
                log.error("content error for %s: %s", path, error)
                body = site.error_page(500, "This page could not be rendered.")
                return _html(request, 500, body, policy.error)
        return respond(request, page, cache_control[page.kind])

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = ALLOW
        message = "That method is not allowed here." if exc.status_code == 405 else "Bad request."
        body = site.error_page(exc.status_code, message)
        return _html(request, exc.status_code, body, policy.error, headers)

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error for %s", request.scope.get("path"))
        body = site.error_page(500, "Something went wrong on our side.")
        return _html(request, 500, body, policy.error)

    return app


def respond(request: Request, page: Page, cache_control: str) -> Response:
    """A page as a response, answering conditional requests with 304 and HEAD without a body."""
    headers = {**SECURITY_HEADERS, "ETag": page.etag, "Cache-Control": cache_control}
    if page.last_modified is not None:
        headers["Last-Modified"] = format_datetime(page.last_modified.astimezone(UTC), usegmt=True)
    if page.location is not None:
        headers["Location"] = page.location
        return Response(status_code=301, headers=headers)
    if not_modified(request, page):
        return Response(status_code=304, headers=headers)
    return _body(request, 200, page.body, page.media_type, headers)


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
    return _seconds(page.last_modified) <= _seconds(since)


def _seconds(moment: datetime) -> int:
    return int(moment.timestamp())


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
