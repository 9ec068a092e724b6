"""The Liquid engine: python-liquid with Jekyll 4.3's tags and filters (see handler.liquid).

python-liquid provides the language; this module adds Jekyll's tags (``include`` with
``key=value`` parameters, ``include_relative``, ``highlight``, ``post_url``, ``link``) and the
Jekyll filters real posts use. Every failure leaves ``render`` as ``handler.errors.LiquidError``
naming the post file and the line in that file.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import Any, TextIO
from urllib.parse import quote, quote_plus, urlsplit

from liquid import BoundTemplate, Environment, RenderContext
from liquid import Token as LiquidToken
from liquid.ast import BlockNode, Node
from liquid.exceptions import LiquidError as LiquidLibraryError
from liquid.filter import with_context
from liquid.parser import get_parser
from liquid.stream import TokenStream
from liquid.tag import Tag
from liquid.token import TOKEN_EOF, TOKEN_EXPRESSION, TOKEN_TAG

from handler.errors import BroadsheetError, LiquidError, NotFound
from handler.liquid import LiquidContext
from handler.engine.markdown import MarkdownRenderer, highlight_code

__all__ = ["LiquidEngine", "highlight_figure"]

_CONTEXT_KEY = "\x00broadsheet"  # not addressable from Liquid source
_INCLUDES_KEY = "\x00broadsheet-includes"
# Bounds on one post's Liquid, well past what real posts use (the corpus: a few includes, loops
# over site.posts): measured here, 1,000,000 loop iterations took 3 s and a 20 MB output 4.5 s;
# the output only feeds markdown, which refuses far less (MAX_MARKDOWN_CHARS).
MAX_LOOP_ITERATIONS = 100_000
MAX_OUTPUT_CHARS = 2_000_000
MAX_INCLUDES = 500  # includes rendered per post: nested includes can multiply without recursing


class _TagError(LiquidLibraryError):
    """Raised by our tags; carries the tag's token so the line is known."""


class RubyTime(datetime):
    """A datetime that prints as Ruby's ``Time#to_s`` does (``2008-10-18 00:00:00 +0000``)."""

    def __str__(self) -> str:
        return self.strftime("%Y-%m-%d %H:%M:%S %z").rstrip()


def _ruby_time(value: datetime) -> RubyTime:
    return RubyTime(
        value.year,
        value.month,
        value.day,
        value.hour,
        value.minute,
        value.second,
        value.microsecond,
        value.tzinfo,
    )


def _with_ruby_times(mapping: Mapping[str, Any], depth: int = 0) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in mapping.items():
        if isinstance(value, datetime) and not isinstance(value, RubyTime):
            value = _ruby_time(value)
        elif isinstance(value, Mapping) and depth < 1:
            value = _with_ruby_times(value, depth + 1)
        out[key] = value
    return out


def _state(context: RenderContext) -> LiquidContext:
    state = context.globals[_CONTEXT_KEY]
    assert isinstance(state, LiquidContext)
    return state


def _expression(stream: TokenStream, tag: LiquidToken) -> str:
    """The raw text after a tag name (Jekyll tags parse their own markup).

    The stream is left on the expression token, as the parser expects of a tag."""
    if stream.current.kind == TOKEN_EXPRESSION:
        return str(stream.current.value)
    raise _TagError(f"'{tag.value}' needs an argument", token=tag)


# --- tags ----------------------------------------------------------------------------------------

_VARIABLE_FILE = re.compile(
    r"(?P<variable>[^{]*(?:\{\{\s*[\w\-.]+\s*(?:\|.*?)?\}\}[^\s{}]*)+)(?P<params>.*)", re.S
)
_PARAM = re.compile(
    r"""([\w-]+)\s*=\s*(?:"([^"\\]*(?:\\.[^"\\]*)*)"|'([^'\\]*(?:\\.[^'\\]*)*)'|([\w.-]+))"""
)


