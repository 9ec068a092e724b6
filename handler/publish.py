"""``broadsheet publish``: send a local site folder to its bucket, only what changed.

The story: list the folder -> list the bucket -> plan (compare each file's hash with the object's
ETag) -> upload what differs -> delete what is gone (only when asked) -> write the site index.

An S3 ETag is the MD5 of the body for a single PUT, and for a multipart upload the MD5 of the
parts' MD5s followed by ``-<parts>``. Uploads go through boto3's managed transfer with an explicit
:data:`TRANSFER` config whose threshold and part size are both :data:`PART_SIZE` (boto3's default,
8 MiB), so the hash computed here for a file equals the ETag S3 gives it: a second run uploads
nothing. Each object is written whole or not at all, and the plan is made afresh from the bucket
every run, so a run that is interrupted is finished by running it again.
"""

from __future__ import annotations

import fnmatch
import hashlib
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

from boto3.exceptions import S3UploadFailedError
from boto3.s3.transfer import TransferConfig
from botocore.exceptions import BotoCoreError, ClientError

from handler.check import is_backup
from handler.engine.config import CONFIG_KEY
from handler.errors import StoreUnavailable
from handler.index import is_static
from handler.indexer import write_index
from handler.settings import DEFAULT_INDEX_KEY
from handler.store import ObjectInfo, clean_key
from handler.store.local import LocalStore, guess_content_type
from handler.store.s3 import S3Store

PART_SIZE = 8 * 1024 * 1024
TRANSFER = TransferConfig(
    multipart_threshold=PART_SIZE,
    multipart_chunksize=PART_SIZE,
    preferred_transfer_client="classic",  # the CRT client picks its own part sizes
)
# What Jekyll never copies into a site (its default `exclude:`), plus its own output folder.
DEFAULT_EXCLUDE = (
    "_site",
    ".sass-cache",
    ".jekyll-cache",
    ".jekyll-metadata",
    "gemfiles",
    "Gemfile",
    "Gemfile.lock",
    "node_modules",
    "vendor/bundle",
    "vendor/cache",
    "vendor/gems",
    "vendor/ruby",
)
SOURCE_CACHE_CONTROL = "no-cache"  # posts and config: read by the render function, never a browser


class Destination(Protocol):
    """Where a site is published: list objects with their ETags, upload a file, delete a key."""

    def list(self, prefix: str = "") -> Iterator[ObjectInfo]: ...

    def upload(self, key: str, path: Path, *, content_type: str, cache_control: str) -> None: ...

    def delete(self, key: str) -> None: ...

    def describe(self) -> str: ...


class S3Destination:
    """An :class:`~handler.store.s3.S3Store`'s bucket and prefix, written with managed transfers."""

    def __init__(self, store: S3Store) -> None:
        self.store = store

    def list(self, prefix: str = "") -> Iterator[ObjectInfo]:
        return self.store.list(prefix)

    def upload(self, key: str, path: Path, *, content_type: str, cache_control: str) -> None:
        extra = {"ContentType": content_type, "CacheControl": cache_control}
        try:
            self.store.client.upload_file(
                str(path),
                self.store.bucket,
                self.store.prefix + clean_key(key),
                ExtraArgs=extra,
                Config=TRANSFER,
            )
        except (S3UploadFailedError, ClientError, BotoCoreError) as err:
            raise StoreUnavailable(
                f"{self.describe()}: uploading {key!r} failed: {err}. Check the credentials, "
                "the bucket name and that the role may s3:PutObject; running again resumes."
            ) from err

    def delete(self, key: str) -> None:
        self.store.delete(key)

    def describe(self) -> str:
        return self.store.describe()


# --- hashes ------------------------------------------------------------------------------------


