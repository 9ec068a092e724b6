"""The site's layouts, includes and data in one object: a themed page's first render is one read.

A page under a theme of its own reads its layout chain, every include the chain names and the
data files they look up, one store read each: 27 files for academicpages' post page. On a cold start that is 27 round trips
to S3 (each some milliseconds of latency and some of botocore's CPU) before the first byte. The
indexer (and ``broadsheet publish``/``index``) therefore keeps every layout and include of the
site in one JSON object beside the index, named by a digest of their keys and versions:

    _broadsheet/templates/<digest>.json  {"format": 1, "files": {key: {"version": v, "text": t}}}

A data file's entry also holds the value its YAML or JSON loads to (``"value"``), and a layout's
its front matter (``"matter"``), where JSON carries them exactly (:mod:`handler.engine.loaded`):
a themed page's first render then loads no YAML at all (PyYAML's import alone is ~10 ms of a
cold start). Like the text, each is taken only for the version the index records, and only
within YAML's own limits; without one, the text is loaded as before.

The render function computes the same digest from the index it serves, reads that object once
and takes from it each file whose recorded version is the one its index names; anything else (no
bundle yet, a stale or damaged one, a file too large for its limit) is read on its own, as
before. The name is content-addressed, so the object never changes once written (it is written
with ``If-None-Match: *``), and a render never mixes two versions of the theme.

Like everything in the bucket, a bundle is untrusted input: it is read under a byte limit, its
shape is checked, and it can only supply a file's text for the version the index already records.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from handler.engine.data import parse_data
from handler.engine.frontmatter import parse as parse_front_matter
from handler.engine.index import SiteIndex
from handler.engine.loaded import Unbounded, carried, thaw_bounded
from handler.errors import ContentError, NotFound, PreconditionFailed, TooLarge
from handler.store import Store, StoredObject, WritableStore

log = logging.getLogger(__name__)

PREFIX = "_broadsheet/templates/"
FORMAT = 1
# Far above a theme's templates (academicpages: 268 KiB in 35 files); beyond it, files are read
# one by one as without a bundle.
MAX_BUNDLE_BYTES = 4 * 1024 * 1024


def template_files(index: SiteIndex) -> list[tuple[str, str]]:
    """``(key, version)`` of every layout, include and data file the index records, by key."""
    config = index.config
    folders = (config.includes_dir.rstrip("/") + "/", config.data_dir.rstrip("/") + "/")
    found = {ref.key: ref.version for ref in index.layouts.values() if ref.version}
    found.update((k, v) for k, v in index.files.items() if k.startswith(folders) and v)
    return sorted(found.items())


def _is_data(index: SiteIndex, key: str) -> bool:
    return key.startswith(index.config.data_dir.rstrip("/") + "/")


def bundle_key(index: SiteIndex) -> str | None:
    """Where the bundle of ``index``'s templates is kept; ``None`` when it has none."""

    def build() -> str:
        files = template_files(index)
        if not files:
            return ""
        digest = hashlib.sha256()
        for key, version in files:
            digest.update(f"{key}\0{version}\n".encode())
        return PREFIX + digest.hexdigest()[:32] + ".json"

    key: str = index.derived("bundle_key", build)
    return key or None


@dataclass(frozen=True, slots=True)
class Bundle:
    """The texts a bundle holds, by key and version."""

    files: Mapping[str, tuple[str, str]]  # key -> (version, text)
    last_modified: datetime
    values: Mapping[str, tuple[Any]] = field(default_factory=dict)  # data file -> (value,)
    matters: Mapping[str, dict[str, Any]] = field(default_factory=dict)  # layout -> front matter

    def _holds(self, key: str, version: str | None) -> str | None:
        """The text of ``key`` if the bundle holds that very version (the index's), else None."""
        found = self.files.get(key)
        return found[1] if found is not None and version and found[0] == version else None

    def get(self, key: str, version: str | None, max_bytes: int) -> StoredObject | None:
        """The file as the store would give it, if the bundle holds that very version and it
        fits ``max_bytes`` (else ``None``: read it on its own, which reports any error)."""
        text = self._holds(key, version)
        if text is None or version is None:
            return None
        body = text.encode()
        if len(body) > max_bytes:
            return None
        return StoredObject(key, body, version, self.last_modified)

    def value(self, key: str, version: str | None) -> tuple[Any] | None:
        """``(value,)``: what the data file ``key`` at ``version`` loads to, if the bundle holds
        it (and that version's text: :meth:`get` checks the text's size first)."""
        return self.values.get(key) if self._holds(key, version) is not None else None

    def matter(self, key: str, version: str | None) -> dict[str, Any] | None:
        """The front matter of the layout ``key`` at ``version``, if the bundle holds it."""
        return self.matters.get(key) if self._holds(key, version) is not None else None

    @classmethod
    def loads(cls, body: bytes, key: str, last_modified: datetime) -> Bundle:
        """Parse and check a bundle; ``ContentError`` names what is wrong with it."""
        try:
            data = json.loads(body)
        except (ValueError, RecursionError) as error:  # (RecursionError: arrays nested deep)
            raise ContentError(key, f"not a template bundle: {error}") from None
        files = data.get("files") if isinstance(data, dict) else None
        if (
            not isinstance(data, dict)
            or data.get("format") != FORMAT
            or not isinstance(files, dict)
        ):
            raise ContentError(key, f"not a template bundle of format {FORMAT}")
        kept: dict[str, tuple[str, str]] = {}
        values: dict[str, tuple[Any]] = {}
        matters: dict[str, dict[str, Any]] = {}
        for name, entry in files.items():
            if not isinstance(entry, dict):
                continue
            version, text = entry.get("version"), entry.get("text")
            if not (isinstance(version, str) and isinstance(text, str)):
                continue
            kept[name] = (version, text)
            try:  # a loaded value past YAML's limits is dropped: the text is loaded instead
                if "value" in entry:
                    values[name] = (thaw_bounded(entry["value"]),)
                if isinstance(entry.get("matter"), dict):
                    matters[name] = thaw_bounded(entry["matter"])
            except Unbounded as error:
                log.warning("template bundle %s: %s's loaded value not used: %s", key, name, error)
        return cls(kept, last_modified, values, matters)


