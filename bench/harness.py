"""What every benchmark shares: a sandboxed environment, moto's S3 on 127.0.0.1, child processes.

The benchmark never reaches AWS: credentials are fakes, config files point nowhere, and every
client (this process's and the children's) talks to moto's server through ``AWS_ENDPOINT_URL``.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from moto.server import ThreadedMotoServer

from bench.lambdalog import TEMPLATE_LOG_LEVEL
from bench.measure import ms

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

ROOT = Path(__file__).resolve().parents[1]
REGION = "us-east-1"
LAMBDA_TZ = ":UTC"  # what the Lambda runtime sets TZ to (a reserved environment variable)
CHILD_TIMEOUT = 600  # seconds: a child that takes longer has hung
_AWS_VARIABLES = (
    "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
    "AWS_ENDPOINT_URL_S3", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "CONTENT_BUCKET", "CONTENT_PREFIX", "CONTENT_DIR", "INDEX_KEY", "INDEX_TTL",
)  # fmt: skip


def sandbox(tmp: Path) -> None:
    """Replace whatever AWS settings the shell holds with harmless fakes, in this process."""
    for name in _AWS_VARIABLES:
        os.environ.pop(name, None)
    nowhere = str(tmp / "no-aws-config")
    os.environ.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION=REGION,
        AWS_REGION=REGION,
        AWS_CONFIG_FILE=nowhere,
        AWS_SHARED_CREDENTIALS_FILE=nowhere,
        AWS_EC2_METADATA_DISABLED="true",
    )


@dataclass
class Harness:
    tmp: Path
    endpoint: str
    client: S3Client
    seed_bucket: str = ""
    notes: list[str] = field(default_factory=list)

    def child_env(self, **extra: str) -> dict[str, str]:
        """This process's environment for a child, with bytecode caching on: a deployed function
        ships its ``.pyc`` (``infra/build.sh``), and the discarded run before each cold start is
        what compiles them. A shell's ``PYTHONDONTWRITEBYTECODE`` would make every child compile
        Broadsheet from source (while the baseline's packages have theirs), so it is dropped, and
        the bytecode goes to a folder of this run (both sides alike), never into the tree
        (Broadsheet's compiled built-in templates follow it there, as they follow Python's rule).

        ``TZ`` is ``:UTC``, as the Lambda runtime sets it for every function: without it, a
        library that asks for the local zone at import (Babel, under python-liquid) searches
        the system's zone files, ~8 ms that no deployed cold start spends."""
        env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
        return {
            **env,
            "PYTHONPYCACHEPREFIX": str(self.tmp / "pycache"),
            "TZ": LAMBDA_TZ,
            **extra,
        }

    def lambda_env(self, bucket: str, **extra: str) -> dict[str, str]:
        """What the render function's environment would hold, for a bucket in moto."""
        return self.child_env(CONTENT_BUCKET=bucket, **extra)

    def child(
        self, mode: str, options: dict[str, Any], env: dict[str, str], *flags: str
    ) -> tuple[dict[str, Any], int, str]:
        """Run ``bench.child`` once; returns its JSON, the monotonic ns it was spawned at, stderr."""
        command = [sys.executable, *flags, "-m", "bench.child", mode, json.dumps(options)]
        spawned = time.monotonic_ns()
        done = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=CHILD_TIMEOUT
        )
        if done.returncode != 0:
            raise RuntimeError(f"bench.child {mode} failed ({done.returncode}):\n{done.stderr}")
        result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        return result, spawned, done.stderr

    def cold(
        self,
        app: str,
        path: str,
        env: dict[str, str],
        hits: int = 0,
        *flags: str,
        listings: Sequence[str] = (),
    ) -> dict[str, Any]:
        """A new process to its first response, split into interpreter start, import, first call
        (then ``hits`` hits, then one request of each of ``listings``), logging as deployed."""
        options = {
            "app": app,
            "path": path,
            "hits": hits,
            "listings": list(listings),
            "log_level": TEMPLATE_LOG_LEVEL,  # the runtime's logging, as the template sets it
        }
        result, spawned, _ = self.child("cold", options, env, *flags)
        if result["status"] != 200:
            raise RuntimeError(f"{app} answered {result['status']} for {path} on a cold start")
        return {
            "total_ms": ms(result["first_ns"] - spawned),
            "interpreter_ms": ms(result["started_ns"] - spawned),
            "import_ms": ms(result["imported_ns"] - result["started_ns"]),
            "first_call_ms": ms(result["first_ns"] - result["imported_ns"]),
            "hit": result["hit"],
            "peak_rss_kib": result["peak_rss_kib"],
            "peak_rss_after_listings_kib": result.get("peak_rss_after_listings_kib"),
            "listings": result.get("listings", []),
        }


@contextmanager
def harness() -> Iterator[Harness]:
    """Moto's S3 server on a free 127.0.0.1 port and a client for it, for the whole run."""
    with tempfile.TemporaryDirectory(prefix="broadsheet-bench-") as tmp:
        sandbox(Path(tmp))
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        try:
            host, port = server.get_host_and_port()
            os.environ["AWS_ENDPOINT_URL"] = f"http://{host}:{port}"
            from handler.store.s3 import make_s3_client

            yield Harness(Path(tmp), os.environ["AWS_ENDPOINT_URL"], make_s3_client(REGION))
        finally:
            server.stop()


def settle() -> None:
    """Between phases: collect garbage so one phase's leftovers do not land in the next."""
    gc.collect()
