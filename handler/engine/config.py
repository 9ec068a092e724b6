"""The site's ``_config.yml``, read as Jekyll 4.3's ``Configuration`` reads it.

The user's mapping is merged over Jekyll's ``DEFAULTS`` (so Liquid's ``site.markdown_ext`` or
``site.kramdown.input`` answer as they would in Jekyll), then ``add_default_collections`` (``posts``
first, always written, its permalink from the ``permalink`` style) and ``add_default_excludes``.
What the engine needs is lifted into typed fields; everything stays in ``raw`` for Liquid.
"""

from __future__ import annotations

import fnmatch
import hashlib
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from typing import Any

from handler.engine import config_rules
from handler.errors import ContentError

log = logging.getLogger(__name__)

CONFIG_KEY = "_config.yml"
JEKYLL_VERSION = "4.3.1"

# Jekyll::Configuration::STYLE_TO_PERMALINK
PERMALINK_STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}

# Jekyll::Configuration::DEFAULTS, less what only the command line uses.
DEFAULTS: dict[str, Any] = {
    "collections_dir": "",
    "cache_dir": ".jekyll-cache",
    "plugins_dir": "_plugins",
    "layouts_dir": "_layouts",
    "data_dir": "_data",
    "includes_dir": "_includes",
    "collections": {},
    "safe": False,
    "include": [".htaccess"],
    "exclude": [],
    "keep_files": [".git", ".svn"],
    "encoding": "utf-8",
    "markdown_ext": "markdown,mkdown,mkdn,mkd,md",
    "strict_front_matter": False,
    "show_drafts": None,
    "limit_posts": 0,
    "future": False,
    "unpublished": False,
    "whitelist": [],
    "plugins": [],
    "markdown": "kramdown",
    "highlighter": "rouge",
    "lsi": False,
    "excerpt_separator": "\n\n",
    "incremental": False,
    "detach": False,
    "port": "4000",
    "host": "127.0.0.1",
    "baseurl": None,
    "show_dir_listing": False,
    "permalink": "date",
    "paginate_path": "/page:num",
    "timezone": None,
    "quiet": False,
    "verbose": False,
    "defaults": [],
    "liquid": {"error_mode": "warn", "strict_filters": False, "strict_variables": False},
    "kramdown": {
        "auto_ids": True,
        "toc_levels": [1, 2, 3, 4, 5, 6],
        "entity_output": "as_char",
        "smart_quotes": "lsquo,rsquo,ldquo,rdquo",
        "input": "GFM",
        "hard_wrap": False,
        "guess_lang": True,
        "footnote_nr": 1,
        "show_warnings": False,
    },
}
# Jekyll::Configuration::DEFAULT_EXCLUDES
DEFAULT_EXCLUDES = (
    ".sass-cache",
    ".jekyll-cache",
    "gemfiles",
    "Gemfile",
    "Gemfile.lock",
    "node_modules",
    "vendor/bundle/",
    "vendor/cache/",
    "vendor/gems/",
    "vendor/ruby/",
)
# Front matter defaults' legacy singular type names.
LEGACY_TYPES = {"post": "posts", "page": "pages", "draft": "drafts"}


@dataclass(frozen=True, slots=True)
class DefaultsSet:
    """One entry of ``defaults:``: a scope (path, optional type) and the values it gives."""

    path: str
    type: str | None
    values: Mapping[str, Any]
    has_type: bool


@dataclass(frozen=True, slots=True)
class CollectionConfig:
    """One collection from ``collections:`` (Jekyll's ``Collection#metadata``)."""

    label: str
    metadata: Mapping[str, Any]
    url_template: str

    @property
    def output(self) -> bool:
        """Whether its documents are written (``output: true``; always for ``posts``)."""
        return bool(self.metadata.get("output", False))

    @property
    def relative_directory(self) -> str:
        return "_" + self.label

    @property
    def sort_by(self) -> str | None:
        value = self.metadata.get("sort_by")
        return value if isinstance(value, str) else None

    @property
    def order(self) -> list[str] | None:
        value = self.metadata.get("order")
        return [str(v) for v in value] if isinstance(value, list) else None


