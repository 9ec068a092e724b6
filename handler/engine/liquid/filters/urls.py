"""``Jekyll::Filters::URLFilters``: ``relative_url``, ``absolute_url``, ``strip_index``.

The site's ``baseurl`` and URL come from the host; the joined URL is normalised as Addressable
does (``/my blog/`` becomes ``/my%20blog/``). An absolute URL (one with a scheme) is returned as
it is; a drop with a ``url`` stands for that URL, as a Jekyll document does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import cast

from liquid.filter import with_context

from handler.engine.liquid.addressable import is_absolute, normalize
from handler.engine.liquid.context import JekyllContext
from handler.engine.liquid.values import is_drop, to_s

__all__ = ["FILTERS"]

_INDEX = re.compile(r"/index\.html?$", re.M)


def _leading_slash(text: str) -> str:
    return text if not text or text.startswith("/") else "/" + text


def _url_of(value: object) -> object:
    if is_drop(value):
        try:
            return cast(Mapping[str, object], value)["url"]
        except KeyError:
            return None
    return value


def _relative(value: object, baseurl: str) -> object:
    value = _url_of(value)
    if is_absolute(to_s(value)):
        return value
    return normalize(_leading_slash(baseurl) + _leading_slash(to_s(value)))


@with_context
def relative_url(value: object, *, context: object) -> object:
    if value is None:
        return None
    return _relative(value, cast(JekyllContext, context).state.host.baseurl)


@with_context
def absolute_url(value: object, *, context: object) -> object:
    if value is None:
        return None
    host = cast(JekyllContext, context).state.host
    value = _url_of(value)
    if is_absolute(to_s(value)):
        return value
    relative = _relative(value, host.baseurl)
    if not host.site_url:
        return relative
    return normalize(host.site_url + to_s(relative))


def strip_index(value: object) -> object:
    if value is None or to_s(value) == "":
        return None
    return _INDEX.sub("/", to_s(value), count=1)


FILTERS: dict[str, Callable[..., object]] = {
    "relative_url": relative_url,
    "absolute_url": absolute_url,
    "strip_index": strip_index,
}
