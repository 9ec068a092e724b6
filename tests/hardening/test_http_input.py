"""HTTP input from an attacker or a careless author, through the Lambda entry (API Gateway events)
and uvicorn's ASGI app alike: query strings that must not poison a cache, redirects whose
``Location`` must stay one well-formed header, malformed Lambda and S3 events, error pages that
keep their security headers, files from the bucket that must not run script on the site's origin,
and the CDN's policies that must neither key too little nor overwrite our headers.
"""

from __future__ import annotations

import logging
import re
import secrets
import shutil
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from conftest import S3Bucket, api_event, body_bytes, call
from fastapi import FastAPI
from fastapi.testclient import TestClient
from infra.tools import TEMPLATE, transform
from mangum import Mangum
from starlette.types import Receive, Scope, Send

from handler import indexer
from handler.app import make_handler
from handler.site import Site
from handler.site.preview import sign
from handler.store.local import LocalStore
from handler.store.s3 import S3Store
from handler.tools.check import check
from handler.web import create_app

ROOT = Path(__file__).parents[2]
SEED_URL = "/posts/2023/06/journey/"
SECRET = secrets.token_urlsafe(32)
DRAFT_URL = "/unfinished/"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))
SCRIPTED_HTML = b"<!doctype html><title>x</title><script>document.cookie</script>"
SCRIPTED_SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FIELD_TEXT = re.compile(r"[\x20-\x7e]*")
# What an exception's text would show; a page may say "Error 500" (the built-in error page does).
LEAKS = ("Traceback", 'File "', ".py", "botocore", "Error:", "TemplateSyntaxError", "jinja2")

Send_ = Callable[[FastAPI, str, str, dict[str, str]], tuple[int, dict[str, str], bytes]]


# --- sites ---------------------------------------------------------------------------------------


