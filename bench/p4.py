"""P4: a 10,000-post site vs a 10-post site, both in moto's S3 with their manifests.

Generated posts (about 4 KB of markdown each, 40 tags) plus the seed post, which is the page hit
on both sites. Each run is a new process (``bench.child cold``): its first response gives the cold
start, then ``hits`` cached hits give the hit latency, and ``VmHWM`` the peak RSS. Runs
alternate large and small. Goals: hit ratio <= 1.1x, extra cold start <= 100 ms, peak RSS of the
large site <= 256 MiB.
"""

from __future__ import annotations

import statistics
from dataclasses import asdict
from typing import Any

from bench.harness import Harness
from bench.measure import ratio
from bench.sites import SEED_URL, Bucket, generate, upload

GOAL_HIT_RATIO = 1.1
GOAL_EXTRA_COLD_MS = 100.0
GOAL_PEAK_RSS_MIB = 256.0
SMALL = 10


def run(h: Harness, posts: int, runs: int, hits: int) -> dict[str, Any]:
    small = upload(h.client, generate(h.tmp / "p4-small", SMALL), local_index=True)
    large = upload(h.client, generate(h.tmp / "p4-large", posts), local_index=True)
    sites = {"large": large, "small": small}
    for bucket in sites.values():  # compile nothing twice; warm the OS file cache
        h.cold("broadsheet", SEED_URL, h.lambda_env(bucket.name))
    measured: dict[str, list[dict[str, Any]]] = {"large": [], "small": []}
    for _ in range(runs):
        for name, bucket in sites.items():
            measured[name].append(h.cold("broadsheet", SEED_URL, h.lambda_env(bucket.name), hits))
    figures = {name: _figures(sites[name], measured[name]) for name in sites}
    return {
        "goals": {
            "hit_ratio": GOAL_HIT_RATIO,
            "extra_cold_ms": GOAL_EXTRA_COLD_MS,
            "peak_rss_mib": GOAL_PEAK_RSS_MIB,
        },
        "runs": runs,
        **figures,
        "hit_ratio": ratio(figures["large"]["hit_median_ms"], figures["small"]["hit_median_ms"]),
        "extra_cold_ms": round(figures["large"]["cold_ms"] - figures["small"]["cold_ms"], 1),
        "extra_first_call_ms": round(
            figures["large"]["first_call_ms"] - figures["small"]["first_call_ms"], 1
        ),
        "peak_rss_mib": figures["large"]["peak_rss_mib"],
    }


def _figures(bucket: Bucket, runs: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "site": asdict(bucket),
        "cold_ms": round(statistics.median(r["total_ms"] for r in runs), 1),
        "import_ms": round(statistics.median(r["import_ms"] for r in runs), 1),
        "first_call_ms": round(statistics.median(r["first_call_ms"] for r in runs), 1),
        "hit_median_ms": round(statistics.median(r["hit"]["median_ms"] for r in runs), 4),
        "hit_p99_ms": round(statistics.median(r["hit"]["p99_ms"] for r in runs), 4),
        "peak_rss_mib": round(max(r["peak_rss_kib"] for r in runs) / 1024, 1),
    }
