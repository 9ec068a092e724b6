"""libsass in a child process, so a runaway stylesheet is stopped by the clock.

libsass runs in C and cannot be interrupted: a ``@while`` that never ends, or a ``@for`` over a
million steps, would hold the calling process until Lambda's timeout (failing every later event of
the batch) or hang ``broadsheet serve``. A compile therefore runs in a worker process with a
wall-clock limit (:data:`TIMEOUT_SECONDS`, not counting the time the parent spends reading the
files it imports) and an address-space limit (:data:`MEMORY_BYTES`, ``RLIMIT_AS``). A compile over
either is the stylesheet's ``ContentError``; the worker is then killed, and the next compile
starts another.

The child reads nothing itself: each import it needs is asked of the parent over the pipe, which
answers through the caller's ``read``, so the store (and its credentials) stay in the parent and
the compile is the very code that runs in-process, with the same output.

Workers are started with ``python -c`` (a fresh interpreter: nothing of the parent's state is
inherited) and reused: starting one costs some 100 ms, a compile of a real theme a few tens of ms
more than in-process. Messages are length-prefixed pickles between this process and its own
child, never bytes from the bucket.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pickle
import select
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO, Any

from handler.errors import BroadsheetError, ContentError, NotFound

#: Wall-clock seconds a compile may run, the parent's reads excluded.
TIMEOUT_SECONDS = 10.0
#: Address space of a worker (``RLIMIT_AS``): the interpreter and libsass, the 256 MiB stack
#: of each compile thread (reserved, mostly never touched; a finished thread's may still be
#: mapped when the next starts), malloc's arenas, and what a compile allocates. It bounds
#: virtual memory, so resident memory stays well below it (768 MiB once failed to start a
#: compile thread under load); a stylesheet that really needs it all is an error of its own.
MEMORY_BYTES = 1024 * 1024 * 1024
#: Idle workers kept for the next compile (one compile at a time per worker).
MAX_IDLE = 2

_HEADER = struct.Struct("!I")
_idle: list[_Worker] = []
_idle_lock = threading.Lock()

Reader = Callable[[str], str | bytes | None]


class WorkerFailed(Exception):
    """The worker died or broke the protocol (it ran out of memory, or was killed)."""


class CompileTimeout(Exception):
    """The compile ran longer than its limit."""


def compile_in_worker(
    request: Mapping[str, Any], read: Reader, *, timeout: float | None = None
) -> tuple[str, str | None, tuple[str, ...], tuple[str, ...]]:
    """``sass._compile_here(**request)`` in a worker, with ``read`` answered here.

    Raises what the compile raises (``ContentError``, ``SassUnavailable``), what ``read`` raises,
    :class:`CompileTimeout` past ``timeout`` seconds and :class:`WorkerFailed` when the worker
    dies (out of memory).
    """
    worker = _take()
    done = False
    try:
        result = worker.run(request, read, TIMEOUT_SECONDS if timeout is None else timeout)
        done = True
        return result
    finally:
        if done or worker.reusable:
            _give_back(worker)
        else:
            worker.kill()


def _take() -> _Worker:
    with _idle_lock:
        while _idle:
            worker = _idle.pop()
            if worker.alive():
                return worker
            worker.kill()
    return _Worker()


def _give_back(worker: _Worker) -> None:
    with _idle_lock:
        if len(_idle) < MAX_IDLE and worker.alive():
            _idle.append(worker)
            return
    worker.kill()


def shutdown() -> None:
    """Stop every idle worker (tests; a process exiting stops them anyway)."""
    with _idle_lock:
        workers, _idle[:] = list(_idle), []
    for worker in workers:
        worker.kill()


class _Worker:
    """One child process and its pipes."""

    def __init__(self) -> None:
        root = str(Path(__file__).resolve().parents[3])  # the folder holding `handler`
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
        env["MALLOC_ARENA_MAX"] = "2"  # each thread's arena reserves 64 MiB of address space
        self.process = subprocess.Popen(  # our own interpreter and module
            [sys.executable, "-c", "from handler.engine.sass._worker import main; main()"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            close_fds=True,
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self.to_child: IO[bytes] = self.process.stdin
        self.from_child: IO[bytes] = self.process.stdout
        self.reusable = True  # false once a run was cut short (its state is unknown)

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.process.kill()
        with contextlib.suppress(OSError, subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        for pipe in (self.to_child, self.from_child):
            with contextlib.suppress(OSError):
                pipe.close()

    def run(
        self, request: Mapping[str, Any], read: Reader, timeout: float
    ) -> tuple[str, str | None, tuple[str, ...], tuple[str, ...]]:
        self.reusable = False
        _send(self.to_child, ("compile", dict(request)))
        deadline = time.monotonic() + timeout
        failure: BaseException | None = None
        while True:
            kind, value = self._receive(deadline)
            if kind == "read":
                started = time.monotonic()
                answer: tuple[str, Any]
                try:
                    answer = ("ok", None if failure is not None else read(value))
                except NotFound:
                    answer = ("ok", None)
                except BaseException as error:  # re-raised here once the compile stops
                    failure = error
                    answer = ("abort", None)
                deadline += time.monotonic() - started  # reads are the parent's time
                _send(self.to_child, answer)
                continue
            self.reusable = True
            if failure is not None:
                raise failure
            if kind == "done":
                result: tuple[str, str | None, tuple[str, ...], tuple[str, ...]] = value
                return result
            if kind == "content":
                key, message, line, column, hint = value
                raise ContentError(key, message, line=line, column=column, hint=hint)
            if kind == "unavailable":
                from handler.engine.sass import SassUnavailable

                raise SassUnavailable(value)
            raise WorkerFailed(str(value))

    def _receive(self, deadline: float) -> tuple[str, Any]:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise CompileTimeout
            ready, _, _ = select.select([self.from_child], [], [], min(left, 0.25))
            if ready:
                break
        try:
            message: tuple[str, Any] = _receive(self.from_child)
        except (EOFError, OSError, pickle.UnpicklingError) as error:
            code = self.process.poll()
            raise WorkerFailed(f"the worker stopped (exit {code}): {error}") from None
        return message


def _send(pipe: IO[bytes], message: object) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        pipe.write(_HEADER.pack(len(data)) + data)
        pipe.flush()
    except (BrokenPipeError, ValueError) as error:
        raise WorkerFailed(f"the worker stopped: {error}") from None


def _receive(pipe: IO[bytes]) -> Any:
    header = _read_exactly(pipe, _HEADER.size)
    return pickle.loads(_read_exactly(pipe, _HEADER.unpack(header)[0]))  # noqa: S301  # our child


def _read_exactly(pipe: IO[bytes], size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = pipe.read(size - len(data))
        if not chunk:
            raise EOFError("the pipe closed")
        data += chunk
    return data


atexit.register(shutdown)


# --- the child -------------------------------------------------------------------------------------


class _Aborted(BroadsheetError):
    """The parent's ``read`` failed: the compile stops, and the parent raises its error."""


