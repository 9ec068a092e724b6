"""The run's figures as a table a person can read (the JSON file holds all of them)."""

from __future__ import annotations

from typing import Any

Row = tuple[str, str, str, str, str, str]
HEAD: Row = ("benchmark", "broadsheet", "baseline", "figure", "goal", "ok")


def _ok(value: float, goal: float) -> str:
    return "yes" if value <= goal else "NO"


def _p1(r: dict[str, Any]) -> list[Row]:
    a, b = r["broadsheet"], r["bare"]
    return [
        (
            f"P1 cached post, median ({r['body_bytes']} B)",
            f"{a['median_ms']:.3f} ms",
            f"{b['median_ms']:.3f} ms bare",
            f"{r['ratio']:.2f}x",
            f"<= {r['goal']}x",
            _ok(r["ratio"], r["goal"]),
        ),
        ("   p99", f"{a['p99_ms']:.3f} ms", f"{b['p99_ms']:.3f} ms", "", "", ""),
    ]


def _p2(r: dict[str, Any]) -> list[Row]:
    ours, floor, bare, themed = r["broadsheet"], r["floor"], r["bare"], r["themed"]
    rows: list[Row] = [
        (
            "P2 new process to first post",
            f"{ours['total_ms']:.0f} ms",
            f"{floor['total_ms']:.0f} ms floor",
            f"{r['ratio']:.2f}x",
            f"<= {r['goal']}x",
            _ok(r["ratio"], r["goal"]),
        ),
        (
            "P2 the same post, academicpages theme",
            f"{themed['total_ms']:.0f} ms",
            f"{floor['total_ms']:.0f} ms floor",
            f"{r['ratio_themed']:.2f}x",
            f"<= {r['goal']}x",
            _ok(r["ratio_themed"], r["goal"]),
        ),
        (
            "   against the bare hello",
            "",
            f"{bare['total_ms']:.0f} ms bare",
            f"{r['ratio_bare']:.2f}x, themed {r['ratio_themed_bare']:.2f}x",
            "",
            "",
        ),
    ]
    for part in ("interpreter_ms", "import_ms", "first_call_ms"):
        rows.append(
            (
                f"   {part[:-3]}",
                f"{ours[part]:.0f} ms (themed {themed[part]:.0f})",
                f"{floor[part]:.0f} ms floor, {bare[part]:.0f} bare",
                "",
                "",
                "",
            )
        )
    return rows


def _p3(r: dict[str, Any]) -> list[Row]:
    ours = f"{r['broadsheet_ms_per_post']:.2f} ms"
    if "skipped" in r:
        return [("P3 cache-miss render per post", ours, r["skipped"], "", "<= 0.5x", "-")]
    rows: list[Row] = [
        (
            f"P3 cache-miss render per post ({r['posts']})",
            ours,
            f"{r['jekyll_ms_per_page']:.2f} ms Jekyll",
            f"{r['ratio']:.2f}x",
            f"<= {r['goal']}x",
            _ok(r["ratio"], r["goal"]),
        )
    ]
    for s in r["sets"]:
        per = s["render_ms_total"] / s["posts"]
        jekyll = s["jekyll"]["ms_per_page"]
        rows.append((f"   {s['set'][:32]}", f"{per:.2f} ms", f"{jekyll:.2f} ms", "", "", ""))
    rows.append(
        ("   index scan per post", f"{r['broadsheet_scan_ms_per_post']:.2f} ms", "", "", "", "")
    )
    return rows


def _p4(r: dict[str, Any]) -> list[Row]:
    large, small, goals = r["large"], r["small"], r["goals"]
    n = large["site"]["posts"]
    return [
        (
            f"P4 hit latency, {n} vs {small['site']['posts']} posts",
            f"{large['hit_median_ms']:.3f} ms",
            f"{small['hit_median_ms']:.3f} ms",
            f"{r['hit_ratio']:.2f}x",
            f"<= {goals['hit_ratio']}x",
            _ok(r["hit_ratio"], goals["hit_ratio"]),
        ),
        (
            "P4 extra cold start",
            f"{large['cold_ms']:.0f} ms",
            f"{small['cold_ms']:.0f} ms",
            f"{r['extra_cold_ms']:+.0f} ms",
            f"<= {goals['extra_cold_ms']:.0f} ms",
            _ok(r["extra_cold_ms"], goals["extra_cold_ms"]),
        ),
        (
            "P4 peak RSS",
            f"{large['peak_rss_mib']:.0f} MiB",
            f"{small['peak_rss_mib']:.0f} MiB",
            f"{r['peak_rss_mib']:.0f} MiB",
            f"<= {goals['peak_rss_mib']:.0f} MiB",
            _ok(r["peak_rss_mib"], goals["peak_rss_mib"]),
        ),
        ("   manifest", f"{large['site']['manifest_bytes'] / 1e6:.1f} MB", "", "", "", ""),
        *_p4_listings(r),
    ]


def _p4_listings(r: dict[str, Any]) -> list[Row]:
    large, small, goal = r["large"], r["small"], r["goals"]["listing_ms"]
    rows: list[Row] = []
    for row, baseline in zip(large["listings"], small["listings"], strict=True):
        partial = row["partial_runs"]
        met = row["max_ms"] <= goal and partial == 0
        rows.append(
            (
                f"P4 listing {row['path']} at {large['site']['posts']} posts, first request",
                f"{row['median_ms']:.0f} ms (max {row['max_ms']:.0f})",
                f"{baseline['median_ms']:.0f} ms",
                f"partial {partial}/{row['runs']}",
                f"<= {goal:.0f} ms, whole",
                "yes" if met else "NO",
            )
        )
    return rows


