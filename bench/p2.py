"""P2: a new process to its first page vs two baselines. Goal <= 1.1x of the floor.

Each run spawns ``python -m bench.child cold``, which sets up logging as the Lambda runtime does
for the template's ``LoggingConfig``, imports the Lambda module and answers one API Gateway event:

- ``broadsheet``: ``handler.app`` over moto's S3 (manifest in the bucket), the seed post under the
  built-in theme; ``themed``: the same post of the academicpages site, under its own layouts
  and includes (parsed on first use: they must not move the cold start);
- ``bare``: a FastAPI + Mangum hello (``bench.bare``), the floor of any FastAPI function;
- ``floor``: the hello that also builds a boto3 S3 client and reads the post's object
  (``bench.floor``), the floor of any function that serves from a bucket: the goal's baseline.

Bytecode is cached for every side alike (``Harness.child_env``), as a deployed function ships its
``.pyc``. The time counts from the moment this process spawns the child to the moment the child
has the response (monotonic clock, shared by both processes): interpreter start, import and first
call, each also reported alone. Runs are interleaved; medians compared. One extra run under
``-X importtime`` lists the heaviest imports.
"""

from __future__ import annotations

import statistics
from typing import Any

from bench.harness import Harness
from bench.lambdalog import TEMPLATE_LOG_LEVEL
from bench.measure import ratio
from bench.sites import SEED_KEY, SEED_URL, THEMED_SITE, upload

GOAL = 1.1
PARTS = ("total_ms", "interpreter_ms", "import_ms", "first_call_ms")
TOP_IMPORTS = 15


def run(h: Harness, runs: int) -> dict[str, Any]:
    themed = upload(h.client, THEMED_SITE)
    sides = {
        "broadsheet": ("broadsheet", h.lambda_env(h.seed_bucket)),
        "themed": ("broadsheet", h.lambda_env(themed.name)),
        "bare": ("bare", h.child_env(BENCH_BARE_BYTES="5")),
        "floor": (
            "floor",
            h.child_env(BENCH_FLOOR_BUCKET=h.seed_bucket, BENCH_FLOOR_KEY=SEED_KEY),
        ),
    }
    for app, env in sides.values():  # compile .pyc files (and warm moto) before measuring
        h.cold(app, SEED_URL, env)
    samples: dict[str, list[dict[str, Any]]] = {side: [] for side in sides}
    for _ in range(runs):
        for side, (app, env) in sides.items():
            samples[side].append(h.cold(app, SEED_URL, env))
    result: dict[str, Any] = {
        "goal": GOAL,
        "runs": runs,
        **{side: _medians(rows) for side, rows in samples.items()},
        "heaviest_imports": heaviest_imports(h, sides["broadsheet"][1]),
    }
    floor, bare = result["floor"]["total_ms"], result["bare"]["total_ms"]
    result["ratio"] = ratio(result["broadsheet"]["total_ms"], floor)
    result["ratio_themed"] = ratio(result["themed"]["total_ms"], floor)
    result["ratio_bare"] = ratio(result["broadsheet"]["total_ms"], bare)
    result["ratio_themed_bare"] = ratio(result["themed"]["total_ms"], bare)
    return result


def _medians(runs: list[dict[str, Any]]) -> dict[str, float]:
    return {part: round(statistics.median(r[part] for r in runs), 2) for part in PARTS}


def heaviest_imports(h: Harness, env: dict[str, str]) -> dict[str, Any]:
    """Where one cold start's import time goes, from ``-X importtime``.

    ``by_package``: self time summed per top-level package (what each dependency costs in all);
    ``ours``: the ``handler`` modules by cumulative time (each includes what it imports first).
    """
    options = {"app": "broadsheet", "path": SEED_URL, "hits": 0, "log_level": TEMPLATE_LOG_LEVEL}
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