def write(root: Path, name: str, text: str | bytes) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed site in the built-in theme, plus: a post at a non-ASCII URL, a page whose
    permalink holds a CR, good redirects, a draft, and files of every active kind."""
    root = tmp_path_factory.mktemp("http-input") / "site"
    shutil.copytree(ROOT / "content", root)
    write(root, "_posts/2024-01-02-café.md", "---\ntitle: Café\ntags: [café]\n---\nCoffee.\n")
    write(root, "cr.md", '---\ntitle: CR\npermalink: "/a\\r/"\n---\nA carriage return.\n')
    write(root, "moved.md", "---\ntitle: Moved\nredirect_to: https://example.org/new/\n---\nx\n")
    write(root, "inside.md", "---\ntitle: Inside\nredirect_to: /posts/2023/06/journey/\n---\nx\n")
    write(root, "_drafts/unfinished.md", "---\ntitle: Unfinished\n---\nNot yet.\n")
    write(root, "images/dot.png", PNG)
    write(root, "files/page.html", SCRIPTED_HTML)
    write(root, "images/logo.svg", SCRIPTED_SVG)
    write(root, "files/data.xml", b"<?xml version='1.0'?><a/>")
    write(root, "files/paper.pdf", PDF)
    write(root, "assets/app.js", b"console.log(1)")
    write(root, "files/notes.txt", b"<script>alert(1)</script>")
    return root


@pytest.fixture(scope="module")
def own_theme_dir(site_dir: Path) -> Path:
    """The same site wearing a theme of its own (a layout), as a Jekyll site does."""
    root = site_dir.parent / "own-theme"
    shutil.copytree(site_dir, root)
    write(root, "_layouts/default.html", "<html><body>{{ content }}</body></html>")
    write(root, "_layouts/post.html", "---\nlayout: default\n---\n{{ content }}")
    return root


BAD_TARGETS = {
    "crlf": "/x\r\nSet-Cookie: a=b",
    "lf": "https://example.org/\nX-Injected: 1",
    "nul": "/x\x00y",
    "tab": "java\tscript:alert(1)",
    "javascript": "javascript:alert(document.domain)",
    "javascript-upper": "JavaScript://%0aalert(1)",
    "data": "data:text/html,<script>alert(1)</script>",
    "vbscript": "vbscript:msgbox(1)",
    "spaced": " javascript:alert(1)",
    "no-host": "https:/just-a-path",
    "empty": "   ",
}


@pytest.fixture(scope="module")
def bad_redirects_dir(site_dir: Path) -> Path:
    root = site_dir.parent / "bad-redirects"
    shutil.copytree(site_dir, root)
    for name, target in BAD_TARGETS.items():
        quoted = target.encode("unicode_escape").decode().replace('"', '\\"')
        write(root, f"bad-{name}.md", f'---\ntitle: Bad\nredirect_to: "{quoted}"\n---\nx\n')
    return root


@pytest.fixture(scope="module")
def broken_theme_dir(site_dir: Path) -> Path:
    """A `_theme/base.html` that does not compile: every template the built-in theme renders
    (pages, listings, the 404 and the error page itself) fails."""
    root = site_dir.parent / "broken-theme"
    shutil.copytree(site_dir, root)
    write(root, "_theme/base.html", "{% if %}broken{% endfor %}")
    return root


@pytest.fixture(scope="module")
def apps(
    site_dir: Path, own_theme_dir: Path, bad_redirects_dir: Path, broken_theme_dir: Path
) -> dict[str, FastAPI]:
    def app(root: Path) -> FastAPI:
        return create_app(Site(LocalStore(root)), preview_secret=SECRET)

    return {
        "site": app(site_dir),
        "own": app(own_theme_dir),
        "bad": app(bad_redirects_dir),
        "broken": app(broken_theme_dir),
    }


# --- two ways in -------------------------------------------------------------------------------


def via_asgi(
    app: FastAPI, method: str, target: str, headers: dict[str, str]
) -> tuple[int, dict[str, str], bytes]:
    client = TestClient(app, raise_server_exceptions=False)
    r = client.request(method, target, headers=headers, follow_redirects=False)
    return r.status_code, {k.lower(): v for k, v in r.headers.items()}, r.content


def via_lambda(
    app: FastAPI, method: str, target: str, headers: dict[str, str]
) -> tuple[int, dict[str, str], bytes]:
    """As API Gateway's HTTP API hands the request over: the path percent-decoded."""
    path, _, query = target.partition("?")
    event = api_event("2.0", method, _decoded(path), query, headers)
    response = call(make_handler(app), event)
    return response["statusCode"], response["headers"], body_bytes(response)


def _decoded(path: str) -> str:
    from urllib.parse import unquote

    return unquote(path)


ENTRIES: dict[str, Send_] = {"asgi": via_asgi, "lambda": via_lambda}


def assert_safe_headers(headers: dict[str, str]) -> None:
    for name, value in headers.items():
        assert FIELD_TEXT.fullmatch(value), (name, value)
        assert FIELD_TEXT.fullmatch(name), name


def assert_security_headers(headers: dict[str, str]) -> None:
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] in ("DENY", "SAMEORIGIN")
    assert "content-security-policy" in headers
    assert headers["referrer-policy"]
    assert headers["cache-control"]


def csp(headers: dict[str, str]) -> dict[str, list[str]]:
    found = {}
    for part in headers["content-security-policy"].split(";"):
        words = part.split()
        if words:
            found[words[0]] = words[1:]
    return found


# --- 6: a query string never makes a public answer differ ------------------------------------------


def preview_query(path: str, *, expires: datetime | None = None) -> str:
    return urlsplit(sign(path, SECRET, expires or datetime.now(UTC) + timedelta(hours=1))).query


def hostile_queries() -> list[str]:
    good_elsewhere = preview_query("/somewhere/else/")
    expired = preview_query(DRAFT_URL, expires=datetime.now(UTC) - timedelta(seconds=5))
    return [
        "utm=x&preview=1",
        "preview=1",
        "preview=",
        "preview",
        "preview=1&preview=2",
        "PREVIEW=1",
        "xpreview=1",
        "a=preview=1",
        "p=1;preview=1",
        "%70review=garbage",
        good_elsewhere,
        expired,
        f"{good_elsewhere}&{good_elsewhere}",
        "preview=" + "9" * 12 + "." + "A" * 43,
    ]


