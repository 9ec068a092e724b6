"""P4: a 10,000-post site vs a 10-post site, both in moto's S3 with their manifests.

Generated posts (about 4 KB of markdown each, 40 tags) plus the seed post, which is the page hit
on both sites. Each run is a new process (``bench.child cold``): its first response gives the cold
start, then ``hits`` cached hits give the hit latency, and ``VmHWM`` the peak RSS. Runs
alternate large and small. Goals: hit ratio <= 1.1x, extra cold start <= 100 ms, peak RSS of the
large site <= 256 MiB.

Then, in the same process, the listing pages that loop over ``site.posts`` (the built-in theme's
home page and ``/year-archive/``) are requested once each, nothing of them kept yet: a listing
renders the posts it shows that are not rendered yet for at most ``LISTING_BUDGET_SECONDS`` and
leaves the rest to later requests (a partial page). Goal: on the large site each answers within
that budget, and whether it was partial is reported. The peak RSS goal is read before them (as
it always was); the peak after them is reported too.
"""

from __future__ import annotations

import statistics
from dataclasses import asdict
from typing import Any

from bench.harness import Harness
from bench.measure import ratio
from bench.sites import SEED_URL, Bucket, generate, upload
from handler.site.site import LISTING_BUDGET_SECONDS
from handler.theme.listings import YEAR_ARCHIVE_PATH

GOAL_HIT_RATIO = 1.1
GOAL_EXTRA_COLD_MS = 100.0
GOAL_PEAK_RSS_MIB = 256.0
GOAL_LISTING_MS = LISTING_BUDGET_SECONDS * 1000
LISTINGS = ("/", YEAR_ARCHIVE_PATH)
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
            env = h.lambda_env(bucket.name)
            measured[name].append(h.cold("broadsheet", SEED_URL, env, hits, listings=LISTINGS))
    figures = {name: _figures(sites[name], measured[name]) for name in sites}
    return {
        "goals": {
            "hit_ratio": GOAL_HIT_RATIO,
            "extra_cold_ms": GOAL_EXTRA_COLD_MS,
            "peak_rss_mib": GOAL_PEAK_RSS_MIB,
            "listing_ms": GOAL_LISTING_MS,
        },
        "runs": runs,
        **figures,
        "hit_ratio": ratio(figures["large"]["hit_median_ms"], figures["small"]["hit_median_ms"]),
        "extra_cold_ms": round(figures["large"]["cold_ms"] - figures["small"]["cold_ms"], 1),
        "extra_first_call_ms": round(
            figures["large"]["first_call_ms"] - figures["small"]["first_call_ms"], 1
        ),
        "peak_rss_mib": figures["large"]["peak_rss_mib"],
        "listings": figures["large"]["listings"],
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
        "peak_rss_after_listings_mib": round(
            max(r["peak_rss_after_listings_kib"] for r in runs) / 1024, 1
        ),
        "listings": [_listing(path, runs) for path in LISTINGS],
    }


def _listing(path: str, runs: list[dict[str, Any]]) -> dict[str, Any]:
    """One listing over the runs: median and worst time, partial in how many runs."""
    seen = [next(x for x in r["listings"] if x["path"] == path) for r in runs]
    bad = [x for x in seen if x["status"] != 200]
    if bad:
        raise RuntimeError(f"{path} answered {bad[0]['status']} on the P4 site")
    return {
        "path": path,
        "median_ms": round(statistics.median(x["ms"] for x in seen), 1),
        "max_ms": round(max(x["ms"] for x in seen), 1),
        "partial_runs": sum(1 for x in seen if x["partial"]),
        "runs": len(seen),
        "body_chars": seen[0]["body_chars"],
        "cache_control": seen[0]["cache_control"],
    }
