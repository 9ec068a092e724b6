"""Editor and ``check --fix`` backups: never read as content, never published."""

from __future__ import annotations

import re

BACKUP_SUFFIXES = ("~", ".bak", ".orig", ".swp", ".tmp")
_NUMBERED_BAK = re.compile(r"\.bak\.\d+$")


def is_backup(key: str) -> bool:
    """``post.md~``, ``post.md.bak``, ``post.md.bak.2``, ``#post.md#``, swap and temp files."""
    name = key.rsplit("/", 1)[-1]
    return (
        name.endswith(BACKUP_SUFFIXES)
        or name.startswith("#")
        or _NUMBERED_BAK.search(name) is not None
    )
