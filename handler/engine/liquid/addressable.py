"""The parts of Ruby's Addressable::URI that Jekyll's URL filters use.

``relative_url``/``absolute_url`` return ``Addressable::URI.parse(url).normalize.to_s`` and
``uri_escape`` is ``Addressable::URI.normalize_component``: characters outside each component's
allowed set are percent-encoded (UTF-8, upper-case hex), needless escapes are decoded, text is
NFKC-normalised, dot segments are removed from paths, scheme and host are lower-cased and default
ports dropped.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache

__all__ = ["is_absolute", "normalize", "normalize_component"]

_ALPHA_DIGIT = "a-zA-Z0-9"
_GEN_DELIMS = r"\:\/\?\#\[\]\@"
_SUB_DELIMS = r"\!\$\&\'\(\)\*\+\,\;\="
_UNRESERVED = _ALPHA_DIGIT + r"\-\.\_\~"
_RESERVED = _GEN_DELIMS + _SUB_DELIMS
_PCHAR = _UNRESERVED + _SUB_DELIMS + r"\:\@"
_HOST = _UNRESERVED + _SUB_DELIMS + r"\[\:\]"
_FRAGMENT = _PCHAR + r"\/\?"

_ENCODE_DEFAULT = re.compile(rf"[^{_RESERVED}{_UNRESERVED}]".encode())
_ENCODE_PCHAR = re.compile(rf"[^{_PCHAR}]".encode())
_ENCODE_HOST = re.compile(rf"[^{_HOST}]".encode())
_ENCODE_FRAGMENT = re.compile(rf"[^{_FRAGMENT}]".encode())
_ENCODE_SCHEME = re.compile(rb"[^a-zA-Z0-9\-\+\.]")
_ENCODE_QUERY = re.compile(rb"[^a-zA-Z0-9\-\.\_\~\!\$\'\(\)\*\+\,\=\:\@\/\?%]|%(?!2B|2b)")
_PERCENT = re.compile(rb"%[0-9a-fA-F]{2}")
_URI = re.compile(r"^(([^:/?#]+):)?(//([^/?#]*))?([^?#]*)(\?([^#]*))?(#(.*))?$", re.S)
_NORMPATH = re.compile(r"^(?!/)[^/:]*:.*$", re.M)
_PORTS = {"http": "80", "https": "443", "ftp": "21", "tftp": "69", "sftp": "22", "ssh": "22"}
_PORTS.update({"svn+ssh": "22", "telnet": "23", "nntp": "119", "gopher": "70", "wais": "210"})
_PORTS.update({"ldap": "389", "prospero": "1525"})


def _unencode(data: bytes, leave: bytes = b"") -> bytes:
    def decode(match: re.Match[bytes]) -> bytes:
        byte = bytes([int(match.group(0)[1:], 16)])
        return match.group(0) if byte in leave else byte

    return _PERCENT.sub(decode, data)


def _encode(data: bytes, pattern: re.Pattern[bytes]) -> bytes:
    return pattern.sub(lambda m: b"".join(b"%%%02X" % byte for byte in m.group(0)), data)


def normalize_component(
    component: str, pattern: re.Pattern[bytes] = _ENCODE_DEFAULT, leave: bytes = b""
) -> str:
    """``Addressable::URI.normalize_component``."""
    raw = _unencode(component.encode("utf-8", "surrogateescape"), leave)
    try:
        text = unicodedata.normalize("NFKC", raw.decode("utf-8"))
        encoded = _encode(text.encode("utf-8"), pattern)
    except UnicodeDecodeError:
        encoded = _encode(raw, _ENCODE_DEFAULT)
    return encoded.decode("utf-8", "surrogateescape")


def is_absolute(url: str) -> bool:
    """``Addressable::URI.parse(url).absolute?``: it has a scheme."""
    match = _URI.match(url)
    return bool(match and match.group(2) is not None)


@dataclass(frozen=True, slots=True)
class _Uri:
    scheme: str | None
    authority: str | None
    path: str
    query: str | None
    fragment: str | None


def _parse(url: str) -> _Uri:
    match = _URI.match(url)
    assert match is not None  # the pattern accepts every string
    return _Uri(match.group(2), match.group(4), match.group(5), match.group(7), match.group(9))


def _authority(authority: str, scheme: str | None) -> str:
    userinfo = re.match(r"^([^\[\]]*)@", authority)
    host = re.sub(r"^([^\[\]]*)@", "", authority)
    port_match = re.search(r":([^:@\[\]]*?)$", host)
    port = port_match.group(1) if port_match else None
    host = re.sub(r":([^:@\[\]]*?)$", "", host)
    out = ""
    if userinfo is not None:
        out += _userinfo(userinfo.group(1), scheme)
    out += _host(host)
    if port and _PORTS.get(scheme or "") != port:
        out += f":{port}"
    return out


def _userinfo(userinfo: str, scheme: str | None) -> str:
    user, _, password = userinfo.strip().partition(":")
    plain = re.compile(rf"[^{_UNRESERVED}]".encode())
    parts = [normalize_component(user.strip(), plain)]
    if ":" in userinfo:
        parts.append(normalize_component(password.strip(), plain))
    text = ":".join(parts)
    if scheme in ("http", "https") and not text.strip(":"):
        return ""
    return text + "@"


def _host(host: str) -> str:
    host = host.strip()
    if not host:
        return ""
    text = _unencode(host.lower().encode("utf-8")).decode("utf-8", "replace")
    with contextlib.suppress(UnicodeError):
        text = text.encode("idna").decode("ascii")
    if re.search(r"[^.]\.$", text):
        text = text[:-1]
    return normalize_component(text, _ENCODE_HOST)


def _path(path: str, scheme: str | None) -> str:
    if scheme is None and _NORMPATH.search(path):
        path = path.replace(":", "%2F", 1)
    segments = path.strip(" \t\n\v\f\r\x00").split("/")
    result = remove_dot_segments("/".join(normalize_component(s, _ENCODE_PCHAR) for s in segments))
    if not result and scheme in ("http", "https", "ftp", "tftp"):
        return "/"
    return result


def _query(query: str) -> str | None:
    pairs = [normalize_component(pair, _ENCODE_QUERY, b"+") for pair in query.split("&")]
    joined = "&".join(pairs)
    return joined or None


_RULE_2A = re.compile(r"/\./|/\.$", re.M)
_RULE_2B_2C = re.compile(r"/([^/]*)/\.\./|/([^/]*)/\.\.$", re.M)
_RULE_2D = re.compile(r"^\.\.?/?", re.M)
_RULE_PREFIXED_PARENT = re.compile(r"^/\.\.?/|^(/\.\.?)+/?$", re.M)


def remove_dot_segments(path: str) -> str:
    """``Addressable::URI.normalize_path`` (RFC 3986 section 5.2.4, Addressable's variant)."""
    while True:
        path, changed = _RULE_2A.subn("/", path)
        if not changed:
            path, changed = _parent_step(path)
        if not changed:
            path, changed = _RULE_2D.subn("", path)
        if not changed:
            path, changed = _RULE_PREFIXED_PARENT.subn("/", path)
        if not changed:
            return path


def _parent_step(path: str) -> tuple[str, int]:
    pair = _RULE_2B_2C.search(path)
    if pair is None:
        return path, 0
    parent, current = pair.group(1), pair.group(2)
    if (parent in (".", "..") or parent is None) and (current in (".", "..") or current is None):
        return path, 0
    pattern = f"/{re.escape(parent or '')}/\\.\\./|(/{re.escape(current or '')}/\\.\\.$)"
    return re.subn(pattern, "/", path, flags=re.M)


@lru_cache(maxsize=4096)
def normalize(url: str) -> str:
    """``Addressable::URI.parse(url).normalize.to_s``."""
    uri = _parse(url)
    scheme = None
    if uri.scheme is not None:
        scheme = normalize_component(uri.scheme.strip().lower(), _ENCODE_SCHEME)
    normal = replace(
        uri,
        scheme=scheme,
        authority=_authority(uri.authority, scheme) if uri.authority is not None else None,
        path=_path(uri.path, scheme),
        query=_query(uri.query) if uri.query is not None else None,
        fragment=(normalize_component(uri.fragment, _ENCODE_FRAGMENT) or None)
        if uri.fragment is not None
        else None,
    )
    return _assemble(normal)


def _assemble(uri: _Uri) -> str:
    out = f"{uri.scheme}:" if uri.scheme is not None else ""
    if uri.authority is not None:
        out += f"//{uri.authority}"
    out += uri.path
    if uri.query is not None:
        out += f"?{uri.query}"
    if uri.fragment is not None:
        out += f"#{uri.fragment}"
    return out