class _IncludeNode(Node):
    __slots__ = ("file", "params", "relative")

    def __init__(self, token: LiquidToken, markup: str, *, relative: bool) -> None:
        super().__init__(token)
        self.relative = relative
        match = _VARIABLE_FILE.fullmatch(markup.strip()) if "{{" in markup else None
        if match:
            self.file, self.params = match.group("variable").strip(), match.group("params")
        else:
            self.file, _, self.params = markup.strip().partition(" ")

    def __str__(self) -> str:
        return f"{{% {self.token.value} {self.file} {self.params} %}}"

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        counted = context.globals[_INCLUDES_KEY]
        assert isinstance(counted, list)
        counted[0] += 1
        if counted[0] > MAX_INCLUDES:
            raise _TagError(f"more than {MAX_INCLUDES} includes in one post", token=self.token)
        name = self._file_name(context)
        state = _state(context)
        try:
            source = (state.include_relative if self.relative else state.include)(
                name if self.relative else f"_includes/{name}"
            )
        except NotFound as err:
            message = f"{self.token.value}: {name!r} not found ({err})"
            raise _TagError(message, token=self.token) from None
        env = context.env
        assert isinstance(env, _JekyllEnvironment)
        template = env.parse_partial(source, name, self.token)
        namespace = {"include": self._params(context)}
        try:
            with context.extend(namespace, template=template):
                template.render_with_context(context, buffer, partial=True)
        except _TagError:
            raise
        except LiquidLibraryError as err:
            raise _TagError(f"in {name}: {_message(err)}", token=self.token) from err
        return True

    def _file_name(self, context: RenderContext) -> str:
        if "{{" not in self.file:
            return self.file
        template = context.env.from_string(self.file)
        return template.render(**dict(context.scope.items())).strip()

    def _params(self, context: RenderContext) -> dict[str, object]:
        params: dict[str, object] = {}
        for match in _PARAM.finditer(self.params):
            key, double, single, variable = match.groups()
            if variable is not None:
                path: list[object] = list(variable.split("."))
                params[key] = context.get(path, token=self.token, default=None)
            else:
                params[key] = double if double is not None else single
        return params


class _IncludeTag(Tag):
    block = False
    relative = False

    def parse(self, stream: TokenStream) -> Node:
        token = stream.eat(TOKEN_TAG)
        return _IncludeNode(token, _expression(stream, token), relative=self.relative)


class _IncludeRelativeTag(_IncludeTag):
    relative = True


class _LookupNode(Node):
    """``{% post_url name %}`` and ``{% link path %}``: a URL from the site index."""

    __slots__ = ("argument",)

    def __init__(self, token: LiquidToken, argument: str) -> None:
        super().__init__(token)
        self.argument = argument

    def __str__(self) -> str:
        return f"{{% {self.token.value} {self.argument} %}}"

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        state = _state(context)
        argument = self.argument
        if "{{" in argument:
            argument = context.env.from_string(argument).render(**dict(context.scope.items()))
        resolve = state.post_url if self.token.value == "post_url" else state.link
        url = resolve(argument.strip())
        if url is None:
            what = "post" if self.token.value == "post_url" else "file"
            raise _TagError(
                f"{self.token.value}: could not find {what} {argument.strip()!r}",
                token=self.token,
            )
        buffer.write(url)
        return True


class _LookupTag(Tag):
    block = False

    def parse(self, stream: TokenStream) -> Node:
        token = stream.eat(TOKEN_TAG)
        return _LookupNode(token, _expression(stream, token).strip())


_HIGHLIGHT_MARKUP = re.compile(r"^([\w+#.-]+)\s*(.*)$", re.S)


class _HighlightNode(Node):
    __slots__ = ("block", "lang", "linenos")

    def __init__(self, token: LiquidToken, lang: str, linenos: bool, block: BlockNode) -> None:
        super().__init__(token)
        self.lang = lang
        self.linenos = linenos
        self.block = block

    def __str__(self) -> str:
        return f"{{% highlight {self.lang} %}}{self.block}{{% endhighlight %}}"

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        inner = context.get_buffer(buffer)
        self.block.render(context, inner)
        code = inner.getvalue().strip()
        buffer.write(highlight_figure(code, self.lang, linenos=self.linenos))
        return True

    def children(
        self, static_context: RenderContext, *, include_partials: bool = True
    ) -> Iterable[Node]:
        yield self.block


