"""Signed preview links for drafts and unpublished posts.

A link is the post's path plus ``?preview=<expiry>.<mac>``: ``expiry`` in Unix seconds and ``mac``
the HMAC-SHA256, base64url without padding, of ``broadsheet-preview-v1``, the percent-decoded path
and the expiry (NUL-separated) under the site's secret. A link is good for that one path until its
expiry; changing either breaks the MAC, and so does rotating the secret.

Paths are compared percent-decoded, so the link ``/edge%20case/x/`` and the path a server hands
the app (``/edge case/x/``) verify alike.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, unquote

PARAM = "preview"
MIN_SECRET_BYTES = 16
_CONTEXT = b"broadsheet-preview-v1"
_TOKEN = re.compile(r"(?P<expiry>[0-9]{1,12})\.(?P<mac>[A-Za-z0-9_-]{43})")
_DURATION = re.compile(r"(?:\d+[smhdw])+")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def sign(path: str, secret: str | bytes, expires_at: datetime) -> str:
    """``path?preview=<expiry>.<mac>``, good until ``expires_at`` (an aware datetime)."""
    if "?" in path or "#" in path or not path.startswith("/"):
        raise ValueError(f"a preview link signs a site path like /posts/x/, not {path!r}")
    expiry = _timestamp(expires_at)
    return f"{path}?{PARAM}={expiry}.{_mac(path, expiry, _key(secret))}"


def verify(path: str, query: str | Mapping[str, str], secret: str | bytes, now: datetime) -> bool:
    """Whether ``query`` (the raw query string, or its parameters) holds a live token for ``path``.

    False for a missing, malformed, tampered or expired token, and for a missing or short secret.
    """
    token = _token(query)
    match = _TOKEN.fullmatch(token) if token else None
    if match is None:
        return False
    try:
        key = _key(secret)
    except ValueError:
        return False
    expiry = int(match["expiry"])
    expected = _mac(path, expiry, key)
    if not hmac.compare_digest(expected.encode(), match["mac"].encode()):
        return False
    return _timestamp(now) < expiry


def parse_duration(text: str) -> timedelta:
    """``30m``, ``2h``, ``1d``, ``1w``, or a sum such as ``1d12h``; must be more than zero."""
    spec = text.strip().lower()
    if not spec or _DURATION.fullmatch(spec) is None:
        raise ValueError(f"{text!r} is not a duration: use e.g. 30m, 2h, 1d or 1w")
    seconds = sum(int(n) * _UNITS[unit] for n, unit in re.findall(r"(\d+)([smhdw])", spec))
    if seconds <= 0:
        raise ValueError(f"{text!r} is not a positive duration")
    return timedelta(seconds=seconds)


def _token(query: str | Mapping[str, str]) -> str | None:
    if isinstance(query, str):
        values = parse_qs(query.lstrip("?"), keep_blank_values=True).get(PARAM, [])
        return values[0] if len(values) == 1 else None
    return query.get(PARAM)


def _key(secret: str | bytes) -> bytes:
    key = secret.encode() if isinstance(secret, str) else secret
    if len(key) < MIN_SECRET_BYTES:
        raise ValueError(
            f"the preview secret must be at least {MIN_SECRET_BYTES} bytes; "
            "generate one with: python -c 'import secrets; print(secrets.token_urlsafe(32))'"
        )
    return key


def _mac(path: str, expiry: int, key: bytes) -> str:
    message = b"\0".join((_CONTEXT, unquote(path).encode(), str(expiry).encode()))
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _timestamp(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError(f"{moment!r} has no time zone")
    return int(moment.astimezone(UTC).timestamp())
