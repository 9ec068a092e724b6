"""``broadsheet serve``'s log handler: every line written, in order, in batches."""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Iterator

import pytest

from handler.batchlog import BatchedStreamHandler

FORMAT = "%(levelname)s %(name)s: %(message)s"
NEVER = 3600.0  # an interval the writer thread never reaches within a test


class CountingStream(io.StringIO):
    """A text stream that counts its writes."""

    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        return super().write(text)


@pytest.fixture
def stream() -> CountingStream:
    return CountingStream()


@pytest.fixture
def logger() -> Iterator[logging.Logger]:
    logger = logging.getLogger("test_batchlog")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    yield logger
    for handler in logger.handlers[:]:
        logger.removeHandler(handler)
        handler.close()


def attach(logger: logging.Logger, handler: BatchedStreamHandler) -> BatchedStreamHandler:
    handler.setFormatter(logging.Formatter(FORMAT))
    logger.addHandler(handler)
    return handler


def test_lines_wait_for_the_batch_then_go_out_in_order_in_one_write(
    logger: logging.Logger, stream: CountingStream
) -> None:
    handler = attach(logger, BatchedStreamHandler(stream, interval=NEVER))
    for number in range(3):
        logger.info("request %d", number)
    assert stream.getvalue() == ""
    handler.flush()
    assert stream.getvalue() == (
        "INFO test_batchlog: request 0\nINFO test_batchlog: request 1\n"
        "INFO test_batchlog: request 2\n"
    )
    assert stream.writes == 1


def test_a_warning_is_written_at_once_after_the_lines_before_it(
    logger: logging.Logger, stream: CountingStream
) -> None:
    attach(logger, BatchedStreamHandler(stream, interval=NEVER))
    logger.info("first")
    logger.warning("the store is unavailable")
    assert stream.getvalue().splitlines() == [
        "INFO test_batchlog: first",
        "WARNING test_batchlog: the store is unavailable",
    ]


def test_a_full_batch_is_written_by_the_caller(
    logger: logging.Logger, stream: CountingStream
) -> None:
    attach(logger, BatchedStreamHandler(stream, interval=NEVER, capacity=4))
    for number in range(10):
        logger.info("line %d", number)
    assert stream.getvalue().splitlines() == [f"INFO test_batchlog: line {n}" for n in range(8)]
    assert stream.writes == 2


def test_closing_writes_what_is_left(logger: logging.Logger, stream: CountingStream) -> None:
    handler = attach(logger, BatchedStreamHandler(stream, interval=NEVER))
    logger.info("last words")
    logger.removeHandler(handler)
    handler.close()
    assert stream.getvalue() == "INFO test_batchlog: last words\n"


def test_the_writer_thread_writes_without_being_asked(
    logger: logging.Logger, stream: CountingStream
) -> None:
    attach(logger, BatchedStreamHandler(stream, interval=0.01))
    logger.info("on its own")
    deadline = time.monotonic() + 10  # a bound for a busy machine, not a measured duration
    while not stream.getvalue() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert stream.getvalue() == "INFO test_batchlog: on its own\n"


def test_a_record_that_cannot_be_formatted_is_reported_and_the_rest_written(
    stream: CountingStream, capsys: pytest.CaptureFixture[str]
) -> None:
    handler = BatchedStreamHandler(stream, interval=NEVER)
    handler.setFormatter(logging.Formatter(FORMAT))
    info = {"name": "test_batchlog", "levelno": logging.INFO, "levelname": "INFO"}
    handler.handle(logging.makeLogRecord({**info, "msg": "%d apples", "args": ("not a number",)}))
    handler.handle(logging.makeLogRecord({**info, "msg": "still here"}))
    handler.close()
    assert stream.getvalue() == "INFO test_batchlog: still here\n"
    assert "--- Logging error ---" in capsys.readouterr().err


def test_a_line_made_without_a_record_joins_the_batch_in_order(
    logger: logging.Logger, stream: CountingStream
) -> None:
    handler = attach(logger, BatchedStreamHandler(stream, interval=NEVER))
    logger.info("a record")
    handler.write_line('INFO broadsheet.access: {"path":"/"}')
    logger.error("then an error")
    assert stream.getvalue().splitlines() == [
        "INFO test_batchlog: a record",
        'INFO broadsheet.access: {"path":"/"}',
        "ERROR test_batchlog: then an error",
    ]


def test_lines_after_closing_are_still_written(
    logger: logging.Logger, stream: CountingStream
) -> None:
    # logging.config.dictConfig (uvicorn's setup) closes the handlers it finds and leaves
    # them on their loggers: what serve logs after that must still come out.
    handler = attach(logger, BatchedStreamHandler(stream, interval=NEVER))
    handler.close()
    logger.info("after uvicorn's logging setup")
    handler.flush()
    assert stream.getvalue() == "INFO test_batchlog: after uvicorn's logging setup\n"
