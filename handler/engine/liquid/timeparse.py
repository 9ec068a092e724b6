"""Ruby's ``Time.parse``: ``Date._parse`` (ruby/date's ``ext/date/date_parse.c``) and ``time.rb``'s
``make_time``, ported step for step.

Jekyll reads a front matter ``date`` with ``Time.parse`` and Liquid's ``date`` filter reads a string
the same way, so both use :func:`ruby_time` and agree. ``Date._parse`` does not match a whole
format: it runs a fixed sequence of searches over the string (weekday, time with its zone, then the
first date form that matches: ``29 Jan 2023``, ``Jan 29 2023``, ISO 8601, JIS, VMS, ``a/b/c``,
``a.b.c``, ISO week and ordinal dates, ``'23``, a month name, ``29th``, bare digit runs), blanking
each match, and ignores whatever is left. So ``2023-01-29 18:30:22 2023 -0800`` is 18:30:22 on
2023-01-29 with no zone: the zone must follow the time, and the stray year and offset are left
over. dateutil reads strings by other rules (it takes that offset, and refuses other strings Ruby
reads), hence the port. ``Date._parse``'s hash is kept as a dict with Ruby's keys.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from fractions import Fraction
from typing import Any

__all__ = ["RubyTimeError", "date_parse", "parse_time", "ruby_time"]

# Ruby's \d, \s and the C parser's isdigit are ASCII; its \b and [[:alpha:]] are Unicode.
_D = "[0-9]"
_NUMBER = rf"(?<!{_D}){_D}"
_ALPHA = r"[^\W\d_]"
_ABBR_DAYS = "sun|mon|tue|wed|thu|fri|sat"
_ABBR_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
_ERA = r"c(?:e|\.e\.)|b(?:ce|\.c\.e\.)|a(?:d|\.d\.)|b(?:c|\.c\.)"
_LIMIT = 128  # Date._parse's default ``limit:`` (date 3.2)

Hash = dict[str, Any]


class RubyTimeError(ValueError):
    """``Time.parse`` raises ``ArgumentError``: no date or time in the string, or a field out of
    range."""


def _compile(pattern: str, ignore_case: bool = True) -> re.Pattern[str]:
    return re.compile(pattern, re.I if ignore_case else 0)


_SPACES = re.compile(r"(?:[^\w\-+',./:@\[\]]|_)+")  # [^-+',./:@[:alnum:]\[\]]+
_DAY = _compile(rf"\b({_ABBR_DAYS})[^-/0-9\s]*")
_TIME = _compile(
    rf"({_NUMBER}+\s*"
    rf"(?:(?::\s*{_D}+(?:\s*:\s*{_D}+(?:[,.]{_D}*)?)?|h(?:\s*{_D}+m?(?:\s*{_D}+s?)?)?)"
    r"(?:\s*[ap](?:m\b|\.m\.))?"
    r"|[ap](?:m\b|\.m\.)))"
    rf"(?:\s*((?:gmt|utc?)?[-+]{_D}+(?:[,.:]{_D}+(?::{_D}+)?)?"
    rf"|(?-i:(?:{_ALPHA}|[.\s])+)(?:standard|daylight)\stime\b"
    rf"|(?-i:{_ALPHA}+)(?:\sdst)?\b))?"
)
_CLOCK = _compile(
    rf"\A({_D}+)h?(?:\s*:?\s*({_D}+)m?(?:\s*:?\s*({_D}+)(?:[,.]({_D}+))?s?)?)?"
    r"(?:\s*([ap])(?:m\b|\.m\.))?"
)
_EU = _compile(
    rf"('?{_NUMBER}+)[^-0-9\s]*\s*({_ABBR_MONTHS})[^-0-9\s']*"
    rf"(?:\s*(?:\b({_ERA})(?!(?<!\.)[a-z]))?\s*('?-?{_D}+(?:(?:st|nd|rd|th)\b)?))?"
)
_US = _compile(
    rf"\b({_ABBR_MONTHS})[^-0-9\s']*\s*('?{_D}+)[^-0-9\s']*"
    rf"(?:\s*+,?\s*+({_ERA})?\s*('?-?{_D}+))?"
)
_ISO = _compile(rf"('?[-+]?{_NUMBER}+)-({_D}+)-('?-?{_D}+)", ignore_case=False)
_ISO21 = _compile(rf"\b({_D}{{2}}|{_D}{{4}})?-?w({_D}{{2}})(?:-?({_D}))?\b")
_ISO22 = _compile(rf"-w-({_D})\b")
_ISO23 = _compile(rf"--({_D}{{2}})?-({_D}{{2}})\b", ignore_case=False)
_ISO24 = _compile(rf"--({_D}{{2}})({_D}{{2}})?\b", ignore_case=False)
_ISO25_NOT = _compile(rf"[,.]({_D}{{2}}|{_D}{{4}})-{_D}{{3}}\b", ignore_case=False)
_ISO25 = _compile(rf"\b({_D}{{2}}|{_D}{{4}})-({_D}{{3}})\b", ignore_case=False)
_ISO26_NOT = _compile(rf"{_D}-{_D}{{3}}\b", ignore_case=False)
_ISO26 = _compile(rf"\b-({_D}{{3}})\b", ignore_case=False)
_JIS = _compile(rf"\b([mtshr])({_D}+)\.({_D}+)\.({_D}+)")
_VMS11 = _compile(rf"('?-?{_NUMBER}+)-({_ABBR_MONTHS})[^-/.]*-('?-?{_D}+)")
_VMS12 = _compile(rf"\b({_ABBR_MONTHS})[^-/.]*-('?-?{_D}+)(?:-('?-?{_D}+))?")
_SLA = _compile(rf"('?-?{_NUMBER}+)/\s*('?{_D}+)(?:[^0-9]\s*('?-?{_D}+))?")
_DOT = _compile(rf"('?-?{_NUMBER}+)\.\s*('?{_D}+)\.\s*('?-?{_D}+)")
_YEAR = _compile(rf"'({_D}+)\b", ignore_case=False)
_MON = _compile(rf"\b({_ABBR_MONTHS})\S*")
_MDAY = _compile(rf"({_NUMBER}+)(st|nd|rd|th)\b")
_DDD = _compile(
    rf"([-+]?)({_NUMBER}{{2,14}})(?:\s*t?\s*({_D}{{2,6}})?(?:[,.]({_D}*))?)?"
    rf"(?:\s*(z\b|[-+]{_D}{{1,4}}\b|\[[-+]?{_D}[^\]]*\]))?"
)
_BC = _compile(r"\b(bc\b|bce\b|b\.c\.|b\.c\.e\.)")
_FRAG = _compile(rf"\A\s*({_D}{{1,2}})\s*\Z")

_ALPHA_C, _DIGIT_C, _DASH_C, _DOT_C, _SLASH_C = 1, 2, 4, 8, 16


def _classes(text: str) -> int:
    """``check_class``: which of ASCII letters, digits, ``-``, ``.``, ``/`` the string holds."""
    flags = 0
    if re.search("[A-Za-z]", text):
        flags |= _ALPHA_C
    if re.search("[0-9]", text):
        flags |= _DIGIT_C
    for char, flag in (("-", _DASH_C), (".", _DOT_C), ("/", _SLASH_C)):
        if char in text:
            flags |= flag
    return flags


class _Parse:
    """One ``date__parse``: the string, blanked match by match, and the hash it fills."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.hash: Hash = {}

    def has(self, flags: int) -> bool:
        return _classes(self.text) & flags == flags

    def sub(self, pattern: re.Pattern[str], callback: Callable[[re.Match[str]], object]) -> bool:
        """``subx``: the first match is replaced by a space, then handed to ``callback``."""
        match = pattern.search(self.text)
        if match is None:
            return False
        self.text = self.text[: match.start()] + " " + self.text[match.end() :]
        callback(match)
        return True

    # Callbacks, as date_parse.c's *_cb.

    def day(self, m: re.Match[str]) -> None:
        self.hash["wday"] = _ABBR_DAYS.split("|").index(m[1][:3].lower())

    def time(self, m: re.Match[str]) -> None:
        if m[2] is not None:
            self.hash["zone"] = m[2]
        clock = _CLOCK.search(m[1])
        if clock is None:
            return
        hour = int(clock[1])
        if clock[5] is not None:
            hour = hour % 12 + (12 if clock[5] in "Pp" else 0)
        self.hash["hour"] = hour
        if clock[2] is not None:
            self.hash["min"] = int(clock[2])
        if clock[3] is not None:
            self.hash["sec"] = int(clock[3])
        if clock[4] is not None:
            self.hash["sec_fraction"] = Fraction(int(clock[4]), 10 ** len(clock[4]))

    def eu(self, m: re.Match[str]) -> None:
        _s3e(self.hash, m[4], str(_mon_num(m[2])), m[1], _is_bc(m[3]))

    def us(self, m: re.Match[str]) -> None:
        _s3e(self.hash, m[4], str(_mon_num(m[1])), m[2], _is_bc(m[3]))

    def iso(self, m: re.Match[str]) -> None:
        _s3e(self.hash, m[1], m[2], m[3], False)

    def iso21(self, m: re.Match[str]) -> None:
        if m[1] is not None:
            self.hash["cwyear"] = int(m[1])
        self.hash["cweek"] = int(m[2])
        if m[3] is not None:
            self.hash["cwday"] = int(m[3])

    def iso22(self, m: re.Match[str]) -> None:
        self.hash["cwday"] = int(m[1])

    def iso23(self, m: re.Match[str]) -> None:
        if m[1] is not None:
            self.hash["mon"] = int(m[1])
        self.hash["mday"] = int(m[2])

    def iso24(self, m: re.Match[str]) -> None:
        self.hash["mon"] = int(m[1])
        if m[2] is not None:
            self.hash["mday"] = int(m[2])

    def iso25(self, m: re.Match[str]) -> None:
        self.hash["year"] = int(m[1])
        self.hash["yday"] = int(m[2])

    def iso26(self, m: re.Match[str]) -> None:
        self.hash["yday"] = int(m[1])

    def jis(self, m: re.Match[str]) -> None:
        era = {"m": 1867, "t": 1911, "s": 1925, "h": 1988, "r": 2018}[m[1].lower()]
        self.hash.update(year=int(m[2]) + era, mon=int(m[3]), mday=int(m[4]))

    def vms11(self, m: re.Match[str]) -> None:
        _s3e(self.hash, m[3], str(_mon_num(m[2])), m[1], False)

    def vms12(self, m: re.Match[str]) -> None:
        _s3e(self.hash, m[3], str(_mon_num(m[1])), m[2], False)

    def year(self, m: re.Match[str]) -> None:
        self.hash["year"] = int(m[1])

    def mon(self, m: re.Match[str]) -> None:
        self.hash["mon"] = _mon_num(m[1])

    def mday(self, m: re.Match[str]) -> None:
        self.hash["mday"] = int(m[1])

    def ddd(self, m: re.Match[str]) -> None:
        _ddd(self.hash, m)

    def bc(self, m: re.Match[str]) -> None:
        self.hash["_bc"] = True

    def frag(self, m: re.Match[str]) -> None:
        n = int(m[1])
        if "hour" in self.hash and "mday" not in self.hash and 1 <= n <= 31:
            self.hash["mday"] = n
        if "mday" in self.hash and "hour" not in self.hash and 0 <= n <= 24:
            self.hash["hour"] = n

    # The sequence of date__parse.

    def date_forms(self) -> None:
        """The first date form that matches (``goto ok`` in ``date__parse``)."""
        sub = self.sub
        if self.has(_ALPHA_C | _DIGIT_C) and (sub(_EU, self.eu) or sub(_US, self.us)):
            return
        if self.has(_DIGIT_C | _DASH_C) and sub(_ISO, self.iso):
            return
        if self.has(_DIGIT_C | _DOT_C) and sub(_JIS, self.jis):
            return
        if self.has(_ALPHA_C | _DIGIT_C | _DASH_C) and (
            sub(_VMS11, self.vms11) or sub(_VMS12, self.vms12)
        ):
            return
        if self.has(_DIGIT_C | _SLASH_C) and sub(_SLA, self.iso):
            return
        if self.has(_DIGIT_C | _DOT_C) and sub(_DOT, self.iso):
            return
        if self.has(_DIGIT_C) and self.iso2():
            return
        if self.has(_DIGIT_C) and sub(_YEAR, self.year):
            return
        if self.has(_ALPHA_C) and sub(_MON, self.mon):
            return
        if self.has(_DIGIT_C) and sub(_MDAY, self.mday):
            return
        if self.has(_DIGIT_C):
            sub(_DDD, self.ddd)

    def iso2(self) -> bool:
        sub = self.sub
        return (
            sub(_ISO21, self.iso21)
            or sub(_ISO22, self.iso22)
            or sub(_ISO23, self.iso23)
            or sub(_ISO24, self.iso24)
            or (_ISO25_NOT.search(self.text) is None and sub(_ISO25, self.iso25))
            or (_ISO26_NOT.search(self.text) is None and sub(_ISO26, self.iso26))
        )


