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
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

from fastapi import FastAPI, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.convertors import Convertor, register_url_convertor
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Scope

from handler import timing
from handler.errors import ContentError, NotFound, StoreUnavailable
from handler.settings import CachePolicy
from handler.site import HTML, Page, Site, preview

T = TypeVar("T")

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

# Files served from the bucket as they are (kind "static": /files/, /assets/, /images/, anywhere)
# are nobody's theme: whoever may upload one must not get script running on the site's origin.
# Everything but HTML gets GitHub's raw-content policy (nothing loads, nothing runs, and a
# document made of it is sandboxed into an origin of its own). An HTML file is a page the site
# links to, as on GitHub Pages, so it renders, scripts and all, but sandboxed: in an opaque
# origin, with no access to the site's cookies, storage or service workers. A PDF is shown by
# the browser's own viewer, which runs nothing of the site's and which both a sandbox and
# default-src 'none' break in Chromium (crbug 413851, 271452): it gets only the frame rule. So
# does a script: it runs only where a page of the site includes it (no policy on the file changes
# that), and as a worker the policy sent with it becomes the worker's own, where default-src
# 'none' would cut a site's service worker off the network.
# SVG and XML can hold script (an <svg:script>, an XHTML island): besides the strict policy they
# are sent as attachments, so a browser that ignores the sandbox downloads them rather than
# rendering them here; <img src> and CSS, which never run their script, are unaffected.
STATIC_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; object-src 'none'; sandbox; "
    "frame-ancestors {frames}"
)
STATIC_HTML_CSP = (
    "sandbox allow-scripts allow-forms allow-popups allow-modals; object-src 'none'; "
    "base-uri 'self'; frame-ancestors {frames}"
)
STATIC_FRAMES_CSP = "frame-ancestors {frames}"
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_FRAMES_ONLY_TYPES = frozenset(
    {
        "application/pdf",
        "application/javascript",
        "application/x-javascript",
        "application/ecmascript",
        "text/javascript",
        "text/ecmascript",
    }
)
_ATTACHMENT_TYPES = frozenset({"text/xml", "application/xml", "text/xsl"})  # and any +xml

# Header values: visible ASCII and spaces only (RFC 9110 5.5: no CR, LF or NUL; anything else
# non-ASCII is read as Latin-1 by some and refused by others). A URL-valued header carries the
# rest percent-encoded as UTF-8 (RFC 3986), escapes already there kept; any other header the same
# way, which at least never splits a response or breaks its encoding.
_URL_HEADERS = frozenset({"location", "content-location"})
_NOT_FIELD_TEXT = re.compile(r"[^\x20-\x7e]+")
_NOT_URI = re.compile(r"%(?![0-9A-Fa-f]{2})|[^A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")

