"""Shared fixtures. Real services over the wire: S3 is moto's server on 127.0.0.1, never a mock.

- ``aws_sandbox`` (autouse, session): fake credentials and no config files, so no test can reach a
  real AWS account whatever the developer's shell holds.
- ``moto_endpoint`` (session): a moto S3 server on a free 127.0.0.1 port; sets ``AWS_ENDPOINT_URL``
  so any boto3 client built from then on (``make_s3_client()`` included) talks to it.
- ``s3_client`` (session): ``make_s3_client()`` pointed at that server.
- ``s3_bucket``: a fresh, versioned, uniquely named bucket as ``(client, name)``.
- ``upload_tree(client, bucket, folder, prefix="")``: put a local folder (``content/``, a corpus
  set) into a bucket, skipping hidden files as Jekyll does.

Options: ``--kramdown-seed N --kramdown-count M`` run the differential test against kramdown
(``tests/engine/test_kramdown_differential.py``) on any seed and number of documents.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import pytest
from mangum import Mangum
from mangum.types import LambdaCognitoIdentity, LambdaMobileClientContext
from moto.server import ThreadedMotoServer

from handler.store.local import guess_content_type, is_hidden
from handler.store.s3 import make_s3_client

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

REGION = "us-east-1"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("kramdown", "the differential test against kramdown (issue 14)")
    group.addoption(
        "--kramdown-seed",
        type=int,
        default=None,
        help="seed of the generated markdown documents (default 14)",
    )
    group.addoption(
        "--kramdown-count",
        type=int,
        default=None,
        help="how many documents to generate and build with Jekyll (default 500)",
    )
    group.addoption(
        "--many",
        action="store_true",
        default=False,
        help="a large run: 10,000 documents (unless --kramdown-count says) of another seed than "
        "CI's (--kramdown-seed, default 7)",
    )


@pytest.fixture(scope="session", autouse=True)
def aws_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Replace every AWS setting a shell may carry with harmless fakes for the whole session."""
    nowhere = tmp_path_factory.mktemp("aws") / "absent"
    with pytest.MonkeyPatch.context() as mp:
        for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN",
                     "AWS_SECURITY_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3",
                     "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE",
                     "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                     "AWS_CONTAINER_CREDENTIALS_FULL_URI"):  # fmt: skip
            mp.delenv(name, raising=False)
        mp.setenv("AWS_ACCESS_KEY_ID", "testing")
        mp.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        mp.setenv("AWS_DEFAULT_REGION", REGION)
        mp.setenv("AWS_REGION", REGION)
        mp.setenv("AWS_CONFIG_FILE", str(nowhere))
        mp.setenv("AWS_SHARED_CREDENTIALS_FILE", str(nowhere))
        mp.setenv("AWS_EC2_METADATA_DISABLED", "true")
        yield


