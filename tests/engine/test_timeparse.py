"""handler.engine.liquid.timeparse: Ruby's ``Time.parse`` (``Date._parse`` and ``make_time``), which
Jekyll reads a front matter ``date`` with and Liquid's ``date`` filter reads a string with.

The expected values are Ruby 3.1's (date 3.2.2), printed once by
``Time.parse(s, Time.utc(2024, 6, 15, 12, 34, 56))`` under ``TZ=UTC`` and
``TZ=America/Los_Angeles`` (``%Y-%m-%dT%H:%M:%S.%6N%:z``, ``.000000`` dropped); ``None`` where
Ruby raises ``ArgumentError``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from handler.engine.liquid.timeparse import RubyTimeError, parse_time, ruby_time

NOW = datetime(2024, 6, 15, 12, 34, 56, tzinfo=UTC)  # for the fields a string leaves out

IN_UTC = [
    ("2023-01-29 18:30:22 2023 -0800", "2023-01-29T18:30:22+00:00"),
    ("2023-01-29 18:30:22 -0800", "2023-01-29T18:30:22-08:00"),
    ("2023-01-29T18:30:22Z", "2023-01-29T18:30:22+00:00"),
    ("2023-01-29T18:30:22.5+05:30", "2023-01-29T18:30:22.500000+05:30"),
    ("2023-01-29 18:30", "2023-01-29T18:30:00+00:00"),
    ("2023-1-9", "2023-01-09T00:00:00+00:00"),
    ("Sun Jan 29 18:30:22 PST 2023", "2023-01-29T18:30:22-08:00"),
    ("Sun, 29 Jan 2023 18:30:22 +0000", "2023-01-29T18:30:22+00:00"),
    ("Sun, 29 Jan 2023 18:30:22 GMT", "2023-01-29T18:30:22+00:00"),
    ("29 Jan 2023", "2023-01-29T00:00:00+00:00"),
    ("January 29th, 2023", "2023-01-29T00:00:00+00:00"),
    ("Jan 29 2023 6:30 pm", "2023-01-29T18:30:00+00:00"),
    ("Tuesday, March 14, 2023 3:45 PM", "2023-03-14T15:45:00+00:00"),
    ("2023/01/29 18:30", "2023-01-29T18:30:00+00:00"),
    ("01/29/2023", None),
    ("29.01.2023", "2023-01-29T00:00:00+00:00"),
    ("20230129T183022Z", "2023-01-29T18:30:22+00:00"),
    ("2024-366", "2024-12-31T00:00:00+00:00"),
    ("29-Jan-2023", "2023-01-29T00:00:00+00:00"),
    ("12/25/99", None),
    ("2023-02-30", "2023-03-02T00:00:00+00:00"),
    ("2024-02-30 23:00 -0500", "2024-02-29T23:00:00-05:00"),
    ("2023-01-01 24:00", "2023-01-02T00:00:00+00:00"),
    ("2023-01-29 10:00 CET", "2023-01-29T10:00:00+00:00"),
    ("2015-03-01T12:00:00+01:00[Europe/Paris]", "2015-03-01T12:00:00+01:00"),
    ("Jan 5", "2024-01-05T00:00:00+00:00"),
    ("10am", "2024-06-15T10:00:00+00:00"),
    ("someday soon", None),
    ("2023-13-01", None),
    ("2023-01-32", None),
    ("2023-01-01 24:30", None),
    ("2023-366", None),
    ("Sun", None),
    ("9999-12-31 23:00:00 -12:00", "9999-12-31T23:00:00-12:00"),  # the year 10000 in UTC
]

IN_LOS_ANGELES = [
    ("2023-01-29 18:30:22 2023 -0800", "2023-01-29T18:30:22-08:00"),
    ("2023-01-29 18:30:22 -0800", "2023-01-29T18:30:22-08:00"),
    ("2023-01-29T18:30:22Z", "2023-01-29T18:30:22+00:00"),
    ("2023-01-29T18:30:22.5+05:30", "2023-01-29T18:30:22.500000+05:30"),
    ("2023-01-29 18:30", "2023-01-29T18:30:00-08:00"),
    ("2023-1-9", "2023-01-09T00:00:00-08:00"),
    ("Sun Jan 29 18:30:22 PST 2023", "2023-01-29T18:30:22-08:00"),
    ("Sun, 29 Jan 2023 18:30:22 +0000", "2023-01-29T18:30:22+00:00"),
    ("Sun, 29 Jan 2023 18:30:22 GMT", "2023-01-29T18:30:22+00:00"),
    ("29 Jan 2023", "2023-01-29T00:00:00-08:00"),
    ("January 29th, 2023", "2023-01-29T00:00:00-08:00"),
    ("Jan 29 2023 6:30 pm", "2023-01-29T18:30:00-08:00"),
    ("Tuesday, March 14, 2023 3:45 PM", "2023-03-14T15:45:00-07:00"),
    ("2023/01/29 18:30", "2023-01-29T18:30:00-08:00"),
    ("01/29/2023", None),
    ("29.01.2023", "2023-01-29T00:00:00-08:00"),
    ("20230129T183022Z", "2023-01-29T18:30:22+00:00"),
    ("2024-366", "2024-12-31T00:00:00-08:00"),
    ("29-Jan-2023", "2023-01-29T00:00:00-08:00"),
    ("12/25/99", None),
    ("2023-02-30", "2023-03-02T00:00:00-08:00"),
    ("2024-02-30 23:00 -0500", "2024-02-29T23:00:00-05:00"),
    ("2023-01-01 24:00", "2023-01-02T00:00:00-08:00"),
    ("2023-01-29 10:00 CET", "2023-01-29T10:00:00-08:00"),
    ("2015-03-01T12:00:00+01:00[Europe/Paris]", "2015-03-01T12:00:00+01:00"),
    ("Jan 5", "2024-01-05T00:00:00-08:00"),
    ("10am", "2024-06-15T10:00:00-07:00"),
    ("someday soon", None),
    ("2023-13-01", None),
    ("2023-01-32", None),
    ("2023-01-01 24:30", None),
    ("2023-366", None),
    ("Sun", None),
    ("9999-12-31 23:00:00 -12:00", "9999-12-31T23:00:00-12:00"),
]


def _ruby_time(text: str, zone: str) -> str | None:
    try:
        moment = ruby_time(text, ZoneInfo(zone), NOW)
    except RubyTimeError:
        return None
    return moment.isoformat()


@pytest.mark.parametrize(("text", "expected"), IN_UTC)
def test_time_parse_in_utc(text: str, expected: str | None) -> None:
    assert _ruby_time(text, "UTC") == expected


@pytest.mark.parametrize(("text", "expected"), IN_LOS_ANGELES)
def test_time_parse_in_a_site_timezone(text: str, expected: str | None) -> None:
    assert _ruby_time(text, "America/Los_Angeles") == expected


def test_utc_names_give_a_utc_time_and_other_zero_offsets_do_not() -> None:
    # Ruby: Z, UTC, UT and -0000 make a UTC time (xmlschema prints Z, %Z UTC); GMT and +0000 a
    # time at offset 0 (+00:00, no zone name) when the local zone is elsewhere.
    la = ZoneInfo("America/Los_Angeles")
    assert ruby_time("2023-01-29T18:30:22Z", la, NOW).tzinfo is UTC
    assert ruby_time("Sun, 29 Jan 2023 18:30:22 -0000", la, NOW).tzinfo is UTC
    assert ruby_time("Sun, 29 Jan 2023 18:30:22 GMT", la, NOW).tzinfo is not UTC
    assert ruby_time("Sun, 29 Jan 2023 18:30:22 +0000", la, NOW).tzinfo is not UTC


def test_a_zone_the_local_zone_names_is_its_offset() -> None:
    # Time.zone_offset knows the local zone's own abbreviations (CET under TZ=Europe/Berlin).
    berlin = ZoneInfo("Europe/Berlin")
    assert ruby_time("2023-07-29 18:30:22 CET", berlin, NOW).isoformat() == (
        "2023-07-29T18:30:22+01:00"
    )
    assert ruby_time("2023-07-29 18:30:22 CEST", berlin, NOW).isoformat() == (
        "2023-07-29T18:30:22+02:00"
    )


def test_liquid_reading_returns_none_where_ruby_raises() -> None:
    assert parse_time("someday soon", UTC) is None
    assert parse_time("x" * 120 + " 2020-01-01", UTC) is None  # past Date._parse's 128 characters
    assert parse_time("2023-01-29 18:30:22 2023 -0800", UTC) == datetime(
        2023, 1, 29, 18, 30, 22, tzinfo=UTC
    )
