"""Lambda entry for S3 events: keeps the site index (manifest) in the bucket current.

Also home of :func:`write_index`, which ``broadsheet index`` and ``broadsheet publish`` call.
"""

from __future__ import annotations

import logging

from handler.settings import DEFAULT_INDEX_KEY
from handler.site import Site
from handler.store import WritableStore

log = logging.getLogger(__name__)


def write_index(store: WritableStore, key: str = DEFAULT_INDEX_KEY) -> str:
    """Rebuild the manifest from everything in ``store`` and write it; returns its new version."""
    body = Site(store, index_ttl=0).manifest()
    version = store.put(key, body, content_type="application/json")
    log.info("wrote the site index %s (%d bytes) to %s", key, len(body), store.describe())
    return version