# The page of last resort: what a reader gets when even the error page cannot be made (the site's
# theme is broken, the event made no sense). No theme, no store, nothing that can fail.
_LAST_RESORT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{status}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><h1>{status}</h1><p>{message}</p></body></html>
"""
_MESSAGES = {400: "Bad request.", 500: "Something went wrong on our side."}

PRIVATE = "private, no-store"

AccessLog = Callable[[dict[str, Any]], None]
"""Where each request's access-log record goes: by default ``access_log.info`` (Lambda's JSON log
format writes the dict as an object); ``broadsheet serve`` writes its line straight to its log."""


class _EveryPath(Convertor[str]):
    """Starlette's ``path`` convertor matching every character: its ``.*`` stops at a newline,
    so a path holding one (``%0A`` decoded by API Gateway) matched no route, and Starlette's
    router answered it with its own redirect, without our headers."""

    regex = "(?s:.*)"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("everypath", _EveryPath())


async def offload(request: Request, work: Callable[..., T], *args: Any) -> T:
    """Run a render (blocking work) for ``request``: in the threadpool, so the event loop goes on
    serving others meanwhile; but inline under Lambda (Mangum puts the event in the scope), where
    an execution environment serves one request at a time and a worker thread would only add its
    start and the handoff (some 10 ms on a cold start, bench P2)."""
    if "aws.event" in request.scope:
        return work(*args)
    return await run_in_threadpool(work, *args)


def create_app(
    site: Site,
    policy: CachePolicy | None = None,
    *,
    preview_secret: str | None = None,
    access: AccessLog | None = None,
) -> FastAPI:
    """The ASGI app for ``site``: one catch-all GET/HEAD route, no OpenAPI pages.

    ``preview_secret`` turns on signed preview links for drafts (``?preview=...``); ``access``
    takes each request's access-log record (default: the ``broadsheet.access`` logger).
    """
    write = access or access_log.info
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

    async def serve(request: Request) -> Response:
        began = time.perf_counter()
        measured = timing.start()
        return observed(request.scope, await answer(request), measured, began, write)

    async def answer(request: Request) -> Response:
        path: str = request.scope["path"]
        query = request.scope.get("query_string", b"").decode("latin-1")
        # A query string never changes a public page (nor splits a cache): only a preview link
        # that verifies does, and its answer, whatever it is, is private and never kept.
        # Anything else (utm=, a bad or expired preview=) is the public page, as if no query.
        private = bool(query) and is_preview(site, path, query, preview_secret)
        page = None if private else site.cached(path)
        if page is None:
            try:
                if private:
                    found = await offload(
                        request, _unless_missing, site.preview, path, query, preview_secret
                    )
                else:
                    found = await offload(request, _unless_missing, site.page, path)
            # The error and 404 pages are the site's templates too (a `_theme/404.html`, a
            # `404.md` with Liquid): rendered as every other page is (``offload``).
            except StoreUnavailable as error:
                log.error("store unavailable for %s: %s", path, error)
                message = "The site is briefly unavailable. Please try again."
                body = await offload(request, error_body, site, 503, message)
                return _html(request, 503, body, policy.error, {"Retry-After": RETRY_AFTER})
            except ContentError as error:
                log.error("content error for %s: %s", path, error)
                message = "This page could not be rendered."
                body = await offload(request, error_body, site, 500, message)
                return _html(request, 500, body, policy.error)
            page = found if found is not None else await offload(request, not_found_page, site)
        if private:
            return respond(request, replace(page, expires=None), PRIVATE, preview=True)
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
        body = error_body(site, exc.status_code, message)
        response = _html(request, exc.status_code, body, policy.error, headers)
        measured = timing.start()
        measured.cache = "bypass"
        return observed(request.scope, response, measured, began, write)

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error for %s", request.scope.get("path"))
        try:
            body = error_body(site, 500, "Something went wrong on our side.")
            return _html(request, 500, body, policy.error)
        except Exception:  # the last resort must answer, whatever broke
            log.exception("the error page failed too")
            return last_resort_response(request.method, 500)

    # A Starlette route (FastAPI's add_route) rather than a path operation: the endpoint takes
    # the request as it is, so FastAPI has no parameters to solve or validate on every hit.
    app.add_route("/{path:everypath}", serve, methods=["GET", "HEAD"], include_in_schema=False)
    app.router.redirect_slashes = False  # every path is ours to answer, slashes included
    return app


def is_preview(site: Site, path: str, query: str, secret: str | None) -> bool:
    """Whether ``query`` holds exactly one ``preview`` parameter that verifies for ``path``."""
    return secret is not None and preview.verify(path, query, secret, site.now())


def error_body(site: Site, status: int, message: str) -> bytes:
    """The site's error page, or the page of last resort when the theme cannot make one."""
    try:
        return site.error_page(status, message)
    except Exception:
        log.exception("the error page for %s could not be rendered", status)
        return last_resort_page(status, message)


def not_found_page(site: Site) -> Page:
    """The site's 404 page, or the page of last resort when it cannot be made."""
    try:
        return site.not_found_page()
    except Exception:
        log.exception("the not-found page could not be rendered")
        return Page.make("not_found", last_resort_page(404, "There is no page here."), HTML)


def last_resort_page(status: int, message: str) -> bytes:
    """An error page made of nothing but ``status`` and ``message`` (our own words)."""
    return _LAST_RESORT.format(status=status, message=message).encode()


def last_resort_headers() -> dict[str, str]:
    """The headers of a page of last resort: every security header, never kept."""
    return encoded({**SECURITY_HEADERS, "Cache-Control": "no-store", "Content-Type": HTML})


