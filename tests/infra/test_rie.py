"""The built functions under the official Lambda Runtime Interface Emulator (from the aws-sam-cli
wheel) with awslambdaric, fed the events in infra/events, reading content from moto's S3 server.

This is the nearest thing to Lambda that runs here: the artifact exactly as `sam build` made it,
the runtime's Python version, the runtime interface client, JSON logging as LoggingConfig sets it.
"""

from __future__ import annotations

import base64
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
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from conftest import REGION, upload_tree

from handler.store.s3 import make_s3_client
from infra.conftest import Build
from infra.tools import EVENTS, REPO, rie_binary

pytestmark = pytest.mark.slow

SEED_TITLE = "From sci-fi writer to AI engineer: a strange journey"
SEED_KEY = "_posts/2023-06-07-journey.md"
INDEX_KEY = "_broadsheet/index.json"
PNG = bytes.fromhex(  # a 1x1 transparent PNG
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)
Invoke = Callable[[dict[str, Any]], dict[str, Any]]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


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


@contextmanager
def emulator(
    build: Build, function: str, handler: str, ric: Path, env: dict[str, str], logs: Path
) -> Iterator[Invoke]:
    """Run ``function``'s artifact under the RIE on loopback; yields ``invoke(event) -> result``."""
    task = build.function(function)
    port, api_port = free_port(), free_port()
    log = logs / f"{function}.log"
    environment = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(logs),
        "LANG": "C.UTF-8",
        "TZ": ":UTC",
        "PYTHONPATH": f"{task}:{ric}",
        "PYTHONDONTWRITEBYTECODE": "1",  # /var/task is read-only on Lambda
        "LAMBDA_TASK_ROOT": str(task),
        "AWS_LAMBDA_FUNCTION_NAME": function,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
        "AWS_LAMBDA_FUNCTION_TIMEOUT": "10",
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
        handler,
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
            with httpx.Client(timeout=30) as client:

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


def function_env(bucket: str, endpoint: str) -> dict[str, str]:
    """The environment template.yaml gives the functions, pointed at moto."""
    return {
        "AWS_ENDPOINT_URL": endpoint,
        "CONTENT_BUCKET": bucket,
        "CONTENT_PREFIX": "",
        "INDEX_KEY": INDEX_KEY,
        "INDEX_TTL": "5",
        "CACHE_MAX_BYTES": "67108864",
        "SITE_URL": "",
        "PREVIEW_SECRET": "",
        "DISTRIBUTION_ID": "",
    }


@pytest.fixture(scope="module")
def render_logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("rie-render")


@pytest.fixture(scope="module")
def render(
    native_build: Build, ric: Path, moto_endpoint: str, render_logs: Path
) -> Iterator[Invoke]:
    bucket = new_bucket(with_site=True)
    logs = render_logs
    env = function_env(bucket, moto_endpoint)
    with emulator(native_build, "RenderFunction", "handler.app.handler", ric, env, logs) as invoke:
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
    env = function_env(bucket, moto_endpoint)
    with emulator(native_build, "IndexerFunction", "handler.indexer.handler", ric, env, logs) as f:
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
