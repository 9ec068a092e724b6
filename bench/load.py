"""Issue 8's load figures: ``broadsheet serve`` under wrk, and 100,000 Lambda requests in one process.

wrk (Debian's package) loads ``broadsheet serve --content content`` on 127.0.0.1 with the seed
post, and a bare FastAPI hello under uvicorn (``python -m bench.bare``, a body of the post's size),
run as ``serve`` runs its app (the same uvicorn, with the serve extra's httptools and uvloop), in alternating rounds (``ROUNDS``, each side first in turn) while
both servers run: the post's requests per second against the hello's in each round, the median of
those ratios the figure (goal >= 0.85x). One long run of each, one after the other, measured the
machine's drift as much as the servers (0.74-0.89x in three runs of the same code); rounds side by
side do not. Then a mix of pages through a small Lua script, on ``serve`` alone. A Lua ``done`` hook prints the
totals and latency percentiles as JSON. Errors are socket errors (connect, read, write, timeout)
plus responses outside 2xx/3xx: all must be 0. The soak sends ``requests`` API Gateway events
through ``handler.app.handler`` in one new process (post, home, a 404, the feed, in turn), over
moto's S3, sampling RSS every ``every`` requests: RSS after warm-up should equal RSS at the end.
"""

from __future__ import annotations

import json
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from bench.harness import ROOT, Harness
from bench.measure import rss_kib
from bench.sites import CONTENT, SEED_URL
from handler.engine.plugins.feed import FEED_PATH
from handler.engine.plugins.sitemap import ROBOTS_PATH, SITEMAP_PATH
from handler.site import STYLESHEET_PATH
from handler.theme import listings

MIXED_PATHS = (
    SEED_URL,
    "/",
    FEED_PATH,
    SITEMAP_PATH,
    listings.TAGS_PATH,
    listings.CATEGORIES_PATH,
    listings.YEAR_ARCHIVE_PATH,
    ROBOTS_PATH,
    STYLESHEET_PATH,
)
SOAK_PATHS = (SEED_URL, "/", "/no-such-page/", FEED_PATH)
READY_TIMEOUT = 30.0
SERVE_GOAL = 0.85  # `broadsheet serve`'s requests/s on the post, against the bare hello's
ROUNDS = 5  # alternating rounds of the post and the hello (a side's seconds split among them)
LUA = """
local paths = {%(paths)s}
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%%d,"duration_us":%%d,"bytes":%%d,"connect":%%d,"read":%%d,' ..
    '"write":%%d,"status":%%d,"timeout":%%d,"p50_us":%%d,"p90_us":%%d,"p99_us":%%d,' ..
    '"p999_us":%%d,"max_us":%%d,"mean_us":%%.1f}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max, latency.mean))
end
"""


def run_wrk(h: Harness, seconds: int, connections: int) -> dict[str, Any]:
    wrk = shutil.which("wrk")
    if wrk is None:
        print("wrk not installed: load skipped (apt-get install wrk)")
        return {"skipped": "wrk not installed"}
    server: subprocess.Popen[bytes] | None = None
    bare: subprocess.Popen[bytes] | None = None
    rounds = max(1, min(ROUNDS, seconds))
    per_round = max(1, round(seconds / rounds))
    try:
        server = _serve(h, port := _free_port())
        base = f"http://127.0.0.1:{port}"
        preflight = {path: _status(base + path) for path in MIXED_PATHS}
        post_bytes = _length(base + SEED_URL)
        bare = _serve_bare(h, bare_port := _free_port(), post_bytes)
        bases = {"post": base, "bare": f"http://127.0.0.1:{bare_port}"}
        rss_before = rss_kib(server.pid)
        played: list[dict[str, dict[str, Any]]] = []
        for n in range(rounds):
            order = ("post", "bare") if n % 2 == 0 else ("bare", "post")
            played.append(
                {
                    side: _wrk(wrk, h.tmp, bases[side], [SEED_URL], per_round, connections)
                    for side in order
                }
            )
        mixed = _wrk(wrk, h.tmp, base, list(MIXED_PATHS), seconds, connections)
        rss_after = rss_kib(server.pid)
    finally:
        for process in (server, bare):
            if process is not None:
                _stop(process)
    ratios = [r["post"]["requests_per_s"] / r["bare"]["requests_per_s"] for r in played]
    return {
        "goal": SERVE_GOAL,
        "ratio": round(statistics.median(ratios), 3),
        "ratio_rounds": [round(x, 3) for x in ratios],
        "server": "broadsheet serve --content content (uvicorn, one process)",
        "seconds": per_round * rounds,
        "rounds": rounds,
        "connections": connections,
        "threads": 2,
        "preflight_status": preflight,
        "post": _merged([r["post"] for r in played]),
        "bare": _merged([r["bare"] for r in played]),
        "mixed": mixed,
        "server_rss_kib": {"before": rss_before, "after": rss_after},
    }


