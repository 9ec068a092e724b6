"""libsass 3.6's path arithmetic and import resolution (``src/file.cpp``), ported to Python.

An import that libsass would look up on the file system is resolved here instead, over the site's
keys: the same candidates in the same order, the same directories in the same order, the same
"ambiguous import" rule. The strings match libsass's byte for byte, because they end up in the
source map (``sources``) exactly as libsass would have built them.
"""

from __future__ import annotations

__all__ = [
    "EXTENSIONS",
    "base_name",
    "candidates",
    "dir_name",
    "is_absolute_path",
    "is_url",
    "join_paths",
    "make_canonical_path",
]

EXTENSIONS = (".scss", ".sass", ".css")


def _at(text: str, index: int) -> str:
    """``text[index]`` as C++ sees a ``std::string``: NUL past the end."""
    return text[index] if 0 <= index < len(text) else "\0"


def _alpha(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


def _alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def is_absolute_path(path: str) -> bool:
    """``File::is_absolute_path`` (POSIX build): ``/x`` or ``proto:/x``."""
    i = 0
    if _alpha(_at(path, 0)):
        while _alnum(_at(path, i)):
            i += 1
        i = i + 1 if i and _at(path, i) == ":" else 0
    return _at(path, i) == "/"


def dir_name(path: str) -> str:
    """Everything up to and including the last ``/`` (``""`` if there is none)."""
    pos = path.rfind("/")
    return "" if pos < 0 else path[: pos + 1]


def base_name(path: str) -> str:
    """Everything after the last ``/``."""
    return path[path.rfind("/") + 1 :]


def make_canonical_path(path: str) -> str:
    """``File::make_canonical_path``: drop ``./`` segments and collapse ``//`` (not ``..``)."""
    pos = path.find("/./")
    while pos >= 0:
        path = path[:pos] + path[pos + 2 :]
        pos = path.find("/./", pos)
    while len(path) >= 2 and path[0] == "." and path[1] == "/":
        path = path[2:]
    while len(path) > 1 and path[-2] == "/" and path[-1] == ".":
        path = path[:-2]
    proto = 0
    if _alpha(_at(path, 0)):
        # C: while (path[proto] && isalnum(path[proto++])) {} -- stops one past the first non-alnum
        while True:
            ch = _at(path, proto)
            if ch == "\0":
                break
            proto += 1
            if not _alnum(ch):
                break
        if proto and _at(path, proto) == ":":
            proto += 1
    while True:  # C: while (path[proto++] == '/') {}
        ch = _at(path, proto)
        proto += 1
        if ch != "/":
            break
    pos = path.find("//", proto)
    while pos >= 0:
        path = path[:pos] + path[pos + 1 :]
        pos = path.find("//", pos)
    return path


def join_paths(left: str, right: str) -> str:
    """``File::join_paths``: ``right`` under ``left`` unless absolute; leading ``../`` collapse."""
    if not left:
        return right
    if not right:
        return left
    if is_absolute_path(right):
        return right
    if not left.endswith("/"):
        left += "/"
    while len(right) > 3 and right[:3] in ("../", "..\\"):
        length = len(left)
        limit = length - 2
        pos = left.rfind("/", 0, limit + 1) if limit >= 0 else left.rfind("/")
        if pos < 0:  # npos: C's size_t arithmetic wraps around
            is_slash = length == 1 and left[0] in "/\\"
            is_self = length == 2 and left[0] == "."
        else:
            is_slash = pos + 2 == length and left[pos + 1] in "/\\"
            is_self = pos + 3 == length and left[pos + 1] == "."
        if not is_self and not is_slash:
            right = right[3:]
        elif pos < 0:
            break
        if pos >= 0:
            left = left[: pos + 1]
    return left + right


def candidates(root: str, file: str) -> list[tuple[str, str]]:
    """``File::resolve_includes`` without the existence checks: ``(relative, full)`` names in
    libsass's order.

    Existing files among the first group (the names) win; the index files (the second group) are
    looked at only when none of the first exists.
    """
    base = dir_name(file)
    name = base_name(file)
    names = [join_paths(base, name), join_paths(base, "_" + name)]
    names += [join_paths(base, "_" + name + ext) for ext in EXTENSIONS]
    names += [join_paths(base, name + ext) for ext in EXTENSIONS]
    return [(rel, join_paths(root, rel)) for rel in names]


def index_candidates(root: str, file: str) -> list[tuple[str, str]]:
    """The ``_index`` / ``index`` files of ``resolve_includes`` (none if the name has an extension)."""
    base = dir_name(file)
    name = base_name(file)
    if any(name.endswith(ext) for ext in EXTENSIONS):
        return []
    names = [join_paths(base, join_paths(name, "_index" + ext)) for ext in EXTENSIONS]
    names += [join_paths(base, join_paths(name, "index" + ext)) for ext in EXTENSIONS]
    return [(rel, join_paths(root, rel)) for rel in names]


def is_url(path: str) -> bool:
    """What ``Context::import_url`` keeps as a CSS import before looking at the file system:
    ``scheme://`` other than ``file://``, protocol-relative ``//``, and ``*.css``."""
    protocol = "file"
    i = _identifier_end(path)
    if i > 0 and path[i : i + 3] == "://":
        protocol = path[:i]
    if protocol != "file" or path.startswith("//"):
        return True
    return len(path) > 4 and path.endswith(".css")


def _identifier_end(text: str) -> int:
    """Where libsass's ``Prelexer::identifier`` match starting at 0 ends (0: no identifier).

    An identifier is optional ``-``s, then a name-start character (letter, ``_``, non-ASCII or an
    escape), then name characters (those plus digits and ``-``).
    """
    i = 0
    while _at(text, i) == "-":
        i += 1
    start = i
    while True:
        ch = _at(text, i)
        if ch == "\0":
            break
        if ch == "\\" and _at(text, i + 1) != "\0":
            i += 2
            continue
        if (
            _alpha(ch)
            or ch == "_"
            or not ch.isascii()
            or (i > start and (ch.isdigit() or ch == "-"))
        ):
            i += 1
            continue
        break
    return i if i > start else 0