@pytest.mark.parametrize("entry", ENTRIES)
@pytest.mark.parametrize("path", ["/", SEED_URL, DRAFT_URL, "/no/such/page/", "/images/dot.png"])
def test_a_query_string_gets_the_public_page_or_a_private_answer(
    apps: dict[str, FastAPI], entry: str, path: str
) -> None:
    """Only a preview link that verifies is a preview; anything else is answered as if the query
    were not there, so a CDN that keys on the path alone can never keep the wrong answer."""
    send = ENTRIES[entry]
    status, headers, body = send(apps["site"], "GET", path, {})
    public = (status, headers["cache-control"], body)
    for query in hostile_queries():
        q_status, q_headers, q_body = send(apps["site"], "GET", f"{path}?{query}", {})
        control = q_headers["cache-control"]
        if (q_status, control, q_body) != public:
            assert "private" in control or "no-store" in control, (query, q_status, control)
        assert_security_headers(q_headers)


@pytest.mark.parametrize("entry", ENTRIES)
def test_the_issue_case_is_the_public_home_page(apps: dict[str, FastAPI], entry: str) -> None:
    status, headers, body = ENTRIES[entry](apps["site"], "GET", "/?utm=x&preview=1", {})
    assert status == 200
    assert headers["cache-control"].startswith("public")
    assert b"journey" in body


@pytest.mark.parametrize("entry", ENTRIES)
def test_a_verified_preview_is_private_whatever_it_finds(
    apps: dict[str, FastAPI], entry: str
) -> None:
    send = ENTRIES[entry]
    status, headers, body = send(apps["site"], "GET", f"{DRAFT_URL}?{preview_query(DRAFT_URL)}", {})
    assert status == 200 and b"Not yet." in body
    assert headers["cache-control"] == "private, no-store"
    assert "noindex" in headers["x-robots-tag"]
    missing = "/no/draft/here/"
    status, headers, _ = send(apps["site"], "GET", f"{missing}?{preview_query(missing)}", {})
    assert status == 404
    assert headers["cache-control"] == "private, no-store"
    # The draft's public URL stays a public 404, with or without a bad link.
    for target in (DRAFT_URL, f"{DRAFT_URL}?preview=1"):
        status, headers, _ = send(apps["site"], "GET", target, {})
        assert status == 404 and headers["cache-control"].startswith("public")


@pytest.mark.parametrize(
    "headers",
    [
        {"cookie": "session=1; preview=1"},
        {"x-forwarded-host": "evil.example"},
        {"host": "evil.example"},
        {"x-forwarded-proto": "http"},
        {"accept-language": "fr"},
        {"user-agent": "Googlebot"},
        {"accept": "application/json"},
        {"x-original-url": "/no/such/page/"},
        {"x-http-method-override": "POST"},
    ],
)
def test_the_origin_varies_on_no_header_or_cookie(
    apps: dict[str, FastAPI], headers: dict[str, str]
) -> None:
    """What the CDN leaves out of its key (every header but Accept-Encoding, every cookie) must
    not change an answer; the template forwards none of it, and this is why it need not."""
    for path in ("/", SEED_URL, "/no/such/page/", SEED_URL.rstrip("/")):
        plain = via_lambda(apps["site"], "GET", path, {})
        varied = via_lambda(apps["site"], "GET", path, headers)
        assert varied[0] == plain[0] and varied[2] == plain[2], (path, headers)
        for name in ("cache-control", "location", "content-type"):
            assert varied[1].get(name) == plain[1].get(name), (path, name)


