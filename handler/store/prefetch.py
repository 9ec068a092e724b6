"""One object read in a thread of its own, started while the process is still starting.

The render function's first request needs the site's manifest before anything else; reading it
while the web framework and the engine are imported lets S3 send it meanwhile (and opens the
connection the request then reuses). Whatever goes wrong is left for the first request to meet
again, where it is handled and reported as usual.
"""

from __future__ import annotations

import logging
import threading
import time

from handler.store import Store, StoredObject

log = logging.getLogger(__name__)


class Prefetch:
    """``store.get(key)``, started now in a daemon thread."""

    def __init__(self, store: Store, key: str) -> None:
        self.key = key
        self._found: tuple[StoredObject, float] | None = None
        self._thread = threading.Thread(
            target=self._fetch, args=(store,), name=f"prefetch {key}", daemon=True
        )
        self._thread.start()

    def _fetch(self, store: Store) -> None:
        try:
            self._found = (store.get(self.key), time.time())
        except Exception as error:  # the first request reads it again, and reports what fails
            log.debug("prefetching %s failed: %s", self.key, error)

    def result(self) -> tuple[StoredObject, float] | None:
        """The object and the wall-clock time it was read (``None`` if it was not), once the
        read is over."""
        self._thread.join()
        return self._found