def highlight_figure(code: str, lang: str, *, linenos: bool) -> str:
    """Jekyll's ``{% highlight %}`` output: rouge's figure wrapper, line-number table optional."""
    lang_attr = html.escape(lang.replace("+", "-"))
    body = highlight_code(code, lang) or html.escape(code + "\n", quote=False)
    if linenos:
        # Rouge puts this table inside <pre><code>, which HTML does not allow (the Nu checker
        # rejects it); we keep its classes and cells but put the table in the figure itself.
        count = body.count("\n") or 1
        numbers = "".join(f"{n}\n" for n in range(1, count + 1))
        return (
            '<figure class="highlight"><table class="rouge-table"><tbody><tr>'
            f'<td class="gutter gl"><pre class="lineno">{numbers}</pre></td>'
            f'<td class="code"><pre><code class="language-{lang_attr}" data-lang="{lang_attr}">'
            f"{body}</code></pre></td></tr></tbody></table></figure>"
        )
    return (
        f'<figure class="highlight"><pre><code class="language-{lang_attr}" '
        f'data-lang="{lang_attr}">{body}</code></pre></figure>'
    )


class _HighlightTag(Tag):
    name = "highlight"
    end = "endhighlight"

    def parse(self, stream: TokenStream) -> Node:
        token = stream.eat(TOKEN_TAG)
        markup = _expression(stream, token).strip()
        match = _HIGHLIGHT_MARKUP.match(markup)
        if not match:
            raise _TagError(f"highlight: bad language {markup!r}", token=token)
        next(stream)
        block = get_parser(self.env).parse_block(stream, frozenset((self.end, TOKEN_EOF)))
        stream.expect(TOKEN_TAG, value=self.end)
        return _HighlightNode(token, match.group(1), "linenos" in match.group(2), block)


# --- filters -------------------------------------------------------------------------------------


def _ensure_leading_slash(part: str) -> str:
    return part if not part or part.startswith("/") else "/" + part


@with_context
def relative_url(value: object, *, context: RenderContext) -> object:
    if value is None:
        return value
    text = str(value)
    if urlsplit(text).scheme:
        return text
    baseurl = _state(context).site.get("baseurl") or ""
    return _ensure_leading_slash(str(baseurl)) + _ensure_leading_slash(text)


@with_context
def absolute_url(value: object, *, context: RenderContext) -> object:
    if value is None:
        return value
    text = str(value)
    if urlsplit(text).scheme:
        return text
    site_url = str(_state(context).site.get("url") or "")
    return site_url + str(relative_url(text, context=context))


