"""A store backed by a local folder: ``broadsheet serve`` on a laptop, and the tests.

Keys map to files under ``root``. Freshness is the file's mtime and size (as Jinja2's
``FileSystemLoader`` knows it): ``version = f"{st_mtime_ns:x}-{st_size:x}"``. Hidden files and
folders (any segment starting with ``.``, as Jekyll excludes them) are neither listed nor served, so
``.git/`` or ``.env`` beside the posts never leaks. Writes are atomic (temp file + ``os.replace``)
and conditional writes hold an advisory lock on the parent folder, so two writers racing on one
version cannot both win.
"""

from __future__ import annotations

import errno
import fcntl
import mimetypes
import os
import stat
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from handler.errors import NotFound, PreconditionFailed, StoreUnavailable, TooLarge
from handler.store import ObjectInfo, StoredObject
from handler.store.keys import clean_key, never_content

__all__ = ["LocalStore", "guess_content_type", "is_hidden", "is_safe_prefix"]

# Python's built-in table (never /etc/mime.types, so a laptop and Lambda agree) plus what a Jekyll
# site holds that the table lacks or names differently.
_MIME = mimetypes.MimeTypes()
for _ext, _type in {
    ".md": "text/markdown",
    ".markdown": "text/markdown",
    ".yml": "application/yaml",
    ".yaml": "application/yaml",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".svg": "image/svg+xml",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".xml": "application/xml",
    ".ico": "image/x-icon",
    ".webmanifest": "application/manifest+json",
    ".gz": "application/gzip",
}.items():
    _MIME.add_type(_type, _ext)

DEFAULT_CONTENT_TYPE = "application/octet-stream"

# OS errors that mean "no object at this key" rather than "the folder cannot be read".
_NO_SUCH_FILE = frozenset(
    {errno.ENOENT, errno.ENOTDIR, errno.EISDIR, errno.EEXIST, errno.ENAMETOOLONG, errno.ELOOP}
)


def guess_content_type(key: str) -> str:
    """The media type for ``key`` from its extension; ``application/octet-stream`` if unknown."""
    suffix = Path(key).suffix.lower()
    strict, loose = _MIME.types_map[True], _MIME.types_map[False]
    return strict.get(suffix) or loose.get(suffix) or DEFAULT_CONTENT_TYPE


def is_hidden(key: str) -> bool:
    """True for what is never content (``.git/``, ``.env``...: :func:`never_content`)."""
    return never_content(key)


def is_safe_prefix(prefix: str) -> bool:
    """True if ``prefix`` could start a safe key: ``""``, ``"_posts/"``, ``"_posts/2023-"``."""
    trimmed = prefix.rstrip("/")
    if not trimmed:
        return prefix == ""
    try:
        clean_key(trimmed)
    except NotFound:
        return False
    return True


def file_version(st: os.stat_result) -> str:
    return f"{st.st_mtime_ns:x}-{st.st_size:x}"


def _mtime(st: os.stat_result) -> datetime:
    return datetime.fromtimestamp(st.st_mtime_ns / 1e9, tz=UTC)


