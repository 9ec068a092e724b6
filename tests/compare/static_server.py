"""Serve a built site folder (Jekyll's ``_site``) on 127.0.0.1 the way GitHub Pages serves it.

- ``/x/`` serves ``x/index.html``; ``/x`` serves the file ``x``, else ``x.html``, else answers
  ``301 Location: /x/`` when ``x/index.html`` exists.
- Anything else is ``404`` with the site's ``404.html`` as the body (plain text if it has none).
- Paths are percent-decoded (``/edge%20case/`` is the folder ``edge case``); the query is ignored
  (and kept on a redirect); nothing outside the folder is reachable.
- Content types come from a fixed table (not the machine's ``/etc/mime.types``), text ones with
  ``charset=utf-8``; ``Access-Control-Allow-Origin: *`` as GitHub Pages sends (fonts need it when
  a page loads them from another origin).

``with serve_site(folder) as site:`` binds a free port on 127.0.0.1 only, serves from a daemon
thread, and shuts down on leaving the block (or after ``max_seconds``, if given).
"""

from __future__ import annotations

import mimetypes
import socket
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

HOST = "127.0.0.1"
TEXT = "; charset=utf-8"
CONTENT_TYPES = {
    ".html": "text/html" + TEXT,
    ".htm": "text/html" + TEXT,
    ".css": "text/css" + TEXT,
    ".js": "application/javascript" + TEXT,
    ".mjs": "application/javascript" + TEXT,
    ".json": "application/json" + TEXT,
    ".map": "application/json" + TEXT,
    ".xml": "application/xml",
    ".txt": "text/plain" + TEXT,
    ".md": "text/markdown" + TEXT,
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".eot": "application/vnd.ms-fontobject",
    ".pdf": "application/pdf",
    ".webmanifest": "application/manifest+json",
}
DEFAULT_TYPES = mimetypes.MimeTypes()  # Python's built-in table only, the same on every machine


def content_type(path: Path) -> str:
    known = CONTENT_TYPES.get(path.suffix.lower())
    if known is not None:
        return known
    guessed, _ = DEFAULT_TYPES.guess_type(path.name, strict=False)
    if guessed is None:
        return "application/octet-stream"
    return guessed + TEXT if guessed.startswith("text/") else guessed


@dataclass(frozen=True)
class Answer:
    """What to send: a status, and the file for the body or the redirect target."""

    status: HTTPStatus
    file: Path | None = None
    location: str | None = None


def is_file(root: Path, relative: str) -> Path | None:
    """The file ``root / relative`` if it exists inside ``root`` (symlinks resolved), else None."""
    if "\x00" in relative:
        return None
    try:
        found = (root / relative.lstrip("/")).resolve()
        return found if found.is_relative_to(root) and found.is_file() else None
    except OSError:  # a name too long, a symlink loop: no such page
        return None


def resolve(root: Path, raw_path: str) -> Answer:
    """Map a request target to an :class:`Answer`, as GitHub Pages does. ``root`` is resolved."""
    parts = urlsplit(raw_path)
    path = unquote(parts.path)
    if path.endswith("/"):
        found = is_file(root, path + "index.html")
    else:
        found = is_file(root, path) or is_file(root, path + ".html")
        if found is None and is_file(root, path + "/index.html") is not None:
            query = f"?{parts.query}" if parts.query else ""
            return Answer(HTTPStatus.MOVED_PERMANENTLY, location=parts.path + "/" + query)
    if found is not None:
        return Answer(HTTPStatus.OK, found)
    return Answer(HTTPStatus.NOT_FOUND, is_file(root, "404.html"))


class PagesHandler(BaseHTTPRequestHandler):
    """GET and HEAD over ``self.server.root`` (see :class:`PagesServer`)."""

    server: PagesServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self.answer(body=True)

    def do_HEAD(self) -> None:
        self.answer(body=False)

    def answer(self, *, body: bool) -> None:
        found = resolve(self.server.root, self.path)
        if found.file is not None:
            data, kind = found.file.read_bytes(), content_type(found.file)
        else:
            data, kind = f"{found.status.phrase}\n".encode(), "text/plain" + TEXT
        self.send_response(found.status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Cache-Control", "no-cache")
        if found.location is not None:
            self.send_header("Location", found.location)
        self.end_headers()
        if body:
            self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: tests read statuses, not access logs."""


class PagesServer(ThreadingHTTPServer):
    daemon_threads = True
    POLL_SECONDS = 0.05  # how soon serve_forever notices a shutdown request

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.stopping = threading.Lock()
        super().__init__((HOST, 0), PagesHandler)

    def handle_error(
        self, request: socket.socket | tuple[bytes, socket.socket], client_address: Any
    ) -> None:
        """A client that hangs up mid-answer is no error; anything else still prints."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    def serve(self) -> None:
        self.serve_forever(poll_interval=self.POLL_SECONDS)

    def stop(self) -> None:
        """Stop serving and close the listening socket; a second call does nothing."""
        if self.stopping.acquire(blocking=False):
            self.shutdown()
            self.server_close()


@dataclass(frozen=True)
class ServedSite:
    """A running server: ``base_url`` is ``http://127.0.0.1:PORT`` (no trailing slash)."""

    root: Path
    port: int

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.base_url + ("" if path.startswith("/") else "/") + path


@contextmanager
def serve_site(root: Path, *, max_seconds: float | None = None) -> Iterator[ServedSite]:
    """Serve ``root`` on a free 127.0.0.1 port until the block ends (or ``max_seconds`` pass)."""
    if not root.is_dir():
        raise FileNotFoundError(f"no site folder at {root}")
    server = PagesServer(root)
    thread = threading.Thread(target=server.serve, name=f"serve {root}", daemon=True)
    thread.start()
    timer = threading.Timer(max_seconds, server.stop) if max_seconds is not None else None
    if timer is not None:
        timer.daemon = True
        timer.start()
    try:
        yield ServedSite(root=server.root, port=server.server_address[1])
    finally:
        if timer is not None:
            timer.cancel()
            timer.join(timeout=10)  # a stop under way finishes before ours is skipped
        server.stop()
        thread.join(timeout=10)
