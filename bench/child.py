"""What the benchmark runs in a new process: ``python -m bench.child MODE 'JSON'``.

Modes (each prints one JSON line on stdout):

- ``cold``: import the Lambda module (``handler.app``, or ``bench.bare`` for the baseline), answer
  the first request, then ``hits`` more; reports monotonic timestamps (comparable with the parent's,
  so the parent can measure from the moment it spawned us), hit latencies and peak RSS.
- ``soak``: ``requests`` requests through ``handler.app.handler``, cycling over ``paths``, with RSS
  sampled every ``sample_every`` requests.
- ``manifest``: the manifest ``write_index`` would write for a local folder, into a file.

The environment (``CONTENT_BUCKET``, ``AWS_ENDPOINT_URL``...) comes from the parent. Only the
standard library is imported before the measured import.
"""

from __future__ import annotations

import time

STARTED_NS = time.monotonic_ns()

import json  # noqa: E402
import sys  # noqa: E402
from array import array  # noqa: E402
from collections import Counter  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from bench.events import Context, http_event  # noqa: E402

MODULES = {"broadsheet": "handler.app", "bare": "bench.bare"}
Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


def _import(name: str) -> Any:
    """``import name``, through the import statement's machinery (``importlib.import_module``
    bypasses it, and ``-X importtime`` would not report the module itself)."""
    __import__(name)
    return sys.modules[name]


def cold(options: dict[str, Any]) -> dict[str, Any]:
    first = http_event(options["path"])
    imported_module = _import(MODULES[options["app"]])
    imported_ns = time.monotonic_ns()
    handler: Handler = imported_module.handler
    response = handler(first, Context())
    first_ns = time.monotonic_ns()
    from bench.measure import peak_rss_kib, summary_ms

    hits = []
    for _ in range(int(options.get("hits", 0))):
        event = http_event(options["path"])
        began = time.perf_counter_ns()
        handler(event, Context())
        hits.append(time.perf_counter_ns() - began)
    return {
        "started_ns": STARTED_NS,
        "imported_ns": imported_ns,
        "first_ns": first_ns,
        "status": response["statusCode"],
        "body_chars": len(response.get("body") or ""),
        "hit": summary_ms(hits) if hits else None,
        "peak_rss_kib": peak_rss_kib(),
    }


def soak(options: dict[str, Any]) -> dict[str, Any]:
    from bench.measure import peak_rss_kib, rss_kib, summary_ms

    handler: Handler = _import("handler.app").handler
    events = [http_event(path) for path in options["paths"]]
    every = int(options["sample_every"])
    statuses: Counter[int] = Counter()
    samples = [{"requests": 0, "rss_kib": rss_kib()}]
    total = int(options["requests"])
    latencies = array("q", bytes(8 * total))  # allocated up front: the loop itself must not grow
    for n in range(1, total + 1):
        event = events[n % len(events)]
        began = time.perf_counter_ns()
        statuses[handler(event, Context())["statusCode"]] += 1
        latencies[n - 1] = time.perf_counter_ns() - began
        if n % every == 0:
            samples.append({"requests": n, "rss_kib": rss_kib()})
    return {
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "rss": samples,
        "latency": summary_ms(latencies),
        "peak_rss_kib": peak_rss_kib(),
    }


def manifest(options: dict[str, Any]) -> dict[str, Any]:
    from handler.site import Site
    from handler.store.local import LocalStore

    began = time.perf_counter()
    body = Site(LocalStore(Path(options["folder"])), index_ttl=0).manifest()
    Path(options["out"]).write_bytes(body)
    return {"bytes": len(body), "seconds": round(time.perf_counter() - began, 3)}


def main() -> None:
    mode, options = sys.argv[1], json.loads(sys.argv[2])
    result = {"cold": cold, "soak": soak, "manifest": manifest}[mode](options)
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
