"""P3: a cache-miss render per post on the Jekyll corpus vs Jekyll's time per page. Goal <= 0.5x.

Ours: ``Site.page(url)`` for every post Jekyll publishes (``future: false``, no drafts), as plain
Jekyll builds it (``github_pages=False``), each a cache miss (``bench.misses``: the page cache, the
renderer's contents and excerpts and the post's body emptied before each call), so each is read ->
front matter -> Liquid -> markdown -> the built-in theme's layout (the sets have no layouts of
their own) from scratch; parsed templates stay (the index is built first and reused, as in a warm
container; its scan time per post is reported apart). Jekyll: ``jekyll build`` of a copy of each set as the corpus
reference was made (every layout reduced to ``{{ content }}``, include stubs, no plugins, no disk
cache), minus an empty build of the same site (no posts) to remove Jekyll's start-up, divided by
the post count. Posts that stop Jekyll's build are left out on both sides: those our renderer
refuses (missing includes: ``ContentError``) and those with a plugin's tag (we render it as nothing
and note it; Jekyll without the plugin stops).
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from bench.harness import Harness, settle
from bench.measure import ratio
from bench.misses import local_site, miss_ns
from bench.sites import CORPUS
from handler.engine.index import scan
from handler.engine.renderer import Notes
from handler.errors import ContentError, NotFound
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
    result["jekyll_version"] = jekyll_version(jekyll)
    result["ratio"] = ratio(result["broadsheet_ms_per_post"], result["jekyll_ms_per_page"])
    return result


def ours(root: Path, repeats: int) -> dict[str, Any]:
    """Per post, the median over ``repeats`` of a cold-cache ``Site.page``; totals in ms."""
    began = time.perf_counter_ns()
    scan(LocalStore(root))
    scanned = time.perf_counter_ns() - began
    site = local_site(root, github_pages=False)  # as the reference was built: no plugins
    view = site.view()
    refused, urls = [], []
    for post in view.posts:
        url = unquote(post.url)  # as a server passes it: percent-decoded once
        notes = Notes()
        try:
            site.render(view, post, notes=notes)
            page = site.page(url)
        except (ContentError, NotFound):
            refused.append(post.key)
            continue
        # Left out on both sides too: a post with a plugin's tag (we render it as nothing, Jekyll
        # without the plugin stops), and a redirect (redirect_to), which is not a render.
        if notes.unsupported or page.kind != "post":
            refused.append(post.key)
            continue
        urls.append(url)
    samples: dict[str, list[int]] = {url: [] for url in urls}
    for _ in range(repeats):
        for url in urls:
            samples[url].append(miss_ns(site, url))
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
        full_s.append(jekyll_build(jekyll, root))
        empty_s.append(jekyll_build(jekyll, empty))
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


def jekyll_build(jekyll: str, root: Path, extra_env: Mapping[str, str] | None = None) -> float:
    """Seconds of one ``jekyll build`` of ``root`` into ``<root>-site`` (no disk cache)."""
    out = root.parent / f"{root.name}-site"
    command = [jekyll, "build", "--source", str(root), "--destination", str(out)]
    env = {**os.environ, "TZ": "UTC", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", **(extra_env or {})}
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


def jekyll_version(jekyll: str) -> str:
    done = subprocess.run([jekyll, "--version"], capture_output=True, text=True, timeout=60)
    return done.stdout.strip()
