"""P2: a new process to its first post response vs a bare FastAPI + Mangum module. Goal <= 1.5x.

Each run spawns ``python -m bench.child cold``, which imports the Lambda module (``handler.app``
over moto's S3, manifest in the bucket; or ``bench.bare``) and answers one API Gateway event. The
time counts from the moment this process spawns the child to the moment the child has the response
(monotonic clock, shared by both processes): interpreter start, import and first call, each also
reported alone. Runs are interleaved; medians compared. One extra run under ``-X importtime``
lists the heaviest imports.
"""

from __future__ import annotations

import statistics
from typing import Any

from bench.harness import Harness
from bench.measure import ratio
from bench.sites import SEED_URL

GOAL = 1.5
PARTS = ("total_ms", "interpreter_ms", "import_ms", "first_call_ms")
TOP_IMPORTS = 15


def run(h: Harness, runs: int) -> dict[str, Any]:
    ours_env = h.lambda_env(h.seed_bucket)
    bare_env = h.child_env(BENCH_BARE_BYTES="5")
    h.cold("broadsheet", SEED_URL, ours_env)  # compile .pyc files and warm the page cache
    h.cold("bare", SEED_URL, bare_env)
    ours, bare = [], []
    for _ in range(runs):
        ours.append(h.cold("broadsheet", SEED_URL, ours_env))
        bare.append(h.cold("bare", SEED_URL, bare_env))
    result: dict[str, Any] = {
        "goal": GOAL,
        "runs": runs,
        "broadsheet": _medians(ours),
        "bare": _medians(bare),
        "heaviest_imports": heaviest_imports(h, ours_env),
    }
    result["ratio"] = ratio(result["broadsheet"]["total_ms"], result["bare"]["total_ms"])
    return result


def _medians(runs: list[dict[str, Any]]) -> dict[str, float]:
    return {part: round(statistics.median(r[part] for r in runs), 2) for part in PARTS}


def heaviest_imports(h: Harness, env: dict[str, str]) -> dict[str, Any]:
    """Where one cold start's import time goes, from ``-X importtime``.

    ``by_package``: self time summed per top-level package (what each dependency costs in all);
    ``ours``: the ``handler`` modules by cumulative time (each includes what it imports first).
    """
    options = {"app": "broadsheet", "path": SEED_URL, "hits": 0}
    _, _, stderr = h.child("cold", options, env, "-X", "importtime")
    packages: dict[str, int] = {}
    ours: list[tuple[str, float]] = []
    for line in stderr.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) != 3 or not parts[0].strip().isdigit():
            continue
        self_us, cumulative_us, name = int(parts[0]), int(parts[1]), parts[2].strip()
        package = name.split(".")[0]
        packages[package] = packages.get(package, 0) + self_us
        if package == "handler":
            ours.append((name, round(cumulative_us / 1000, 1)))
    ranked = sorted(packages.items(), key=lambda item: item[1], reverse=True)
    ours.sort(key=lambda row: row[1], reverse=True)
    return {
        "total_ms": round(sum(packages.values()) / 1000, 1),
        "by_package": [
            {"package": name, "self_ms": round(us / 1000, 1)} for name, us in ranked[:TOP_IMPORTS]
        ],
        "ours": [{"module": name, "cumulative_ms": ms} for name, ms in ours[:TOP_IMPORTS]],
    }
