"""``python -m bench [p1 p2 p3 p4 p5 load soak] [--quick] [--out FILE]``: measure, print, save.

Every selected benchmark runs in this one invocation, side by side, against moto's S3 server on
127.0.0.1 (started here). ``--quick`` shrinks every count so the whole run takes seconds (the smoke
test uses it); its figures mean nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.harness import ROOT, Harness, harness, settle
from bench.report import table
from bench.sites import CONTENT, upload

PHASES = ("p1", "p2", "p3", "p4", "p5", "load", "soak")


@dataclass(frozen=True)
class Counts:
    """How much of everything to do: the real run's figures, or tiny ones for ``--quick``."""

    p1_iterations: int = 3000
    p2_runs: int = 7
    p3_repeats: int = 3
    p3_sets: int = 4
    p4_runs: int = 5
    p4_posts: int = 10_000
    p4_hits: int = 2000
    p5_rounds: int = 7
    p5_repeats: int = 3
    load_seconds: int = 30
    load_connections: int = 64
    soak_requests: int = 100_000
    soak_every: int = 10_000


QUICK = Counts(
    p1_iterations=20,
    p2_runs=1,
    p3_repeats=1,
    p3_sets=1,
    p4_runs=1,
    p4_posts=60,
    p4_hits=20,
    p5_rounds=1,
    p5_repeats=1,
    load_seconds=1,
    load_connections=4,
    soak_requests=400,
    soak_every=100,
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "phases", nargs="*", metavar="PHASE", help=f"{' '.join(PHASES)} (default: all)"
    )
    parser.add_argument("--quick", action="store_true", help="tiny counts (smoke test only)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "last-run.json")
    parser.add_argument("--load-seconds", type=int, help="wrk duration per run (default 30)")
    parser.add_argument("--p4-posts", type=int, help="posts in the large site (default 10000)")
    return parser


def _counts(args: argparse.Namespace) -> Counts:
    counts = QUICK if args.quick else Counts()
    changes: dict[str, int] = {}
    if args.load_seconds:
        changes["load_seconds"] = args.load_seconds
    if args.p4_posts:
        changes["p4_posts"] = args.p4_posts
    return Counts(**{**counts.__dict__, **changes})


def _runners(counts: Counts) -> dict[str, Callable[[Harness], dict[str, Any]]]:
    import bench.load
    import bench.p1
    import bench.p2
    import bench.p3
    import bench.p4
    import bench.p5

    return {
        "p1": lambda h: bench.p1.run(h, counts.p1_iterations),
        "p2": lambda h: bench.p2.run(h, counts.p2_runs),
        "p3": lambda h: bench.p3.run(h, counts.p3_repeats, counts.p3_sets),
        "p4": lambda h: bench.p4.run(h, counts.p4_posts, counts.p4_runs, counts.p4_hits),
        "p5": lambda h: bench.p5.run(h, counts.p5_rounds, counts.p5_repeats),
        "load": lambda h: bench.load.run_wrk(h, counts.load_seconds, counts.load_connections),
        "soak": lambda h: bench.load.run_soak(h, counts.soak_requests, counts.soak_every),
    }


def _code() -> dict[str, Any]:
    """Which code was measured: the commit, and the files of ``handler/`` changed since it."""

    def git(*args: str) -> str:
        command = ["git", "--no-optional-locks", *args]  # reads only: no index refresh
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)
        return done.stdout if done.returncode == 0 else ""

    try:
        commit = git("rev-parse", "HEAD").strip()
        changed = git("status", "--porcelain", "--", "handler").splitlines()
    except (OSError, subprocess.SubprocessError):
        return {}
    return {"commit": commit, "handler_changes": changed}


def _save(out: Path, results: dict[str, Any]) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    phases = args.phases or list(PHASES)
    unknown = sorted(set(phases) - set(PHASES))
    if unknown:
        _parser().error(f"unknown phase {', '.join(unknown)}: choose from {' '.join(PHASES)}")
    counts = _counts(args)
    results: dict[str, Any] = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": len(os.sched_getaffinity(0)),
        },
        "code": _code(),
        "quick": args.quick,
        "counts": counts.__dict__,
    }
    runners = _runners(counts)
    with harness() as h:
        began = time.perf_counter()
        bucket = upload(h.client, CONTENT)
        h.seed_bucket = bucket.name
        print(f"seed site in {h.endpoint}/{bucket.name} ({bucket.index_s:.2f} s to index)")
        for phase in phases:
            settle()
            print(f"-- {phase} ...", flush=True)
            phase_began = time.perf_counter()
            results[phase] = runners[phase](h)
            results[phase]["phase_seconds"] = round(time.perf_counter() - phase_began, 1)
            _save(args.out, results)  # a phase that fails later loses nothing measured before
        results["seconds"] = round(time.perf_counter() - began, 1)
    _save(args.out, results)
    print(table(results))
    print(f"figures written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
