"""Ruby's JSON generator, for ``jsonify`` and for ``inspect`` of a drop.

Times print as Ruby's ``Time#to_s`` (``"2008-10-18 09:30:00 -0500"``), dates as ``"2008-10-18"``,
floats as Ruby prints them (``1.0e+20``); drops (non-``dict`` mappings) as their keys and values.
Nothing else is ever printed: any other Python object becomes its Ruby-style string, never a repr.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping

from handler.engine.liquid.rnumbers import ArgumentError
from handler.engine.liquid.values import float_to_s, to_s

__all__ = ["generate", "pretty_generate"]


def _string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _float(value: float) -> str:
    if not math.isfinite(value):
        raise ArgumentError(f"920: {float_to_s(value)} not allowed in JSON")
    return float_to_s(value)


def _scalar(value: object) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float(value)
    return _string(value if isinstance(value, str) else to_s(value))


def _key(key: object) -> str:
    return _string(key if isinstance(key, str) else to_s(key))


def generate(value: object, depth: int = 0) -> str:
    """``JSON.generate``: compact."""
    if depth > 100:
        raise ArgumentError("nesting of 101 is too deep")
    if isinstance(value, list | tuple):
        return "[" + ",".join(generate(item, depth + 1) for item in value) + "]"
    if isinstance(value, Mapping):
        if _liquid_drop(value):
            return _string(to_s(value))
        pairs = (f"{_key(key)}:{generate(value[key], depth + 1)}" for key in value)
        return "{" + ",".join(pairs) + "}"
    return _scalar(value)


def _liquid_drop(value: object) -> bool:
    """Liquid's own drops (``forloop``) have no JSON form: Ruby prints their class name."""
    return isinstance(getattr(type(value), "ruby_class", None), str)


def pretty_generate(value: object, indent: str = "") -> str:
    """``JSON.pretty_generate``: two-space indents, ``"key": value``."""
    if len(indent) > 200:
        raise ArgumentError("nesting of 101 is too deep")
    inner = indent + "  "
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        items = (inner + pretty_generate(item, inner) for item in value)
        return "[\n" + ",\n".join(items) + "\n" + indent + "]"
    if isinstance(value, Mapping):
        if _liquid_drop(value):
            return _string(to_s(value))
        if not value:
            return "{}"
        pairs = (f"{inner}{_key(key)}: {pretty_generate(value[key], inner)}" for key in value)
        return "{\n" + ",\n".join(pairs) + "\n" + indent + "}"
    return _scalar(value)