def last_resort_response(method: str, status: int, message: str | None = None) -> Response:
    body = last_resort_page(status, message or _MESSAGES.get(status, "Something went wrong."))
    headers = last_resort_headers()
    if method == "HEAD":
        return _response(status, {**headers, "Content-Length": str(len(body))})
    return _response(status, headers, body)


def _unless_missing(build: Callable[..., Page], *args: Any) -> Page | None:
    """``build(*args)``, or ``None`` where it raises ``NotFound``: run in the thread pool, so
    that a 404 (never kept, so every one comes here) raises nothing across the thread boundary.
    An exception that does leaves its traceback, the worker's frames and its thread in reference
    cycles (~100 objects a request) that only a full collection frees."""
    try:
        return build(*args)
    except NotFound:
        return None


def observed(
    scope: Scope,
    response: Response,
    measured: timing.Timing,
    began: float,
    write: AccessLog = access_log.info,
) -> Response:
    """Add ``Server-Timing`` and write the request's one JSON access-log line (to ``write``).

    Done in the route rather than in a middleware: an ASGI middleware layer costs a cached hit
    more than everything else it does (measured in bench/).
    """
    response.headers["server-timing"] = header_value("server-timing", measured.server_timing())
    if access_log.isEnabledFor(logging.INFO):
        write(_access_record(scope, response.status_code, measured, began))
    return response


def respond(request: Request, page: Page, cache_control: str, *, preview: bool = False) -> Response:
    """A page as a response, answering conditional requests with 304 and HEAD without a body."""
    status = 404 if page.kind == "not_found" else 200
    # The common case, a page read in full: its header lines are made once per page and policy
    # (a cached page is the same object on every hit), not again per request.
    plain = status == 200 and not preview and page.location is None and request.method == "GET"
    if plain and (not _conditional(request.scope) or not not_modified(request, page)):
        return _Prepared(200, _prepared_headers(page, cache_control), page.body)
    headers = _page_headers(page, cache_control, status)
    if preview:
        headers["X-Robots-Tag"] = "noindex, nofollow"
    if page.location is not None:
        headers["Location"] = page.location
        if page.status == 307:  # a presigned URL: short-lived, never shared by caches
            headers["Cache-Control"] = PRIVATE
        return _response(page.status, headers)
    if status == 200 and not_modified(request, page):
        return _response(304, headers)
    return _body(request, status, page.body, page.media_type, headers)