def _is_bc(era: str | None) -> bool:
    return era is not None and era[0] in "Bb"


def _mon_num(name: str) -> int:
    return _ABBR_MONTHS.split("|").index(name[:3].lower()) + 1


def _digits_at(text: str, start: int) -> int:
    end = start
    while end < len(text) and "0" <= text[end] <= "9":
        end += 1
    return end


def _to_inum(text: str) -> int:
    """``rb_cstr_to_inum(s, 10, 0)`` on a sign and digits: a lone sign is 0."""
    return int(text) if text.lstrip("+-") else 0


def _number_in(text: str) -> int | None:
    """The first run of digits in ``text`` (s3e's month and day), ``None`` without one."""
    match = re.search("[0-9]+", text)
    return int(match[0]) if match else None


def _s3e(hash: Hash, y: str | None, m: str | None, d: str | None, bc: bool) -> None:
    """``s3e``: sort three fields into year, month and day by their shape (a leading ``'`` or more
    than two digits makes a year), as date_parse.c does."""
    comp: bool | None = None
    if y is not None and d is None:
        y, m, d = None, y, m
    if y is None:
        if d is not None and len(d) > 2:
            y, d = d, None
        if d is not None and d[:1] == "'":
            y, d = d, None
    if y is not None:
        start = next((i for i, c in enumerate(y) if c in "+-" or "0" <= c <= "9"), None)
        if start is not None:
            end = _digits_at(y, start + (y[start] in "+-"))
            if end < len(y):  # more after the digits: those digits are the day
                digits = y[start:end]
                y, d = d, digits
    if m is not None and (m[:1] == "'" or len(m) > 2):  # us -> be
        y, m, d = m, d, y
    if d is not None and (d[:1] == "'" or len(d) > 2):
        y, d = d, y
    if y is not None:
        start = next((i for i, c in enumerate(y) if c in "+-" or "0" <= c <= "9"), None)
        if start is not None:
            signed = y[start] in "+-"
            end = _digits_at(y, start + signed)
            if signed or end - start - signed > 2:
                comp = False
            hash["year"] = _to_inum(y[start:end])
    if bc:
        hash["_bc"] = True
    if m is not None and (mon := _number_in(m)) is not None:
        hash["mon"] = mon
    if d is not None and (mday := _number_in(d)) is not None:
        hash["mday"] = mday
    if comp is not None:
        hash["_comp"] = comp