def read_bundle(store: Store, index: SiteIndex) -> Bundle | None:
    """The bundle of ``index``'s templates from ``store``; ``None`` if there is none (yet) or it
    cannot be used (logged: every file is then read on its own)."""
    key = bundle_key(index)
    if key is None:
        return None
    try:
        obj = store.get(key, max_bytes=MAX_BUNDLE_BYTES)
        return Bundle.loads(obj.body, key, obj.last_modified)
    except NotFound:
        return None
    except (TooLarge, ContentError) as error:
        log.warning("template bundle not used: %s", error)
        return None


def write_bundle(store: WritableStore, index: SiteIndex) -> str | None:
    """Keep the bundle of ``index``'s templates in ``store`` (unless it is there already);
    returns its key when written.

    Each file is read at the version the index records; if one has moved on since (a newer
    upload the next event will index), no bundle is written: the render function reads files one
    by one until an index and its bundle agree again.
    """
    key = bundle_key(index)
    if key is None:
        return None
    if _exists(store, key):
        return None
    files = _read_all(store, template_files(index))
    if files is None:
        return None
    _add_loaded(index, files)
    # Data files go first when the whole is too large, the largest first: layouts and includes
    # are what every page of a theme reads.
    data = sorted((k for k in files if _is_data(index, k)), key=lambda k: -len(files[k]["text"]))
    while True:
        body = json.dumps({"format": FORMAT, "files": files}, ensure_ascii=False).encode()
        if len(body) <= MAX_BUNDLE_BYTES:
            break
        if not data:
            log.info("templates too large for one bundle (%d bytes): read one by one", len(body))
            return None
        del files[data.pop(0)]
    try:
        store.put(key, body, content_type="application/json", if_none_match=True)
    except PreconditionFailed:
        return None  # written meanwhile by another writer: the same bytes
    return key


def _add_loaded(index: SiteIndex, files: dict[str, dict[str, Any]]) -> None:
    """Each YAML or JSON data file's value, and each layout's front matter, beside its text where
    JSON carries them exactly. A file that does not load keeps its text alone: its reader loads
    it, and reports the error, as without a bundle."""
    layouts = {ref.key for ref in index.layouts.values()}
    for key, entry in files.items():
        try:
            if key in layouts:
                matter = parse_front_matter(entry["text"], key)
                loaded = carried(matter.data) if matter.has_front_matter else None
                field_name = "matter"
            elif _is_data(index, key) and key.lower().endswith((".yml", ".yaml", ".json")):
                loaded = carried(parse_data(key, entry["text"]))
                field_name = "value"
            else:
                continue
        except (ContentError, ValueError, RecursionError):
            continue  # (an error of a kind no reader foresaw: the text alone, all the same)
        if loaded is not None:
            entry[field_name] = loaded[0]


def _exists(store: Store, key: str) -> bool:
    try:
        store.head(key, 1)
    except NotFound:
        return False
    return True


def _read_all(store: Store, files: Iterable[tuple[str, str]]) -> dict[str, dict[str, Any]] | None:
    out: dict[str, dict[str, Any]] = {}
    for key, version in files:
        try:
            obj = store.get(key, max_bytes=MAX_BUNDLE_BYTES)
            text = obj.body.decode("utf-8")
        except (NotFound, TooLarge, UnicodeDecodeError):
            continue  # the render function reads (and reports) it on its own
        if obj.version != version:
            return None
        out[key] = {"version": version, "text": text}
    return out