class ConfigError(ContentError):
    """``_config.yml`` has bad values: ``errors`` holds each, at its own line (this error is the
    first of them, saying how many more there are)."""

    def __init__(self, errors: Sequence[ContentError]) -> None:
        first = errors[0]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(
            first.path, first.message + more, line=first.line, column=first.column, hint=first.hint
        )
        self.errors = tuple(errors)


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """The site settings, Jekyll's defaults included; ``raw`` is the whole merged mapping;
    ``source`` the ``_config.yml`` text it was read from (``None``: the site has none)."""

    raw: Mapping[str, Any] = field(default_factory=lambda: _merged({}))
    timezone: tzinfo = UTC
    defaults: tuple[DefaultsSet, ...] = ()
    collections: tuple[CollectionConfig, ...] = ()
    version: str = "default"
    source: str | None = None

    def __post_init__(self) -> None:
        if not self.collections:
            object.__setattr__(self, "collections", _collections(self.raw))

    # --- what the engine reads ---------------------------------------------------------------

    @property
    def permalink(self) -> str:
        """The posts' URL template (``collections.posts.permalink``, else the ``permalink`` style)."""
        return self.collection("posts").url_template

    @property
    def permalink_style(self) -> str:
        """``permalink:`` as written (``date``, ``pretty``, ``/:title/``...), for page URLs."""
        value = self.raw.get("permalink")
        return "date" if value in (None, "") else str(value)

    @property
    def future(self) -> bool:
        return bool(self.raw.get("future"))

    @property
    def unpublished(self) -> bool:
        return bool(self.raw.get("unpublished"))

    @property
    def show_drafts(self) -> bool:
        return bool(self.raw.get("show_drafts"))

    @property
    def excerpt_separator(self) -> str:
        value = self.raw.get("excerpt_separator")
        return "" if value is None else str(value)

    @property
    def collections_dir(self) -> str:
        return _folder(self.raw.get("collections_dir"))

    @property
    def layouts_dir(self) -> str:
        return _folder(self.raw.get("layouts_dir")) or "_layouts"

    @property
    def includes_dir(self) -> str:
        return _folder(self.raw.get("includes_dir")) or "_includes"

    @property
    def data_dir(self) -> str:
        return _folder(self.raw.get("data_dir")) or "_data"

    @property
    def include(self) -> tuple[str, ...]:
        return _strings(self.raw.get("include"))

    @property
    def exclude(self) -> tuple[str, ...]:
        return _strings(self.raw.get("exclude"))

    @property
    def markdown_exts(self) -> frozenset[str]:
        """``markdown_ext`` as lower-case extensions with their dot (``.md``, ``.markdown``...)."""
        value = str(self.raw.get("markdown_ext") or DEFAULTS["markdown_ext"])
        return frozenset("." + ext.strip().lower() for ext in value.split(",") if ext.strip())

    @property
    def plugins(self) -> tuple[str, ...]:
        """``plugins:`` (and the older ``gems:``), as listed."""
        return tuple(
            dict.fromkeys(_strings(self.raw.get("plugins")) + _strings(self.raw.get("gems")))
        )

    @property
    def sass_dirs(self) -> tuple[str, ...]:
        """Where Sass imports are looked up: ``sass.sass_dir`` (``_sass``) and ``load_paths``."""
        sass = self.raw.get("sass")
        sass = sass if isinstance(sass, Mapping) else {}
        dirs = [
            _folder(sass.get("sass_dir")) or "_sass",
            *(_folder(p) for p in _strings(sass.get("load_paths"))),
        ]
        return tuple(dict.fromkeys(d for d in dirs if d))

    @property
    def page_excerpts(self) -> bool:
        return bool(self.raw.get("page_excerpts"))

    def collection(self, label: str) -> CollectionConfig:
        for collection in self.collections:
            if collection.label == label:
                return collection
        raise KeyError(label)

    # --- what themes and listings read -------------------------------------------------------

    @property
    def title(self) -> str:
        return str(self.raw.get("title") or "")

    @property
    def description(self) -> str:
        return str(self.raw.get("description") or "")

    @property
    def url(self) -> str:
        return str(self.raw.get("url") or "").rstrip("/")

    @property
    def baseurl(self) -> str:
        return str(self.raw.get("baseurl") or "").rstrip("/")

    @property
    def lang(self) -> str:
        return str(self.raw.get("lang") or self.raw.get("locale") or "en")

    @property
    def author_name(self) -> str:
        author = self.raw.get("author")
        if isinstance(author, Mapping):
            return str(author.get("name") or "")
        return str(author or self.raw.get("name") or "")

    @property
    def kramdown(self) -> Mapping[str, Any]:
        value = self.raw.get("kramdown")
        return value if isinstance(value, Mapping) else {}

    @property
    def tables(self) -> str:
        """Which lines make a table: ``kramdown`` (the default: any lines with an unescaped
        ``|``, even a list item's ``- a || b``, as Jekyll builds) or ``gfm`` (only under a first
        line followed by a delimiter row, as GitHub shows a README). Broadsheet's own key,
        ``broadsheet: {tables: gfm}``: Jekyll ignores it."""
        own = self.raw.get("broadsheet")
        value = own.get("tables") if isinstance(own, Mapping) else None
        return "gfm" if value == "gfm" else "kramdown"

    @property
    def paginate(self) -> int:
        try:
            return max(1, int(self.raw.get("paginate") or 10))
        except (TypeError, ValueError):
            return 10

    @property
    def paginates(self) -> bool:
        """Whether jekyll-paginate would run: a positive ``paginate`` setting."""
        try:
            return int(self.raw.get("paginate") or 0) > 0
        except (TypeError, ValueError):
            return False

    @classmethod
    def parse(cls, text: str | None, path: str = CONFIG_KEY) -> SiteConfig:
        """Read ``_config.yml`` text (``None`` when the site has none: Jekyll's defaults).

        The whole file is checked before any of it is used (``config_rules``): a bad value is a
        :class:`ConfigError` listing every bad value at its line, never an exception later in
        a page. Raises :class:`ContentError` for YAML that does not load.
        """
        if text is None:
            return cls()
        try:
            return cls._parse(text, path)
        except ContentError:
            raise
        except Exception as error:  # a value no rule foresaw: the file's error, not the site's
            log.exception("unexpected error reading %s", path)
            raise ContentError(
                path, f"could not be read ({type(error).__name__}: {error})"
            ) from None

    @classmethod
    def _parse(cls, text: str, path: str) -> SiteConfig:
        return cls.from_user(load_user(text, path), text, path)

    @classmethod
    def from_user(cls, user: dict[str, Any], text: str, path: str = CONFIG_KEY) -> SiteConfig:
        """The configuration ``text`` holds, from the mapping :func:`load_user` loaded from it:
        a site index keeps that mapping (``handler.engine.manifest``), so a reader of the index
        builds its configuration without loading YAML. Checked as :meth:`parse` checks it."""
        findings, zone = config_rules.validate(user)
        if findings:
            from handler.engine.yamlload import key_lines

            lines = key_lines(text)
            raise ConfigError(
                [
                    ContentError(path, f.message, line=_line_at(lines, f.path), hint=f.hint)
                    for f in findings
                ]
            )
        raw = _merged(user)
        return cls(
            raw=raw,
            timezone=zone,
            defaults=_defaults(raw.get("defaults")),
            version=config_version(text),
            source=text,
        )


