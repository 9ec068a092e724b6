"""A logging handler that writes a stream's lines in batches: ``broadsheet serve``'s log.

``serve`` logs one access line per request. Measured under wrk (a cached post, 64 connections),
that line was the whole gap to a bare uvicorn hello: ~205 us of CPU per request with it, ~160
without it, as the hello. Through a plain :class:`logging.StreamHandler` each line is formatted,
written and flushed (a system call; to a terminal, a wait) on the event loop, between two
requests. This handler formats the line and keeps it; a thread writes what has gathered every
``interval`` seconds, in one write. A record at ``flush_level`` or above (a warning, an error)
is written at once, after the lines before it, and so is a full batch (``capacity``), so a flood
cannot grow it without bound. Closing the handler writes what is left."""

from __future__ import annotations

import logging
import threading
from collections import deque
from typing import TextIO

FLUSH_INTERVAL = 0.1  # seconds: an author reloading a page sees its line at once
CAPACITY = 4096  # records kept at most before they are written by the logging thread itself


class BatchedStreamHandler(logging.StreamHandler[TextIO]):
    """A :class:`logging.StreamHandler` whose lines are written in batches, in order."""

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        interval: float = FLUSH_INTERVAL,
        flush_level: int = logging.WARNING,
        capacity: int = CAPACITY,
    ) -> None:
        super().__init__(stream)
        self.interval = interval
        self.flush_level = flush_level
        self.capacity = capacity
        self._pending: deque[str] = deque()  # lines; append and popleft are atomic
        self._writing = threading.Lock()  # one batch at a time, so batches keep their order
        self._stopped = threading.Event()
        self._writer: threading.Thread | None = None  # started by the first record

    def emit(self, record: logging.LogRecord) -> None:
        # Formatted now, as by a StreamHandler: a line is an untracked string, where a record
        # kept for the writer would be a container the cyclic collector walks (measured: its
        # collections took five times as long with records waiting in the batch).
        try:
            line = self.format(record)
        except Exception:
            self.handleError(record)
            return
        self._keep(line, urgent=record.levelno >= self.flush_level)

    def write_line(self, line: str) -> None:
        """Add ``line``, already formatted, to the batch: for a caller that makes no
        :class:`~logging.LogRecord` (``serve``'s access log, cli.py)."""
        self._keep(line, urgent=False)

    def _keep(self, line: str, *, urgent: bool) -> None:
        self._pending.append(line + self.terminator)
        if self._writer is None:
            self._start()
        if urgent or len(self._pending) >= self.capacity:
            self.flush()

    def flush(self) -> None:
        """Write every line kept so far, in one write, and flush the stream."""
        with self._writing:
            count = len(self._pending)
            if count == 0:
                return
            text = "".join([self._pending.popleft() for _ in range(count)])
            try:
                self.stream.write(text)
                if hasattr(self.stream, "flush"):
                    self.stream.flush()
            except Exception:
                # Reported as logging reports a record it could not write (once per batch).
                self.handleError(logging.makeLogRecord({"msg": f"{count} log lines not written"}))

    def close(self) -> None:
        """Stop the writer thread and write what is left. A line that still comes (logging's
        configuration functions close the handlers they find, and leave them in place) starts
        a new writer."""
        with self._writing:
            self._stopped.set()
            self._writer = None
        try:
            self.flush()
        finally:
            super().close()

    def _start(self) -> None:
        with self._writing:
            if self._writer is None:
                self._stopped = threading.Event()
                self._writer = threading.Thread(
                    target=self._run, args=(self._stopped,), name="log writer", daemon=True
                )
                self._writer.start()

    def _run(self, stopped: threading.Event) -> None:
        while not stopped.wait(self.interval):
            self.flush()
