"""Key hygiene shared by every store: a key never escapes the root or prefix."""

from __future__ import annotations

from handler.errors import NotFound

MAX_KEY_LENGTH = 1024  # S3's own limit, in UTF-8 bytes
# Never content, in a folder or a bucket, whatever a site's `include:` says: version control,
# secrets, OS and editor litter. Other dot files (`.htaccess`, `.well-known/`) are content when
# the site includes them; the reader decides.
NEVER = frozenset({".git", ".hg", ".svn", ".DS_Store", ".jekyll-cache", ".sass-cache", ".bundle"})


def never_content(key: str) -> bool:
    """``.git/config``, ``.env``, ``.env.local``, ``_posts/.DS_Store``, ``x.swp``."""
    for part in key.split("/"):
        if part in NEVER or part.startswith(".env") or part.endswith((".swp", ".swo")):
            return True
    return False


def clean_key(key: str) -> str:
    """Return ``key`` if it is a safe relative key, else raise ``NotFound``.

    Rejected: empty keys, absolute keys, ``.``/``..``/empty segments, backslashes, NUL and other
    control characters, keys longer than S3 allows, and what is never content
    (:func:`never_content`: ``.git/``, ``.env``...). Keys arrive already percent-decoded exactly
    once by the web layer, so a literal ``%2f`` stays three characters and never becomes a separator.
    """
    if not key or key.startswith("/") or len(key.encode("utf-8", "surrogatepass")) > MAX_KEY_LENGTH:
        raise NotFound(key)
    if "\\" in key or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in key):
        raise NotFound(key)
    if any(part in ("", ".", "..") for part in key.split("/")):
        raise NotFound(key)
    if never_content(key):
        raise NotFound(key)
    return key
