"""P3: a cache-miss render per post on the Jekyll corpus vs Jekyll's time per page. Goal <= 0.5x.

Ours: ``Site.page(url)`` for every post Jekyll publishes (``future: false``, no drafts), with both
render caches emptied before each call, so each is read -> front matter -> Liquid -> markdown ->
theme layout from scratch (the index is built first and reused, as in a warm container; its scan
time per post is reported apart). Jekyll: ``jekyll build`` of a copy of each set as the corpus
reference was made (every layout reduced to ``{{ content }}``, include stubs, no plugins, no disk
cache), minus an empty build of the same site (no posts) to remove Jekyll's start-up, divided by
the post count. Posts our renderer refuses (plugin tags, missing includes: ``ContentError``) also
stop Jekyll's build, so they are left out on both sides.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from bench.harness import Harness, settle
from bench.measure import ratio
from bench.sites import CORPUS
from handler.errors import ContentError, NotFound
from handler.index import scan
from handler.site import Site
from handler.store.local import LocalStore

GOAL = 0.5
STUB_INCLUDES = {"cotes2020__jekyll-theme-chirpy": ["embed/youtube.html"]}  # as tests/test_corpus
JEKYLL_TIMEOUT = 300
_LAYOUT = re.compile(r"^layout:\s*['\"]?([\w-]+)", re.MULTILINE)


def sets(limit: int) -> list[Path]:
    return sorted(p.parent for p in CORPUS.glob("*/reference.jsonl"))[:limit]


def copy_set(source: Path, into: Path) -> Path:
    root = into / source.name
    shutil.copytree(source, root, ignore=shutil.ignore_patterns("reference.jsonl"))
    for include in STUB_INCLUDES.get(source.name, []):
        stub = root / "_includes" / include
        stub.parent.mkdir(parents=True, exist_ok=True)
        stub.write_text("<!-- corpus stub -->\n", encoding="utf-8")
    return root


def run(h: Harness, repeats: int, limit: int) -> dict[str, Any]:
    jekyll = shutil.which("jekyll")
    rows = []
    for source in sets(limit):
        settle()
        row = ours(copy_set(source, h.tmp / "p3-ours"), repeats)
        if jekyll is not None:
            row["jekyll"] = jekyll_per_page(
                jekyll, copy_set(source, h.tmp / "p3-jekyll"), row, repeats
            )
        row.pop("refused")
        rows.append(row)
    posts = sum(r["posts"] for r in rows)
    result: dict[str, Any] = {
        "goal": GOAL,
        "sets": rows,
        "posts": posts,
        "broadsheet_ms_per_post": round(sum(r["render_ms_total"] for r in rows) / posts, 3),
        "broadsheet_scan_ms_per_post": round(sum(r["scan_ms_total"] for r in rows) / posts, 3),
    }
    if jekyll is None:
        print("jekyll not installed: P3 skipped (apt-get install jekyll)")
        result["skipped"] = "jekyll not installed"
        return result
    jekyll_total = sum(r["jekyll"]["ms_per_page"] * r["posts"] for r in rows)
    result["jekyll_ms_per_page"] = round(jekyll_total / posts, 3)
    result["jekyll_version"] = _version(jekyll)
    result["ratio"] = ratio(result["broadsheet_ms_per_post"], result["jekyll_ms_per_page"])
    return result


def ours(root: Path, repeats: int) -> dict[str, Any]:
    """Per post, the median over ``repeats`` of a cold-cache ``Site.page``; totals in ms."""
    began = time.perf_counter_ns()
    scan(LocalStore(root))
    scanned = time.perf_counter_ns() - began
    site = Site(LocalStore(root))
    view = site.view()
    refused, urls = [], []
    for entry in view.shown:
        url = unquote(entry.url)  # as a server passes it: percent-decoded once
        try:
            site.page(url)
            urls.append(url)
        except (ContentError, NotFound):
            refused.append(entry.key)
    samples: dict[str, list[int]] = {url: [] for url in urls}
    for _ in range(repeats):
        for url in urls:
            site.pages.clear()
            site.posts.clear()
            began = time.perf_counter_ns()
            site.page(url)
            samples[url].append(time.perf_counter_ns() - began)
    per_post = [statistics.median(s) / 1e6 for s in samples.values()]
    return {
        "set": root.name,
        "posts": len(urls),
        "refused": refused,
        "render_ms_total": round(sum(per_post), 3),
        "render_ms_median": round(statistics.median(per_post), 3),
        "render_ms_max": round(max(per_post), 3),
        "scan_ms_total": round(scanned / 1e6, 3),
    }


def jekyll_per_page(jekyll: str, root: Path, ours: dict[str, Any], repeats: int) -> dict[str, Any]:
    """Jekyll's build time per page: (full build - empty build) / the posts both sides render."""
    for key in ours["refused"]:
        (root / key).unlink()
    _layouts(root)
    empty = root.parent / f"{root.name}-empty"
    shutil.copytree(root, empty, ignore=shutil.ignore_patterns("_posts"))
    full_s, empty_s = [], []
    for _ in range(repeats + 1):  # the first pair warms the file cache and is dropped
        full_s.append(_build(jekyll, root))
        empty_s.append(_build(jekyll, empty))
    full, bare = statistics.median(full_s[1:]), statistics.median(empty_s[1:])
    built = ours["posts"]
    return {
        "build_ms": round(full * 1000, 1),
        "empty_build_ms": round(bare * 1000, 1),
        "ms_per_page": round((full - bare) * 1000 / built, 3),
    }


def _layouts(root: Path) -> None:
    """Every layout the posts (or the config's defaults) name, reduced to ``{{ content }}``."""
    names = {"default", "post", "page"}
    for path in root.rglob("*"):
        if path.suffix in (".md", ".markdown") and path.is_file():
            names.update(_LAYOUT.findall(path.read_text(encoding="utf-8", errors="replace")))
    (root / "_layouts").mkdir(exist_ok=True)
    for name in names:
        (root / "_layouts" / f"{name}.html").write_text("{{ content }}\n", encoding="utf-8")


def _build(jekyll: str, root: Path) -> float:
    out = root.parent / f"{root.name}-site"
    command = [jekyll, "build", "--source", str(root), "--destination", str(out)]
    env = {**os.environ, "TZ": "UTC", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
    began = time.perf_counter()
    done = subprocess.run(
        [*command, "--disable-disk-cache", "--quiet"],
        capture_output=True,
        text=True,
        env=env,
        timeout=JEKYLL_TIMEOUT,
    )
    elapsed = time.perf_counter() - began
    if done.returncode != 0:
        raise RuntimeError(f"jekyll build of {root.name} failed:\n{done.stdout}{done.stderr}")
    return elapsed


def _version(jekyll: str) -> str:
    done = subprocess.run([jekyll, "--version"], capture_output=True, text=True, timeout=60)
    return done.stdout.strip()