def _ddd(hash: Hash, m: re.Match[str]) -> None:
    """``parse_ddd_cb``: a run of 2 to 14 digits read by its length (``20230129``,
    ``20230129T183022``, ``183022`` after a fraction...)."""
    sign, s2, s3, s4, s5 = m[1], m[2], m[3], m[4], m[5]
    negative = sign == "-"
    n = len(s2)

    def two(at: int, width: int = 2) -> int:
        return int(s2[at : at + width])

    time_only = s3 is None and s4 is not None
    if n == 2:
        hash["sec" if time_only else "mday"] = two(0)
    elif n == 4:
        if time_only:
            hash.update(sec=two(n - 2), min=two(n - 4))
        else:
            hash.update(mon=two(0), mday=two(2))
    elif n == 6:
        if time_only:
            hash.update(sec=two(n - 2), min=two(n - 4), hour=two(n - 6))
        else:
            hash.update(year=-two(0) if negative else two(0), mon=two(2), mday=two(4))
    elif n in (8, 10, 12, 14):
        if time_only:
            hash.update(sec=two(n - 2), min=two(n - 4), hour=two(n - 6), mday=two(n - 8))
            if n >= 10:
                hash["mon"] = two(n - 10)
            if n == 12:
                hash["year"] = -two(0) if negative else two(0)
            if n == 14:
                hash["year"] = -two(0, 4) if negative else two(0, 4)
                hash["_comp"] = False
        else:
            hash.update(year=-two(0, 4) if negative else two(0, 4), mon=two(4), mday=two(6))
            if n >= 10:
                hash["hour"] = two(8)
            if n >= 12:
                hash["min"] = two(10)
            if n >= 14:
                hash["sec"] = two(12)
            hash["_comp"] = False
    elif n == 3:
        if time_only:
            hash.update(sec=two(n - 2), min=two(n - 3, 1))
        else:
            hash["yday"] = two(0, 3)
    elif n == 5:
        if time_only:
            hash.update(sec=two(n - 2), min=two(n - 4), hour=two(n - 5, 1))
        else:
            hash.update(year=-two(0) if negative else two(0), yday=two(2, 3))
    elif n == 7:
        if time_only:
            hash.update(sec=two(n - 2), min=two(n - 4), hour=two(n - 6), mday=two(n - 7, 1))
        else:
            hash.update(year=-two(0, 4) if negative else two(0, 4), yday=two(4, 3))
    if s3 is not None and len(s3) in (2, 4, 6):
        l3 = len(s3)
        if s4 is not None:
            hash["sec"] = int(s3[l3 - 2 :])
            if l3 >= 4:
                hash["min"] = int(s3[l3 - 4 : l3 - 2])
            if l3 >= 6:
                hash["hour"] = int(s3[:2])
        else:
            hash["hour"] = int(s3[:2])
            if l3 >= 4:
                hash["min"] = int(s3[2:4])
            if l3 >= 6:
                hash["sec"] = int(s3[4:6])
    if s4 is not None:
        hash["sec_fraction"] = Fraction(_to_inum(s4), 10 ** len(s4))
    if s5 is not None:
        zone = s5
        if s5[0] == "[":
            inner = s5[1:-1]
            zone = inner.split(":", 1)[1] if ":" in inner else inner
        hash["zone"] = zone


