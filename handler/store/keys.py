"""Key hygiene shared by every store: a key never escapes the root or prefix."""

from __future__ import annotations

from handler.errors import NotFound

MAX_KEY_LENGTH = 1024  # S3's own limit, in UTF-8 bytes


def clean_key(key: str) -> str:
    """Return ``key`` if it is a safe relative key, else raise ``NotFound``.

    Rejected: empty keys, absolute keys, ``.``/``..``/empty segments, backslashes, NUL and other
    control characters, and keys longer than S3 allows. Keys arrive already percent-decoded exactly
    once by the web layer, so a literal ``%2f`` stays three characters and never becomes a separator.
    """
    if not key or key.startswith("/") or len(key.encode("utf-8", "surrogatepass")) > MAX_KEY_LENGTH:
        raise NotFound(key)
    if "\\" in key or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in key):
        raise NotFound(key)
    if any(part in ("", ".", "..") for part in key.split("/")):
        raise NotFound(key)
    return key
