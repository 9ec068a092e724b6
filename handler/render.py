"""A post's body to HTML: Liquid first, then markdown, as Jekyll does; and its excerpt.

The steps are named after the pipeline (read -> parse front matter -> resolve URL -> render
markdown -> lay out -> cache): this module is "render markdown". It knows nothing of stores or HTTP:
the caller passes a :class:`~handler.liquid.LiquidContext` whose callables reach the rest of the site.
"""

from __future__ import annotations

import html
import re
import threading
from dataclasses import dataclass, replace

from handler.engine.config import SiteConfig
from handler.errors import RenderError
from handler.jekyll import Post, extract_excerpt
from handler.liquid import LiquidContext, LiquidRenderer
from handler.engine.markdown import RENDER_BUDGET_SECONDS, MarkdownLimit, MarkdownRenderer

WORDS_PER_MINUTE = 160  # academicpages' read_time rule
_TAGS = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class RenderedPost:
    """A post's HTML fragment and what listings and meta tags need from it."""

    html: str
    excerpt_html: str
    excerpt_text: str
    words: int

    @property
    def read_minutes(self) -> int:
        return max(1, round(self.words / WORDS_PER_MINUTE))


def plain_text(fragment: str) -> str:
    """Visible text of an HTML fragment, whitespace collapsed (meta descriptions, word counts)."""
    return _SPACE.sub(" ", html.unescape(_TAGS.sub(" ", fragment))).strip()


class PostRenderer:
    """Renders posts with one Liquid environment and one markdown instance, reused.

    python-markdown instances are not thread-safe, so conversions are serialised by a lock; a
    Lambda container handles one request at a time anyway.
    """

    def __init__(self, config: SiteConfig, *, budget: float | None = RENDER_BUDGET_SECONDS) -> None:
        """``budget``: CPU seconds one markdown conversion may take (``None``: unbounded)."""
        self.config = config
        self.markdown = MarkdownRenderer(config.kramdown, budget=budget)
        self.liquid = LiquidRenderer()
        self._lock = threading.Lock()

    def render(self, post: Post, context: LiquidContext) -> RenderedPost:
        body = self.to_html(post.body, post, post.body_line, context)
        excerpt_html = self.excerpt_html(post, context)
        return RenderedPost(
            html=body,
            excerpt_html=excerpt_html,
            excerpt_text=plain_text(excerpt_html),
            words=len(plain_text(body).split()),
        )

    def excerpt_html(self, post: Post, context: LiquidContext) -> str:
        """Front matter ``excerpt`` verbatim (escaped as text), else the rendered generated one."""
        given = post.front_matter_excerpt
        if given is not None:
            return f"<p>{html.escape(given)}</p>"
        if not post.excerpt_separator:
            return ""
        source = extract_excerpt(post.body, post.excerpt_separator)
        # Jekyll renders an excerpt as its own document, whose id is the post's plus "#excerpt".
        page = {**context.page, "id": f"{post.id}#excerpt"}
        return self.to_html(source, post, post.body_line, replace(context, page=page))

    def to_html(self, source: str, post: Post, first_line: int, context: LiquidContext) -> str:
        """Liquid, then markdown; a document past a markdown limit is a RenderError naming the
        post's file (and the line, where the limit knows one)."""
        with self._lock:
            if post.renders_liquid and LiquidRenderer.needs_liquid(source):
                source = self.liquid.render(
                    source, path=post.key, first_line=first_line, context=context
                )
            try:
                return self.markdown.convert(source)
            except MarkdownLimit as limit:
                line = first_line if limit.line is None else first_line + limit.line - 1
                raise RenderError(post.key, limit.message, line=line, hint=limit.hint) from None