class LocalStore:
    """Content in a folder. Satisfies :class:`handler.store.WritableStore`."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._real_root = self.root.resolve()
        # The same paths and check as pathlib's, as strings: a read is a few system calls, and
        # pathlib's objects cost more than they do.
        self._root_text = str(self.root)
        self._real_text = str(self._real_root)
        self._real_prefix = self._real_text.rstrip("/") + "/"

    def describe(self) -> str:
        return str(self.root)

    def get(self, key: str, *, max_bytes: int | None = None) -> StoredObject:
        path, _ = self._stat_file(key)
        try:
            fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
            try:
                st = os.fstat(fd)  # the version of the bytes read, not of a later file
                if max_bytes is not None and st.st_size > max_bytes:
                    raise TooLarge(key, st.st_size, max_bytes)
                body = _read(fd, st.st_size, None if max_bytes is None else max_bytes + 1)
            finally:
                os.close(fd)
        except OSError as err:
            raise self._failure(key, err) from err
        if max_bytes is not None and len(body) > max_bytes:  # grew while we read it
            raise TooLarge(key, len(body), max_bytes)
        return StoredObject(key, body, file_version(st), _mtime(st), guess_content_type(key))

    def head(self, key: str, size: int) -> bytes:
        path, _ = self._stat_file(key)
        try:
            with open(path, "rb") as handle:  # noqa: PTH123 (a string path: see _contained)
                return handle.read(size)
        except OSError as err:
            raise self._failure(key, err) from err

    def get_if_changed(self, key: str, version: str) -> StoredObject | None:
        _, st = self._stat_file(key)
        return None if file_version(st) == version else self.get(key)

    def list(self, prefix: str = "") -> Iterator[ObjectInfo]:
        self._require_root()
        if not is_safe_prefix(prefix):
            return
        infos = [info for info in self._walk(prefix) if info.key.startswith(prefix)]
        yield from sorted(infos, key=lambda info: info.key)

    def put(
        self,
        key: str,
        body: bytes,
        *,
        content_type: str | None = None,  # a file's type comes from its name
        if_match: str | None = None,
        if_none_match: bool = False,
    ) -> str:
        path = self._target(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with _locked(path.parent):
                current = _stat_or_none(path)
                _check_preconditions(key, current, if_match, if_none_match)
                return file_version(_replace_atomically(path, body, current))
        except OSError as err:  # a folder where the file should be, or a file where a folder
            raise self._failure(key, err) from err

    def delete(self, key: str) -> None:
        path = self._target(key)
        try:
            with _locked(path.parent):
                path.unlink()
        except OSError as err:
            if err.errno not in _NO_SUCH_FILE:
                raise self._unavailable(key, err) from err

    # -- paths ---------------------------------------------------------------------------------

    def _target(self, key: str) -> Path:
        """Where ``key`` lives; refuses unsafe or hidden keys and paths resolving outside."""
        if is_hidden(clean_key(key)):
            raise NotFound(key)
        path = self.root / key
        try:
            real = path.resolve()
        except (OSError, RuntimeError):  # symlink loop, name too long
            raise NotFound(key) from None
        if not real.is_relative_to(self._real_root):
            raise NotFound(key)
        return path

    def _contained(self, key: str) -> str:
        """``_target`` for reading, as a string: the root joined with ``key`` once ``key`` is
        clean (not hidden) and the path, every symlink resolved, is the real root or inside it.
        A symlink loop passes here and fails the reader's stat (``ELOOP``: not found)."""
        if is_hidden(clean_key(key)):
            raise NotFound(key)
        path = os.path.join(self._root_text, key)  # noqa: PTH118 (strings, not Path objects)
        try:
            real = os.path.realpath(path)
        except (OSError, RuntimeError, ValueError):  # name too long
            raise NotFound(key) from None
        if real != self._real_text and not real.startswith(self._real_prefix):
            raise NotFound(key)
        return path

    def _stat_file(self, key: str) -> tuple[str, os.stat_result]:
        """The path of ``key`` and its stat; ``NotFound`` unless it is a regular file."""
        self._require_root()
        path = self._contained(key)
        try:
            st = os.stat(path)  # noqa: PTH116 (a string path: see _contained)
        except OSError as err:
            raise self._failure(key, err) from err
        if not stat.S_ISREG(st.st_mode):  # folders, FIFOs (which would block a read), devices
            raise NotFound(key)
        return path, st

    def _require_root(self) -> None:
        if not self.root.is_dir():
            raise StoreUnavailable(
                f"content folder {self.root} does not exist or is not a folder: "
                "check CONTENT_DIR or the --content option"
            )

    def _walk(self, prefix: str) -> Iterator[ObjectInfo]:
        """Every visible, safe file under the folder that ``prefix`` names (or its parent)."""
        start = self.root / prefix.rpartition("/")[0]
        for folder, dirs, files in os.walk(start, followlinks=False):
            dirs[:] = [name for name in dirs if not is_hidden(name)]
            for name in files:
                if is_hidden(name):
                    continue
                info = self._info(Path(folder) / name)
                if info is not None:
                    yield info

    def _info(self, path: Path) -> ObjectInfo | None:
        key = path.relative_to(self.root).as_posix()
        try:
            if not self._target(key).is_file():
                return None
            st = path.stat()
        except (NotFound, OSError):
            return None  # unsafe name, symlink out of the folder, or removed meanwhile
        return ObjectInfo(key, file_version(st), st.st_size, _mtime(st))

    def _failure(self, key: str, err: OSError) -> NotFound | StoreUnavailable:
        return NotFound(key) if err.errno in _NO_SUCH_FILE else self._unavailable(key, err)

    def _unavailable(self, key: str, err: OSError) -> StoreUnavailable:
        return StoreUnavailable(
            f"cannot access {key!r} in {self.root}: {err.strerror or err} "
            "(check the folder's permissions and free space)"
        )


def _read(fd: int, size: int, limit: int | None) -> bytes:
    """The file's bytes to its end, ``limit`` at most (``None``: no limit), as a buffered
    ``read(limit)`` gives them, with a first request of the size it had (and one byte more, so a
    file that grew is seen): no buffer of ``limit`` bytes allocated for a small file."""
    parts: list[bytes] = []
    total = 0
    ask = size + 1
    while limit is None or total < limit:
        chunk = os.read(fd, ask if limit is None else min(ask, limit - total))
        if not chunk:
            break
        parts.append(chunk)
        total += len(chunk)
        ask = max(ask, _CHUNK)
    return parts[0] if len(parts) == 1 else b"".join(parts)


_CHUNK = 64 * 1024


def _stat_or_none(path: Path) -> os.stat_result | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    if not path.is_file():
        raise IsADirectoryError(errno.EISDIR, "not a file", str(path))
    return st


def _check_preconditions(
    key: str, current: os.stat_result | None, if_match: str | None, if_none_match: bool
) -> None:
    if if_none_match and current is not None:
        raise PreconditionFailed(f"{key!r} already exists (if_none_match)")
    if if_match is not None and (current is None or file_version(current) != if_match):
        found = "nothing" if current is None else file_version(current)
        raise PreconditionFailed(f"{key!r} is at {found}, not {if_match} (if_match)")


def _replace_atomically(path: Path, body: bytes, previous: os.stat_result | None) -> os.stat_result:
    """Write ``body`` beside ``path`` then rename over it; readers see old bytes or new, never half.

    The new mtime is forced past the previous one: file systems stamp mtimes from a coarse clock, so
    two same-sized writes inside one tick would otherwise share a version and defeat ``if_match``.
    """
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(body)
        tmp.chmod(0o644)
        floor = previous.st_mtime_ns + 1 if previous is not None else 0
        mtime_ns = max(time.time_ns(), floor)
        os.utime(tmp, ns=(mtime_ns, mtime_ns))
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path.stat()


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive advisory lock on ``folder`` (threads and processes alike)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock
