"""Logging as the Lambda Python runtime sets it up for the template's ``LoggingConfig``.

The template deploys both functions with ``LogFormat: JSON`` and ``ApplicationLogLevel: INFO``.
Before it imports a handler, the runtime (awslambdaric, the same client the RIE tests drive)
installs its JSON formatter and framed log sink on the root logger at that level, so every INFO
line a request writes (Mangum's, ours) is formatted and written. The benchmark does the same with
awslambdaric's own ``_setup_logging``, the sink writing to ``/dev/null``: both sides of P1 and P2
pay for their log lines as deployed.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager

TEMPLATE_LOG_FORMAT = "JSON"
TEMPLATE_LOG_LEVEL = "INFO"


def configure(level: str = TEMPLATE_LOG_LEVEL) -> list[logging.Handler]:
    """Root logging as the runtime configures it for ``level``; returns the handlers it added."""
    from awslambdaric import bootstrap

    root = logging.getLogger()
    before = set(root.handlers)
    sink = bootstrap.FramedTelemetryLogSink(os.open(os.devnull, os.O_WRONLY))
    sink.__enter__()  # the runtime holds it open for the life of the process (`with` in main)
    bootstrap._setup_logging(TEMPLATE_LOG_FORMAT, level, sink)
    return [handler for handler in root.handlers if handler not in before]


@contextmanager
def lambda_logging(level: str = TEMPLATE_LOG_LEVEL) -> Iterator[None]:
    """:func:`configure` for a block of this process (P1), undone after it."""
    root = logging.getLogger()
    previous = root.level
    added = configure(level)
    try:
        yield
    finally:
        for handler in added:
            root.removeHandler(handler)
            handler.log_sink.file.close()  # type: ignore[attr-defined]
        root.setLevel(previous)
