"""``Jekyll::Filters``: the filters Jekyll 4.3 adds to Liquid (URL, date and grouping filters are
in their own modules). Jekyll's ``sort`` and ``where`` replace Liquid's."""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Mapping
from typing import cast

from liquid.filter import with_context

from handler.engine.liquid.addressable import normalize_component
from handler.engine.liquid.context import JekyllContext
from handler.engine.liquid.filters.common import (
    RUBY_SPACE,
)
from handler.engine.liquid.rjson import generate
from handler.engine.liquid.rnumbers import ArgumentError, to_i, to_integer
from handler.engine.liquid.slugify import slugify as jekyll_slugify
from handler.engine.liquid.smartify import smartify as kramdown_smartify
from handler.engine.liquid.values import (
    MethodLiteral,
    inspect,
    is_array,
    join,
    to_s,
    type_name,
)

__all__ = ["FILTERS", "as_liquid"]

_XML = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;"})
_SPACES = re.compile(r"[ \t\n\v\f\r]+")
_CJK = (
    "\u1100-\u11ff\u2e80-\u2e99\u2e9b-\u2ef3\u2f00-\u2fd5\u3005\u3007\u3021-\u3029\u302e\u302f"
    "\u3038-\u303b\u3041-\u3096\u309d-\u309f\u30a1-\u30fa\u30fd-\u30ff\u3131-\u318e\u31f0-\u31ff"
    "\u3200-\u321e\u3260-\u327e\u32d0-\u32fe\u3300-\u3357\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97c"
    "\uac00-\ud7a3\ud7b0-\ud7c6\ud7cb-\ud7fb\uf900-\ufa6d\ufa70-\ufad9\uff66-\uff6f\uff71-\uff9d"
    "\uffa0-\uffbe\uffc2-\uffc7\uffca-\uffcf\uffd2-\uffd7\uffda-\uffdc"
    "\U0001b000-\U0001b11f\U0001f200\U00020000-\U0002a6df\U0002a700-\U0002ebe0"
    "\U0002f800-\U0002fa1d\U00030000-\U0003134a"
)
_CJK_CHAR = re.compile(f"[{_CJK}]")
_CJK_WORD = re.compile(f"[^{_CJK}\\s]+")


def _state(context: object) -> JekyllContext:
    return cast(JekyllContext, context)


# --- converters ----------------------------------------------------------------------------------


@with_context
def markdownify(value: object, *, context: object) -> str:
    return _state(context).state.host.markdownify(to_s(value))


@with_context
def sassify(value: object, *, context: object) -> str:
    return _state(context).state.host.sassify(to_s(value), "sass")


@with_context
def scssify(value: object, *, context: object) -> str:
    return _state(context).state.host.sassify(to_s(value), "scss")


def smartify(value: object) -> str:
    return kramdown_smartify(to_s(value))


# --- strings -------------------------------------------------------------------------------------


def slugify(value: object, mode: object = None) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ArgumentError(f"undefined method `downcase' for {type_name(value)}")
    return jekyll_slugify(value, to_s(mode) if mode is not None else None)


def xml_escape(value: object) -> str:
    return to_s(value).translate(_XML)


def _string_argument(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise ArgumentError(f"{name}: no implicit conversion of {type_name(value)} into String")
    return value


def cgi_escape(value: object) -> str:
    from urllib.parse import quote_plus

    return quote_plus(_string_argument(value, "cgi_escape"))


def uri_escape(value: object) -> str | None:
    if value is None:
        return None
    return normalize_component(_string_argument(value, "uri_escape"))


def normalize_whitespace(value: object) -> str:
    return _SPACES.sub(" ", to_s(value)).strip(RUBY_SPACE + "\x00")


def number_of_words(value: object, mode: object = None) -> int:
    text = _string_argument(value, "number_of_words")
    if mode == "cjk":
        return len(_CJK_CHAR.findall(text)) + len(_CJK_WORD.findall(text))
    if mode == "auto":
        cjk = len(_CJK_CHAR.findall(text))
        if cjk:
            return cjk + len(_CJK_WORD.findall(text))
    return len(_SPACES.split(text.strip(RUBY_SPACE))) if text.strip(RUBY_SPACE) else 0


def array_to_sentence_string(value: object, connector: object = "and") -> str:
    if isinstance(value, str):
        items: list[object] = list(value)
        if len(items) > 2:
            raise ArgumentError("undefined method `join' for String")
    elif is_array(value):
        items = list(cast(list[object], value))
    else:
        raise ArgumentError(f"undefined method `length' for {type_name(value)}")
    word = to_s(connector)
    if not items:
        return ""
    if len(items) == 1:
        return to_s(items[0])
    if len(items) == 2:
        return f"{to_s(items[0])} {word} {to_s(items[1])}"
    return f"{join(items[:-1], ', ')}, {word} {to_s(items[-1])}"


# --- data ----------------------------------------------------------------------------------------


def as_liquid(value: object) -> object:
    """Jekyll's ``as_liquid`` (for ``jsonify``): hashes and arrays deeply, ``empty`` as ``""``."""
    if isinstance(value, dict):
        return {as_liquid(key): as_liquid(item) for key, item in value.items()}
    if is_array(value):
        return [as_liquid(item) for item in cast(list[object], value)]
    if isinstance(value, MethodLiteral):
        return ""
    return value


def jsonify(value: object) -> str:
    return generate(as_liquid(value))


def inspect_(value: object) -> str:
    return xml_escape(inspect(value))


def to_integer_(value: object) -> int:
    if value is True:
        return 1
    if value is False:
        return 0
    if is_array(value) or isinstance(value, Mapping):
        raise ArgumentError(f"undefined method `to_i' for {type_name(value)}")
    from datetime import datetime

    if isinstance(value, datetime):
        return int(value.timestamp())
    return to_i(value)


def push(value: object, item: object) -> object:
    return [*cast(list[object], value), item] if isinstance(value, list) else value


def unshift(value: object, item: object) -> object:
    return [item, *value] if isinstance(value, list) else value


def _count(count: object) -> int:
    number = to_integer(count)
    if number < 0:
        raise ArgumentError("negative array size")
    return number


def pop(value: object, count: object = 1) -> object:
    if not isinstance(value, list):
        return value
    number = _count(count)
    return value[: max(len(value) - number, 0)]


def shift(value: object, count: object = 1) -> object:
    if not isinstance(value, list):
        return value
    return value[_count(count) :]


def sample(value: object, count: object = 1) -> object:
    if not is_array(value):
        return value
    items = list(cast(list[object], value))
    try:
        number = to_integer(count)
    except ArgumentError:
        number = 1
    if number == 1:
        return random.choice(items) if items else None  # noqa: S311 (not for security)
    return random.sample(items, min(max(number, 0), len(items)))


FILTERS: dict[str, Callable[..., object]] = {
    "markdownify": markdownify,
    "smartify": smartify,
    "sassify": sassify,
    "scssify": scssify,
    "slugify": slugify,
    "xml_escape": xml_escape,
    "cgi_escape": cgi_escape,
    "uri_escape": uri_escape,
    "normalize_whitespace": normalize_whitespace,
    "number_of_words": number_of_words,
    "array_to_sentence_string": array_to_sentence_string,
    "jsonify": jsonify,
    "to_integer": to_integer_,
    "pop": pop,
    "push": push,
    "shift": shift,
    "unshift": unshift,
    "sample": sample,
    "inspect": inspect_,
}