def _p5(r: dict[str, Any]) -> list[Row]:
    worst = max(r["pages"], key=lambda row: row["miss_ms"])
    if "skipped" in r:
        ours = f"{worst['miss_ms']:.2f} ms"
        return [("P5 themed page, cache miss, worst", ours, r["skipped"], "", "<= 0.5x", "-")]
    per_file = r["jekyll"]["ms_per_file"]
    rows: list[Row] = [
        (
            f"P5 themed page, cache miss, worst ({worst['path']})",
            f"{worst['miss_ms']:.2f} ms",
            f"{per_file:.2f} ms Jekyll/file",
            f"{r['ratio_worst']:.2f}x",
            f"<= {r['goal']}x",
            _ok(r["ratio_worst"], r["goal"]),
        ),
        (
            f"   median of {len(r['pages'])} pages",
            f"{r['miss_median_ms']:.2f} ms",
            f"{r['jekyll']['build_ms']:.0f} ms / {r['jekyll']['files']} files",
            f"{r['ratio_median']:.2f}x",
            "",
            "",
        ),
    ]
    for row in r["pages"]:
        rows.append(
            (
                f"   {row['path']}",
                f"{row['miss_ms']:.2f} ms",
                f"cold {row['cold_ms']:.1f} ms",
                f"{row['ratio']:.2f}x (cold {row['cold_ratio']:.2f}x)",
                f"compress {row['compress_share']:.0%}",
                "",
            )
        )
    rows.append(
        (
            "P5 cold render (new Site), worst",
            f"{r['cold_worst_ms']:.1f} ms",
            f"{per_file:.2f} ms Jekyll/file",
            f"{r['cold_ratio_worst']:.2f}x",
            f"(median {r['cold_ratio_median']:.2f}x)",
            "",
        )
    )
    rows.append(("   compress's share of a miss", f"{r['compress_share']:.0%}", "", "", "", ""))
    return rows


def _load(r: dict[str, Any]) -> list[Row]:
    if "skipped" in r:
        return [("Load (wrk)", r["skipped"], "", "", "", "-")]
    rows: list[Row] = [
        (
            f"Load serve vs bare uvicorn hello, req/s ({r.get('rounds', 1)} rounds)",
            f"{r['post']['requests_per_s']:.0f}/s",
            f"{r['bare']['requests_per_s']:.0f}/s bare",
            f"{r['ratio']:.2f}x" + _spread(r.get("ratio_rounds")),
            f">= {r['goal']}x",
            "yes" if r["ratio"] >= r["goal"] else "NO",
        )
    ]
    for name in ("post", "mixed"):
        run = r[name]
        lat = run["latency_ms"]
        rows.append(
            (
                f"Load wrk {name}, {r['connections']} conn {r['seconds']} s",
                f"{run['requests']} req",
                f"{run['requests_per_s']:.0f}/s",
                f"p50 {lat['p50']:.1f} p99 {lat['p99']:.1f} ms",
                "0 errors",
                "yes" if run["errors"] == 0 else f"NO ({run['errors']})",
            )
        )
    return rows


def _spread(values: list[float] | None) -> str:
    """`` (0.81-0.90)``: the range of per-round figures behind a median, when there are several."""
    if not values or len(values) < 2:
        return ""
    return f" ({min(values):.2f}-{max(values):.2f})"


def _soak(r: dict[str, Any]) -> list[Row]:
    growth = r["rss_growth_kib"]
    return [
        (
            f"Soak {r['requests']} Lambda requests",
            f"{r['rss_after_warmup_kib'] / 1024:.1f} MiB",
            f"{r['rss_end_kib'] / 1024:.1f} MiB end",
            f"{growth:+d} KiB",
            "flat",
            "yes" if growth <= 1024 else "NO",
        ),
        (
            "   second half",
            f"{r['rss_growth_second_half_kib']:+d} KiB",
            "",
            "",
            "",
            "",
        ),
        ("   statuses", " ".join(f"{k}:{v}" for k, v in r["statuses"].items()), "", "", "", ""),
    ]


SECTIONS = {
    "p1": _p1,
    "p2": _p2,
    "p3": _p3,
    "p4": _p4,
    "p5": _p5,
    "load": _load,
    "soak": _soak,
}


def table(results: dict[str, Any]) -> str:
    rows = [HEAD]
    for name, section in SECTIONS.items():
        if name in results:
            rows.extend(section(results[name]))
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEAD))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    if "p2" in results:
        imports = results["p2"]["heaviest_imports"]
        top = ", ".join(f"{p['package']} {p['self_ms']:.0f}" for p in imports["by_package"][:10])
        ours = ", ".join(f"{m['module']} {m['cumulative_ms']:.0f}" for m in imports["ours"][:6])
        lines.append(
            f"imports (-X importtime, {imports['total_ms']:.0f} ms, ms per package): {top}"
        )
        lines.append(f"our modules (cumulative ms): {ours}")
    if "p5" in results:
        stages = results["p5"]["profile"]["stages"]
        shares = ", ".join(f"{s['stage']} {s['share']:.0%}" for s in stages[1:])
        lines.append(f"P5 miss by stage (cProfile, cumulative, nested): {shares}")
    return "\n".join(lines)