def date_parse(text: str) -> Hash:
    """``Date._parse(text)`` (``comp`` true) without ``:offset``, which ``Time.parse`` does not
    read. ``RubyTimeError`` past Ruby's 128-character limit."""
    if len(text) > _LIMIT:
        raise RubyTimeError(f"string length ({len(text)}) exceeds the limit {_LIMIT}")
    parse = _Parse(_SPACES.sub(" ", text))
    parse.hash["_comp"] = True
    if parse.has(_ALPHA_C):
        parse.sub(_DAY, parse.day)
    if parse.has(_DIGIT_C):
        parse.sub(_TIME, parse.time)
    parse.date_forms()
    if parse.has(_ALPHA_C):
        parse.sub(_BC, parse.bc)
    if parse.has(_DIGIT_C):
        parse.sub(_FRAG, parse.frag)
    hash = parse.hash
    if hash.pop("_bc", False):
        for key in ("cwyear", "year"):
            if key in hash:
                hash[key] = -hash[key] + 1
    if hash.pop("_comp", False):
        for key in ("cwyear", "year"):
            if key in hash and 0 <= hash[key] <= 99:
                hash[key] += 1900 if hash[key] >= 69 else 2000
    return hash


# time.rb

_ZONE_OFFSET = {"UTC": 0, "Z": 0, "UT": 0, "GMT": 0, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5}
_ZONE_OFFSET |= {"MST": -7, "MDT": -6, "PST": -8, "PDT": -7}
_ZONE_OFFSET |= {letter: i + 1 for i, letter in enumerate("ABCDEFGHIKLM")}
_ZONE_OFFSET |= {letter: -(i + 1) for i, letter in enumerate("NOPQRSTUVWXY")}
_NUMERIC_ZONE = re.compile(r"\A([+-])([0-9][0-9])(:?)([0-9][0-9])(?:\3([0-9][0-9]))?\Z")
_HOURS_ZONE = re.compile(r"\A[+-][0-9][0-9]\Z")
_UTC_ZONE = re.compile(r"\A(?:-00:00|-0000|-00|UTC|Z|UT)\Z", re.I)
_COMMON_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_LEAP_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _zone_offset(zone: str, year: int, local: tzinfo) -> int | None:
    """``Time.zone_offset``: seconds east of UTC, or ``None`` for a zone it does not know (the
    time is then local). The local zone's own abbreviations count, as in Ruby."""
    zone = zone.upper()
    if match := _NUMERIC_ZONE.match(zone):
        sign = -1 if match[1] == "-" else 1
        return sign * ((int(match[2]) * 60 + int(match[4])) * 60 + int(match[5] or 0))
    if _HOURS_ZONE.match(zone):
        return int(zone) * 3600
    if zone in _ZONE_OFFSET:
        return _ZONE_OFFSET[zone] * 3600
    for month in (1, 7):
        try:
            moment = datetime(year, month, 1, tzinfo=local)
        except ValueError:
            return None
        if (moment.tzname() or "").upper() == zone:
            offset = moment.utcoffset()
            return int(offset.total_seconds()) if offset is not None else None
    return None


