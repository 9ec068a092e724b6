"""The benchmark still runs: ``python -m bench --quick`` end to end, every phase, tiny counts.

It checks the shape of what the run writes and the correctness figures it carries (statuses, wrk
errors, post counts), never a timing: the machine is shared and timings here mean nothing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).parents[1]


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and value >= 0


@pytest.mark.slow
def test_quick_run_writes_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "run.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    results = json.loads(out.read_text(encoding="utf-8"))
    assert results["quick"] is True
    for phase in ("p1", "p2", "p3", "p4", "p5", "load", "soak"):
        assert phase in results, phase

    p1 = results["p1"]
    assert p1["broadsheet"]["n"] == p1["bare"]["n"] == results["counts"]["p1_iterations"]
    assert _number(p1["ratio"]) and p1["body_bytes"] > 1000

    p2 = results["p2"]
    for side in ("broadsheet", "bare"):
        assert set(p2[side]) == {"total_ms", "interpreter_ms", "import_ms", "first_call_ms"}
    assert _number(p2["ratio"])
    assert any(m["module"] == "handler.app" for m in p2["heaviest_imports"]["ours"])
    assert p2["heaviest_imports"]["by_package"]

    p3 = results["p3"]
    assert p3["posts"] > 0 and _number(p3["broadsheet_ms_per_post"])
    assert "skipped" in p3 or _number(p3["ratio"])

    p4 = results["p4"]
    assert p4["large"]["site"]["posts"] == results["counts"]["p4_posts"]
    assert p4["small"]["site"]["posts"] == 10
    assert _number(p4["hit_ratio"]) and p4["peak_rss_mib"] > 0
    assert [row["path"] for row in p4["listings"]] == ["/", "/year-archive/"]
    for row in p4["listings"]:
        assert _number(row["median_ms"]) and row["runs"] == results["counts"]["p4_runs"]
        assert 0 <= row["partial_runs"] <= row["runs"] and row["body_chars"] > 0

    p5 = results["p5"]
    assert [row["path"] for row in p5["pages"]][:3] == [
        "/",
        "/posts/2023/06/journey/",
        "/publications/",
    ]
    for row in p5["pages"]:
        assert row["kind"] in ("post", "document")
        assert row["bytes"] < row["bytes_without_compress"]  # compress ran (production)
        assert _number(row["miss_ms"]) and _number(row["cold_ms"])
    assert p5["profile"]["stages"] and p5["profile"]["top_own_time"]
    if "skipped" not in p5:
        assert p5["jekyll"]["files"] == 116
        assert _number(p5["ratio_worst"]) and _number(p5["cold_ratio_worst"])

    load = results["load"]
    if "skipped" not in load:
        assert set(load["preflight_status"].values()) == {200}
        for run in (load["post"], load["mixed"]):
            assert run["requests"] > 0
            assert run["errors"] == 0, run["error_kinds"]

    soak = results["soak"]
    requests = results["counts"]["soak_requests"]
    assert sum(soak["statuses"].values()) == requests
    assert soak["statuses"]["404"] == requests // 4  # one path in four is the 404
    assert len(soak["rss_samples_kib"]) == requests // results["counts"]["soak_every"] + 1

    assert "P1 cached post" in done.stdout and "P5 themed page" in done.stdout
    assert "Soak" in done.stdout
