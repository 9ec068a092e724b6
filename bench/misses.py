"""Cache misses on purpose: what P3 and P5 empty before each render they time.

A *cache miss* is a page rendered as after a content change, in a warm process: the page cache
(``Site.pages``), every rendered content and excerpt (``Renderer._contents``/``_excerpts``: a
listing renders what it lists again) and every document's body as read from the store (so the
page's own file is read and its front matter parsed again) are emptied. What a content change
leaves valid stays: parsed layouts and includes (the Liquid engine's cache and the layout entries
of ``Renderer._files``), ``markdownify``'s memo and parsed data files. The index and its view stay
too (a warm container has them; P2 and P4 measure loading them).

A *cold* render is a container's first: a new ``Site`` (every renderer cache empty, the Liquid
engine's parsed templates included) over an index already loaded.

The renderer's caches are private; this module is the one place that reaches into them.
"""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any

from handler.site import Site
from handler.store.local import LocalStore


def local_site(root: Path, **options: Any) -> Site:
    """A ``Site`` over a folder whose index is read once and kept (``index_ttl`` infinite): a
    re-scan every few seconds would land inside the renders being timed."""
    site = Site(LocalStore(root), index_ttl=math.inf, **options)
    site.outputs(site.view())  # the index, its view and the route table: loaded, never timed
    return site


def forget_renders(site: Site) -> None:
    """Empty what a cache miss must redo (see the module's docstring)."""
    site.pages.clear()
    renderer = site.renderer
    renderer._contents = type(renderer._contents)()
    renderer._excerpts = type(renderer._excerpts)()
    files = renderer._files
    with files._lock:
        for key in [k for k in files._items if isinstance(k, tuple) and k[0] == "body"]:
            del files._items[key]


def miss_ns(site: Site, path: str) -> int:
    """One cache-miss render of ``path`` through ``Site.page``, in nanoseconds."""
    forget_renders(site)
    began = time.perf_counter_ns()
    site.page(path)
    return time.perf_counter_ns() - began


def cold_ns(root: Path, path: str, **options: Any) -> int:
    """One cold render of ``path``: a new ``Site`` over ``root``, its index loaded untimed."""
    site = local_site(root, **options)
    began = time.perf_counter_ns()
    site.page(path)
    return time.perf_counter_ns() - began