def _month_days(year: int, mon: int) -> int | None:
    """``month_days``, with Ruby's array indexing (month 0 is December, 13 is nil)."""
    days = _LEAP_DAYS if (year % 4 == 0 and year % 100 != 0) or year % 400 == 0 else _COMMON_DAYS
    return days[mon - 1] if -12 <= mon - 1 < 12 else None


def _apply_offset(
    year: int, mon: int, day: int, hour: int, minute: int, sec: int, off: int
) -> tuple[int, int, int, int, int, int]:
    """``Time.apply_offset``: local fields to UTC ones before ``Time.utc`` validates them (so an
    offset can carry a day past a month's end into the next month's first, as in Ruby)."""
    if off < 0:
        off = -off
        off, o = divmod(off, 60)
        if o:
            sec += o
            o, sec = divmod(sec, 60)
            off += o
        off, o = divmod(off, 60)
        if o:
            minute += o
            o, minute = divmod(minute, 60)
            off += o
        off, o = divmod(off, 24)
        if o:
            hour += o
            o, hour = divmod(hour, 24)
            off += o
        if off:
            day += off
            days = _month_days(year, mon)
            if days is not None and days < day:
                mon += 1
                if mon > 12:
                    mon, year = 1, year + 1
                day = 1
    elif off > 0:
        off, o = divmod(off, 60)
        if o:
            sec -= o
            o, sec = divmod(sec, 60)
            off -= o
        off, o = divmod(off, 60)
        if o:
            minute -= o
            o, minute = divmod(minute, 60)
            off -= o
        off, o = divmod(off, 24)
        if o:
            hour -= o
            o, hour = divmod(hour, 24)
            off -= o
        if off:
            day -= off
            if day < 1:
                mon -= 1
                if mon < 1:
                    year, mon = year - 1, 12
                day = _month_days(year, mon) or 0
    return year, mon, day, hour, minute, sec


