"""P5: a cache miss of a full themed page vs Jekyll's build time per file, on academicpages.

The site is the first user's, vendored in ``tests/fixtures/academicpages/src``: its own layouts
and includes (masthead, sidebar, SEO tags...), wrapped by academicpages' ``compress`` layout, a
Liquid-only HTML minifier that runs only when ``jekyll.environment`` is not ``development``.
Both sides build it for ``production``, so compress runs and its cost is counted.

Jekyll: Debian's ``jekyll build`` of a copy (``TZ=UTC JEKYLL_NO_BUNDLER_REQUIRE=true
JEKYLL_ENV=production``, ``--disable-disk-cache --quiet``), the median of ``rounds`` builds after a
warm-up one, divided by the number of files it writes (116): its start-up, Sass and the copying
of static files are in that figure, as they are in what "Jekyll builds the site in N s" means.

Ours: ``Site(LocalStore(copy), environment="production", github_pages=False)`` (no GitHub Pages
plugins: Jekyll runs without them here), ``Site.page`` of the about page (``/``), the seed post,
the publications list and a few more, each a cache miss (``bench.misses``: page cache, rendered
contents and excerpts, documents' bodies emptied; parsed templates and markdownify's memo kept,
as after any content change); ``repeats`` misses per page per round, median per page. Goal: the
worst page <= 0.5x Jekyll's time per file.

Also reported, per page: a cold render (a new ``Site``: every renderer cache empty, parsed
templates included, as a new container's first render) against the same Jekyll figure; and the
share of a miss spent in ``compress``: the same misses on a copy of the site whose
``_layouts/compress.html`` body is only ``{{ content }}``, subtracted (interleaved with the
real ones, sample by sample). One profiled round says where a miss's time goes, by stage.
"""

from __future__ import annotations

import cProfile
import pstats
import shutil
import statistics
from pathlib import Path
from typing import Any

from bench.harness import ROOT, Harness, settle
from bench.measure import ratio
from bench.misses import cold_ns, forget_renders, local_site, miss_ns
from bench.p3 import jekyll_build, jekyll_version
from handler.site import Site

GOAL = 0.5
SOURCE = ROOT / "tests" / "fixtures" / "academicpages" / "src"
PAGES = (
    "/",  # the about page
    "/posts/2023/06/journey/",  # the seed post
    "/publications/",
    "/talks/",
    "/cv/",
    "/year-archive/",
)
ENVIRONMENT = "production"
SITE_OPTIONS: dict[str, Any] = {"environment": ENVIRONMENT, "github_pages": False}
JEKYLL_ENV = {"JEKYLL_NO_BUNDLER_REQUIRE": "true", "JEKYLL_ENV": ENVIRONMENT}
COMPRESS = Path("_layouts") / "compress.html"
# Where a miss's time goes: (stage, pstats function key suffix). Cumulative and nested: the
# layouts include the listed documents' contents and excerpts a listing page renders.
STAGES = (
    ("whole miss (Site.page)", ("handler/site/site.py", "page")),
    ("layouts (LiquidLayouts.place)", ("handler/engine/renderer.py", "place")),
    (
        "replace/remove filters (gsub; mostly compress)",
        ("handler/engine/liquid/filters/common.py", "gsub"),
    ),
    ("page's own Liquid (Renderer._liquid)", ("handler/engine/renderer.py", "_liquid")),
    ("markdown (Renderer._convert)", ("handler/engine/renderer.py", "_convert")),
    ("listed contents (Renderer.content)", ("handler/engine/renderer.py", "content")),
    ("listed excerpts (Renderer.excerpt)", ("handler/engine/renderer.py", "excerpt")),
    ("markdownify filter", ("handler/engine/renderer.py", "markdownify")),
    (
        "read + front matter (split_front_matter)",
        ("handler/engine/document.py", "split_front_matter"),
    ),
    ("CPU budget watcher start (budget.limit)", ("handler/engine/budget.py", "__enter__")),
)
TOP_FUNCTIONS = 12


def copy_site(into: Path, *, compress: bool = True) -> Path:
    """A copy of academicpages; without ``compress``, its compress layout only passes through."""
    shutil.copytree(SOURCE, into)
    if not compress:
        layout = into / COMPRESS
        text = layout.read_text(encoding="utf-8")
        closing = text.index("\n---", 3) + len("\n---\n")  # keep the front matter as it is
        layout.write_text(text[:closing] + "{{ content }}\n", encoding="utf-8")
    return into