def cdn(transformed: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    resources = transformed["Resources"]
    config = resources["Distribution"]["Properties"]["DistributionConfig"]
    key = resources["PageCachePolicy"]["Properties"]["CachePolicyConfig"]
    headers = resources["SecurityHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]
    return config["DefaultCacheBehavior"], key["ParametersInCacheKeyAndForwardedToOrigin"], headers


def test_the_cdn_keys_on_every_input_the_origin_reads() -> None:
    """The origin reads the path and the preview parameter (Accept-Encoding is CloudFront's):
    those are the key, and with no origin request policy nothing outside the key reaches it."""
    behaviour, key, _ = cdn(transform(TEMPLATE.read_text()))
    assert "OriginRequestPolicyId" not in behaviour
    assert key["QueryStringsConfig"] == {
        "QueryStringBehavior": "whitelist",
        "QueryStrings": ["preview"],
    }
    assert key["HeadersConfig"] == {"HeaderBehavior": "none"}
    assert key["CookiesConfig"] == {"CookieBehavior": "none"}


def test_the_cdn_keeps_our_frame_options_and_policy() -> None:
    """The response headers policy fills in what the origin did not send; it never replaces
    DENY with SAMEORIGIN, nor the built-in theme's or a file's policy with its looser one."""
    _, _, policy = cdn(transform(TEMPLATE.read_text()))
    security = policy["SecurityHeadersConfig"]
    assert security["FrameOptions"]["Override"] is False
    assert security["ContentSecurityPolicy"]["Override"] is False


# --- 7: one encoding for every header value; redirect targets validated --------------------------


@pytest.mark.parametrize("entry", ENTRIES)
@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("/caf%C3%A9", "/caf%C3%A9/"),  # a post at a non-ASCII URL
        ("/tags/caf%C3%A9", "/tags/caf%C3%A9/"),  # the built-in theme's tag page
        ("/a%0D", "/a%0D/"),  # a permalink holding a CR: one header still
        ("/tags", "/tags/"),
    ],
)
def test_a_redirect_location_is_percent_encoded(
    apps: dict[str, FastAPI], entry: str, path: str, location: str
) -> None:
    status, headers, _ = ENTRIES[entry](apps["site"], "GET", path, {})
    assert status == 301
    assert headers["location"] == location
    assert_safe_headers(headers)
    assert_security_headers(headers)


@pytest.mark.parametrize("entry", ENTRIES)
def test_good_redirect_targets_still_redirect(apps: dict[str, FastAPI], entry: str) -> None:
    send = ENTRIES[entry]
    assert send(apps["site"], "GET", "/moved/", {})[1]["location"] == "https://example.org/new/"
    assert send(apps["site"], "GET", "/inside/", {})[1]["location"] == SEED_URL


@pytest.mark.parametrize("entry", ENTRIES)
@pytest.mark.parametrize("name", BAD_TARGETS)
def test_a_bad_redirect_to_is_that_pages_error(
    apps: dict[str, FastAPI], entry: str, name: str
) -> None:
    """A target with a control character or another scheme never reaches a Location header: the
    page answers the themed 500 (served stale if a good copy exists); the rest of the site
    keeps serving."""
    status, headers, body = ENTRIES[entry](apps["bad"], "GET", f"/bad-{name}/", {})
    assert status == 500
    assert "location" not in headers
    assert headers["cache-control"] == "no-store"
    assert_safe_headers(headers)
    assert_security_headers(headers)
    assert b"could not be rendered" in body
    assert ENTRIES[entry](apps["bad"], "GET", SEED_URL, {})[0] == 200


def test_redirects_json_leaves_bad_targets_out(bad_redirects_dir: Path) -> None:
    (bad_redirects_dir / "_layouts").mkdir(exist_ok=True)
    config = (bad_redirects_dir / "_config.yml").read_text(encoding="utf-8")
    own = bad_redirects_dir.parent / "bad-redirects-own"
    shutil.copytree(bad_redirects_dir, own)
    write(own, "_layouts/default.html", "{{ content }}")
    write(own, "_config.yml", config + "\nplugins: [jekyll-redirect-from]\n")
    status, _, body = via_lambda(create_app(Site(LocalStore(own))), "GET", "/redirects.json", {})
    assert status == 200
    text = body.decode()
    assert "example.org/new/" in text
    assert "javascript" not in text.lower() and "Set-Cookie" not in text and "\\r" not in text