def _civil(fields: tuple[int, int, int, int, int, int], usec: Fraction, zone: tzinfo) -> datetime:
    """``Time.utc`` / ``Time.local``: Ruby's range checks, then a day past the month's end, hour 24
    and second 60 carry over. ``OverflowError`` outside Python's years 1 to 9999."""
    year, mon, day, hour, minute, sec = fields
    if not 1 <= mon <= 12 or not 1 <= day <= 31 or not 0 <= hour <= 24:
        raise RubyTimeError("argument out of range")
    if not 0 <= minute <= 59 or not 0 <= sec <= 60 or (hour == 24 and (minute or sec)):
        raise RubyTimeError("argument out of range")
    try:
        first = datetime(year, mon, 1, tzinfo=zone)
        return first + timedelta(
            days=day - 1, hours=hour, minutes=minute, seconds=sec, microseconds=int(usec)
        )
    except ValueError:
        raise OverflowError(f"year {year} is out of range") from None


def ruby_time(text: str, zone: tzinfo, now: datetime | None = None) -> datetime:
    """``Time.parse(text)`` with ``zone`` as the local time zone (Jekyll sets ``TZ`` to the site's
    ``timezone``): a string without a zone is a wall-clock time there, fields it lacks come from
    ``now`` up to the first it has. ``RubyTimeError`` where Ruby raises ``ArgumentError``;
    ``OverflowError`` for a time Ruby has and Python cannot (outside the years 1 to 9999)."""
    d = date_parse(text)
    return _make_time(text, d, d.get("year"), d.get("mon"), d.get("mday"), zone, now)


