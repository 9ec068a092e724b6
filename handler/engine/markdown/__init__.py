"""Markdown -> HTML the way Jekyll 4.3 does it: kramdown with GFM input, rouge-style code blocks.

``_core`` configures and extends python-markdown; ``_serialize`` writes its tree as kramdown's
HTML converter writes its own; ``_html`` parses raw HTML blocks the way kramdown's parser does.
"""

from handler.engine.markdown._core import (
    MAX_BRACKET_SCAN,
    MAX_MARKDOWN_CHARS,
    MAX_NESTING,
    RENDER_BUDGET_SECONDS,
    TABLES_OPTION,
    MarkdownLimit,
    MarkdownRenderer,
    check_limits,
    gfm_header_id,
    highlight_code,
    parse_ial,
    rouge_block,
)

__all__ = [
    "MAX_BRACKET_SCAN",
    "MAX_MARKDOWN_CHARS",
    "MAX_NESTING",
    "RENDER_BUDGET_SECONDS",
    "TABLES_OPTION",
    "MarkdownLimit",
    "MarkdownRenderer",
    "check_limits",
    "gfm_header_id",
    "highlight_code",
    "parse_ial",
    "rouge_block",
]