def load_user(text: str, path: str = CONFIG_KEY) -> dict[str, Any]:
    """The mapping ``_config.yml``'s ``text`` holds, its keys as strings, unchecked. Raises
    :class:`ContentError` for YAML that does not load or is not a mapping."""
    import yaml  # PyYAML, only where YAML is read

    from handler.engine.yamlload import load_yaml

    try:
        user = load_yaml(text.removeprefix("\ufeff"))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise ContentError(
            path, f"invalid YAML: {exc.problem}", line=mark.line + 1 if mark else None
        ) from None
    except yaml.YAMLError as exc:
        raise ContentError(path, f"invalid YAML: {exc}") from None
    if user is None:
        user = {}
    if not isinstance(user, dict):
        raise ContentError(path, "the site configuration must be a mapping", line=1)
    return {str(k): v for k, v in user.items()}


def config_version(text: str) -> str:
    """The version of a configuration read from ``text`` (``SiteConfig.version``)."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _line_at(lines: Mapping[tuple[str | int, ...], int], path: tuple[str | int, ...]) -> int | None:
    """The line of ``path``, or of the nearest key above it that has one."""
    for end in range(len(path), 0, -1):
        line = lines.get(path[:end])
        if line is not None:
            return line
    return None


def _merged(user: dict[str, Any]) -> dict[str, Any]:
    """``Configuration.from``: defaults, then the default collections and excludes."""
    raw = deep_merge(DEFAULTS, user)
    raw["collections"] = _default_collections(raw)
    excludes = raw.get("exclude")
    if isinstance(excludes, list):
        raw["exclude"] = list(dict.fromkeys([*excludes, *DEFAULT_EXCLUDES]))
    return raw


def _default_collections(raw: Mapping[str, Any]) -> dict[str, Any]:
    value = raw.get("collections")
    if isinstance(value, list):
        value = {str(label): {} for label in value}
    if not isinstance(value, Mapping):
        value = {}
    collections = deep_merge({"posts": {}}, value)
    posts = dict(collections.get("posts") or {})
    posts["output"] = True
    if raw.get("permalink") not in (None, "") and not posts.get("permalink"):
        posts["permalink"] = style_to_permalink(str(raw["permalink"]))
    collections["posts"] = posts
    return {str(k): dict(v) if isinstance(v, Mapping) else {} for k, v in collections.items()}


def style_to_permalink(style: str) -> str:
    """A permalink style name (``pretty``) as its template; anything else is a template."""
    return PERMALINK_STYLES.get(style, style)


def add_permalink_suffix(template: str, style: str) -> str:
    """Jekyll's ``Utils.add_permalink_suffix``: end a template as the permalink style ends."""
    if style == "pretty":
        return template + "/"
    if style in ("date", "ordinal", "none"):
        return template + ":output_ext"
    if style.endswith("/"):
        template += "/"
    if style.endswith(":output_ext"):
        template += ":output_ext"
    return template


