"""The tags Jekyll 4.3 has: Liquid 5.4's and Jekyll's own (``include``, ``include_relative``,
``highlight``, ``post_url``, ``link``), plus jekyll-include-cache's ``include_cached``. The tags
of GitHub Pages' plugins (``seo``, ``feed_meta``, ``gist``) are the plugins' own
(``handler.engine.plugins.tags``), given to the engine by the renderer."""

from __future__ import annotations

from liquid.tag import Tag

from handler.engine.liquid.tags.control import CaseTag, IfTag, UnlessTag
from handler.engine.liquid.tags.include import (
    IncludeCachedTag,
    IncludeRelativeTag,
    IncludeTag,
    RenderTag,
)
from handler.engine.liquid.tags.jekyll import HighlightTag, LinkTag, PostUrlTag, highlight_figure
from handler.engine.liquid.tags.loops import BreakTag, ContinueTag, ForTag
from handler.engine.liquid.tags.table import CycleTag, TablerowTag
from handler.engine.liquid.tags.text import (
    CommentTag,
    IfchangedTag,
    InlineCommentTag,
    LiquidTag,
    RawTag,
)
from handler.engine.liquid.tags.variables import (
    AssignTag,
    CaptureTag,
    DecrementTag,
    EchoTag,
    IncrementTag,
)

__all__ = ["TAGS", "highlight_figure"]

TAGS: tuple[type[Tag], ...] = (
    IfTag,
    UnlessTag,
    CaseTag,
    ForTag,
    BreakTag,
    ContinueTag,
    TablerowTag,
    CycleTag,
    AssignTag,
    CaptureTag,
    IncrementTag,
    DecrementTag,
    EchoTag,
    RawTag,
    CommentTag,
    InlineCommentTag,
    IfchangedTag,
    LiquidTag,
    IncludeTag,
    IncludeRelativeTag,
    IncludeCachedTag,
    RenderTag,
    HighlightTag,
    PostUrlTag,
    LinkTag,
)
