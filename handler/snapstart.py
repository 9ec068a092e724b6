"""Lambda SnapStart: what the render function does before its snapshot and after each restore.

With the template's ``SnapStart: PublishedVersions`` Lambda initialises a version once, snapshots
the process, and starts every later cold environment from that snapshot. ``snapshot_restore_py``
(part of the Python managed runtime) runs registered hooks around it:

- **before the snapshot**, :func:`prime` does the work a first request would otherwise pay for
  in every environment: the site index is read, and the home page, the newest post and a page
  are rendered, which imports the lazily loaded parts (the Liquid engine, markdown, Pygments) and
  parses the layouts and includes they use; then everything built is frozen out of the cyclic
  collector's sight, as at import;
- **after each restore**, :func:`refresh` makes the restored copy safe and current: the pooled
  S3 connections (sockets of the snapshotted process, dead in this one) are dropped, the random
  generator is reseeded (every restored copy would otherwise draw the same jitter), and the site
  index is taken as due, so the first request revalidates it (any time may have passed since
  the snapshot).

Without ``snapshot_restore_py`` (a laptop, ``broadsheet serve``) nothing is registered.
"""

from __future__ import annotations

import gc
import logging
import random
from collections.abc import Callable

from handler.errors import BroadsheetError
from handler.site import Site

log = logging.getLogger(__name__)


def prime_paths(site: Site) -> list[str]:
    """The pages a snapshot renders: the home page, the newest post and the first page (each
    kind goes through different layouts, includes and converters)."""
    view = site.view()
    paths = ["/"]
    for documents in (view.posts, view.pages):  # posts newest first
        if documents and documents[0].url not in paths:
            paths.append(documents[0].url)
    return paths


def prime(site: Site) -> list[str]:
    """Read the index and render :func:`prime_paths`; returns the paths rendered. A page that
    fails is logged and skipped: a snapshot must be taken whatever one page holds."""
    primed: list[str] = []
    try:
        paths = prime_paths(site)
    except BroadsheetError as error:
        log.warning("snapshot taken without the site index: %s", error)
        return primed
    for path in paths:
        try:
            site.page(path)
        except BroadsheetError as error:
            log.warning("snapshot taken without %s: %s", path, error)
            continue
        primed.append(path)
    gc.collect()
    gc.freeze()
    log.info("primed for the snapshot: %s", ", ".join(primed))
    return primed


def refresh(site: Site, reset_connections: Callable[[], None] | None) -> None:
    """After a restore: no pooled connection, a new random state, the index due at once."""
    if reset_connections is not None:
        reset_connections()
    random.seed()
    site.live.expire()


def register(site: Site, reset_connections: Callable[[], None] | None) -> bool:
    """Register :func:`prime` and :func:`refresh` with the runtime; False where there is none."""
    try:
        from snapshot_restore_py import (
            register_after_restore,
            register_before_snapshot,
        )
    except ImportError:
        return False
    register_before_snapshot(prime, site)
    register_after_restore(refresh, site, reset_connections)
    return True
