"""Jekyll's Liquid, in Python: Ruby Liquid 5.4 with Jekyll 4.3's tags and filters.

Built on python-liquid (its environment, token stream, nodes, render context and loop drops),
with Ruby's tokenizer, its strict-then-lax markup parsing, its value semantics and Jekyll's
filters and tags in place of python-liquid's. See ``host.py`` for what a template may ask of the
site and for the value model.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from handler.engine.liquid.host import LiquidHost, Source
from handler.engine.liquid.limits import Limits

if TYPE_CHECKING:
    from handler.engine.liquid.engine import Finding, LiquidEngine
    from handler.engine.liquid.tags import highlight_figure
    from handler.engine.liquid.template import Template

# The engine (and python-liquid under it) is imported on first use, not with the package: a
# module that needs only ``host`` or ``values`` (the site, plugins) costs no Liquid at start-up.
_LAZY = {
    "Finding": "handler.engine.liquid.engine",
    "LiquidEngine": "handler.engine.liquid.engine",
    "highlight_figure": "handler.engine.liquid.tags",
    "Template": "handler.engine.liquid.template",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "Finding",
    "Limits",
    "LiquidEngine",
    "LiquidHost",
    "Source",
    "Template",
    "highlight_figure",
]
