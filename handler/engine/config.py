"""The site's ``_config.yml``, read with Jekyll's defaults."""

from __future__ import annotations

import fnmatch
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from handler.errors import ContentError
from handler.frontmatter import load_yaml

CONFIG_KEY = "_config.yml"

# Jekyll::Utils#style_to_permalink (configuration.rb in 4.3)
PERMALINK_STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}


@dataclass(frozen=True, slots=True)
class DefaultsSet:
    """One entry of ``defaults:`` in ``_config.yml``: a scope and the values it gives."""

    path: str
    type: str | None
    values: Mapping[str, Any]
    has_type: bool


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """The site settings Broadsheet uses, plus the raw mapping for Liquid's ``site``."""

    raw: Mapping[str, Any] = field(default_factory=dict)
    permalink: str = PERMALINK_STYLES["date"]
    timezone: tzinfo = UTC
    future: bool = False
    show_drafts: bool = False
    excerpt_separator: str = "\n\n"
    defaults: tuple[DefaultsSet, ...] = ()
    version: str = "default"

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
    def paginate(self) -> int:
        try:
            return max(1, int(self.raw.get("paginate") or 10))
        except (TypeError, ValueError):
            return 10

    @classmethod
    def parse(cls, text: str | None, path: str = CONFIG_KEY) -> SiteConfig:
        """Read ``_config.yml`` text (``None`` when the site has none: Jekyll's defaults)."""
        if text is None:
            return cls()
        try:
            raw = load_yaml(text.removeprefix("\ufeff"))
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark
            raise ContentError(
                path, f"invalid YAML: {exc.problem}", line=mark.line + 1 if mark else None
            ) from None
        except yaml.YAMLError as exc:
            raise ContentError(path, f"invalid YAML: {exc}") from None
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            raise ContentError(path, "the site configuration must be a mapping", line=1)
        return cls(
            raw=raw,
            permalink=_permalink_template(raw.get("permalink")),
            timezone=_timezone(raw.get("timezone"), path),
            future=bool(raw.get("future", False)),
            show_drafts=bool(raw.get("show_drafts", False)),
            excerpt_separator=str(raw.get("excerpt_separator", "\n\n")),
            defaults=_defaults(raw.get("defaults")),
            version=hashlib.sha256(text.encode()).hexdigest()[:16],
        )


def _permalink_template(style: object) -> str:
    if style is None or style == "":
        return PERMALINK_STYLES["date"]
    return PERMALINK_STYLES.get(str(style), str(style))


def _timezone(name: object, path: str) -> tzinfo:
    if not name:
        return UTC
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        raise ContentError(
            path,
            f"unknown timezone {name!r}",
            hint="use an IANA name such as Europe/London or America/New_York",
        ) from None


def _defaults(value: object) -> tuple[DefaultsSet, ...]:
    if not isinstance(value, Sequence) or isinstance(value, str):
        return ()
    sets = []
    for entry in value:
        if not isinstance(entry, Mapping):
            continue
        scope, values = entry.get("scope"), entry.get("values")
        if not isinstance(scope, Mapping) or not isinstance(values, Mapping):
            continue
        kind = scope.get("type")
        # Jekyll 4 still accepts the singular legacy names.
        kind = {"post": "posts", "page": "pages", "draft": "drafts"}.get(str(kind), kind)
        sets.append(
            DefaultsSet(
                path=_sanitize_scope_path(scope.get("path")),
                type=str(kind) if kind is not None else None,
                values=dict(values),
                has_type="type" in scope,
            )
        )
    return tuple(sets)


def _sanitize_scope_path(path: object) -> str:
    text = "" if path is None else str(path)
    return text.removeprefix("./").lstrip("/")


def defaults_for(config: SiteConfig, path: str, kind: str) -> dict[str, Any]:
    """Front matter defaults that apply to ``path`` of type ``kind``, merged by precedence.

    Jekyll's ``FrontmatterDefaults#all``: sets are applied in order; a set whose scope path is
    longer (or as long and typed) wins over the sets before it.
    """
    merged: dict[str, Any] = {}
    old: DefaultsSet | None = None
    for entry in config.defaults:
        if not _applies(entry, path, kind):
            continue
        if _has_precedence(old, entry):
            merged = deep_merge(merged, entry.values)
            old = entry
        else:
            merged = deep_merge(entry.values, merged)
    return merged


def _applies(entry: DefaultsSet, path: str, kind: str) -> bool:
    if entry.type is not None and entry.type != kind:
        return False
    if not entry.path:
        return True
    if "*" in entry.path:
        return fnmatch.fnmatch(path, entry.path) or fnmatch.fnmatch(path, entry.path + "/*")
    return path.startswith(entry.path)


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