def _as_datetime(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _date_filter(fmt: str) -> Callable[..., object]:
    def apply(value: object, *_args: object) -> object:
        moment = _as_datetime(value)
        return value if moment is None else moment.strftime(fmt)

    return apply


def date_to_xmlschema(value: object) -> object:
    moment = _as_datetime(value)
    return value if moment is None else moment.isoformat()


def xml_escape(value: object) -> str:
    return "" if value is None else html.escape(str(value), quote=False).replace('"', "&quot;")


_SLUG_PATTERNS = {
    "raw": re.compile(r"\s+"),
    "default": re.compile(r"[\W_]+"),
    "pretty": re.compile(r"[^\w._~!$&'()+,;=@]+"),
    "ascii": re.compile(r"[^a-zA-Z0-9]+"),
}


def slugify(value: object, mode: object = "default") -> str:
    """Jekyll's ``Utils.slugify``: lowercase, runs of other characters become one ``-``."""
    text = "" if value is None else str(value)
    mode = str(mode or "default")
    if mode == "none":
        return text
    if mode == "latin":
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        mode = "default"
    pattern = _SLUG_PATTERNS.get(mode, _SLUG_PATTERNS["default"])
    return pattern.sub("-", text).strip("-").lower()


def jsonify(value: object) -> str:
    return json.dumps(value, default=str, ensure_ascii=False, separators=(",", ":"))


def _item(obj: object, key: str) -> object:
    if isinstance(obj, Mapping):
        return obj.get(key)
    return getattr(obj, key, None)


def where(items: object, key: object, value: object = None) -> list[object]:
    if not isinstance(items, Iterable) or isinstance(items, str | Mapping):
        return []
    wanted = "" if value is None else str(value)
    out: list[object] = []
    for obj in items:
        found = _item(obj, str(key))
        if isinstance(found, list | tuple):
            if wanted in [str(part) for part in found]:
                out.append(obj)
        elif ("" if found is None else str(found)) == wanted:
            out.append(obj)
    return out


def group_by(items: object, key: object) -> list[dict[str, object]]:
    groups: dict[str, list[object]] = {}
    if isinstance(items, Iterable) and not isinstance(items, str | Mapping):
        for obj in items:
            found = _item(obj, str(key))
            groups.setdefault("" if found is None else str(found), []).append(obj)
    return [{"name": k, "items": v, "size": len(v)} for k, v in groups.items()]


def array_to_sentence_string(items: object, connector: object = "and") -> str:
    parts = [str(x) for x in items] if isinstance(items, list | tuple) else [str(items)]
    if len(parts) <= 1:
        return "".join(parts)
    if len(parts) == 2:
        return f"{parts[0]} {connector} {parts[1]}"
    return f"{', '.join(parts[:-1])}, {connector} {parts[-1]}"


def number_of_words(value: object) -> int:
    return len(str(value or "").split())


def normalize_whitespace(value: object) -> str:
    return " ".join(str(value or "").split())


def _push(items: object, value: object) -> list[object]:
    return [*(items if isinstance(items, list | tuple) else []), value]


def _pop(items: object, count: object = 1) -> list[object]:
    values = list(items) if isinstance(items, list | tuple) else []
    return values[: max(len(values) - int(str(count)), 0)]


def _shift(items: object, count: object = 1) -> list[object]:
    values = list(items) if isinstance(items, list | tuple) else []
    return values[int(str(count)) :]


def _unshift(items: object, value: object) -> list[object]:
    return [value, *(items if isinstance(items, list | tuple) else [])]


def _to_integer(value: object) -> int:
    if isinstance(value, bool):
        return int(value)
    try:
        return int(float(str(value)))
    except ValueError:
        return 0


_MARKDOWN: dict[str, MarkdownRenderer] = {}
_PARTIALS_KEPT = 256


def _markdown_for(options: object) -> MarkdownRenderer:
    """One renderer per distinct ``kramdown`` settings mapping (a site has one)."""
    mapping = options if isinstance(options, Mapping) else {}
    key = json.dumps(mapping, sort_keys=True, default=str)
    if key not in _MARKDOWN:
        if len(_MARKDOWN) >= 8:
            _MARKDOWN.clear()
        _MARKDOWN[key] = MarkdownRenderer(mapping)
    return _MARKDOWN[key]


@with_context
def markdownify(value: object, *, context: RenderContext) -> str:
    """Jekyll's ``markdownify``: the site's markdown settings, a fragment out."""
    return _markdown_for(_state(context).site.get("kramdown")).convert(str(value or ""))


@with_context
def smartify(value: object, *, context: RenderContext) -> str:
    """kramdown's typography on one line of text (quotes, dashes, ellipses)."""
    rendered = markdownify(value, context=context)
    return re.sub(r"^<p>|</p>\n$", "", rendered)


# --- the renderer --------------------------------------------------------------------------------


def _message(err: LiquidLibraryError) -> str:
    return str(err.message if err.message is not None else type(err).__name__)


class _JekyllEnvironment(Environment):
    """python-liquid with Jekyll's tags and filters; limits keep a hostile post bounded."""

    loop_iteration_limit = MAX_LOOP_ITERATIONS
    output_stream_limit = MAX_OUTPUT_CHARS
    local_namespace_limit = 20_000_000
    context_depth_limit = 30

    def __init__(self) -> None:
        self._partials: dict[str, BoundTemplate] = {}
        super().__init__(strict_filters=False)  # Jekyll ignores unknown filters

    def setup_tags_and_filters(self, *, extra: bool = False) -> None:
        super().setup_tags_and_filters(extra=extra)
        tags: dict[str, type[Tag]] = {
            "include": _IncludeTag,
            "include_relative": _IncludeRelativeTag,
            "post_url": _LookupTag,
            "link": _LookupTag,
            "highlight": _HighlightTag,
        }
        for name, tag_class in tags.items():
            tag = tag_class(self)
            tag.name = name
            self.tags[name] = tag
        self.filters.update(self._jekyll_filters())

    def _jekyll_filters(self) -> dict[str, Callable[..., Any]]:
        return {
            "relative_url": relative_url,
            "absolute_url": absolute_url,
            "date_to_string": _date_filter("%d %b %Y"),
            "date_to_long_string": _date_filter("%d %B %Y"),
            "date_to_rfc822": _date_filter("%a, %d %b %Y %H:%M:%S %z"),
            "date_to_xmlschema": date_to_xmlschema,
            "xml_escape": xml_escape,
            "cgi_escape": lambda value: quote_plus(str(value or "")),
            "uri_escape": lambda value: quote(str(value or ""), safe="!#$&'()*+,/:;=?@[]~"),
            "markdownify": markdownify,
            "smartify": smartify,
            "slugify": slugify,
            "jsonify": jsonify,
            "inspect": jsonify,
            "where": where,
            "group_by": group_by,
            "array_to_sentence_string": array_to_sentence_string,
            "number_of_words": number_of_words,
            "normalize_whitespace": normalize_whitespace,
            "push": _push,
            "pop": _pop,
            "shift": _shift,
            "unshift": _unshift,
            "to_integer": _to_integer,
        }

    def parse_partial(self, source: str, name: str, token: LiquidToken) -> BoundTemplate:
        """Parse (and cache) an included file; a syntax error points at the include tag."""
        template = self._partials.get(source)
        if template is None:
            try:
                template = self.from_string(source, name=name)
            except LiquidLibraryError as err:
                raise _TagError(f"in {name}: {_message(err)}", token=token) from err
            if len(self._partials) >= _PARTIALS_KEPT:
                self._partials.clear()
            self._partials[source] = template
        return template


class LiquidEngine:
    """python-liquid with Jekyll's tags and filters; renders one post body at a time."""

    def __init__(self) -> None:
        self._env = _JekyllEnvironment()

    def render(self, source: str, *, path: str, first_line: int, context: LiquidContext) -> str:
        """Render ``source`` (a post body starting at ``first_line`` of ``path``)."""
        data = {
            "site": context.site,
            "page": _with_ruby_times(context.page),
            _CONTEXT_KEY: context,
            _INCLUDES_KEY: [0],
        }
        try:
            template = self._env.from_string(source, name=path)
            return str(template.render(**data))
        except LiquidLibraryError as err:
            raise self._error(err, source, path, first_line) from None
        except BroadsheetError:
            raise
        except (TypeError, ValueError, ArithmeticError, RecursionError) as err:
            raise LiquidError(path, f"Liquid failed: {err}", line=first_line) from None

    @staticmethod
    def _error(err: LiquidLibraryError, source: str, path: str, first_line: int) -> LiquidError:
        token = err.token
        line: int | None = first_line
        column: int | None = None
        if token is not None and token.start_index >= 0 and token.source is source:
            line = first_line + source.count("\n", 0, token.start_index)
            column = token.start_index - (source.rfind("\n", 0, token.start_index) + 1) + 1
        elif token is not None and token.kind == TOKEN_EOF:  # an unclosed block
            line = first_line + source.rstrip("\n").count("\n")
        message = _message(err)
        hint = None
        if "unexpected tag" in message or "unknown tag" in message:
            hint = "Jekyll plugins' tags are not available; remove the tag or wrap it in {% raw %}"
        elif "not found" in message:
            hint = "check the file exists in the content store"
        return LiquidError(path, message, line=line, column=column, hint=hint)
