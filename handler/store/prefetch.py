"""One object read in a thread of its own, started while the process is still starting.

The render function's first request needs the site's manifest before anything else; reading it
while the web framework and the engine are imported lets S3 send it meanwhile (and opens the
connection the request then reuses). A read that fails as stores fail (``NotFound``,
``StoreUnavailable``) is that request's answer, as its own read would have been (S3 down is not
waited for twice); anything else is left for the request to meet again.
"""

from __future__ import annotations

import logging
import threading
import time

from handler.errors import NotFound, StoreUnavailable
from handler.store import Store, StoredObject

log = logging.getLogger(__name__)


class Prefetch:
    """``store.get(key)``, started now in a daemon thread."""

    def __init__(self, store: Store, key: str) -> None:
        self.key = key
        self._found: tuple[StoredObject | NotFound | StoreUnavailable, float] | None = None
        self._thread = threading.Thread(
            target=self._fetch, args=(store,), name=f"prefetch {key}", daemon=True
        )
        self._thread.start()

    def _fetch(self, store: Store) -> None:
        try:
            self._found = (store.get(self.key), time.time())
        except (NotFound, StoreUnavailable) as error:
            self._found = (error, time.time())
        except Exception as error:  # the first request reads it again, and reports what fails
            log.debug("prefetching %s failed: %s", self.key, error)

    def result(self) -> tuple[StoredObject | NotFound | StoreUnavailable, float] | None:
        """What the read gave (the object, or the store's error) and the wall-clock time it
        ended, once it is over; ``None`` if it failed otherwise."""
        self._thread.join()
        return self._found
