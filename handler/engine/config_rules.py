"""``_config.yml`` checked once, as a whole, before any of it is used.

Every setting Broadsheet reads is checked here for its type and range, so the code that reads a
setting later (markdown, pagination, time zones, Sass, permalinks) can trust it: a value Python
cannot hold (``paginate: .inf``, a code point past U+10FFFF, a time zone that is a folder) is a
finding with its key, never an exception in the middle of a page. :func:`validate` returns every
finding at once (an author fixes them all in one go); ``SiteConfig.parse`` turns them into
errors at their lines of ``_config.yml``.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from handler.engine.url import DOCUMENT_PLACEHOLDERS, PLACEHOLDER

Path = tuple[str | int, ...]

MAX_TIMEZONE_CHARS = 255  # the longest file name; IANA names are at most 30 or so
_ZONE_NAME = re.compile(r"[A-Za-z0-9_+-]+(?:/[A-Za-z0-9_+-]+)*")
_PERMALINK_STYLES = frozenset({"date", "pretty", "ordinal", "weekdate", "none"})
MAX_SASS_PRECISION = 100
_INTEGER = re.compile(r"\s*[+-]?\d{1,18}\s*")
_SASS_GLOB = re.compile(r"[*?\[\]{}]")
# Unicode scalar values a smart quote may be: not NUL, not a surrogate, not past U+10FFFF.
_SURROGATES = range(0xD800, 0xE000)


@dataclass(frozen=True, slots=True)
class Finding:
    """One bad value: where it is (``("kramdown", "toc_levels", 1)``), what is wrong, what to do."""

    path: Path
    message: str
    hint: str | None = None


class _Findings:
    def __init__(self) -> None:
        self.found: list[Finding] = []

    def add(self, path: Path, message: str, hint: str | None = None) -> None:
        self.found.append(Finding(path, message, hint))


def validate(user: Mapping[str, Any]) -> tuple[list[Finding], tzinfo]:
    """Every bad value in the user's settings (before Jekyll's defaults are merged in), and the
    site's time zone (UTC when it has none, or when it is one of the findings)."""
    found = _Findings()
    for key, rule in _RULES.items():
        value = user.get(key)
        if value is not None:
            rule(found, (key,), value)
    zone = _zone(found, user.get("timezone"))
    _dates(found, (), user, zone)
    return found.found, zone


# --- the rules, one per top-level key ------------------------------------------------------------


def _zone(found: _Findings, name: object) -> tzinfo:
    """``timezone``: an IANA zone name (``Europe/London``). Python's zoneinfo reads it as a path
    under the zone database, so a folder (``Europe``), a long or odd name would fail there
    (``IsADirectoryError`` on 3.11, ``ValueError`` or ``OSError`` elsewhere): all one finding."""
    if name is None or name == "":
        return UTC
    hint = "use an IANA name such as Europe/London or America/New_York"
    if not isinstance(name, str):
        found.add(("timezone",), f"timezone should be a zone name, not {_shown(name)}", hint)
        return UTC
    if len(name) > MAX_TIMEZONE_CHARS or not _ZONE_NAME.fullmatch(name):
        found.add(("timezone",), f"unknown timezone {_clip(name)!r}", hint)
        return UTC
    try:
        zone = ZoneInfo(name)
        datetime(2000, 1, 1, tzinfo=zone).utcoffset()
    except Exception:  # whatever zoneinfo raises for a name it cannot load
        found.add(("timezone",), f"unknown timezone {name!r}", hint)
        return UTC
    return zone


def _whole(
    found: _Findings, path: Path, value: object, *, low: int, high: int | None, what: str
) -> int | None:
    """A whole number in ``[low, high]``: ints, and numeric strings and whole floats as Ruby's
    ``to_i`` would take them; ``.inf``, ``.nan`` and fractions are findings."""
    number: int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif (isinstance(value, float) and math.isfinite(value) and value.is_integer()) or (
        isinstance(value, str) and _INTEGER.fullmatch(value)
    ):
        number = int(value)
    name = ".".join(map(str, path))
    span = f"from {low:,}" + (f" to {high:,}" if high is not None else " up")
    if number is None or number < low or (high is not None and number > high):
        found.add(path, f"{name} should be {what}, a whole number {span}, not {_shown(value)}")
        return None
    return number


def _paginate(found: _Findings, path: Path, value: object) -> None:
    if value is False:
        return
    _whole(found, path, value, low=0, high=None, what="the number of posts per page")


def _paginate_path(found: _Findings, path: Path, value: object) -> None:
    if not isinstance(value, str) or ":num" not in value:
        found.add(
            path,
            f"paginate_path should be a path with :num in it, not {_shown(value)}",
            "for example paginate_path: /page:num/",
        )


def _limit_posts(found: _Findings, path: Path, value: object) -> None:
    _whole(found, path, value, low=0, high=None, what="how many posts to read (0: all)")


