"""Ruby's ``Time``: ``strftime``, ``Time.parse``, ``xmlschema``, ``rfc822`` and local time.

Python's ``strftime`` is the platform's C library and differs from Ruby's (``%-d``, ``%N``, ``%:z``,
``%Z`` for fixed offsets, flags and widths); this module implements Ruby's directly. A ``date`` is
a Ruby ``Date`` (midnight, zone ``+00:00``); an aware ``datetime`` is a ``Time`` in its own zone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["local_zone", "localtime", "rfc822", "strftime", "to_date", "xmlschema"]

_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_DIRECTIVE = re.compile(r"%([-_0^#]*)(\d*)(:{0,3})([EO]?)(.)", re.S)
_COMPOSITES = {
    "c": "%a %b %e %H:%M:%S %Y",
    "D": "%m/%d/%y",
    "x": "%m/%d/%y",
    "F": "%Y-%m-%d",
    "T": "%H:%M:%S",
    "X": "%H:%M:%S",
    "R": "%H:%M",
    "r": "%I:%M:%S %p",
    "v": "%e-%^b-%4Y",
}
_E_ALLOWED = frozenset("cCxXyY")
_O_ALLOWED = frozenset("deHkIlmMSuUVwWy")


def local_zone(name: object) -> tzinfo:
    """The zone Jekyll runs in: ``timezone`` from ``_config.yml`` (``TZ``), else UTC."""
    if isinstance(name, str) and name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, OSError):  # a folder ("Europe") is an OSError
            pass
    return ZoneInfo("UTC")


def strftime(moment: date, fmt: str) -> str:
    """Ruby's ``Time#strftime`` (or ``Date#strftime`` for a ``date``)."""
    if "%" not in fmt:
        return fmt
    return _DIRECTIVE.sub(lambda match: _directive(moment, match), fmt)


def _directive(moment: date, match: re.Match[str]) -> str:
    flags, width_text, colons, modifier, conv = match.groups()
    if modifier and conv not in (_E_ALLOWED if modifier == "E" else _O_ALLOWED):
        return match.group(0)
    if colons and conv != "z":
        return match.group(0)
    width = int(width_text) if width_text else None
    if conv in _COMPOSITES:
        return _pad_text(strftime(moment, _COMPOSITES[conv]), flags, width)
    if conv == "z":
        return _zone_offset(moment, flags, width, len(colons))
    handler = _CONVERSIONS.get(conv)
    if handler is None:
        return _unsupported(moment, match)
    return handler(moment, flags, width)


def _unsupported(moment: date, match: re.Match[str]) -> str:
    conv = match.group(5)
    if conv == "%":
        return _pad_text("%", match.group(1), int(match.group(2)) if match.group(2) else None)
    if not isinstance(moment, datetime) and conv in ("Q", "+"):
        if conv == "Q":
            return str(_epoch(moment) * 1000)
        return strftime(moment, "%a %b %e %H:%M:%S %Z %Y")
    return match.group(0)


# --- padding -------------------------------------------------------------------------------------


def _number(value: int, flags: str, width: int | None, default_width: int, pad: str) -> str:
    if "-" in flags:
        return str(value)
    if "_" in flags:
        pad = " "
    elif "0" in flags:
        pad = "0"
    size = default_width if width is None else width
    text = str(abs(value))
    sign = "-" if value < 0 else ""
    if pad == "0":
        return sign + text.rjust(size - len(sign), "0")
    return (sign + text).rjust(size, " ")


def _pad_text(text: str, flags: str, width: int | None) -> str:
    if "^" in flags:
        text = text.upper()
    if width is None or "-" in flags:
        return text
    return text.rjust(width, "0" if "0" in flags else " ")


def _name(text: str, flags: str, width: int | None) -> str:
    if "#" in flags:
        text = text.upper()
    return _pad_text(text, flags, width)


def _numeric(getter: Callable[[date], int], default_width: int, pad: str = "0") -> _Conversion:
    def convert(moment: date, flags: str, width: int | None) -> str:
        return _number(getter(moment), flags, width, default_width, pad)

    return convert


_Conversion = Callable[[date, str, "int | None"], str]


# --- fields --------------------------------------------------------------------------------------


def _hour(moment: date) -> int:
    return moment.hour if isinstance(moment, datetime) else 0


def _minute(moment: date) -> int:
    return moment.minute if isinstance(moment, datetime) else 0


def _second(moment: date) -> int:
    return moment.second if isinstance(moment, datetime) else 0


def _hour12(moment: date) -> int:
    return (_hour(moment) % 12) or 12


