"""``Jekyll::Filters::DateFilters``: dates as Jekyll prints them, in the site's time zone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import cast

from liquid.filter import with_context

from handler.engine.liquid.context import JekyllContext
from handler.engine.liquid.rnumbers import ArgumentError
from handler.engine.liquid.rubytime import localtime, rfc822, strftime, to_date, xmlschema
from handler.engine.liquid.values import inspect, to_s

__all__ = ["FILTERS"]


def _time(value: object, context: object) -> datetime:
    """Jekyll's ``time``: ``to_date``, then local time (the site's ``timezone``)."""
    zone = cast(JekyllContext, context).state.zone
    moment = to_date(value, zone)
    if not isinstance(moment, date):
        raise ArgumentError(f"Invalid Date: '{inspect(value)}' is not a valid datetime.")
    try:
        return localtime(moment, zone)
    except (OverflowError, ValueError):  # past year 9999 (or before year 1) in the site's zone
        raise ArgumentError(
            f"Invalid Date: '{inspect(value)}' is outside the years 1 to 9999 in the site's "
            "timezone."
        ) from None


def _ordinal(day: int) -> str:
    if 11 <= day <= 13:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def _stringify(value: object, month: str, kind: object, style: object, context: object) -> object:
    if to_s(value) == "":
        return value
    moment = _time(value, context)
    if kind == "ordinal":
        day = f"{moment.day}{_ordinal(moment.day)}"
        if style == "US":
            return strftime(moment, f"{month} {day}, %Y")
        return strftime(moment, f"{day} {month} %Y")
    return strftime(moment, f"%d {month} %Y")


@with_context
def date_to_string(
    value: object, kind: object = None, style: object = None, *, context: object
) -> object:
    return _stringify(value, "%b", kind, style, context)


@with_context
def date_to_long_string(
    value: object, kind: object = None, style: object = None, *, context: object
) -> object:
    return _stringify(value, "%B", kind, style, context)


@with_context
def date_to_xmlschema(value: object, *, context: object) -> object:
    if to_s(value) == "":
        return value
    return xmlschema(_time(value, context))


@with_context
def date_to_rfc822(value: object, *, context: object) -> object:
    if to_s(value) == "":
        return value
    return rfc822(_time(value, context))


FILTERS: dict[str, Callable[..., object]] = {
    "date_to_string": date_to_string,
    "date_to_long_string": date_to_long_string,
    "date_to_xmlschema": date_to_xmlschema,
    "date_to_rfc822": date_to_rfc822,
}