def _collections(raw: Mapping[str, Any]) -> tuple[CollectionConfig, ...]:
    style = str(raw.get("permalink") or "date")
    found = []
    collections = raw.get("collections")
    for label, metadata in (collections if isinstance(collections, Mapping) else {}).items():
        clean = sanitize_label(str(label))
        meta = metadata if isinstance(metadata, Mapping) else {}
        template = meta.get("permalink")
        if template in (None, ""):
            template = add_permalink_suffix("/:collection/:path", style)
        found.append(CollectionConfig(clean, dict(meta), style_to_permalink(str(template))))
    if not any(c.label == "posts" for c in found):
        found.insert(0, CollectionConfig("posts", {"output": True}, PERMALINK_STYLES["date"]))
    return tuple(found)


def sanitize_label(label: str) -> str:
    """``Collection#sanitize_label``: only letters, digits, ``_``, ``-`` and ``.``."""
    return "".join(ch for ch in label if ch.isascii() and (ch.isalnum() or ch in "_-."))


def _folder(value: object) -> str:
    return str(value or "").strip().strip("/")


def _strings(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list | tuple):
        return tuple(str(v) for v in value if v is not None)
    return ()


def _defaults(value: object) -> tuple[DefaultsSet, ...]:
    if not isinstance(value, Sequence) or isinstance(value, str):
        return ()
    sets = []
    for entry in value:
        if not isinstance(entry, Mapping) or not isinstance(entry.get("values"), Mapping):
            continue
        scope = entry.get("scope")
        scope = scope if isinstance(scope, Mapping) else {}
        kind = scope.get("type")
        kind = LEGACY_TYPES.get(str(kind), kind)
        sets.append(
            DefaultsSet(
                path=_scope_path(scope.get("path")),
                type=str(kind) if kind is not None else None,
                values=dict(entry["values"]),
                has_type="type" in scope,
            )
        )
    return tuple(sets)


