"""Resource bounds for rendering templates from an untrusted bucket."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Limits"]


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on one ``LiquidEngine.render`` call (a page, or one layout around it).

    Well past what real themes need (academicpages renders a page with ~60 includes and a few
    thousand loop iterations) and well short of what would hurt a Lambda.
    """

    max_loop_iterations: int = 250_000
    """Loop iterations (``for``, ``tablerow``) in one render, all loops together."""
    max_output_chars: int = 8_000_000
    """Characters in the output, in any capture, and in any string or array a filter makes."""
    max_include_depth: int = 40
    """Includes nested inside includes."""
    max_includes: int = 5_000
    """Includes rendered in one render (nested includes can multiply without recursing)."""
    max_template_chars: int = 2_000_000
    """Characters in one template source (page, layout or include)."""
    max_markup_chars: int = 100_000
    """Characters inside one tag or ``{{ }}`` (Ruby's lax patterns are slow on huge junk)."""
    max_cached_templates: int = 1_024
    """Parsed templates kept by the engine (least recently used go first)..."""
    max_cached_chars: int = 4_000_000
    """...and the characters of their sources, all together (a parsed template takes some ten
    times its source in memory)."""
    max_integer_bits: int = 4_096
    """Bits in an integer a filter computes (Ruby has bignums; a template does not need them)."""
    max_filter_work: int = 500_000_000
    """Characters (and array items) filters produce in one render, all together: bounds the
    copying of ``{% assign s = s | append: x %}`` in a loop (academicpages' compress layout
    produces about 150 times its page)."""
    max_render_seconds: float = 20.0
    """Wall-clock time one render may take (checked at loop iterations, includes and filters)."""
