"""The built functions under the official Lambda Runtime Interface Emulator (from the aws-sam-cli
wheel) with awslambdaric, fed the events in infra/events, reading content from moto's S3 server.

This is the nearest thing to Lambda that runs here: the code and layer exactly as `sam build` made
them, the layer on the import path after the code as Lambda puts /opt/python after /var/task (the
layer found from the built template's `Layers` of that function, not named here), the runtime's
Python version, the runtime interface client, JSON logging as LoggingConfig sets it, and each
function's environment, memory and timeout as template.yaml gives them.

The Sass arrangement runs end to end: the indexer of the default (arm64) deploy, which is x86_64
with libsass, compiles a site's Sass into the bucket on an S3 event; the render function without
libsass (x86_64 here: the same code as arm64's, byte for byte, and a layer of the same packages)
serves that CSS.
"""

from __future__ import annotations

import base64
import functools
import gzip
import json
import os
import re
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from conftest import REGION, api_event, free_port, upload_tree

from handler.store.s3 import make_s3_client
from infra.conftest import Build
from infra.tools import EVENTS, REPO, TEMPLATE, Stack, rie_binary, transform

pytestmark = pytest.mark.slow

SEED_TITLE = "From sci-fi writer to AI engineer: a strange journey"
SEED_KEY = "_posts/2023-06-07-journey.md"
INDEX_KEY = "_broadsheet/index.json"
PNG = bytes.fromhex(  # a 1x1 transparent PNG
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)
Invoke = Callable[[dict[str, Any]], dict[str, Any]]