def _string(found: _Findings, path: Path, value: object) -> None:
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        found.add(path, f"{'.'.join(map(str, path))} should be a string, not {_shown(value)}")


def _list(found: _Findings, path: Path, value: object) -> None:
    """Jekyll refuses an ``include``, ``exclude``, ``plugins``... that is not a list."""
    name = path[-1]
    if not isinstance(value, list):
        found.add(
            path,
            f"{name!r} should be a list, but is {type(value).__name__} {_clip(repr(value))}",
            f"write it as `{name}: [a, b]` or one `- item` per line",
        )
        return
    for at, item in enumerate(value):
        if isinstance(item, Mapping | list):
            found.add((*path, at), f"each entry of {name} should be a name, not {_shown(item)}")


def _mapping(rules: Mapping[str, Callable[[_Findings, Path, Any], None]]) -> Rule:
    """A rule for a mapping of settings (``kramdown:``, ``sass:``), each key with its own rule."""

    def check(found: _Findings, path: Path, value: object) -> None:
        if not isinstance(value, Mapping):
            found.add(path, f"{path[-1]} should be a mapping of settings, not {_shown(value)}")
            return
        for key, rule in rules.items():
            if value.get(key) is not None:
                rule(found, (*path, key), value[key])

    return check


def _smart_quotes(found: _Findings, path: Path, value: object) -> None:
    """kramdown's ``smart_quotes``: four entity names or decimal code points, comma-separated."""
    parts = value.split(",") if isinstance(value, str) else value
    hint = "four entity names or code points, e.g. lsquo,rsquo,ldquo,rdquo or 8216,8217,8220,8221"
    if not isinstance(parts, list) or len(parts) != 4:
        found.add(path, f"smart_quotes should be four quotes, not {_shown(value)}", hint)
        return
    for part in parts:
        name = str(part).strip()
        if name.isdigit():
            point = int(name) if len(name) <= 8 else -1
            if not 0 < point <= 0x10FFFF or point in _SURROGATES:
                found.add(path, f"smart_quotes: {_clip(name)} is not a Unicode character", hint)
                return
        elif not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", name) or html.unescape(f"&{name};") == (
            f"&{name};"
        ):
            found.add(path, f"smart_quotes: {_clip(name)!r} is not an HTML entity name", hint)
            return