def _make_time(
    text: str,
    d: Hash,
    year: int | None,
    mon: int | None,
    day: int | None,
    local: tzinfo,
    now: datetime | None,
) -> datetime:
    """``Time.make_time`` for ``Date._parse``'s hash ``d`` (year, month and day apart: the
    ordinal-date branch retries with them)."""
    hour, minute, sec, fraction = (d.get(k) for k in ("hour", "min", "sec", "sec_fraction"))
    zone: str | None = d.get("zone")
    yday = d.get("yday")
    fields = (year, yday, mon, day, hour, minute, sec, fraction)
    if all(field is None for field in fields):
        raise RubyTimeError(f"no time information in {text!r}")
    now = datetime.now(local) if now is None else now.astimezone(local)
    off_year = year if year is not None else now.year
    off = _zone_offset(zone, off_year, local) if zone is not None else None
    if yday is not None:
        return _ordinal(text, d, year, yday, off_year, local, now)
    if off is not None:
        now = now.astimezone(_fixed(off))
    given: dict[str, int | Fraction | None] = {"year": year, "mon": mon, "day": day}
    given |= {"hour": hour, "min": minute, "sec": sec}
    given["usec"] = fraction * 1_000_000 if fraction is not None else None
    now_fields = (now.year, now.month, now.day, now.hour, now.minute, now.second, now.microsecond)
    for name, value in zip(given, now_fields, strict=True):  # now's, up to the first one given
        if given[name] is not None:
            break
        given[name] = value
    fields6 = (
        int(given["year"] if given["year"] is not None else 1970),
        int(given["mon"] if given["mon"] is not None else 1),
        int(given["day"] if given["day"] is not None else 1),
        int(given["hour"] or 0),
        int(given["min"] or 0),
        int(given["sec"] or 0),
    )
    year = fields6[0]
    if year != off_year:
        off = _zone_offset(zone, year, local) if zone is not None else None
    usec = Fraction(given["usec"] or 0)
    if off is None or zone is None:
        return _civil(fields6, usec, local)
    try:
        moment = _civil(_apply_offset(*fields6, off), usec, UTC)
    except OverflowError:
        # past the year 9999 in UTC, not in its own offset (9999-12-31 23:00 -12:00): Ruby has
        # both; Python only the time in its offset, which is what Ruby's ``Time.parse`` gives
        return _civil(fields6, usec, _fixed(off))
    return _force_zone(moment, zone, off, local)


def _ordinal(
    text: str, d: Hash, year: int | None, yday: int, off_year: int, local: tzinfo, now: datetime
) -> datetime:
    """``make_time``'s ``yday`` branch: a guess at month and day, corrected by the difference."""
    if not 1 <= yday <= 366:
        raise RubyTimeError(f"yday {yday} out of range")
    undated = {k: v for k, v in d.items() if k != "yday"}
    mon, day = divmod(yday - 1, 31)
    mon, day = mon + 1, day + 1
    guess = _make_time(text, undated, year, mon, day, local, now)
    diff = yday - guess.timetuple().tm_yday
    if diff == 0:
        return guess
    day += diff
    if day > 28 and day > (mdays := _month_days(off_year, mon) or 0):
        mon += 1
        if mon > 12:
            raise RubyTimeError(f"yday {yday} out of range")
        day -= mdays
    return _make_time(text, undated, year, mon, day, local, now)


def _force_zone(moment: datetime, zone: str, off: int, local: tzinfo) -> datetime:
    """``Time.force_zone!``: UTC for the UTC names, else the local zone when it has this offset
    at that moment, else the fixed offset."""
    if _UTC_ZONE.match(zone):
        return moment
    there = moment.astimezone(local)
    if there.utcoffset() == timedelta(seconds=off):
        return there
    return moment.astimezone(_fixed(off))


def _fixed(offset: int) -> tzinfo:
    """A fixed-offset zone; a zero one is not ``UTC`` (Ruby prints it ``+00:00``, not ``Z``)."""
    if not -86400 < offset < 86400:
        raise RubyTimeError("utc_offset out of range")
    return timezone(timedelta(seconds=offset)) if offset else _ZERO


_ZERO = timezone(timedelta(0), "+00:00")


def parse_time(text: str, zone: tzinfo) -> datetime | None:
    """``Time.parse`` as Liquid's ``Utils.to_date`` uses it: ``None`` where Ruby raises
    ``ArgumentError`` (and for a time outside Python's years)."""
    try:
        return ruby_time(text, zone)
    except (RubyTimeError, OverflowError):
        return None