def main() -> None:
    """The worker's loop: one compile per request, until the parent closes the pipe."""
    import resource

    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    # The protocol has stdout to itself: whatever else writes there (libsass's @warn, @debug)
    # goes to stderr.
    requests = os.fdopen(os.dup(0), "rb")
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    from handler.engine import sass

    while True:
        try:
            kind, request = _receive(requests)
        except EOFError:
            return
        if kind != "compile":
            return

        def read(key: str) -> str | bytes | None:
            _send(replies, ("read", key))
            answer, value = _receive(requests)
            if answer == "abort":
                raise _Aborted(key)
            result: str | bytes | None = value
            return result

        limits = request.pop("limits", {})
        for name, value in limits.items():
            setattr(sass, name, value)
        try:
            reply: tuple[str, Any] = ("done", sass._compile_here(read=read, lib=None, **request))
        except ContentError as error:
            reply = ("content", (error.path, error.message, error.line, error.column, error.hint))
        except sass.SassUnavailable as error:
            reply = ("unavailable", str(error))
        except _Aborted:
            reply = ("aborted", "a read failed")
        except MemoryError:
            reply = ("failed", "out of memory")
        except Exception as error:  # reported to the parent, which raises it as a failure
            reply = ("failed", f"{type(error).__name__}: {error}")
        _send(replies, reply)