def test_check_names_each_bad_redirect_with_its_line(bad_redirects_dir: Path) -> None:
    report = check(LocalStore(bad_redirects_dir), now=datetime.now(UTC), max_post_bytes=512 * 1024)
    flagged = {d.path: d for d in report.errors if d.message.startswith("redirect_to ")}
    assert set(flagged) == {f"bad-{name}.md" for name in BAD_TARGETS}
    assert all(d.line == 3 for d in flagged.values())
    assert "moved.md" not in flagged and "inside.md" not in flagged


def test_no_header_value_we_send_is_outside_visible_ascii(apps: dict[str, FastAPI]) -> None:
    requests = [
        "/caf%C3%A9",
        "/caf%C3%A9/",
        "/a%0D",
        "/%E2%82%AC",
        "/%E2%82%AC/",
        "/tags/caf%C3%A9/",
        "/files/page.html",
        "/images/logo.svg",
        f"{DRAFT_URL}?{preview_query(DRAFT_URL)}",
    ]
    for app in ("site", "own", "bad", "broken"):
        for target in requests:
            for send in ENTRIES.values():
                status, headers, _ = send(apps[app], "GET", target, {})
                assert status < 600
                assert_safe_headers(headers)


# --- 8: malformed Lambda events --------------------------------------------------------------------