def _toc_levels(found: _Findings, path: Path, value: object) -> None:
    """kramdown's ``toc_levels``: heading levels 1 to 6, as ``1..6``, ``[2, 3]`` or ``2,3``."""
    hint = "for example toc_levels: 1..3 or [2, 3]"
    if isinstance(value, str) and ".." in value:
        low, _, high = value.partition("..")
        levels: list[object] = [low.strip(), high.strip()]
    elif isinstance(value, str):
        levels = [part.strip() for part in value.split(",")]
    elif isinstance(value, list) and value:
        levels = list(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        levels = [value]
    else:
        found.add(path, f"toc_levels should be heading levels, not {_shown(value)}", hint)
        return
    for level in levels:
        text = str(level) if isinstance(level, int | str) and not isinstance(level, bool) else ""
        if not text.isdigit() or not 1 <= int(text) <= 6:
            found.add(path, f"toc_levels: {_shown(level)} is not a heading level from 1 to 6", hint)
            return


def _footnote_nr(found: _Findings, path: Path, value: object) -> None:
    _whole(found, path, value, low=0, high=10**9, what="the first footnote's number")


def _sass_precision(found: _Findings, path: Path, value: object) -> None:
    _whole(found, path, value, low=0, high=MAX_SASS_PRECISION, what="digits after the point")


def _sass_implementation(found: _Findings, path: Path, value: object) -> None:
    if value == "sass-embedded":
        found.add(
            path,
            "sass.implementation: sass-embedded (Dart Sass) is not supported; Broadsheet "
            "compiles with libsass, like Jekyll's default sassc",
            "remove the setting",
        )


def _sass_load_paths(found: _Findings, path: Path, value: object) -> None:
    entries = value if isinstance(value, list) else [value]
    for entry in entries:
        if isinstance(entry, str) and _SASS_GLOB.search(entry):
            found.add(
                path, f"sass.load_paths: glob pattern {entry!r} is not supported; list the folders"
            )


def _permalink(found: _Findings, path: Path, value: object) -> None:
    """A permalink style or template; a template's placeholders must be ones Jekyll knows
    (Jekyll fails the build on any other, and so would every post's URL here)."""
    if not isinstance(value, str):
        _string(found, path, value)
        return
    if value in _PERMALINK_STYLES:
        return
    for name in PLACEHOLDER.findall(value):
        if name not in DOCUMENT_PLACEHOLDERS and name[:-1] not in DOCUMENT_PLACEHOLDERS:
            found.add(
                path,
                f"the permalink {value!r} uses an unknown placeholder :{name}",
                "see https://jekyllrb.com/docs/permalinks/#placeholders",
            )
            return


def _collections(found: _Findings, path: Path, value: object) -> None:
    if isinstance(value, list):
        for at, label in enumerate(value):
            if not isinstance(label, str | int) or isinstance(label, bool):
                found.add((*path, at), f"a collection's name should be a word, not {_shown(label)}")
        return
    if not isinstance(value, Mapping):
        found.add(path, f"collections should be a list or a mapping, not {_shown(value)}")
        return
    for label, metadata in value.items():
        where = (*path, str(label))
        if metadata is None:
            continue
        if not isinstance(metadata, Mapping):
            found.add(where, f"collection {label!r} should be a mapping of settings")
            continue
        if metadata.get("permalink") not in (None, ""):
            _permalink(found, (*where, "permalink"), metadata["permalink"])
        if metadata.get("sort_by") is not None and not isinstance(metadata["sort_by"], str):
            found.add((*where, "sort_by"), f"sort_by should be a field name, not {_shown(metadata['sort_by'])}")  # fmt: skip
        if metadata.get("order") is not None:
            _list(found, (*where, "order"), metadata["order"])


def notes(user: Mapping[str, Any]) -> list[Finding]:
    """Settings Jekyll skips with a warning and builds the site without (so does Broadsheet):
    not errors, which would stop a site Jekyll publishes; ``check`` shows them as warnings."""
    found = _Findings()
    if user.get("defaults") is not None:
        _defaults(found, ("defaults",), user["defaults"])
    return found.found


def _defaults(found: _Findings, path: Path, value: object) -> None:
    """``defaults:``: a list of ``{scope: {path, type}, values: {...}}``. Jekyll ignores a
    ``defaults`` that is not a list and skips, with a warning, an entry without ``values``."""
    if not isinstance(value, list):
        found.add(path, f"defaults should be a list of scopes and values, not {_shown(value)}")
        return
    hint = 'each entry: `- scope: {path: ""}` and `values: {layout: post}`'
    for at, entry in enumerate(value):
        where = (*path, at)
        if not isinstance(entry, Mapping) or not isinstance(entry.get("values"), Mapping):
            found.add(where, "a defaults entry should have `values:`, a mapping", hint)
            continue
        scope = entry.get("scope")
        if scope is not None and not isinstance(scope, Mapping):
            found.add((*where, "scope"), "a defaults scope should be a mapping", hint)
        elif scope is not None and not isinstance(scope.get("path", ""), str | None):
            found.add((*where, "scope", "path"), "a defaults scope's path should be a string")


Rule = Callable[[_Findings, Path, Any], None]
_STRINGS = (
    "url", "baseurl", "collections_dir", "layouts_dir", "includes_dir", "data_dir",
    "plugins_dir", "markdown_ext", "excerpt_separator", "markdown", "highlighter",
)  # fmt: skip
_RULES: dict[str, Rule] = {
    "paginate": _paginate,
    "paginate_path": _paginate_path,
    "limit_posts": _limit_posts,
    "permalink": _permalink,
    "collections": _collections,
    "include": _list,
    "exclude": _list,
    "plugins": _list,
    "gems": _list,
    "keep_files": _list,
    "whitelist": _list,
    **dict.fromkeys(_STRINGS, _string),
    "kramdown": _mapping(
        {
            "smart_quotes": _smart_quotes,
            "toc_levels": _toc_levels,
            "footnote_nr": _footnote_nr,
            "input": _string,
            "entity_output": _string,
        }
    ),
    "sass": _mapping(
        {
            "precision": _sass_precision,
            "implementation": _sass_implementation,
            "load_paths": _sass_load_paths,
            "sass_dir": _string,
        }
    ),
    "feed": _mapping({"path": _string}),
}


# --- dates anywhere ----------------------------------------------------------------------------------


def _dates(found: _Findings, path: Path, value: object, zone: tzinfo) -> None:
    """Every YAML date and time in the settings (``defaults:`` values give posts their dates)
    must be one Python can hold in the site's time zone and in UTC."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            _dates(found, (*path, str(key)), item, zone)
    elif isinstance(value, list):
        for at, item in enumerate(value):
            _dates(found, (*path, at), item, zone)
    elif isinstance(value, date):
        moment = value if isinstance(value, datetime) else datetime.combine(value, time())
        try:
            local = moment.replace(tzinfo=zone) if moment.tzinfo is None else moment
            local.astimezone(zone).astimezone(UTC)
        except (OverflowError, ValueError):
            found.add(
                path,
                f"the date {value} is outside the years 1 to 9999 in the site's timezone",
                "use a date between 0001-01-02 and 9999-12-30",
            )


# --- messages ----------------------------------------------------------------------------------------


def _shown(value: object) -> str:
    """A value as a message shows it: short, and with its type when that is the problem."""
    if isinstance(value, float) and not math.isfinite(value):
        return {math.inf: ".inf", -math.inf: "-.inf"}.get(value, ".nan")
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return _clip(repr(value))


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