def run(h: Harness, rounds: int, repeats: int) -> dict[str, Any]:
    jekyll = shutil.which("jekyll")
    ours_root = copy_site(h.tmp / "p5-ours")
    site = local_site(ours_root, **SITE_OPTIONS)
    plain = local_site(copy_site(h.tmp / "p5-no-compress", compress=False), **SITE_OPTIONS)
    pages = {path: _warm(site, plain, path) for path in PAGES}
    jekyll_root = copy_site(h.tmp / "p5-jekyll") if jekyll is not None else None
    if jekyll is not None and jekyll_root is not None:
        jekyll_build(jekyll, jekyll_root, JEKYLL_ENV)  # warm-up: file cache, Ruby's gems
    builds: list[float] = []
    misses: dict[str, list[int]] = {path: [] for path in PAGES}
    plains: dict[str, list[int]] = {path: [] for path in PAGES}
    colds: dict[str, list[int]] = {path: [] for path in PAGES}
    for _ in range(rounds):
        settle()
        if jekyll is not None and jekyll_root is not None:
            builds.append(jekyll_build(jekyll, jekyll_root, JEKYLL_ENV))
        for path in PAGES:
            for _ in range(repeats):
                misses[path].append(miss_ns(site, path))
                plains[path].append(miss_ns(plain, path))
            colds[path].append(cold_ns(ours_root, path, **SITE_OPTIONS))
    for path, row in pages.items():
        row["miss_ms"] = _median_ms(misses[path])
        row["cold_ms"] = _median_ms(colds[path])
        row["no_compress_ms"] = _median_ms(plains[path])
        row["compress_ms"] = round(row["miss_ms"] - row["no_compress_ms"], 3)
        row["compress_share"] = round(row["compress_ms"] / row["miss_ms"], 3)
    rows = list(pages.values())
    miss_total = sum(r["miss_ms"] for r in rows)
    result: dict[str, Any] = {
        "goal": GOAL,
        "site": "tests/fixtures/academicpages/src",
        "environment": ENVIRONMENT,
        "rounds": rounds,
        "repeats": repeats,
        "pages": rows,
        "miss_median_ms": round(statistics.median(r["miss_ms"] for r in rows), 3),
        "miss_worst_ms": max(r["miss_ms"] for r in rows),
        "cold_median_ms": round(statistics.median(r["cold_ms"] for r in rows), 3),
        "cold_worst_ms": max(r["cold_ms"] for r in rows),
        "compress_share": round(sum(r["compress_ms"] for r in rows) / miss_total, 3),
        "profile": where_time_goes(site, PAGES),
    }
    if jekyll is None or jekyll_root is None:
        print("jekyll not installed: P5's baseline skipped (apt-get install jekyll)")
        result["skipped"] = "jekyll not installed"
        return result
    files = sum(
        1 for p in (jekyll_root.parent / f"{jekyll_root.name}-site").rglob("*") if p.is_file()
    )
    build_ms = statistics.median(builds) * 1000
    per_file = build_ms / files
    for row in rows:
        row["ratio"] = ratio(row["miss_ms"], per_file)
        row["cold_ratio"] = ratio(row["cold_ms"], per_file)
    result["jekyll"] = {
        "version": jekyll_version(jekyll),
        "build_ms": round(build_ms, 1),
        "builds_ms": [round(b * 1000, 1) for b in builds],
        "files": files,
        "ms_per_file": round(per_file, 3),
    }
    result["ratio_worst"] = max(r["ratio"] for r in rows)
    result["ratio_median"] = ratio(result["miss_median_ms"], per_file)
    result["cold_ratio_worst"] = max(r["cold_ratio"] for r in rows)
    result["cold_ratio_median"] = ratio(result["cold_median_ms"], per_file)
    return result


def _warm(site: Site, plain: Site, path: str) -> dict[str, Any]:
    """Render ``path`` once on both sites (templates parsed, markdownify's memo filled) and check
    that it is a full page and that compress did change it."""
    page, unminified = site.page(path), plain.page(path)
    if page.kind not in ("post", "document") or unminified.kind != page.kind:
        raise RuntimeError(f"P5: {path} is a {page.kind} page, not a rendered document")
    if page.body == unminified.body:
        raise RuntimeError(f"P5: compress left {path} unchanged (is JEKYLL_ENV production?)")
    return {
        "path": path,
        "kind": page.kind,
        "bytes": len(page.body),
        "bytes_without_compress": len(unminified.body),
    }


def _median_ms(samples: list[int]) -> float:
    return round(statistics.median(samples) / 1e6, 3)


def where_time_goes(site: Site, paths: tuple[str, ...]) -> dict[str, Any]:
    """One round of misses of ``paths`` under cProfile: cumulative time of each stage (nested; as
    shares of the whole, which cProfile inflates alike) and the functions with most own time."""
    profiler = cProfile.Profile()
    for path in paths:
        forget_renders(site)
        profiler.enable()
        site.page(path)
        profiler.disable()
    stats = pstats.Stats(profiler)
    table: dict[tuple[str, int, str], Any] = stats.stats  # type: ignore[attr-defined]
    total = sum(row[2] for row in table.values())  # own times add up to the whole
    stages = []
    for name, (file, function) in STAGES:
        cumulative = sum(
            row[3]
            for (path, _, func), row in table.items()
            if path.endswith(file) and func == function
        )
        stages.append({"stage": name, "share": round(cumulative / total, 3)})
    ranked = sorted(table.items(), key=lambda item: item[1][2], reverse=True)[:TOP_FUNCTIONS]
    return {
        "pages": list(paths),
        "stages": stages,
        "top_own_time": [
            {
                "function": f"{_short(path)}:{line}({func})",
                "calls": row[1],
                "share": round(row[2] / total, 3),
            }
            for (path, line, func), row in ranked
        ],
    }


def _short(path: str) -> str:
    for marker in ("/handler/", "/site-packages/", "/lib/python3"):
        if marker in path:
            return path[path.index(marker) + 1 :]
    return path