def _v2(mutate: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    event = api_event("2.0", "GET", SEED_URL)
    mutate(event)
    return event


def _v1(mutate: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    event = api_event("1.0", "GET", SEED_URL)
    mutate(event)
    return event


def _set(**values: Any) -> Callable[[dict[str, Any]], None]:
    return lambda event: event.update(values)


def _drop_http(event: dict[str, Any]) -> None:
    del event["requestContext"]["http"]


def _null_header(event: dict[str, Any]) -> None:
    event["headers"]["x-null"] = None


def _null_multi_header(event: dict[str, Any]) -> None:
    event["headers"]["x-null"] = None
    event["multiValueHeaders"]["x-null"] = [None]


MALFORMED: dict[str, Any] = {
    "v2-bad-base64": _v2(_set(body="!!! not base64 !!!", isBase64Encoded=True)),
    "v2-raw-query-null": _v2(_set(rawQueryString=None)),
    "v2-null-header": _v2(_null_header),
    "v2-headers-not-a-map": _v2(_set(headers=["host"])),
    "v2-no-request-context-http": _v2(_drop_http),
    "v2-request-context-null": _v2(_set(requestContext=None)),
    "v2-body-a-number": _v2(_set(body=12, isBase64Encoded=False)),
    "v1-bad-base64": _v1(_set(body="%%%", isBase64Encoded=True)),
    "v1-null-header": _v1(_null_multi_header),
    "v1-null-method": _v1(_set(httpMethod=None)),
    "v1-relative-path": _v1(_set(path="posts/x/")),
    "empty": {},
    "records": {"Records": "x"},
    "a-list": [],
    "null": None,
    "a-string": "GET /",
}


@pytest.mark.parametrize("name", MALFORMED)
def test_a_malformed_event_is_a_400_with_our_headers(
    apps: dict[str, FastAPI], name: str, caplog: pytest.LogCaptureFixture
) -> None:
    handler = make_handler(apps["site"])
    with caplog.at_level(logging.WARNING):
        response = call(handler, MALFORMED[name])
    assert response["statusCode"] == 400
    headers = response["headers"]
    assert_security_headers(headers)
    assert_safe_headers(headers)
    assert headers["cache-control"] == "no-store"
    assert headers["content-type"].startswith("text/html")
    text = body_bytes(response).decode()
    assert "Bad request" in text
    assert not [leak for leak in LEAKS if leak in text]
    assert "malformed API Gateway event" in caplog.text


def test_a_malformed_head_has_no_body(apps: dict[str, FastAPI]) -> None:
    event = api_event("2.0", "HEAD", SEED_URL)
    event["rawQueryString"] = None
    response = call(make_handler(apps["site"]), event)
    assert response["statusCode"] == 400 and response["body"] == ""
    assert_security_headers(response["headers"])


def test_a_well_formed_event_still_answers(apps: dict[str, FastAPI]) -> None:
    for version in ("2.0", "1.0"):
        response = call(make_handler(apps["site"]), api_event(version, "GET", SEED_URL))
        assert response["statusCode"] == 200


@pytest.mark.parametrize(
    "event",
    [
        {"Records": "x"},
        {"Records": None},
        {"Records": [1, "x", None, {}]},
        {"Records": [{"s3": None}, {"s3": {"object": None}}, {"s3": {"object": {"key": 7}}}]},
        {"detail": {"bucket": "b"}},
        [],
        "x",
    ],
)
def test_the_indexer_logs_and_skips_a_malformed_event(
    s3_bucket: S3Bucket,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    event: Any,
) -> None:
    monkeypatch.setenv("CONTENT_BUCKET", s3_bucket.name)
    indexer._runtime.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="handler.indexer"):
            outcome = indexer.handler(event, None)
    finally:
        indexer._runtime.cache_clear()
    assert outcome["updated"] == [] and outcome["problems"] == []
    assert "skipped" in caplog.text


def test_the_indexer_keeps_the_good_records_of_a_mixed_event(
    s3_bucket: S3Bucket, s3_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = "_posts/2024-05-02-good.md"
    s3_client.put_object(Bucket=s3_bucket.name, Key=key, Body=b"---\ntitle: Good\n---\nx\n")
    good = {"s3": {"bucket": {"name": s3_bucket.name}, "object": {"key": key}}}
    monkeypatch.setenv("CONTENT_BUCKET", s3_bucket.name)
    indexer._runtime.cache_clear()
    try:
        outcome = indexer.handler({"Records": ["x", None, good, {"s3": 1}]}, None)
    finally:
        indexer._runtime.cache_clear()
    assert outcome["updated"] == [key]


# --- 9: every response carries the security headers and a Cache-Control ---------------------------


@pytest.mark.parametrize("entry", ENTRIES)
@pytest.mark.parametrize(
    "target", ["/", SEED_URL, "/no/such/page/", "/tags/", "/feed.xml", "/images/dot.png"]
)
def test_a_broken_theme_never_loses_the_headers(
    apps: dict[str, FastAPI], entry: str, target: str
) -> None:
    """A `_theme/base.html` that does not compile breaks the theme's pages and its error page:
    the answer is the page of last resort (no theme), with every header, never kept."""
    for method in ("GET", "HEAD"):
        status, headers, body = ENTRIES[entry](apps["broken"], method, target, {})
        assert_security_headers(headers)
        assert_safe_headers(headers)
        if status >= 400:
            assert headers["cache-control"] == "no-store" or status == 404, (target, headers)
            text = body.decode()
            assert not [leak for leak in LEAKS if leak in text], text[:300]
            assert method == "HEAD" or f"<h1>{status}</h1>" in text or "<html" in text


async def bare_500(scope: Scope, receive: Receive, send: Send) -> None:
    """An app that answers as a framework's last resort does: a 500 and a Content-Type."""
    await send({"type": "http.response.start", "status": 500, "headers": [(b"content-type", b"text/plain")]})  # fmt: skip
    await send({"type": "http.response.body", "body": b"Internal Server Error"})


async def raising(scope: Scope, receive: Receive, send: Send) -> None:
    raise RuntimeError("/srv/secret exploded")


@pytest.mark.parametrize("app", [bare_500, raising], ids=["bare-500", "raises"])
@pytest.mark.parametrize("version", ["2.0", "1.0"])
def test_the_lambda_entry_never_answers_without_our_headers(app: Any, version: str) -> None:
    """Mangum's own 500 (an app that raises before answering) and any answer without our
    headers become the page of last resort, headers and all."""
    handler: Mangum = make_handler(app)
    response = call(handler, api_event(version, "GET", SEED_URL))
    assert response["statusCode"] == 500
    assert_security_headers(response["headers"])
    assert response["headers"]["cache-control"] == "no-store"
    text = body_bytes(response).decode()
    assert "went wrong on our side" in text and "secret" not in text


# --- 15: files from the bucket run no script on the site's origin ----------------------------------


@pytest.mark.parametrize("entry", ENTRIES)
@pytest.mark.parametrize("theme", ["site", "own"])
def test_files_from_the_bucket_are_sandboxed(
    apps: dict[str, FastAPI], entry: str, theme: str
) -> None:
    send = ENTRIES[entry]
    frames = "'none'" if theme == "site" else "'self'"
    for path in ("/images/dot.png", "/images/logo.svg", "/files/data.xml", "/files/notes.txt"):
        status, headers, _ = send(apps[theme], "GET", path, {})
        assert status == 200, path
        policy = csp(headers)
        assert policy["default-src"] == ["'none'"], path
        assert "sandbox" in policy and policy["sandbox"] == [], path
        assert policy["frame-ancestors"] == [frames]
        assert "script-src" not in policy
    for path in ("/images/logo.svg", "/files/data.xml"):
        assert send(apps[theme], "GET", path, {})[1]["content-disposition"] == "attachment"
    assert "content-disposition" not in send(apps[theme], "GET", "/images/dot.png", {})[1]
    # An uploaded page renders (GitHub Pages serves it) but in an opaque origin of its own.
    status, headers, body = send(apps[theme], "GET", "/files/page.html", {})
    assert status == 200 and body == SCRIPTED_HTML
    policy = csp(headers)
    assert "sandbox" in policy and "allow-same-origin" not in policy["sandbox"]
    assert headers["x-frame-options"] == ("DENY" if theme == "site" else "SAMEORIGIN")
    # A PDF keeps the browser's viewer working: no sandbox, no default-src (Chromium's viewer
    # breaks under both), and it runs nothing of the site's. A script runs only where a page
    # includes it; as a (service) worker its own policy would cut it off the network.
    for path, kind in (("/files/paper.pdf", "application/pdf"), ("/assets/app.js", "javascript")):
        status, headers, body = send(apps[theme], "GET", path, {})
        assert status == 200 and kind in headers["content-type"]
        assert csp(headers) == {"frame-ancestors": [frames]}


def test_a_stored_content_type_decides_the_policy(
    s3_bucket: S3Bucket, s3_client: Any, site_dir: Path
) -> None:
    """What the browser renders is the Content-Type, not the name: a .png stored as HTML gets
    the HTML sandbox, an .html stored as an SVG gets the strict policy and an attachment."""
    put = s3_client.put_object
    put(Bucket=s3_bucket.name, Key="_config.yml", Body=(site_dir / "_config.yml").read_bytes())
    put(Bucket=s3_bucket.name, Key="images/x.png", Body=SCRIPTED_HTML, ContentType="text/html")
    put(Bucket=s3_bucket.name, Key="files/y.html", Body=SCRIPTED_SVG, ContentType="image/svg+xml")
    app = create_app(Site(S3Store(s3_client, s3_bucket.name, "")))
    status, headers, _ = via_lambda(app, "GET", "/images/x.png", {})
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert "allow-same-origin" not in csp(headers)["sandbox"]
    status, headers, _ = via_lambda(app, "GET", "/files/y.html", {})
    assert status == 200 and headers["content-type"] == "image/svg+xml"
    assert csp(headers)["default-src"] == ["'none'"] and "sandbox" in csp(headers)
    assert headers["content-disposition"] == "attachment"


def test_the_built_in_theme_keeps_deny(apps: dict[str, FastAPI]) -> None:
    for target in ("/", SEED_URL, "/no/such/page/"):
        headers = via_lambda(apps["site"], "GET", target, {})[1]
        assert headers["x-frame-options"] == "DENY"
        assert csp(headers)["frame-ancestors"] == ["'none'"]