def wait_for_port(port: int, proc: subprocess.Popen[bytes], log: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the RIE exited ({proc.returncode}):\n{log.read_text()[-3000:]}")
        with socket.socket() as s:
            s.settimeout(0.2)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    pytest.fail(f"the RIE did not listen on 127.0.0.1:{port} in {seconds} s")


@pytest.fixture(scope="session")
def ric(native_build: Build, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """awslambdaric for the runtime's Python, in a throwaway folder (never in the artifact)."""
    target = tmp_path_factory.mktemp("awslambdaric")
    subprocess.run(
        [
            str(native_build.python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--root-user-action=ignore",
            "--target",
            str(target),
            "awslambdaric",
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return target


@functools.cache
def stack() -> Stack:
    """The template as the default stack resolves it (the site at the bucket root)."""
    return Stack(transform(TEMPLATE.read_text()))


def template_env(function: str, bucket: str, endpoint: str) -> dict[str, str]:
    """Exactly the environment template.yaml gives ``function``, pointed at moto: the values that
    name deployed resources (the bucket, the preview secret, the distribution) are the test's."""
    declared = stack().resource(function)["Properties"]["Environment"]["Variables"]
    deployed = {"CONTENT_BUCKET": bucket, "PREVIEW_SECRET": "", "DISTRIBUTION_ID": ""}
    env = {name: deployed.get(name, value) for name, value in declared.items()}
    literal = {name: value for name, value in env.items() if not isinstance(value, str)}
    assert not literal, f"unresolved in the template's environment: {literal}"
    return {**env, "AWS_ENDPOINT_URL": endpoint}


@contextmanager
def emulator(
    build: Build, function: str, ric: Path, env: dict[str, str], logs: Path
) -> Iterator[Invoke]:
    """Run ``function``'s code under the RIE on loopback, its layers' python/ folders on the import
    path after it (as /opt/python is), with its handler, memory and timeout from template.yaml;
    yields ``invoke(event) -> result``."""
    task = build.function(function)
    layers = [str(folder) for folder in build.sys_path(function)[1:]]
    assert layers, f"{function} has no layer in the built template: it could not import its deps"
    properties = stack().resource(function)["Properties"]
    timeout = int(properties["Timeout"])
    port, api_port = free_port(), free_port()
    log = logs / f"{function}.log"
    environment = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(logs),
        "LANG": "C.UTF-8",
        "TZ": ":UTC",
        "PYTHONPATH": ":".join([str(task), *layers, str(ric)]),
        "PYTHONDONTWRITEBYTECODE": "1",  # /var/task is read-only on Lambda
        "LAMBDA_TASK_ROOT": str(task),
        "AWS_LAMBDA_FUNCTION_NAME": function,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(properties["MemorySize"]),
        "AWS_LAMBDA_FUNCTION_TIMEOUT": str(timeout),
        "AWS_LAMBDA_LOG_FORMAT": "JSON",
        "AWS_LAMBDA_LOG_LEVEL": "INFO",
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": str(logs / "absent"),
        "AWS_SHARED_CREDENTIALS_FILE": str(logs / "absent"),
        **env,
    }
    command = [
        str(rie_binary(os.uname().machine)),
        "--runtime-interface-emulator-address",
        f"127.0.0.1:{port}",
        "--runtime-api-address",
        f"127.0.0.1:{api_port}",
        str(build.python),
        "-m",
        "awslambdaric",
        properties["Handler"],
    ]
    with log.open("wb") as sink:
        proc = subprocess.Popen(
            command,
            cwd=task,
            env=environment,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_for_port(port, proc, log, seconds=20)
            url = f"http://127.0.0.1:{port}/2015-03-31/functions/function/invocations"
            with httpx.Client(timeout=timeout + 10) as client:

                def invoke(event: dict[str, Any]) -> dict[str, Any]:
                    response = client.post(url, json=event)
                    assert response.status_code == 200, response.text
                    result: dict[str, Any] = response.json()
                    assert "errorType" not in result, f"{result}\n{log.read_text()[-3000:]}"
                    return result

                yield invoke
        finally:
            os.killpg(proc.pid, signal.SIGTERM)  # the RIE and the runtime it started
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)


def event(name: str, bucket: str | None = None) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((EVENTS / f"{name}.json").read_text())
    if bucket is not None:
        for record in loaded["Records"]:
            record["s3"]["bucket"].update(name=bucket, arn=f"arn:aws:s3:::{bucket}")
    return loaded


def body_of(result: dict[str, Any]) -> bytes:
    raw = result.get("body") or ""
    data = base64.b64decode(raw) if result.get("isBase64Encoded") else raw.encode()
    headers = {k.lower(): v for k, v in (result.get("headers") or {}).items()}
    return gzip.decompress(data) if headers.get("content-encoding") == "gzip" else data


def header(result: dict[str, Any], name: str) -> str | None:
    headers = {k.lower(): v for k, v in (result.get("headers") or {}).items()}
    value = headers.get(name.lower())
    if value is None and result.get("multiValueHeaders"):
        multi = {k.lower(): v for k, v in result["multiValueHeaders"].items()}
        value = ",".join(multi.get(name.lower(), [])) or None
    return value


def new_bucket(with_site: bool) -> str:
    client = make_s3_client(REGION)
    name = f"broadsheet-rie-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=name)
    client.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    if with_site:
        upload_tree(client, name, REPO / "content")
        client.put_object(Bucket=name, Key="images/profile.png", Body=PNG, ContentType="image/png")
    return name


@pytest.fixture(scope="module")
def render_logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("rie-render")


@pytest.fixture(scope="module")
def render(
    native_build: Build, ric: Path, moto_endpoint: str, render_logs: Path
) -> Iterator[Invoke]:
    bucket = new_bucket(with_site=True)
    env = template_env("RenderFunction", bucket, moto_endpoint)
    with emulator(native_build, "RenderFunction", ric, env, render_logs) as invoke:
        yield invoke


@pytest.mark.parametrize("name", ["http-get-post", "rest-get-post"])
def test_seed_post_renders(render: Invoke, name: str) -> None:
    result = render(event(name))
    assert result["statusCode"] == 200
    assert (header(result, "content-type") or "").startswith("text/html")
    assert SEED_TITLE in body_of(result).decode()
    assert header(result, "etag")
    assert header(result, "cache-control")


@pytest.mark.parametrize("name", ["http-get-home", "rest-get-home"])
def test_home_page_lists_the_seed_post(render: Invoke, name: str) -> None:
    result = render(event(name))
    assert result["statusCode"] == 200
    assert SEED_TITLE in body_of(result).decode()


@pytest.mark.parametrize("name", ["http-get-missing", "rest-get-missing"])
def test_missing_post_is_404(render: Invoke, name: str) -> None:
    result = render(event(name))
    assert result["statusCode"] == 404
    assert b"<html" in body_of(result).lower()


def test_head_answers_without_a_body(render: Invoke) -> None:
    result = render(event("http-head-post"))
    assert result["statusCode"] == 200
    assert body_of(result) == b""
    assert int(header(result, "content-length") or 0) > 1000


def test_missing_slash_redirects(render: Invoke) -> None:
    result = render(event("http-get-post-no-slash"))
    assert result["statusCode"] == 301
    assert (header(result, "location") or "").endswith("/posts/2023/06/journey/")


def test_post_is_not_allowed(render: Invoke) -> None:
    result = render(event("http-post-home"))
    assert result["statusCode"] == 405
    assert header(result, "allow") == "GET, HEAD"


def test_image_comes_back_as_base64_bytes(render: Invoke) -> None:
    result = render(event("http-get-image"))
    assert result["statusCode"] == 200
    assert result["isBase64Encoded"] is True
    assert body_of(result) == PNG
    assert header(result, "content-type") == "image/png"


def test_cold_start_fits_lambdas_init_limit(
    render: Invoke, render_logs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Lambda stops an init phase that runs past 10 s; the RIE reports how long ours took."""
    assert render(event("http-get-home"))["statusCode"] == 200
    log = (render_logs / "RenderFunction.log").read_text()
    match = re.search(r"INIT REPORT\(durationMs: ([0-9.]+)", log)
    assert match, log[-2000:]
    init_ms = float(match.group(1))
    with capsys.disabled():
        print(f"\nRIE init (imports + app build, this machine, x86_64): {init_ms:.0f} ms")
    assert init_ms < 10_000


@pytest.fixture(scope="module")
def indexer(
    native_build: Build, ric: Path, moto_endpoint: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Invoke, str]]:
    bucket = new_bucket(with_site=True)
    logs = tmp_path_factory.mktemp("rie-indexer")
    env = template_env("IndexerFunction", bucket, moto_endpoint)
    with emulator(native_build, "IndexerFunction", ric, env, logs) as f:
        yield f, bucket


def read_index(bucket: str) -> dict[str, Any]:
    body = make_s3_client(REGION).get_object(Bucket=bucket, Key=INDEX_KEY)["Body"].read()
    index: dict[str, Any] = json.loads(body)
    return index


def test_indexer_builds_then_updates_the_index_from_s3_events(
    indexer: tuple[Invoke, str],
) -> None:
    invoke, bucket = indexer
    created = invoke(event("s3-put-post", bucket))
    assert created["rebuilt"] is True  # no index yet: built from the bucket
    assert "/posts/2023/06/journey/" in json.dumps(read_index(bucket))

    make_s3_client(REGION).delete_object(Bucket=bucket, Key=SEED_KEY)
    removed = invoke(event("s3-delete-post", bucket))
    assert removed["removed"] == [SEED_KEY]
    assert "/posts/2023/06/journey/" not in json.dumps(read_index(bucket))


# --- Sass: compiled by the x86_64 indexer, served by a render function without libsass ----------

SASS_SITE = {
    "_config.yml": "title: A site with Sass\ninclude: [_pages]\n",
    "_layouts/default.html": (
        "<!doctype html><html><head><title>{{ page.title }}</title>"
        '<link rel="stylesheet" href="{{ "/assets/css/main.css" | relative_url }}"></head>'
        "<body>{{ content }}</body></html>\n"
    ),
    "index.md": "---\nlayout: default\ntitle: Home\n---\nThe home page.\n",
    # The keys of infra/events/s3-put-page.json and s3-put-sass-partial.json.
    "_pages/about.md": (
        "---\nlayout: default\ntitle: About\npermalink: /about/\n---\nHello from the about page.\n"
    ),
    "_sass/_themes.scss": "$brand: #12ab34;\n",
    # Liquid runs before Sass: jekyll.environment is JEKYLL_ENV, which the template sets.
    "assets/css/main.scss": (
        "---\n# front matter makes this a page: Jekyll writes it as main.css\n---\n"
        '@import "themes";\nbody { color: $brand; }\n'
        '.environment::after { content: "{{ jekyll.environment }}"; }\n'
    ),
}
SASS_DIR = "_broadsheet/sass/"
BIG_KEY = "files/dataset.bin"


@dataclass
class SassRun:
    """A bucket holding SASS_SITE after the indexer's S3 events, and what the indexer said."""

    bucket: str
    results: dict[str, dict[str, Any]]
    compiled: dict[str, bytes]  # _broadsheet/sass/ objects after the Sass event
    index_before_own_event: bytes = b""
    index_after_own_event: bytes = b""
    index_versions: tuple[int, int] = (0, 0)  # before and after the event for its own object
    big: bytes = b""


def sass_bucket(tmp: Path, big: bytes = b"") -> str:
    for key, text in SASS_SITE.items():
        (tmp / key).parent.mkdir(parents=True, exist_ok=True)
        (tmp / key).write_text(text)
    client = make_s3_client(REGION)
    bucket = f"broadsheet-sass-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=bucket)
    client.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    upload_tree(client, bucket, tmp)
    if big:
        client.put_object(Bucket=bucket, Key=BIG_KEY, Body=big)
    return bucket


def objects_under(bucket: str, prefix: str) -> dict[str, bytes]:
    client = make_s3_client(REGION)
    listed = client.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])
    return {o["Key"]: client.get_object(Bucket=bucket, Key=o["Key"])["Body"].read() for o in listed}


def index_versions(bucket: str) -> int:
    listed = make_s3_client(REGION).list_object_versions(Bucket=bucket, Prefix=INDEX_KEY)
    return len(listed.get("Versions", []))


@pytest.fixture(scope="session")
def default_deploy(native_build: Build, foreign_build: Build) -> Build:
    """The build of the template's default Architecture (arm64), whose indexer is x86_64."""
    build = native_build if native_build.arch == "arm64" else foreign_build
    if os.uname().machine != "x86_64":
        pytest.skip("the indexer is x86_64: it runs under the RIE on an x86_64 machine only")
    return build


def max_static_bytes() -> int:
    variables = stack().resource("RenderFunction")["Properties"]["Environment"]["Variables"]
    return int(variables["MAX_STATIC_BYTES"])


@pytest.fixture(scope="module")
def sass_run(
    default_deploy: Build, ric: Path, moto_endpoint: str, tmp_path_factory: pytest.TempPathFactory
) -> SassRun:
    """An author uploads the site (the page's event comes first and builds the index), then
    edits a Sass partial; then Broadsheet's own compiled CSS notifies the indexer in turn."""
    big = os.urandom(max_static_bytes() + 1)
    bucket = sass_bucket(tmp_path_factory.mktemp("sass-site"), big)
    logs = tmp_path_factory.mktemp("rie-sass-indexer")
    env = template_env("IndexerFunction", bucket, moto_endpoint)
    run = SassRun(bucket, {}, {}, big=big)
    with emulator(default_deploy, "IndexerFunction", ric, env, logs) as invoke:
        run.results["page"] = invoke(event("s3-put-page", bucket))
        run.results["sass"] = invoke(event("s3-put-sass-partial", bucket))
        run.compiled = objects_under(bucket, SASS_DIR)
        run.index_before_own_event = objects_under(bucket, INDEX_KEY)[INDEX_KEY]
        before = index_versions(bucket)
        run.results["own"] = invoke(event("s3-put-compiled-css", bucket))
        run.index_after_own_event = objects_under(bucket, INDEX_KEY)[INDEX_KEY]
        run.index_versions = (before, index_versions(bucket))
    return run


def compiled_css(run: SassRun) -> bytes:
    css = {k: v for k, v in run.compiled.items() if k.endswith(".css")}
    assert len(css) == 1, sorted(run.compiled)
    (body,) = css.values()
    return body


def test_indexer_indexes_a_page_of_the_site(sass_run: SassRun) -> None:
    page = sass_run.results["page"]
    assert page["rebuilt"] is True  # no index yet: built from the bucket
    assert page["problems"] == []
    index = make_s3_client(REGION).get_object(Bucket=sass_run.bucket, Key=INDEX_KEY)
    text = index["Body"].read().decode()
    assert "_pages/about.md" in text
    assert "assets/css/main.scss" in text


def test_indexer_compiles_the_sass_pages_when_a_partial_changes(sass_run: SassRun) -> None:
    result = sass_run.results["sass"]
    assert result["problems"] == []
    assert "_sass/_themes.scss" in result["updated"]
    keys = sorted(sass_run.compiled)
    assert keys, "the indexer wrote nothing under _broadsheet/sass/"
    assert all(re.fullmatch(r"_broadsheet/sass/[0-9a-f]{16,64}\.css(\.map)?", k) for k in keys)
    css = compiled_css(sass_run).decode()
    assert "color: #12ab34" in css  # the partial's variable: the import was resolved
    assert '"production"' in css  # Liquid ran first, with the template's JEKYLL_ENV


def test_indexer_events_for_its_own_objects_change_nothing(sass_run: SassRun) -> None:
    own = sass_run.results["own"]
    assert own["updated"] == own["removed"] == own["problems"] == []
    assert own["rebuilt"] is False
    assert sass_run.index_after_own_event == sass_run.index_before_own_event
    before, after = sass_run.index_versions
    assert after == before, "the index was rewritten for an event on Broadsheet's own object"


@pytest.fixture(scope="module")
def sass_render(
    sass_run: SassRun,
    native_build: Build,
    ric: Path,
    moto_endpoint: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Invoke, Path]]:
    logs = tmp_path_factory.mktemp("rie-sass-render")
    env = template_env("RenderFunction", sass_run.bucket, moto_endpoint)
    with emulator(native_build, "RenderFunction", ric, env, logs) as invoke:
        yield invoke, logs / "RenderFunction.log"


def test_render_function_without_libsass_serves_the_compiled_css(
    sass_run: SassRun, sass_render: tuple[Invoke, Path]
) -> None:
    invoke, log = sass_render
    result = invoke(event("http-get-stylesheet"))
    assert result["statusCode"] == 200, (
        f"{body_of(result)[:500]!r}\nrender log:\n{log.read_text()[-3000:]}"
    )
    assert (header(result, "content-type") or "").startswith("text/css")
    assert body_of(result) == compiled_css(sass_run)


def test_render_function_serves_a_page_of_the_site(sass_render: tuple[Invoke, Path]) -> None:
    invoke, log = sass_render
    result = invoke(api_event("2.0", "GET", "/about/"))
    assert result["statusCode"] == 200, log.read_text()[-3000:]
    page = body_of(result).decode()
    assert "Hello from the about page." in page
    assert "/assets/css/main.css" in page


def test_a_file_too_large_for_a_response_is_a_presigned_redirect(
    sass_run: SassRun, sass_render: tuple[Invoke, Path]
) -> None:
    """Over MAX_STATIC_BYTES (the template's value): 307 to a presigned S3 URL valid an hour,
    signed with the render function's own credentials, which CloudFront must not cache."""
    invoke, log = sass_render
    result = invoke(api_event("2.0", "GET", "/" + BIG_KEY))
    assert result["statusCode"] == 307, log.read_text()[-3000:]
    location = header(result, "location") or ""
    # Signature Version 4: S3 refuses SigV2 (botocore's default for presigned S3 URLs) for
    # buckets created since June 2020 and in every region opened since 2014.
    assert "X-Amz-Signature=" in location, f"not a SigV4 URL: {location}"
    assert "X-Amz-Expires=3600" in location, location
    assert "no-store" in (header(result, "cache-control") or "")
    fetched = httpx.get(location, timeout=30)
    assert fetched.status_code == 200
    assert fetched.content == sass_run.big


def test_first_event_on_a_bucket_without_an_index_compiles_sass_too(
    default_deploy: Build, ric: Path, moto_endpoint: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """With no index yet (a new site, or one deleted), the indexer rebuilds it from the bucket:
    the Sass must be compiled then as well, or a render without libsass has no CSS to serve."""
    bucket = sass_bucket(tmp_path_factory.mktemp("sass-site-fresh"))
    logs = tmp_path_factory.mktemp("rie-sass-indexer-fresh")
    env = template_env("IndexerFunction", bucket, moto_endpoint)
    with emulator(default_deploy, "IndexerFunction", ric, env, logs) as invoke:
        result = invoke(event("s3-put-sass-partial", bucket))
    assert result["rebuilt"] is True
    assert [k for k in objects_under(bucket, SASS_DIR) if k.endswith(".css")], (
        "the rebuilt index came without compiled Sass"
    )