def _scope_path(path: object) -> str:
    """``FrontmatterDefaults#sanitize_path``: no leading ``/`` or ``./``, no trailing ``/``."""
    text = "" if path is None else str(path)
    text = text.removeprefix("./")
    return text.lstrip("/").rstrip("/") if text.startswith("/") else text.rstrip("/")


def defaults_for(config: SiteConfig, path: str, kind: str | None) -> dict[str, Any]:
    """Front matter defaults for the file ``path`` of type ``kind`` (``FrontmatterDefaults#all``).

    Sets apply in order; a set whose scope path is longer (or as long and typed) wins over the
    sets before it, else the earlier values win. ``kind`` is ``pages``, ``posts``, ``drafts`` or a
    collection label (``None`` for static files outside collections).
    """
    merged: dict[str, Any] = {}
    old: DefaultsSet | None = None
    for entry in config.defaults:
        if not _applies(config, entry, path, kind):
            continue
        if _has_precedence(old, entry):
            merged = deep_merge(merged, entry.values)
            old = entry
        else:
            merged = deep_merge(entry.values, merged)
    return merged


def _applies(config: SiteConfig, entry: DefaultsSet, path: str, kind: str | None) -> bool:
    if entry.has_type and entry.type != kind:
        return False
    if not entry.path:
        return True
    scope = _strip_collections_dir(config, entry.path)
    if "*" in scope or "?" in scope or "[" in scope:
        # Jekyll globs the scope against the source tree and tests every match as a prefix.
        return any(
            glob_matches(scope, prefix)
            for prefix in _prefixes(_strip_collections_dir(config, path))
        )
    return _strip_collections_dir(config, path).startswith(scope)


def glob_matches(pattern: str, path: str) -> bool:
    """Whether ``Dir.glob(pattern)`` would list ``path``: ``*`` and ``?`` stay inside one path
    segment and skip names starting with ``.``; ``**`` spans any number of segments."""
    return _segments_match(pattern.split("/"), path.split("/"))


def _segments_match(pattern: list[str], parts: list[str]) -> bool:
    if not pattern:
        return not parts
    head, rest = pattern[0], pattern[1:]
    if head == "**":
        return any(_segments_match(rest, parts[skip:]) for skip in range(len(parts) + 1))
    if not parts:
        return False
    name = parts[0]
    if name.startswith(".") and not head.startswith("."):
        return False
    return fnmatch.fnmatchcase(name, head) and _segments_match(rest, parts[1:])


def _prefixes(path: str) -> list[str]:
    parts = path.split("/")
    return ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]


def _strip_collections_dir(config: SiteConfig, path: str) -> str:
    base = config.collections_dir
    if base and path.startswith(base + "/"):
        return path[len(base) + 1 :]
    return path


def _has_precedence(old: DefaultsSet | None, new: DefaultsSet) -> bool:
    if old is None:
        return True
    if len(new.path) != len(old.path):
        return len(new.path) >= len(old.path)
    return True if new.has_type else not old.has_type


def deep_merge(base: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Jekyll's ``Utils.deep_merge_hashes``: nested mappings merge, everything else is replaced."""
    merged = dict(base)
    for key, value in overrides.items():
        current = merged.get(key)
        if isinstance(current, Mapping) and isinstance(value, Mapping):
            merged[key] = deep_merge(current, value)
        else:
            merged[key] = value
    return merged