def _epoch(moment: date) -> int:
    if isinstance(moment, datetime):
        aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return int((aware - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(seconds=1))
    return (moment - date(1970, 1, 1)).days * 86400


def _week_number(moment: date, first_weekday: int) -> int:
    """Week of the year, weeks starting on ``first_weekday`` (0=Monday, 6=Sunday), as %U/%W."""
    yday = moment.timetuple().tm_yday - 1
    wday = (moment.weekday() - first_weekday) % 7
    return (yday + 7 - wday) // 7


def _fraction(moment: date, flags: str, width: int | None, default: int) -> str:
    micro = moment.microsecond if isinstance(moment, datetime) else 0
    digits = f"{micro:06d}000"
    size = default if width is None else width
    return digits[:size].ljust(size, "0")


def _meridian(moment: date, flags: str, width: int | None, lower: bool) -> str:
    text = "PM" if _hour(moment) >= 12 else "AM"
    if lower != ("#" in flags):
        text = text.lower()
    return _pad_text(text, flags.replace("#", ""), width)


def _zone_name(moment: date, flags: str, width: int | None) -> str:
    if not isinstance(moment, datetime):
        return _pad_text("+00:00", flags, width)
    zone = moment.tzinfo
    if zone is None or zone is UTC:
        name = "UTC"
    elif isinstance(zone, timezone):
        name = ""
    else:
        name = moment.tzname() or ""
    if "#" in flags:
        name = name.lower()
    return _pad_text(name, flags, width)


def _zone_offset(moment: date, flags: str, width: int | None, colons: int) -> str:
    offset = moment.utcoffset() if isinstance(moment, datetime) else None
    seconds = int(offset.total_seconds()) if offset else 0
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    if colons == 0:
        body = f"{hours:02d}{minutes:02d}"
        if width is not None and width > len(body) + 1:
            body = body.rjust(width - 1, "0")
        return sign + body
    if colons == 1:
        return f"{sign}{hours:02d}:{minutes:02d}"
    if colons == 2:
        return f"{sign}{hours:02d}:{minutes:02d}:{secs:02d}"
    text = f"{sign}{hours:02d}"
    if minutes or secs:
        text += f":{minutes:02d}"
    if secs:
        text += f":{secs:02d}"
    return text


def _iso_week(moment: date) -> tuple[int, int]:
    year, week, _ = moment.isocalendar()
    return year, week


_CONVERSIONS: dict[str, _Conversion] = {
    "Y": lambda m, f, w: _number(m.year, f, w, 4, "0"),
    "C": _numeric(lambda m: m.year // 100, 2),
    "y": _numeric(lambda m: m.year % 100, 2),
    "m": _numeric(lambda m: m.month, 2),
    "d": _numeric(lambda m: m.day, 2),
    "e": _numeric(lambda m: m.day, 2, " "),
    "j": _numeric(lambda m: m.timetuple().tm_yday, 3),
    "H": _numeric(_hour, 2),
    "k": _numeric(_hour, 2, " "),
    "I": _numeric(_hour12, 2),
    "l": _numeric(_hour12, 2, " "),
    "M": _numeric(_minute, 2),
    "S": _numeric(_second, 2),
    "u": _numeric(lambda m: m.isoweekday(), 1),
    "w": _numeric(lambda m: m.isoweekday() % 7, 1),
    "U": _numeric(lambda m: _week_number(m, 6), 2),
    "W": _numeric(lambda m: _week_number(m, 0), 2),
    "G": _numeric(lambda m: _iso_week(m)[0], 4),
    "g": _numeric(lambda m: _iso_week(m)[0] % 100, 2),
    "V": _numeric(lambda m: _iso_week(m)[1], 2),
    "s": _numeric(_epoch, 1),
    "L": lambda m, f, w: _fraction(m, f, w, 3),
    "N": lambda m, f, w: _fraction(m, f, w, 9),
    "A": lambda m, f, w: _name(_DAYS[m.weekday()], f, w),
    "a": lambda m, f, w: _name(_DAYS[m.weekday()][:3], f, w),
    "B": lambda m, f, w: _name(_MONTHS[m.month - 1], f, w),
    "b": lambda m, f, w: _name(_MONTHS[m.month - 1][:3], f, w),
    "h": lambda m, f, w: _name(_MONTHS[m.month - 1][:3], f, w),
    "p": lambda m, f, w: _meridian(m, f, w, lower=False),
    "P": lambda m, f, w: _meridian(m, f, w, lower=True),
    "Z": _zone_name,
    "n": lambda m, f, w: _pad_text("\n", f, w),
    "t": lambda m, f, w: _pad_text("\t", f, w),
}


# --- conversions between Time, Date and zones ----------------------------------------------------


def localtime(moment: date, zone: tzinfo) -> datetime:
    """Ruby's ``to_time.localtime``: a ``Date`` is local midnight, a ``Time`` moves to ``zone``."""
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            return moment.replace(tzinfo=zone)
        return moment.astimezone(zone)
    return datetime(moment.year, moment.month, moment.day, tzinfo=zone)


def xmlschema(moment: datetime) -> str:
    """Ruby's ``Time#xmlschema``: ``Z`` for UTC times, else ``+hh:mm``."""
    suffix = "Z" if moment.tzinfo is UTC else strftime(moment, "%:z")
    return strftime(moment, "%Y-%m-%dT%H:%M:%S") + suffix


def rfc822(moment: datetime) -> str:
    """Ruby's ``Time#rfc2822``: ``Sun, 24 Apr 2011 12:34:46 +0000`` (``-0000`` for UTC)."""
    zone = "-0000" if moment.tzinfo is UTC else strftime(moment, "%z")
    return strftime(moment, "%a, %d %b %Y %H:%M:%S ") + zone


def to_date(value: object, zone: tzinfo) -> date | None:
    """Liquid's ``Utils.to_date``: times and dates as they are, strings parsed, numbers as epoch."""
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return _from_epoch(value, zone)
    if not isinstance(value, str) or not value:
        return None
    text = value.lower()
    if text in ("now", "today"):
        return datetime.now(zone)
    if re.fullmatch(r"\d+", text, flags=re.ASCII) and not text.endswith("\n"):
        return _from_epoch(int(text), zone)
    from handler.engine.liquid.timeparse import parse_time  # its regexes: only for a string

    return parse_time(value, zone)


def _from_epoch(seconds: int, zone: tzinfo) -> datetime | None:
    try:
        return datetime.fromtimestamp(seconds, zone)
    except (OverflowError, OSError, ValueError):
        return None