def etag_of(path: Path, part_size: int = PART_SIZE, *, multipart: bool | None = None) -> str:
    """The ETag S3 gives ``path`` uploaded in ``part_size`` parts (multipart if larger than one).

    ``multipart=True`` forces the multipart form (a file of one part uploaded as multipart).
    """
    digests = []
    with path.open("rb") as handle:
        while chunk := handle.read(part_size):
            digests.append(hashlib.md5(chunk, usedforsecurity=False).digest())
    if multipart is None:
        multipart = len(digests) > 1
    if not multipart:
        return digests[0].hex() if digests else hashlib.md5(b"", usedforsecurity=False).hexdigest()
    combined = hashlib.md5(b"".join(digests), usedforsecurity=False).hexdigest()
    return f"{combined}-{len(digests)}"


def matches(path: Path, size: int, info: ObjectInfo) -> bool:
    """True if the object ``info`` holds exactly the bytes of the file ``path`` (of ``size``)."""
    if size != info.size:
        return False
    etag = info.version
    if "-" not in etag:
        return etag_of(path, max(size, 1)) == etag
    parts = int(etag.rsplit("-", 1)[1]) if etag.rsplit("-", 1)[1].isdigit() else 0
    if parts < 1:
        return False
    # Uploaded by us (8 MiB parts) or by another tool: try the part sizes that give this count.
    for part_size in _part_sizes(size, parts):
        if etag_of(path, part_size, multipart=True) == etag:
            return True
    return False