class _Prepared(Response):
    """Starlette's response with header lines already encoded (Starlette sends ``raw_headers``
    as they are): a cached page's, made once by :func:`_prepared_headers`."""

    def __init__(self, status: int, raw_headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        self.status_code = status
        self.body = body
        self.background = None
        self.raw_headers = raw_headers


_PREPARED_MAX = 2048  # pages whose header lines are kept (each a few hundred bytes)
_prepared: dict[tuple[int, str], tuple[Page, tuple[tuple[bytes, bytes], ...]]] = {}


def _prepared_headers(page: Page, cache_control: str) -> list[tuple[bytes, bytes]]:
    """The header lines of a 200 answer of ``page`` under ``cache_control``, encoded once: the
    same lines :func:`respond`'s general path makes, through the same :func:`encoded`."""
    key = (id(page), cache_control)
    kept = _prepared.get(key)
    if kept is None or kept[0] is not page:  # an id reused by another page is not this one
        headers = _page_headers(page, cache_control, 200)
        headers["Content-Type"] = page.media_type
        headers["Content-Length"] = str(len(page.body))
        lines = tuple(
            (name.lower().encode("latin-1"), value.encode("latin-1"))
            for name, value in encoded(headers).items()
        )
        if len(_prepared) >= _PREPARED_MAX:
            _prepared.clear()  # pages are replaced as sites change: start over, never grow
        _prepared[key] = kept = (page, lines)
    return list(kept[1])  # a list of its own: Server-Timing is added to it per request


def _page_headers(page: Page, cache_control: str, status: int) -> dict[str, str]:
    """The headers every answer of ``page`` carries: security, caching and validators."""
    headers = {**security_headers(page), "Cache-Control": cache_control}
    if status == 200:
        headers["ETag"] = page.etag
    if page.http_date is not None:
        headers["Last-Modified"] = page.http_date
    return headers


def _conditional(scope: Scope) -> bool:
    """Whether the request carries a validator (If-None-Match, If-Modified-Since)."""
    for name, _ in scope["headers"]:
        if name == b"if-none-match" or name == b"if-modified-since":
            return True
    return False


def security_headers(page: Page) -> Mapping[str, str]:
    """The security headers for ``page``: the built-in theme's strict policy for its pages, none
    for a site's own theme (as on GitHub Pages), and a sandbox for files from the bucket."""
    if page.kind == "static":
        return static_headers(page.media_type, strict_frames=page.themed)
    return SECURITY_HEADERS if page.themed else BASE_HEADERS


def static_headers(media_type: str, *, strict_frames: bool) -> dict[str, str]:
    """The headers of a file served as it is in the bucket, by what a browser would make of it.

    ``strict_frames``: no framing at all (the built-in theme's rule); else the site's own pages
    may frame its files (an academic site's CV in an iframe), as GitHub Pages lets them.
    """
    frames = "'none'" if strict_frames else "'self'"
    kind = media_type.split(";", 1)[0].strip().lower()
    headers = {**BASE_HEADERS, "X-Frame-Options": "DENY" if strict_frames else "SAMEORIGIN"}
    if kind in _HTML_TYPES:
        policy = STATIC_HTML_CSP
    elif kind in _FRAMES_ONLY_TYPES:
        policy = STATIC_FRAMES_CSP
    else:
        policy = STATIC_CSP
        if kind in _ATTACHMENT_TYPES or kind == "image/svg+xml" or kind.endswith("+xml"):
            headers["Content-Disposition"] = "attachment"
    headers["Content-Security-Policy"] = policy.format(frames=frames)
    return headers


def encoded(headers: Mapping[str, str]) -> dict[str, str]:
    """``headers`` with every value made safe to send: the one place header values pass."""
    return {name: header_value(name, value) for name, value in headers.items()}


def header_value(name: str, value: str) -> str:
    """``value`` as it may go out in header ``name``: visible ASCII only, never a CR, LF or NUL.

    A URL (``Location``) has every other character percent-encoded as UTF-8, as RFC 3986 spells
    it, and keeps the escapes it already has: ``/tags/€/`` goes out as ``/tags/%E2%82%AC/``, a
    ``\r\n`` as ``%0D%0A`` (one header still, and the same address). Other values get the same
    escapes for whatever is not field text, so no value can split a response.
    """
    if name.lower() in _URL_HEADERS:
        return _NOT_URI.sub(_percent, value)
    if value.isascii() and value.isprintable():  # the common case, without a regex
        return value
    return _NOT_FIELD_TEXT.sub(_percent, value)


def _percent(match: re.Match[str]) -> str:
    return "".join(f"%{byte:02X}" for byte in match.group().encode("utf-8", "surrogatepass"))


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
    headers = {**headers, "Content-Type": media_type}
    if request.method == "HEAD":
        return _response(status, {**headers, "Content-Length": str(len(body))})
    return _response(status, headers, body)


def _response(status: int, headers: Mapping[str, str], body: bytes = b"") -> Response:
    """Every response the app makes is made here, its header values :func:`encoded`."""
    return Response(content=body, status_code=status, headers=encoded(headers))


# json.dumps with any option makes a new encoder per call: one, made once, for every line.
_COMPACT_JSON = json.JSONEncoder(separators=(",", ":"))


class _AccessRecord(dict[str, Any]):
    """An access-log line. Lambda's JSON log format writes a dict message as a JSON object (so
    CloudWatch Logs Insights reads ``message.path``, ``message.ms``...); any other formatter
    asks for its text, which is the same object as compact JSON."""

    def __str__(self) -> str:
        return _COMPACT_JSON.encode(self)


def _access_record(
    scope: Scope, status: int, measured: timing.Timing, began: float
) -> _AccessRecord:
    context = scope.get("aws.context")
    return _AccessRecord(
        {
            "path": scope.get("path"),
            "method": scope.get("method"),
            "status": status,
            "cache": measured.cache if status < 500 else "error",
            "ms": round((time.perf_counter() - began) * 1000, 2),
            "render_ms": round(measured.render_ms, 2),
            "s3_ms": round(measured.store_ms, 2),
            "request_id": getattr(context, "aws_request_id", None),
        }
    )
