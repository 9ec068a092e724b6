"""Signed preview links: good for one path until their expiry, refused when anything is changed."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import urlsplit

import pytest

from handler.site.preview import PARAM, parse_duration, sign, verify

SECRET = secrets.token_urlsafe(32)
NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
DRAFT = "/posts/2024/06/unfinished/"


def link(path: str = DRAFT, *, lifetime: timedelta = timedelta(days=1)) -> tuple[str, str]:
    """(path, query) of a freshly signed link, as a browser would request it."""
    parts = urlsplit(sign(path, SECRET, NOW + lifetime))
    return parts.path, parts.query


def test_a_signed_link_verifies_until_it_expires() -> None:
    path, query = link()

    assert path == DRAFT
    assert query.startswith(f"{PARAM}=")
    assert verify(path, query, SECRET, NOW)
    assert verify(path, query, SECRET, NOW + timedelta(days=1) - timedelta(seconds=1))
    assert not verify(path, query, SECRET, NOW + timedelta(days=1))
    assert not verify(path, query, SECRET, NOW + timedelta(days=30))


def test_the_link_holds_the_expiry_and_a_base64url_mac() -> None:
    _, query = link()
    expiry, mac = query.removeprefix(f"{PARAM}=").split(".")

    assert int(expiry) == int((NOW + timedelta(days=1)).timestamp())
    assert len(mac) == 43 and "=" not in mac and "+" not in mac and "/" not in mac


def test_another_path_is_refused() -> None:
    _, query = link()

    assert not verify("/posts/2024/06/other/", query, SECRET, NOW)
    assert not verify(DRAFT + "x", query, SECRET, NOW)
    assert not verify(DRAFT.rstrip("/"), query, SECRET, NOW)


def test_a_changed_expiry_or_mac_is_refused() -> None:
    path, query = link()
    expiry, mac = query.removeprefix(f"{PARAM}=").split(".")
    later = str(int(expiry) + 86400)
    flipped = mac[:-1] + ("A" if mac[-1] != "A" else "B")

    assert not verify(path, f"{PARAM}={later}.{mac}", SECRET, NOW)
    assert not verify(path, f"{PARAM}={expiry}.{flipped}", SECRET, NOW)
    assert not verify(path, f"{PARAM}={expiry}.{mac.upper()}", SECRET, NOW)


def test_another_secret_is_refused() -> None:
    path, query = link()

    assert not verify(path, query, secrets.token_urlsafe(32), NOW)
    assert verify(path, query, SECRET.encode(), NOW)  # str and bytes secrets agree


@pytest.mark.parametrize(
    "query",
    [
        "",
        "preview=",
        "preview=123",
        "preview=.abc",
        "preview=abc.def",
        "preview=-1." + "A" * 43,
        "preview=1." + "A" * 42,
        "preview=1." + "A" * 43 + "=",
        "other=1",
    ],
)
def test_malformed_tokens_are_refused(query: str) -> None:
    assert not verify(DRAFT, query, SECRET, NOW)


def test_the_token_may_sit_among_other_parameters_but_only_once() -> None:
    path, query = link()

    assert verify(path, f"utm_source=mail&{query}", SECRET, NOW)
    assert verify(path, "?" + query, SECRET, NOW)
    assert not verify(path, f"{query}&{query}", SECRET, NOW)


def test_query_parameters_as_a_mapping_work_too() -> None:
    path, query = link()
    token = query.removeprefix(f"{PARAM}=")

    assert verify(path, {PARAM: token, "x": "1"}, SECRET, NOW)
    assert not verify(path, {}, SECRET, NOW)


def test_encoded_and_decoded_paths_verify_alike() -> None:
    _, query = link("/edge%20case/draft/")

    assert verify("/edge case/draft/", query, SECRET, NOW)
    assert verify("/edge%20case/draft/", query, SECRET, NOW)


def test_a_short_or_empty_secret_signs_nothing_and_verifies_nothing() -> None:
    path, query = link()

    with pytest.raises(ValueError, match="at least 16 bytes"):
        sign(DRAFT, "short", NOW + timedelta(days=1))
    assert not verify(path, query, "", NOW)
    assert not verify(path, query, b"", NOW)


@pytest.mark.parametrize("path", ["posts/x/", "/posts/x/?a=1", "/posts/x/#top"])
def test_only_site_paths_are_signed(path: str) -> None:
    with pytest.raises(ValueError, match="site path"):
        sign(path, SECRET, NOW + timedelta(days=1))


def test_times_must_be_aware_and_zones_do_not_matter() -> None:
    with pytest.raises(ValueError, match="time zone"):
        sign(DRAFT, SECRET, datetime(2024, 6, 2))
    path, query = link()
    pacific = NOW.astimezone(timezone(timedelta(hours=-7)))

    assert verify(path, query, SECRET, pacific)


@pytest.mark.parametrize(
    ("text", "delta"),
    [
        ("30m", timedelta(minutes=30)),
        ("2h", timedelta(hours=2)),
        ("1d", timedelta(days=1)),
        ("1w", timedelta(weeks=1)),
        ("90s", timedelta(seconds=90)),
        ("1d12h", timedelta(days=1, hours=12)),
        (" 2H ", timedelta(hours=2)),
    ],
)
def test_parse_duration(text: str, delta: timedelta) -> None:
    assert parse_duration(text) == delta


@pytest.mark.parametrize("text", ["", "1", "d", "1.5h", "-1d", "1y", "2 h", "0m", "1d-2h"])
def test_parse_duration_rejects_what_it_cannot_read(text: str) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_duration(text)
