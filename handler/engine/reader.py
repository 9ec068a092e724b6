"""What each file of a site is, decided from its key as Jekyll's ``Reader`` decides it.

Jekyll walks the source folder by folder, filtering each level's entries (``EntryFilter``), and
reads ``_posts`` and ``_drafts`` at every level, the collections under ``collections_dir``,
``_layouts``, ``_data`` and (on demand) ``_includes``. A store lists keys flat, so
:func:`classify` answers the same question for one key: which reader would pick it up, and as
what. Whether a candidate is a page (or document) or a static file depends on its first line
(``Utils.has_yaml_header?``), which the caller reads: see :func:`needs_header`.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from dataclasses import dataclass
from typing import Literal

from handler.engine.config import CONFIG_KEY, SiteConfig

Role = Literal[
    "config",  # _config.yml
    "layout",  # _layouts/**: `name` is the layout's name
    "include",  # _includes/**
    "data",  # _data/**/*.{yml,yaml,json,csv,tsv}
    "post",  # _posts/ at any visited level: a document of `posts`
    "draft",  # _drafts/ likewise (read when drafts are shown)
    "collection",  # a file of a collection: a document if it has front matter, else static
    "page",  # outside the special folders: a page if it has front matter, else static
    "other",  # read by nothing directly (Sass partials, plugins, excluded files...)
]

BACKUP_SUFFIXES = ("~", ".bak", ".orig", ".swp", ".tmp")
_NUMBERED_BAK = re.compile(r"\.bak\.\d+$")
_SPECIAL = re.compile(r"\A[._#~]")
# Files no one writes front matter into: decided by name, without reading a byte.
_BINARY = (
    "png jpg jpeg gif webp avif ico bmp tif tiff psd pdf zip gz tgz bz2 xz 7z rar woff woff2 ttf "
    "otf eot mp3 mp4 m4a m4v mov avi webm ogg ogv wav flac jar exe dll so dylib bin dmg iso pptx "
    "docx xlsx ppt doc xls key odt ods odp epub mobi heic pkl npy npz h5 parquet sqlite db class "
    "pyc wasm"
)
BINARY_EXTENSIONS = frozenset("." + ext for ext in _BINARY.split())
DATA_EXTENSIONS = frozenset({".yml", ".yaml", ".json", ".csv", ".tsv"})
HEADER = re.compile(rb"\A---\s*\r?\n")
DATE_NAME = re.compile(r"^(?:.+/)*?(\d{2,4}-\d{1,2}-\d{1,2})-([^/]*)(\.[^.]+)$")
DATELESS_NAME = re.compile(r"^(?:.+/)*(.*)(\.[^.]+)$")


# What a template reads when it lists documents (for which pages a change can show on).
LISTS = re.compile(
    r"site\.(posts|pages|html_pages|documents|collections|related_posts|tags|categories"
    r"|static_files)\b|\bpaginator\b|page\.(next|previous)\b|site\[|site\.[\w-]+\s*(\||%|\}|\s+reversed)"
    r"|\bfor\s+\w+\s+in\s+site\."
)


def lists_documents(text: str) -> bool:
    """Whether a template may list other documents (``site.posts``, ``paginator``...)."""
    return LISTS.search(text) is not None


@dataclass(frozen=True, slots=True)
class Place:
    """What a key is to Jekyll: its role, and the collection or layout name where one applies."""

    role: Role
    collection: str | None = None
    name: str | None = None


class EntryFilter:
    """``Jekyll::EntryFilter``: which names a folder's walk keeps.

    An entry is dropped if it ends with ``.``, is excluded (a glob or prefix of ``exclude`` against
    its path from the site root) and not included, or starts with ``.``, ``_``, ``#``, ``~`` or ends
    with ``~``, unless ``include`` names it. ``include`` patterns match entry *names*, at any level.
    """

    def __init__(self, config: SiteConfig) -> None:
        self.include = config.include
        self.exclude = tuple(p for p in config.exclude if p not in self.include)

    def keeps(self, entry: str, base: str = "") -> bool:
        """Whether the walk of folder ``base`` (from the site root) keeps ``entry`` (a name, or a
        path below ``base`` as the collection and posts readers pass them)."""
        if entry.endswith("."):
            return False
        included = self.included(entry)
        if self.excluded(posixpath.join(base, entry) if base else entry) and not included:
            return False
        if included:
            return True
        return not (self.special(entry) or entry.endswith("~"))

    def included(self, entry: str) -> bool:
        return _glob_include(self.include, entry) or _glob_include(
            self.include, posixpath.basename(entry)
        )

    def excluded(self, path: str) -> bool:
        return _glob_include(self.exclude, path)

    @staticmethod
    def special(entry: str) -> bool:
        return bool(_SPECIAL.match(entry) or _SPECIAL.match(posixpath.basename(entry)))

    def walks(self, folders: list[str]) -> bool:
        """Whether the folder walk reaches a folder, each level kept by its parent's filter."""
        for depth, name in enumerate(folders):
            if not self.keeps(name, "/".join(folders[:depth])):
                return False
        return True


def _glob_include(patterns: tuple[str, ...], entry: str) -> bool:
    """``EntryFilter#glob_include?`` (directories approximated by the trailing-slash form)."""
    path = "/" + entry.lstrip("/")
    for pattern in patterns:
        rooted = "/" + pattern.lstrip("/")
        if fnmatch.fnmatchcase(path, rooted) or path.startswith(rooted):
            return True
        if rooted == path + "/":
            return True
    return False


