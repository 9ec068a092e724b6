"""Tags of GitHub Pages' plugins: jekyll-seo-tag's ``seo``, jekyll-feed's ``feed_meta`` and
jekyll-gist's ``gist``.

The renderer gives them to its Liquid engine (``LiquidEngine(tags=TAGS)``): the Liquid package
knows the language and Jekyll's own tags, not the plugins. Each renders only while its plugin
runs for the site (``LiquidHost.plugins``); otherwise it is an unknown tag, exactly as if it were
not registered: it renders nothing and is reported to the host (``LiquidHost.unsupported``).
Errors the gems raise while rendering (a ``gist`` tag with no id) are raised at the tag, and
only when the plugin runs. What the tags write is worked out in ``seo`` and ``gist``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TextIO, cast

from liquid.ast import Node
from liquid.exceptions import LiquidError as LibraryError
from liquid.stream import TokenStream
from liquid.tag import Tag
from liquid.token import Token

from handler.engine.liquid.context import JekyllContext
from handler.engine.liquid.expressions import find_variable, parse_expression
from handler.engine.liquid.filters.urls import absolute_url
from handler.engine.liquid.parser import UnknownTagNode, expect_markup
from handler.engine.liquid.render import render_template
from handler.engine.liquid.values import is_truthy, to_s
from handler.engine.plugins.gist import GistSyntaxError, gist_arguments, gist_script
from handler.engine.plugins.seo import SeoDrop, template_source

if TYPE_CHECKING:
    from liquid import RenderContext

    from handler.engine.liquid.template import Template

__all__ = ["PLUGIN_TAGS", "TAGS", "FeedMetaTag", "GistTag", "SeoTag"]

FEED = "jekyll-feed"
# Each tag here and the plugin it needs.
PLUGIN_TAGS = {"seo": "jekyll-seo-tag", "feed_meta": FEED, "gist": "jekyll-gist"}
_XML_ATTR = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;"})


def _global(context: JekyllContext, name: str) -> Any:
    """A render variable as the page was given it (Jekyll's registers), not as assigned over."""
    variables = context.globals
    if isinstance(variables, Mapping):
        try:
            return variables[name]
        except KeyError:
            return None
    return None


def _hash_get(value: object, key: str) -> Any:
    if isinstance(value, Mapping):
        try:
            return value[key]
        except KeyError:
            return None
    return None


class PluginTagNode(UnknownTagNode):
    """A plugin's tag: its output while the plugin runs, else an unknown tag's nothing.

    It is an ``UnknownTagNode`` for ``LiquidEngine.analyze``, which cannot know the site's
    plugins: ``broadsheet check`` is told of it as of any tag that needs a plugin
    (``PLUGIN_TAGS`` says which).
    """

    __slots__ = ("markup",)
    plugin = ""

    def __init__(self, token: Token, name: str, markup: str) -> None:
        super().__init__(token, name)
        self.markup = markup

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        ctx = cast(JekyllContext, context)
        plugins: frozenset[str] = getattr(ctx.state.host, "plugins", frozenset())
        if self.plugin not in plugins:
            ctx.state.unsupported("tag", self.name, self.token)
            return 0
        return self.render_plugin(ctx, buffer)

    def render_plugin(self, context: JekyllContext, buffer: TextIO) -> int:
        raise NotImplementedError


class SeoNode(PluginTagNode):
    """``{% seo %}``: the gem's template rendered with the site, the page and ``seo_tag``."""

    __slots__ = ()
    plugin = PLUGIN_TAGS["seo"]

    def render_plugin(self, context: JekyllContext, buffer: TextIO) -> int:
        state = context.state
        template = cast("Template", state.loader.parse(template_source()))
        page = _global(context, "page")
        site = _global(context, "site")
        variables = dict(context.globals) if isinstance(context.globals, Mapping) else {}
        variables["page"] = page
        variables["paginator"] = find_variable(context, "paginator")
        variables["seo_tag"] = SeoDrop(self.markup, context, page, site)
        inner = JekyllContext(template, variables, state)
        render_template(template, inner, buffer, partial=False)
        return 0


class FeedMetaNode(PluginTagNode):
    """``{% feed_meta %}``: the feed's ``<link>``, attributes escaped as Ruby's
    ``encode(xml: :attr)`` escapes them."""

    __slots__ = ()
    plugin = FEED

    def render_plugin(self, context: JekyllContext, buffer: TextIO) -> int:
        site = _global(context, "site")
        path = _hash_get(_hash_get(site, "feed"), "path")
        if not is_truthy(path):
            path = "feed.xml"
        title = _hash_get(site, "title")
        if not is_truthy(title):
            title = _hash_get(site, "name")
        attributes = [
            ("type", "application/atom+xml"),
            ("rel", "alternate"),
            ("href", absolute_url(path, context=context)),
        ]
        if is_truthy(title):
            attributes.append(("title", title))
        text = " ".join(f'{key}="{to_s(value).translate(_XML_ATTR)}"' for key, value in attributes)
        return buffer.write(f"<link {text} />")


class GistNode(PluginTagNode):
    """``{% gist [user/]id [file] %}``: the gist's ``<script>`` (no ``<noscript>``: see
    ``handler.engine.plugins.gist``)."""

    __slots__ = ()
    plugin = PLUGIN_TAGS["gist"]

    def render_plugin(self, context: JekyllContext, buffer: TextIO) -> int:
        try:
            gist_id, filename = gist_arguments(self.markup)
        except GistSyntaxError as err:
            raise LibraryError(str(err), token=self.token) from None
        return buffer.write(
            gist_script(_variable_or(context, gist_id), _variable_or(context, filename))
        )


def _variable_or(context: JekyllContext, text: str) -> str:
    """``context[text]`` if that is not ``nil`` (``Context#key?``), else ``text`` itself."""
    if not text:
        return text
    try:
        value = parse_expression(text).evaluate(context)
    except LibraryError:
        return text
    return text if value is None else to_s(value)


class _PluginTag(Tag):
    node: type[PluginTagNode] = PluginTagNode
    block = False

    def parse(self, stream: TokenStream) -> Node:
        token, markup = expect_markup(stream)
        return self.node(token, token.value, markup)


class SeoTag(_PluginTag):
    name = "seo"
    node = SeoNode


class FeedMetaTag(_PluginTag):
    name = "feed_meta"
    node = FeedMetaNode


class GistTag(_PluginTag):
    name = "gist"
    node = GistNode


TAGS: tuple[type[Tag], ...] = (SeoTag, FeedMetaTag, GistTag)