def _merged(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """One side's rounds as one run: totals summed; latency percentiles are the rounds' medians
    (``max``: the largest), as wrk's histograms are not kept to merge."""
    errors = {k: sum(r["error_kinds"][k] for r in runs) for k in runs[0]["error_kinds"]}
    requests = sum(r["requests"] for r in runs)
    return {
        "paths": runs[0]["paths"],
        "requests": requests,
        "requests_per_s": round(requests / sum(r["seconds"] for r in runs), 1),
        "errors": sum(errors.values()),
        "error_kinds": errors,
        "latency_ms": {
            name: (max if name == "max" else statistics.median)(r["latency_ms"][name] for r in runs)
            for name in runs[0]["latency_ms"]
        },
    }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _serve(h: Harness, port: int) -> subprocess.Popen[bytes]:
    broadsheet = Path(sys.executable).parent / "broadsheet"
    command = [str(broadsheet), "serve", "--content", str(CONTENT), "--port", str(port)]
    server = subprocess.Popen(
        [*command, "--host", "127.0.0.1"],
        env=h.child_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _wait_ready(server, f"http://127.0.0.1:{port}{SEED_URL}", "broadsheet serve")
    return server


def _wait_ready(server: subprocess.Popen[bytes], url: str, name: str) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"{name} exited with {server.returncode}")
        try:
            if _status(url) == 200:
                return
        except OSError:
            time.sleep(0.1)
    _stop(server)
    raise RuntimeError(f"{name} did not answer within {READY_TIMEOUT} s")


def _serve_bare(h: Harness, port: int, body_bytes: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [sys.executable, "-m", "bench.bare", str(port)],
        cwd=ROOT,
        env=h.child_env(BENCH_BARE_BYTES=str(body_bytes)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _wait_ready(server, f"http://127.0.0.1:{port}{SEED_URL}", "the bare hello")
    return server


def _length(url: str) -> int:
    with urllib.request.urlopen(url, timeout=5) as response:  # 127.0.0.1 only
        return len(response.read())


def _stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # 127.0.0.1 only
            status: int = response.status
            return status
    except urllib.error.HTTPError as error:
        return error.code


def _wrk(
    wrk: str, tmp: Path, base: str, paths: list[str], seconds: int, connections: int
) -> dict[str, Any]:
    script = tmp / f"wrk-{len(paths)}.lua"
    script.write_text(LUA % {"paths": ", ".join(json.dumps(p) for p in paths)}, encoding="utf-8")
    command = [wrk, "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s"]
    done = subprocess.run(
        [*command, "-s", str(script), base + paths[0]],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    )
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr}")
    line = next(x for x in done.stdout.splitlines() if x.startswith("BENCH_JSON "))
    raw = json.loads(line.removeprefix("BENCH_JSON "))
    errors = {k: raw[k] for k in ("connect", "read", "write", "timeout", "status")}
    return {
        "paths": paths,
        "requests": raw["requests"],
        "seconds": raw["duration_us"] / 1e6,
        "requests_per_s": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
        "errors": sum(errors.values()),
        "error_kinds": errors,
        "latency_ms": {
            name: round(raw[f"{name}_us"] / 1000, 3)
            for name in ("p50", "p90", "p99", "p999", "max", "mean")
        },
    }


def run_soak(h: Harness, requests: int, every: int) -> dict[str, Any]:
    options = {"requests": requests, "sample_every": every, "paths": list(SOAK_PATHS)}
    result, _, _ = h.child("soak", options, h.lambda_env(h.seed_bucket))
    samples = result["rss"]
    warm = samples[1] if len(samples) > 1 else samples[0]
    end = samples[-1]
    return {
        "requests": requests,
        "paths": list(SOAK_PATHS),
        "statuses": result["statuses"],
        "rss_samples_kib": samples,
        "rss_after_warmup_kib": warm["rss_kib"],
        "rss_end_kib": end["rss_kib"],
        "rss_growth_kib": end["rss_kib"] - warm["rss_kib"],
        # Apart, for reading a failure: a leak keeps growing, a warm-up settles before the end.
        "rss_growth_second_half_kib": end["rss_kib"] - samples[len(samples) // 2]["rss_kib"],
        "latency": result["latency"],
        "peak_rss_kib": result["peak_rss_kib"],
    }
