"""What the benchmark runs in a new process: ``python -m bench.child MODE 'JSON'``.

Modes (each prints one JSON line on stdout):

- ``cold``: import the Lambda module (``handler.app``, or a baseline: ``bench.bare``, the hello;
  ``bench.floor``, the hello with an S3 client and one GetObject), with the runtime's logging set
  up first as the template's ``LoggingConfig`` asks (``bench.lambdalog``), answer the first request, then ``hits`` more; reports monotonic timestamps (comparable with the parent's,
  so the parent can measure from the moment it spawned us), hit latencies and peak RSS. Then, if
  asked, one first request (a render, nothing kept yet) of each of ``listings``, with its time and
  whether the site left work undone to stay inside the listing budget (``partial``).
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

MODULES = {"broadsheet": "handler.app", "bare": "bench.bare", "floor": "bench.floor"}
Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


def _import(name: str) -> Any:
    """``import name``, through the import statement's machinery (``importlib.import_module``
    bypasses it, and ``-X importtime`` would not report the module itself)."""
    __import__(name)
    return sys.modules[name]


def cold(options: dict[str, Any]) -> dict[str, Any]:
    first = http_event(options["path"])
    if options.get("log_level"):  # the runtime configures logging before it imports the handler
        from bench.lambdalog import configure

        configure(options["log_level"])
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
    result = {
        "started_ns": STARTED_NS,
        "imported_ns": imported_ns,
        "first_ns": first_ns,
        "status": response["statusCode"],
        "body_chars": len(response.get("body") or ""),
        "hit": summary_ms(hits) if hits else None,
        "peak_rss_kib": peak_rss_kib(),
    }
    if options.get("listings"):
        result["listings"] = [_listing(handler, path) for path in options["listings"]]
        result["peak_rss_after_listings_kib"] = peak_rss_kib()
    return result


def _listing(handler: Handler, path: str) -> dict[str, Any]:
    """One request of a listing page, timed; ``partial`` from the site's own mark (the response
    only shows it as a ``Cache-Control`` cut to a few seconds)."""
    from handler import timing

    marks: list[bool] = []
    mark_partial = timing.mark_partial

    def recorded() -> None:
        marks.append(True)
        mark_partial()

    timing.mark_partial = recorded
    try:
        event = http_event(path)
        began = time.perf_counter_ns()
        response = handler(event, Context())
        elapsed = time.perf_counter_ns() - began
    finally:
        timing.mark_partial = mark_partial
    headers = response.get("headers") or {}
    return {
        "path": path,
        "status": response["statusCode"],
        "ms": round(elapsed / 1e6, 3),
        "partial": bool(marks),
        "body_chars": len(response.get("body") or ""),
        "cache_control": headers.get("cache-control"),
        "server_timing": headers.get("server-timing"),
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
    """What ``write_index`` writes for the folder (its Sass step aside: generated sites have none)."""
    from handler.engine import manifest as manifests
    from handler.engine.index import read_config_text, scan
    from handler.store.local import LocalStore

    began = time.perf_counter()
    store = LocalStore(Path(options["folder"]))
    body = manifests.dumps(scan(store), read_config_text(store))
    Path(options["out"]).write_bytes(body)
    return {"bytes": len(body), "seconds": round(time.perf_counter() - began, 3)}


def main() -> None:
    mode, options = sys.argv[1], json.loads(sys.argv[2])
    result = {"cold": cold, "soak": soak, "manifest": manifest}[mode](options)
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
