"""Ruby's ``Time.parse`` for the date strings content holds (``date: "2020-01-02"``,
``"Jan 2, 2020"``, ``"Thu, 02 Jan 2020 10:00:00 -0500"``...), as Liquid's ``date`` filter and
Jekyll's date filters read them."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo

__all__ = ["parse_time"]

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

_MONTH_NAMES = "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
_DAY_NAMES = "mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:rs(?:day)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?"
_ZONES = {
    "utc": 0,
    "gmt": 0,
    "ut": 0,
    "z": 0,
    "est": -5,
    "edt": -4,
    "cst": -6,
    "cdt": -5,
    "mst": -7,
    "mdt": -6,
    "pst": -8,
    "pdt": -7,
}
_TIME = r"(?P<hour>\d{1,2})(?::(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,](?P<frac>\d+))?)?)?\s*(?P<ampm>[ap]\.?m\.?)?"
_ZONE = r"(?P<zone>z\b|[+-]\d{2}(?::?\d{2})?|utc|gmt|ut\b|[a-z]{3,4}\b)"
_DATE_FORMS = (
    r"(?P<y>\d{4}|\d{2})-(?P<m>\d{1,2})-(?P<d>\d{1,2})",
    r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})",
    r"(?P<a>\d{1,4})/(?P<b>\d{1,2})/(?P<c>\d{1,4})",
    rf"(?P<mname>{_MONTH_NAMES})\.?(?:\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?)?,?(?:\s+(?P<y>\d{{4}}))?",
    rf"(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<mname>{_MONTH_NAMES})\.?,?(?:\s+(?P<y>\d{{4}}))?",
)


def _parse_pattern(date_form: str) -> re.Pattern[str]:
    weekday = rf"(?:(?:{_DAY_NAMES})\.?,?\s*)?"
    clock = rf"(?:(?:t|\s+)(?:{_TIME}))?"
    zone = rf"(?:\s*{_ZONE})?"
    return re.compile(rf"{weekday}{date_form}{clock}{zone}", re.I | re.ASCII)


_PATTERNS = tuple(_parse_pattern(form) for form in _DATE_FORMS)
_TIME_ONLY = re.compile(rf"{_TIME}(?:\s*{_ZONE})?", re.I | re.ASCII)
_RUBY_AFTER_TIME = re.compile(
    rf"(?:(?:{_DAY_NAMES})\.?,?\s+)?(?P<mname>{_MONTH_NAMES})\s+(?P<d>\d{{1,2}})\s+{_TIME}\s+{_ZONE}\s+(?P<y>\d{{4}})",
    re.I | re.ASCII,
)


def parse_time(text: str, zone: tzinfo) -> datetime | None:
    """``Time.parse`` for the forms dates take in content (ISO 8601, RFC 2822, ``Jan 2, 2020``,
    ``2 January 2020``, ``2020/01/02``, ``02/01/2020``, times alone). ``None`` when Ruby would
    raise (nothing recognisable, or a field out of range)."""
    source = text.strip()
    for pattern in (*_PATTERNS, _RUBY_AFTER_TIME, _TIME_ONLY):
        match = pattern.fullmatch(source)
        if match:
            return _build(match.groupdict(), zone)
    return None


def _build(parts: dict[str, str | None], zone: tzinfo) -> datetime | None:
    today = datetime.now(zone)
    ymd = _ymd(parts, today)
    if ymd is None:
        return None
    clock = _clock(parts)
    if clock is None:
        return None
    offset = _offset(parts.get("zone"), zone)
    try:
        base = datetime(ymd[0], ymd[1], 1, tzinfo=offset)
    except ValueError:
        return None
    if not 1 <= ymd[2] <= 31:
        return None
    hour, minute, second, micro = clock
    try:
        return base + timedelta(
            days=ymd[2] - 1, hours=hour, minutes=minute, seconds=second, microseconds=micro
        )
    except OverflowError:  # past 9999-12-31: Ruby has the time, Python does not
        return None


def _field(parts: dict[str, str | None], name: str, default: int) -> int:
    text = parts.get(name)
    return int(text) if text else default


def _ymd(parts: dict[str, str | None], today: datetime) -> tuple[int, int, int] | None:
    if parts.get("a") is not None:
        return _slashed(str(parts["a"]), str(parts["b"]), str(parts["c"]))
    if parts.get("mname") is not None:
        month = _month_number(str(parts["mname"]))
        return _field(parts, "y", today.year), month, _field(parts, "d", 1)
    if parts.get("y") is not None:
        return _year(str(parts["y"])), _field(parts, "m", 1), _field(parts, "d", 1)
    return today.year, today.month, today.day


def _slashed(a: str, b: str, c: str) -> tuple[int, int, int] | None:
    if len(c) > 2 and len(a) <= 2:
        return int(c), int(b), int(a)
    return _year(a), int(b), int(c)


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 1900 if year >= 69 else 2000
    return year


def _month_number(name: str) -> int:
    return _MONTHS.index(name[:3].lower()) + 1


def _clock(parts: dict[str, str | None]) -> tuple[int, int, int, int] | None:
    hour = _field(parts, "hour", 0)
    minute = _field(parts, "minute", 0)
    second = _field(parts, "second", 0)
    micro = int((parts.get("frac") or "0")[:6].ljust(6, "0"))
    meridian = (parts.get("ampm") or "").lower()
    if meridian:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridian.startswith("p") else 0)
    if hour > 24 or minute > 59 or second > 60:
        return None
    return hour, minute, min(second, 59), micro


def _offset(name: str | None, zone: tzinfo) -> tzinfo:
    if not name:
        return zone
    lowered = name.lower()
    if lowered in ("z", "utc", "gmt", "ut"):
        return UTC
    if lowered in _ZONES:
        return timezone(timedelta(hours=_ZONES[lowered]))
    match = re.fullmatch(r"([+-])(\d{2}):?(\d{2})?", name)
    if not match:
        return zone
    sign = -1 if match.group(1) == "-" else 1
    delta = timedelta(hours=int(match.group(2)), minutes=int(match.group(3) or 0))
    return timezone(sign * delta)