class Classifier:
    """Decides :class:`Place` for keys of one site configuration (cheap to build, reusable)."""

    def __init__(self, config: SiteConfig) -> None:
        self.config = config
        self.filter = EntryFilter(config)
        self.collections_dir = config.collections_dir
        self.collection_dirs = {
            c.relative_directory: c.label for c in config.collections if c.label != "posts"
        }
        self.layouts_dir = config.layouts_dir
        self.includes_dir = config.includes_dir
        self.data_dir = config.data_dir

    def place(self, key: str) -> Place:
        """Where ``key`` (relative to the site root) belongs.

        Editor and ``broadsheet check --fix`` backups (``post.md.bak``, ``#post.md#``) are never
        content, wherever they are: Jekyll would read a ``.bak`` in ``_posts`` as a post.
        """
        if key == CONFIG_KEY:
            return Place("config")
        if is_backup(key):
            return Place("other")
        for folder, role in (
            (self.layouts_dir, "layout"),
            (self.includes_dir, "include"),
            (self.data_dir, "data"),
        ):
            if key.startswith(folder + "/"):
                return self._special_folder(role, key[len(folder) + 1 :])
        parts = key.split("/")
        found = self._posts(parts)
        if found is not None:
            return found
        found = self._collection(key)
        if found is not None:
            return found
        if self.filter.walks(parts[:-1]) and self.filter.keeps(parts[-1], "/".join(parts[:-1])):
            return Place("page")
        return Place("other")

    def read(self, key: str) -> bool:
        """Whether a build ever reads ``key``: what Jekyll reads (the configuration, layouts,
        includes, data, posts, collections, pages and static files it keeps), Sass partials, and
        Broadsheet's own ``_theme/`` overrides. What ``broadsheet publish`` uploads."""
        if self.place(key).role != "other":
            return True
        return key.startswith(tuple(d + "/" for d in self.config.sass_dirs)) or key.startswith(
            "_theme/"
        )

    def _special_folder(self, role: str, inside: str) -> Place:
        if role == "layout":
            # LayoutReader: `**/*.*` in the folder, filtered with paths relative to the folder.
            if "." not in posixpath.basename(inside) or not self.filter.keeps(inside):
                return Place("other")
            return Place("layout", name=inside.rsplit(".", 1)[0])
        if role == "data":
            hidden = any(part.startswith(".") for part in inside.split("/"))
            ext = posixpath.splitext(inside)[1].lower()
            if hidden or ext not in DATA_EXTENSIONS:
                return Place("other")
            return Place("data")
        return Place("include", name=inside)

    def _posts(self, parts: list[str]) -> Place | None:
        """Posts and drafts: ``<visited folder>/_posts/**`` named as Jekyll's matchers want."""
        for special, role in (("_posts", "post"), ("_drafts", "draft")):
            if special not in parts[:-1]:
                continue
            at = parts.index(special)
            above, inside = parts[:at], parts[at + 1 :]
            # Reader#outside_configured_directory?: a string prefix, as Ruby checks it.
            if self.collections_dir and not "/".join(above).startswith(self.collections_dir):
                return Place("other")
            if not self.filter.walks(above):
                return Place("other")
            entry = "/".join(inside)
            base = "/".join([*above, special])
            if any(p.startswith(".") for p in inside) or not self.filter.keeps(entry, base):
                return Place("other")
            matcher = DATE_NAME if role == "post" else DATELESS_NAME
            if not matcher.match(entry) or not needs_header(entry):
                # Jekyll reads an image named like a post too, then skips it as not UTF-8.
                return Place("other")
            return Place(role, collection="posts")  # type: ignore[arg-type]
        return None

    def _collection(self, key: str) -> Place | None:
        inside = key
        if self.collections_dir:
            if not key.startswith(self.collections_dir + "/"):
                return None
            inside = key[len(self.collections_dir) + 1 :]
        folder, _, rest = inside.partition("/")
        label = self.collection_dirs.get(folder)
        if label is None or not rest:
            return None
        # Collection#filtered_entries: paths below the folder, filtered with the folder as base.
        if not self.filter.keeps(rest, folder):
            return Place("other")
        return Place("collection", collection=label)


def is_backup(key: str) -> bool:
    """``post.md~``, ``post.md.bak``, ``post.md.bak.2``, ``#post.md#``, swap and temp files."""
    name = key.rsplit("/", 1)[-1]
    return (
        name.endswith(BACKUP_SUFFIXES)
        or name.startswith("#")
        or _NUMBERED_BAK.search(name) is not None
    )


def needs_header(key: str) -> bool:
    """Whether deciding page-or-static for ``key`` needs its first line read.

    Binary formats (images, PDFs, fonts, archives) never start with ``---``: they are static files
    without reading a byte, which keeps indexing a site with many images cheap.
    """
    return posixpath.splitext(key)[1].lower() not in BINARY_EXTENSIONS


def has_header(head: bytes) -> bool:
    """``Utils.has_yaml_header?``: the first line is ``---`` (trailing spaces allowed)."""
    return HEADER.match(head) is not None  # a BOM first makes it static, as in Jekyll
