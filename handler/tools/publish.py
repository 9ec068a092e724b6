"""``broadsheet publish``: send a local site folder to its bucket, only what changed.

The story: list the folder -> list the bucket -> plan (compare each file's hash with the object's
ETag) -> upload what differs -> delete what is gone (only when asked) -> write the site index.

An S3 ETag is the MD5 of the body for a single PUT, and for a multipart upload the MD5 of the
parts' MD5s followed by ``-<parts>``. Uploads go through boto3's managed transfer with an explicit
config (``handler.store.s3.transfer_config``) whose threshold and part size are both
:data:`PART_SIZE` (boto3's default, 8 MiB), so the hash computed here for a file equals the ETag
S3 gives it: a second run uploads nothing. Each object is written whole or not at all, and the
plan is made afresh from the bucket every run, so a run that is interrupted is finished by running
it again.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from handler.engine.config import CONFIG_KEY, SiteConfig
from handler.engine.reader import Classifier
from handler.errors import BroadsheetError
from handler.settings import DEFAULT_INDEX_KEY
from handler.site.bucket import write_index
from handler.store import FileUploads, ObjectInfo
from handler.store.local import LocalStore, guess_content_type
from handler.store.s3 import PART_SIZE
from handler.tools.backups import is_backup

DELETE_GUARD = 0.5  # `--delete` refuses to remove more than this share of the site (no --force)
SOURCE_CACHE_CONTROL = "no-cache"  # posts and config: read by the render function, never a browser
_SOURCE_EXTENSIONS = (".md", ".markdown", ".mkdown", ".mkdn", ".mkd", ".scss", ".sass", ".liquid")


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


def local_files(root: Path, config: SiteConfig | None = None) -> list[LocalFile]:
    """The files of the site folder a build reads (as Jekyll's reader decides, with the site's
    ``include:`` and ``exclude:``): not ``Gemfile``, ``.github/``, ``node_modules/``, backups."""
    if config is None:
        config_file = root / CONFIG_KEY
        text = config_file.read_text("utf-8") if config_file.is_file() else None
        config = SiteConfig.parse(text)
    classifier = Classifier(config)
    return [
        LocalFile(info.key, root / info.key, info.size)
        for info in LocalStore(root).list()
        if not is_backup(info.key) and classifier.read(info.key)
    ]


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


class UnsafeDeletion(BroadsheetError):
    """``--delete`` would remove most of the site: an empty or wrong folder, most likely."""


def check_deletions(plan: Plan, site_objects: int, where: str, root: Path) -> None:
    """Refuse a plan that deletes more than :data:`DELETE_GUARD` of the ``site_objects`` the
    bucket holds (an empty folder, or the wrong one, would otherwise delete the whole site)."""
    if site_objects and len(plan.deletions) > DELETE_GUARD * site_objects:
        raise UnsafeDeletion(
            f"not publishing: --delete would remove {len(plan.deletions)} of the "
            f"{site_objects} objects of the site in {where} (more than half). Is {root} the "
            "site's folder? If these deletions are meant, run again with --force"
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
        """Sources (read by the render function, never by a browser) are not cached; what a
        browser may fetch as it is gets the static policy."""
        first = key.split("/", 1)[0]
        if key == CONFIG_KEY or first.startswith("_") or key.endswith(_SOURCE_EXTENSIONS):
            return self.source
        return self.static


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
    destination: FileUploads,
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
        destination.put_file(
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
    store: FileUploads,
    cache: CachePolicy,
    *,
    delete: bool = False,
    dry: bool = False,
    force: bool = False,
    index_key: str = DEFAULT_INDEX_KEY,
    announce: Callable[[Plan], None] | None = None,
    progress: Progress | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> Summary:
    """Publish the folder ``root`` to ``store``: plan, upload, delete, then write the site index.

    ``announce(plan)`` is called before anything is changed (the command lists deletions there).
    The index key and everything under its folder belong to Broadsheet: never deleted. A plan
    that would delete more than half the site raises :class:`UnsafeDeletion` (after it is
    announced, before anything changes) unless ``force``.
    """
    started = clock()
    index_folder = index_key.rsplit("/", 1)[0] + "/" if "/" in index_key else index_key

    def keep(key: str) -> bool:
        return key == index_key or key.startswith(index_folder)

    remote = list(store.list())
    plan = make_plan(local_files(root), remote, delete=delete, keep=keep)
    if announce is not None:
        announce(plan)
    if not dry and not force:
        check_deletions(plan, sum(1 for i in remote if not keep(i.key)), store.describe(), root)
    if dry:
        summary = dry_run(plan)
    else:
        summary = apply(plan, store, cache, progress=progress)
        summary.index_version = write_index(store, index_key)
    summary.seconds = clock() - started
    return summary
