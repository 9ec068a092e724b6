"""Every filter Jekyll 4.3 has: Liquid 5.4's standard filters and ``Jekyll::Filters``."""

from __future__ import annotations

from collections.abc import Callable

from handler.engine.liquid.filters import (
    arrays,
    dates,
    grouping,
    jekyll,
    math,
    misc,
    select,
    strings,
    urls,
)

__all__ = ["all_filters"]


def all_filters() -> dict[str, Callable[..., object]]:
    """Name to function; Jekyll's filters replace Liquid's of the same name (``sort``, ``where``)."""
    filters: dict[str, Callable[..., object]] = {}
    for module in (strings, math, arrays, misc, jekyll, select, urls, dates, grouping):
        filters.update(module.FILTERS)
    return filters