def _part_sizes(size: int, parts: int) -> list[int]:
    """Our part size first, then whole-MiB sizes that split ``size`` into ``parts`` parts."""
    mib = 1024 * 1024
    candidates = [PART_SIZE]
    low = -(-size // parts)  # the smallest part size that fits in ``parts`` parts
    first = -(-low // mib) * mib
    for part_size in range(first, first + 4 * mib, mib):
        if -(-size // part_size) == parts and part_size not in candidates:
            candidates.append(part_size)
    return [p for p in candidates if -(-size // p) == parts]


# --- the plan ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LocalFile:
    key: str
    path: Path
    size: int


@dataclass(frozen=True, slots=True)
class Plan:
    """What a run does: files to upload, keys left alone, keys to delete, and keys left over."""

    uploads: tuple[LocalFile, ...]
    unchanged: tuple[str, ...]
    deletions: tuple[str, ...]
    strays: tuple[str, ...]  # in the bucket, not in the folder, kept (no --delete)

    @property
    def upload_bytes(self) -> int:
        return sum(f.size for f in self.uploads)


def local_files(root: Path, exclude: Iterable[str] = ()) -> list[LocalFile]:
    """The files of the site folder that belong in the bucket (hidden files and backups are not)."""
    patterns = (*DEFAULT_EXCLUDE, *exclude)
    return [
        LocalFile(info.key, root / info.key, info.size)
        for info in LocalStore(root).list()
        if not is_backup(info.key) and not excluded(info.key, patterns)
    ]


def excluded(key: str, patterns: Iterable[str]) -> bool:
    """Jekyll's ``exclude:`` semantics: a pattern names a file or folder, globs allowed."""
    for pattern in patterns:
        trimmed = pattern.strip("/")
        if not trimmed:
            continue
        if key == trimmed or key.startswith(trimmed + "/") or fnmatch.fnmatch(key, trimmed):
            return True
    return False


def make_plan(
    files: Sequence[LocalFile],
    remote: Iterable[ObjectInfo],
    *,
    delete: bool,
    keep: Callable[[str], bool] = lambda key: False,
) -> Plan:
    """Compare the folder with the bucket. ``keep(key)`` protects remote keys from deletion."""
    objects = {info.key: info for info in remote}
    uploads, unchanged = [], []
    for file in sorted(files, key=lambda f: (f.key == CONFIG_KEY, f.key)):
        info = objects.get(file.key)
        if info is not None and matches(file.path, file.size, info):
            unchanged.append(file.key)
        else:
            uploads.append(file)
    local = {f.key for f in files}
    gone = tuple(sorted(k for k in objects if k not in local and not keep(k)))
    return Plan(
        uploads=tuple(uploads),
        unchanged=tuple(unchanged),
        deletions=gone if delete else (),
        strays=() if delete else gone,
    )


# --- the run -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Step:
    """One action of a run, reported as it starts (for a progress display)."""

    action: Literal["upload", "delete"]
    key: str
    size: int
    number: int  # 1-based, across uploads and deletions
    total: int


@dataclass(frozen=True, slots=True)
class CachePolicy:
    """``Cache-Control`` metadata by kind of object."""

    static: str
    source: str = SOURCE_CACHE_CONTROL

    def for_key(self, key: str) -> str:
        return self.static if is_static(key) else self.source


@dataclass(slots=True)
class Summary:
    """What a run did (or, with ``dry_run``, would do)."""

    uploaded: int = 0
    unchanged: int = 0
    deleted: int = 0
    bytes: int = 0
    seconds: float = 0.0
    dry_run: bool = False
    strays: tuple[str, ...] = ()
    index_version: str | None = None
    keys: list[str] = field(default_factory=list)

    def line(self) -> str:
        verb = "would upload" if self.dry_run else "uploaded"
        deleted = "would delete" if self.dry_run else "deleted"
        text = (
            f"{verb} {self.uploaded} ({_size(self.bytes)}), unchanged {self.unchanged}, "
            f"{deleted} {self.deleted}, in {self.seconds:.1f} s"
        )
        if self.index_version is not None:
            text += "; wrote the site index"
        return ("dry run: " if self.dry_run else "") + text


def _size(count: int) -> str:
    if count < 1000:
        return f"{count} B"
    if count < 1_000_000:
        return f"{count / 1000:.1f} kB"
    return f"{count / 1_000_000:.1f} MB"


Progress = Callable[[Step], None]


def apply(
    plan: Plan,
    destination: Destination,
    cache: CachePolicy,
    *,
    progress: Progress | None = None,
) -> Summary:
    """Upload then delete as planned; each finished step is counted even if a later one fails."""
    summary = Summary(unchanged=len(plan.unchanged), strays=plan.strays)
    total = len(plan.uploads) + len(plan.deletions)
    for number, file in enumerate(plan.uploads, start=1):
        if progress is not None:
            progress(Step("upload", file.key, file.size, number, total))
        destination.upload(
            file.key,
            file.path,
            content_type=guess_content_type(file.key),
            cache_control=cache.for_key(file.key),
        )
        summary.uploaded += 1
        summary.bytes += file.size
        summary.keys.append(file.key)
    for number, key in enumerate(plan.deletions, start=len(plan.uploads) + 1):
        if progress is not None:
            progress(Step("delete", key, 0, number, total))
        destination.delete(key)
        summary.deleted += 1
    return summary


def dry_run(plan: Plan) -> Summary:
    return Summary(
        uploaded=len(plan.uploads),
        unchanged=len(plan.unchanged),
        deleted=len(plan.deletions),
        bytes=plan.upload_bytes,
        dry_run=True,
        strays=plan.strays,
        keys=[f.key for f in plan.uploads],
    )


def publish(
    root: Path,
    store: S3Store,
    cache: CachePolicy,
    *,
    delete: bool = False,
    dry: bool = False,
    exclude: Iterable[str] = (),
    index_key: str = DEFAULT_INDEX_KEY,
    announce: Callable[[Plan], None] | None = None,
    progress: Progress | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> Summary:
    """Publish the folder ``root`` to ``store``: plan, upload, delete, then write the site index.

    ``announce(plan)`` is called before anything is changed (the command lists deletions there).
    The index key and everything under its folder belong to Broadsheet: never deleted.
    """
    started = clock()
    destination = S3Destination(store)
    index_folder = index_key.rsplit("/", 1)[0] + "/" if "/" in index_key else index_key
    plan = make_plan(
        local_files(root, exclude),
        destination.list(),
        delete=delete,
        keep=lambda key: key == index_key or key.startswith(index_folder),
    )
    if announce is not None:
        announce(plan)
    if dry:
        summary = dry_run(plan)
    else:
        summary = apply(plan, destination, cache, progress=progress)
        summary.index_version = write_site_index(store, index_key)
    summary.seconds = clock() - started
    return summary


def write_site_index(store: S3Store, index_key: str) -> str:
    """Rebuild and write the manifest the render function reads (``handler.indexer``)."""
    return write_index(store, key=index_key)
