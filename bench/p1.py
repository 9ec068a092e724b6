"""P1: a cached post through ``handler.app.handler`` vs a bare FastAPI + Mangum route. Goal <= 1.1x.

The bare route takes no parameter (nothing for FastAPI to validate), and both run with logging
as the Lambda runtime sets it up for the template (JSON, INFO: ``bench.lambdalog``), so each
side pays for the lines it writes per request, as deployed.

Both run in this process, interleaved A B A B so drift (frequency scaling, other tenants) lands on
both alike; each call is timed alone and the medians are compared. The site reads moto's S3 through
its manifest with the default ``INDEX_TTL`` (5 s), as deployed: a hit now and then pays the
manifest's conditional GET, which shows in p99, not in the median.
"""

from __future__ import annotations

import importlib
import os
import time
from typing import Any

from bench.bare import make_handler
from bench.events import Context, http_event
from bench.harness import Harness, settle
from bench.lambdalog import lambda_logging
from bench.measure import median_ms, ratio, summary_ms
from bench.sites import SEED_URL

GOAL = 1.1


def run(h: Harness, iterations: int) -> dict[str, Any]:
    with lambda_logging():
        return _run(h, iterations)


def _run(h: Harness, iterations: int) -> dict[str, Any]:
    os.environ["CONTENT_BUCKET"] = h.seed_bucket
    try:
        ours = importlib.import_module("handler.app").handler
    finally:
        del os.environ["CONTENT_BUCKET"]
    first = ours(http_event(SEED_URL), Context())
    assert first["statusCode"] == 200, first
    size = len(first["body"].encode())
    bare = make_handler(first["body"].encode())
    assert len(bare(http_event(SEED_URL), Context())["body"].encode()) == size
    warmup = max(10, iterations // 10)
    a: list[int] = []
    b: list[int] = []
    settle()
    for n in range(warmup + iterations):
        for handler, samples in ((ours, a), (bare, b)):
            event = http_event(SEED_URL)
            began = time.perf_counter_ns()
            response = handler(event, Context())
            elapsed = time.perf_counter_ns() - began
            if n >= warmup:
                samples.append(elapsed)
        assert response["statusCode"] == 200
    return {
        "goal": GOAL,
        "log_level": "INFO",
        "body_bytes": size,
        "broadsheet": summary_ms(a),
        "bare": summary_ms(b),
        "ratio": ratio(median_ms(a), median_ms(b)),
    }
