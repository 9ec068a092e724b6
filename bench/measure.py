"""Small measuring helpers: percentiles of nanosecond samples, memory of this process."""

from __future__ import annotations

import statistics
from collections.abc import Sequence


def ms(ns: float) -> float:
    return round(ns / 1e6, 4)


def median_ms(samples: Sequence[int]) -> float:
    return ms(statistics.median(samples))


def percentile_ms(samples: Sequence[int], pct: float) -> float:
    """The ``pct`` percentile (0-100) by linear interpolation between closest ranks."""
    ordered = sorted(samples)
    if len(ordered) == 1:
        return ms(ordered[0])
    rank = (len(ordered) - 1) * pct / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ms(ordered[low] + (ordered[high] - ordered[low]) * (rank - low))


def summary_ms(samples: Sequence[int]) -> dict[str, float]:
    return {
        "n": len(samples),
        "median_ms": median_ms(samples),
        "p90_ms": percentile_ms(samples, 90),
        "p99_ms": percentile_ms(samples, 99),
        "max_ms": ms(max(samples)),
    }


def _status_kib(field: str, pid: int | str) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/{pid}/status")


def rss_kib(pid: int | str = "self") -> int:
    """Resident memory now (``VmRSS``), in KiB."""
    return _status_kib("VmRSS", pid)


def peak_rss_kib() -> int:
    """Peak resident memory of this program (``VmHWM``), in KiB.

    Not ``getrusage().ru_maxrss``: Linux carries that across ``fork`` and ``exec``, so a child
    would report its parent's peak (here, the benchmark holding moto's 10,000 objects).
    """
    return _status_kib("VmHWM", "self")


def ratio(ours: float, baseline: float) -> float:
    return round(ours / baseline, 3) if baseline > 0 else float("inf")