@pytest.fixture(scope="session")
def moto_endpoint(aws_sandbox: None) -> Iterator[str]:
    """``http://127.0.0.1:PORT`` of a moto server that lives for the whole session."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's per-request access lines
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("AWS_ENDPOINT_URL", endpoint)
            yield endpoint
    finally:
        server.stop()


class S3Bucket(NamedTuple):
    client: S3Client
    name: str


@pytest.fixture(scope="session")
def s3_client(moto_endpoint: str) -> S3Client:
    """One client for the session (building one costs ~0.2 s), made as production makes it."""
    client = make_s3_client(REGION)
    assert client.meta.endpoint_url == moto_endpoint  # AWS_ENDPOINT_URL honoured by boto3 itself
    return client


@pytest.fixture
def s3_bucket(s3_client: S3Client) -> S3Bucket:
    """A new bucket with versioning on; unpack as ``client, bucket = s3_bucket``."""
    client = s3_client
    name = f"broadsheet-test-{uuid.uuid4().hex[:16]}"
    client.create_bucket(Bucket=name)
    client.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    return S3Bucket(client, name)


def upload_tree(client: S3Client, bucket: str, folder: Path, prefix: str = "") -> list[str]:
    """Upload every visible file under ``folder`` to ``bucket`` at ``prefix`` + its relative path.

    Returns the keys written (relative to ``prefix``), sorted. Content types follow the file names,
    as ``S3Store.put`` and ``LocalStore`` give them.
    """
    base = f"{prefix.strip('/')}/" if prefix.strip("/") else ""
    keys = sorted(
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*")
        if path.is_file() and not is_hidden(path.relative_to(folder).as_posix())
    )
    for key in keys:
        client.put_object(
            Bucket=bucket,
            Key=base + key,
            Body=(folder / key).read_bytes(),
            ContentType=guess_content_type(key),
        )
    return keys


SAM = shutil.which("sam") or str(Path(__file__).parents[1] / ".tools" / "sam" / "bin" / "sam")


@functools.cache
def _generate_event(args: tuple[str, ...]) -> str:
    env = {**os.environ, "SAM_CLI_TELEMETRY": "0", "AWS_DEFAULT_REGION": REGION}
    done = subprocess.run(
        [SAM, "local", "generate-event", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=True,
    )
    return done.stdout


def sam_event(*args: str) -> dict[str, Any]:
    """An event from ``sam local generate-event ARGS`` (the SAM CLI's own samples), parsed."""
    event: dict[str, Any] = json.loads(_generate_event(tuple(args)))
    return event


EVENTS = Path(__file__).parents[1] / "infra" / "events"


@functools.cache
def _sample(name: str) -> str:
    return (EVENTS / f"{name}.json").read_text(encoding="utf-8")


def api_event(
    version: str,
    method: str,
    path: str,
    query: str = "",
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A request derived from the samples in infra/events (made by ``sam local generate-event``,
    see infra/events/generate.sh): HTTP API payload 2.0, or REST API payload 1.0."""
    if version == "2.0":
        event: dict[str, Any] = json.loads(_sample("http-get-post"))
        merged = {**event["headers"], **(headers or {})}
        event.update(rawPath=path, rawQueryString=query, headers=merged, body=None)
        event["isBase64Encoded"] = False
        event["routeKey"] = "ANY /" if path == "/" else "ANY /{proxy+}"
        event["requestContext"]["routeKey"] = event["routeKey"]
        event["requestContext"]["http"].update(method=method, path=path)
        return event
    event = json.loads(_sample("rest-get-post"))
    merged = {**event["headers"], **(headers or {})}
    params = dict(p.split("=", 1) for p in query.split("&") if "=" in p)
    event.update(
        path=path,
        httpMethod=method,
        headers=merged,
        multiValueHeaders={k: [v] for k, v in merged.items()},
        queryStringParameters=params or None,
        multiValueQueryStringParameters={k: [v] for k, v in params.items()} or None,
        pathParameters={"proxy": path.lstrip("/")} if path != "/" else None,
        resource="/" if path == "/" else "/{proxy+}",
        body=None,
        isBase64Encoded=False,
    )
    event["requestContext"].update(httpMethod=method, path="/prod" + path)
    return event


class Context:
    """A Lambda context as the Python runtime passes one (the fields Mangum's Protocol names)."""

    function_name = "RenderFunction"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:RenderFunction"
    memory_limit_in_mb = 512
    aws_request_id = "req-1234"
    log_group_name = "/aws/lambda/RenderFunction"
    log_stream_name = "2026/11/26/[$LATEST]0123456789abcdef"
    identity: LambdaCognitoIdentity | None = None
    client_context: LambdaMobileClientContext | None = None

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


def call(handler: Mangum, event: dict[str, Any]) -> dict[str, Any]:
    response: dict[str, Any] = handler(event, Context())
    headers = {k.lower(): v for k, v in response.get("headers", {}).items()}
    for name, values in (response.get("multiValueHeaders") or {}).items():
        headers[name.lower()] = ", ".join(values)
    response["headers"] = headers
    return response


def body_bytes(response: dict[str, Any]) -> bytes:
    if response["isBase64Encoded"]:
        return base64.b64decode(response["body"])
    return str(response.get("body") or "").encode()


def free_port() -> int:
    """A TCP port of 127.0.0.1 nothing listens on (for a server a test starts)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def broadsheet_serve(args: list[str], env: dict[str, str], log: Path) -> Iterator[str]:
    """``broadsheet serve ARGS`` in a subprocess on a free 127.0.0.1 port, until it answers;
    its base URL. Its output goes to the file ``log`` (a pipe nobody reads would fill)."""
    port = free_port()
    root = Path(__file__).resolve().parents[1]
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "handler.cli", "serve", *args, "--port", str(port)],
            cwd=root, env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):  # up to ~30 s for the server to listen
                try:
                    with urllib.request.urlopen(base + "/robots.txt", timeout=1):  # 127.0.0.1
                        break
                except OSError:
                    if process.poll() is not None:
                        pytest.fail(f"serve exited: {log.read_text()[-2000:]}")
                    time.sleep(0.1)
            else:
                pytest.fail("serve did not start listening")
            yield base
        finally:
            process.terminate()
            process.wait(timeout=10)
