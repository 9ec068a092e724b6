"""Where a template may read from: the containment rules of ``include``, ``include_relative``,
Sass imports and data files (Jekyll's ``inclusion.rb`` and ``sanitized_path``, stricter).

The stores already keep every key inside the site (:func:`handler.store.clean_key`). Inside it, a
template still must not reach what is not meant to be public:

- hidden files and folders (any segment starting with ``.``: ``.github/``, ``.env``...);
- drafts (``_drafts/`` at any level) and Broadsheet's own objects (``_broadsheet/``);
- for ``include_relative``, any underscore folder or file the name itself adds (``_posts/``,
  ``_data/``, ``_config.yml``...) other than ``_includes``: the page's own folder is the page's
  business (a post includes files beside it in ``_posts/``), what the name reaches beyond it is not.

And, as Jekyll refuses them, no ``..`` and no empty segments in a name.
"""

from __future__ import annotations

from handler.errors import ContentError

__all__ = ["include_key", "is_private", "relative_include_key"]

PRIVATE_FOLDERS = frozenset({"_drafts"})
INTERNAL_PREFIX = "_broadsheet/"
INCLUDES = "_includes"
_HINT = "includes read only files of the site that are public or in _includes: no '..', no hidden files, no drafts"


def is_private(key: str) -> bool:
    """Whether ``key`` is never a template's to read: hidden, a draft, or Broadsheet's own."""
    if key.startswith(INTERNAL_PREFIX):
        return True
    return any(part.startswith(".") or part in PRIVATE_FOLDERS for part in key.split("/"))


def include_key(page: str, includes_dir: str, name: str) -> str:
    """The key ``{% include name %}`` reads: ``name`` inside the includes folder."""
    _check_name(page, name, underscores=True)
    folder = includes_dir.strip("/")
    if not folder or is_private(folder + "/") or ".." in folder.split("/"):
        raise ContentError(
            page, f"includes_dir {includes_dir!r} is not a folder includes may read", hint=_HINT
        )
    return f"{folder}/{name}"


def relative_include_key(page: str, name: str, relative_to: str, includes_dir: str) -> str:
    """The key ``{% include_relative name %}`` reads: ``name`` beside ``relative_to``."""
    _check_name(page, name, underscores=False, allowed=includes_dir.strip("/").split("/")[-1])
    folder = relative_to.rsplit("/", 1)[0] if "/" in relative_to else ""
    return f"{folder}/{name}" if folder else name


def _check_name(page: str, name: str, *, underscores: bool, allowed: str = INCLUDES) -> None:
    for part in name.split("/"):
        bad = part in ("", ".", "..") or part.startswith(".") or part in PRIVATE_FOLDERS
        if bad or (not underscores and part.startswith("_") and part not in (INCLUDES, allowed)):
            raise ContentError(page, "not a file includes may read", hint=_HINT)
    if name.startswith(INTERNAL_PREFIX):
        raise ContentError(page, "not a file includes may read", hint=_HINT)
