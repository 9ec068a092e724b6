"""Jekyll's Liquid, in Python: Ruby Liquid 5.4 with Jekyll 4.3's tags and filters.

Built on python-liquid (its environment, token stream, nodes, render context and loop drops),
with Ruby's tokenizer, its strict-then-lax markup parsing, its value semantics and Jekyll's
filters and tags in place of python-liquid's. See ``host.py`` for what a template may ask of the
site and for the value model.
"""

from __future__ import annotations

from handler.engine.liquid.engine import Finding, LiquidEngine
from handler.engine.liquid.host import LiquidHost, Source
from handler.engine.liquid.limits import Limits
from handler.engine.liquid.tags import highlight_figure
from handler.engine.liquid.template import Template

__all__ = [
    "Finding",
    "Limits",
    "LiquidEngine",
    "LiquidHost",
    "Source",
    "Template",
    "highlight_figure",
]
