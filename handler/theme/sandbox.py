"""The Jinja2 environment the theme renders in: templates from the bucket are untrusted code.

A site's ``_theme/`` templates come from the content store, so whoever can write there writes
the code the function runs. They run in Jinja's :class:`ImmutableSandboxedEnvironment` (no
underscore attributes, no Python internals, no changing lists or dicts) with bounds on what the
sandbox leaves open:

- every value a template builds (a string, a list, an integer) and the whole output stay under
  :class:`ThemeLimits`: the operators that grow values (``*``, ``**``, ``+``, ``%``, ``~``) and
  the filters that do (``center``, ``indent``, ``join``, ``replace``, ``batch``...) check the
  size before they build it, and the output and every captured block (``set``, macros,
  ``caller``) are joined only under the limit;
- of the methods of strings, lists and dicts, only those that cannot grow a value (``lower``,
  ``split``, ``items``...): no ``format``, ``center``, ``ljust``, ``join``, ``replace``;
- ``range`` is the sandbox's (at most 100,000 items); ``lipsum`` is gone;
- loops, recursion and everything else are bounded by the page's CPU budget
  (``handler.engine.budget``), which :class:`handler.theme.Theme` renders under.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sized
from dataclasses import dataclass
from functools import wraps
from typing import Any

from jinja2 import Environment, Template
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import TemplateRuntimeError
from jinja2.nodes import EvalContext
from jinja2.runtime import Context, markup_join, str_join
from jinja2.sandbox import ImmutableSandboxedEnvironment

__all__ = ["ThemeEnvironment", "ThemeLimitError", "ThemeLimits"]


@dataclass(frozen=True, slots=True)
class ThemeLimits:
    """Bounds on one theme render; far past what a theme needs, far short of hurting a Lambda."""

    max_chars: int = 8_000_000
    """Characters in the output and in any string a template builds."""
    max_items: int = 100_000
    """Items in any list a template builds."""
    max_int_bits: int = 4_096
    """Bits in any integer a template computes."""
    max_width: int = 10_000
    """A width, padding or precision a template asks a filter or ``%`` for."""


class ThemeLimitError(TemplateRuntimeError):
    """A template went past one of the :class:`ThemeLimits`."""


# Methods a template may call on built-in values: none of them grows a value past its input.
_STR_METHODS = frozenset(
    {
        "capitalize", "casefold", "count", "endswith", "find", "index", "isalnum", "isalpha",
        "isascii", "isdecimal", "isdigit", "isidentifier", "islower", "isnumeric", "isspace",
        "istitle", "isupper", "lower", "lstrip", "partition", "removeprefix", "removesuffix",
        "rfind", "rindex", "rpartition", "rsplit", "rstrip", "split", "splitlines",
        "startswith", "strip", "striptags", "swapcase", "title", "unescape", "upper",
    }
)  # fmt: skip
_METHODS: dict[type, frozenset[str]] = {
    str: _STR_METHODS,
    bytes: frozenset(),
    list: frozenset({"count", "index"}),
    tuple: frozenset({"count", "index"}),
    dict: frozenset({"get", "items", "keys", "values"}),
    set: frozenset(),
    frozenset: frozenset(),
}

# A conversion of printf-style formatting, with its width and precision.
_PRINTF = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d*))?")


class ThemeEnvironment(ImmutableSandboxedEnvironment):
    """An immutable sandbox whose every value and output are bounded (see the module)."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, *, limits: ThemeLimits | None = None, **options: Any) -> None:
        super().__init__(**options)
        self.limits = limits or ThemeLimits()
        self.globals.pop("lipsum", None)
        self.template_class = _BoundedTemplate
        self.code_generator_class = _BoundedCodeGenerator
        # What the output and every captured block (``set``, macros, ``caller``) are joined by.
        self.concat = lambda pieces: self.join(pieces, "".join)  # type: ignore[method-assign]
        self.filters = {name: self._bounded(name, f) for name, f in self.filters.items()}

    # --- what a template may reach ---------------------------------------------------------------

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if not super().is_safe_attribute(obj, attr, value):
            return False
        if not callable(value):
            return True
        for kind, allowed in _METHODS.items():
            if isinstance(obj, kind):
                return attr in allowed
        return True

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        return None  # str.format is not among the methods a template may call

    # --- sizes --------------------------------------------------------------------------------

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            self._check_repeat(left, right)
            self._check_repeat(right, left)
            if _is_int(left) and _is_int(right):
                self.check_bits(abs(left).bit_length() + abs(right).bit_length())
        elif operator == "**" and _is_int(left) and _is_int(right) and right > 0:
            if abs(left) > 1:
                self.check_bits(abs(left).bit_length() * right)
        elif operator == "%" and isinstance(left, str):
            self.check_printf(left)
        elif operator == "+" and isinstance(left, Sized) and isinstance(right, Sized):
            self.check_size(len(left) + len(right), left)
        return self.check(super().call_binop(context, operator, left, right))

    def _check_repeat(self, sequence: Any, times: Any) -> None:
        if isinstance(sequence, str | bytes | list | tuple) and _is_int(times) and times > 0:
            self.check_size(len(sequence) * times, sequence)

    def check(self, value: Any) -> Any:
        """``value``, if it is within the limits."""
        if isinstance(value, str | bytes | list | tuple | dict):
            self.check_size(len(value), value)
        elif _is_int(value):
            self.check_bits(value.bit_length())
        return value

    def check_size(self, size: int, like: Any) -> None:
        if isinstance(like, str | bytes):
            if size > self.limits.max_chars:
                raise ThemeLimitError(f"a string longer than {self.limits.max_chars} characters")
        elif size > self.limits.max_items:
            raise ThemeLimitError(f"a list of more than {self.limits.max_items} items")

    def check_bits(self, bits: int) -> None:
        if bits > self.limits.max_int_bits:
            raise ThemeLimitError(f"a number of more than {self.limits.max_int_bits} bits")

    def check_width(self, width: Any) -> None:
        if _is_int(width) and abs(width) > self.limits.max_width:
            raise ThemeLimitError(f"a width over {self.limits.max_width}")
        if isinstance(width, str) and len(width) > self.limits.max_width:
            raise ThemeLimitError(f"a width over {self.limits.max_width}")

    def check_printf(self, text: str) -> None:
        for match in _PRINTF.finditer(text):
            for part in match.groups():
                if part == "*" or (part and int(part) > self.limits.max_width):
                    raise ThemeLimitError(
                        f"a format width or precision over {self.limits.max_width}"
                    )

    def join(self, pieces: Iterable[Any], join: Callable[[Iterable[Any]], Any]) -> Any:
        """``join(pieces)``, if the total stays under the limit (counted while collecting, and
        joined in runs, so many small pieces cost their characters, not an object each)."""
        if isinstance(pieces, BoundedBuffer):
            return self.check(join(pieces))  # counted as it was written
        collected = BoundedBuffer(self)
        collected.extend(pieces)
        return self.check(join(collected))

    def buffer(self) -> BoundedBuffer:
        """What a captured block (``set``, a macro, ``caller``, a filter block) writes into."""
        return BoundedBuffer(self)

    def _bounded(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        before = _FILTER_CHECKS.get(name)

        @wraps(function)
        def bounded(*args: Any, **kwargs: Any) -> Any:
            if before is not None:
                before(self, _values(args), kwargs)
            return self.check(function(*args, **kwargs))

        return bounded


class BoundedBuffer(list[Any]):
    """The pieces of one output or captured block, refusing to hold more than the limit; runs
    of small pieces are joined as they come, so the list stays short."""

    _RUN = 1024

    def __init__(self, environment: ThemeEnvironment) -> None:
        super().__init__()
        self.environment = environment
        self.chars = 0
        self.max_chars = environment.limits.max_chars  # read once: append runs per piece

    def append(self, piece: Any) -> None:
        self.chars += len(piece) if isinstance(piece, str) else len(str(piece))
        if self.chars > self.max_chars:
            raise ThemeLimitError(f"output longer than {self.max_chars} characters")
        list.append(self, piece)
        if len(self) >= 2 * self._RUN and all(type(p) is str for p in self[-self._RUN :]):
            self[-self._RUN :] = ["".join(self[-self._RUN :])]

    def extend(self, pieces: Iterable[Any]) -> None:
        """``append`` each piece, its steps inlined (a page's output is mostly many pieces)."""
        chars, limit, run = self.chars, self.max_chars, self._RUN
        try:
            for piece in pieces:
                chars += len(piece) if isinstance(piece, str) else len(str(piece))
                if chars > limit:
                    raise ThemeLimitError(f"output longer than {limit} characters")
                list.append(self, piece)
                if len(self) >= 2 * run and all(type(p) is str for p in self[-run:]):
                    self[-run:] = ["".join(self[-run:])]
        finally:
            self.chars = chars


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _values(args: tuple[Any, ...]) -> tuple[Any, ...]:
    """A filter's arguments without the context or environment some filters are passed first."""
    while args and isinstance(args[0], Context | Environment | EvalContext):
        args = args[1:]
    return args


def _arg(args: tuple[Any, ...], kwargs: Mapping[str, Any], index: int, name: str) -> Any:
    if name in kwargs:
        return kwargs[name]
    return args[index] if len(args) > index else None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


def _check_center(env: ThemeEnvironment, args: tuple[Any, ...], kw: Mapping[str, Any]) -> None:
    env.check_width(_arg(args, kw, 1, "width"))


def _check_indent(env: ThemeEnvironment, args: tuple[Any, ...], kw: Mapping[str, Any]) -> None:
    width = _arg(args, kw, 1, "width")
    env.check_width(width)
    pad = len(width) if isinstance(width, str) else (width or 4)
    lines = _text(args[0]).count("\n") + 1 if args else 1
    env.check_size(len(_text(args[0])) + lines * max(pad, 0), "")


def _check_count(env: ThemeEnvironment, args: tuple[Any, ...], kw: Mapping[str, Any]) -> None:
    for index, name in ((1, "linecount"), (1, "slices")):
        count = _arg(args, kw, index, name)
        if _is_int(count):
            env.check_size(abs(count), [])


def _check_replace(env: ThemeEnvironment, args: tuple[Any, ...], kw: Mapping[str, Any]) -> None:
    if len(args) < 3:
        return
    text, old, new = _text(args[0]), _text(args[1]), _text(args[2])
    times = len(text) + 1 if not old else text.count(old)
    count = _arg(args, kw, 3, "count")
    if _is_int(count) and count >= 0:
        times = min(times, count)
    env.check_size(len(text) + times * len(new), "")


def _check_join(env: ThemeEnvironment, args: tuple[Any, ...], kw: Mapping[str, Any]) -> None:
    if not args or isinstance(args[0], str):
        return
    items = args[0] if isinstance(args[0], list | tuple) else None
    separator = _text(_arg(args, kw, 1, "d") or "")
    if items is not None:
        total = sum(len(_text(item)) for item in items) + len(separator) * len(items)
        env.check_size(total, "")


def _check_format(env: ThemeEnvironment, args: tuple[Any, ...], kw: Mapping[str, Any]) -> None:
    if args:
        env.check_printf(_text(args[0]))


def _check_wordwrap(env: ThemeEnvironment, args: tuple[Any, ...], kw: Mapping[str, Any]) -> None:
    wrap = _arg(args, kw, 3, "wrapstring")
    if args and wrap is not None:
        env.check_size(len(_text(args[0])) * (1 + len(_text(wrap))), "")


def _check_round(env: ThemeEnvironment, args: tuple[Any, ...], kw: Mapping[str, Any]) -> None:
    env.check_width(_arg(args, kw, 1, "precision"))


def _check_tojson(env: ThemeEnvironment, args: tuple[Any, ...], kw: Mapping[str, Any]) -> None:
    indent = _arg(args, kw, 1, "indent")
    if _is_int(indent) and indent > 16:
        raise ThemeLimitError("a JSON indent over 16")
    if isinstance(indent, str) and len(indent) > 16:
        raise ThemeLimitError("a JSON indent over 16 characters")


_Check = Callable[[ThemeEnvironment, tuple[Any, ...], Mapping[str, Any]], None]
_FILTER_CHECKS: dict[str, _Check] = {
    "center": _check_center,
    "indent": _check_indent,
    "batch": _check_count,
    "slice": _check_count,
    "replace": _check_replace,
    "join": _check_join,
    "format": _check_format,
    "wordwrap": _check_wordwrap,
    "round": _check_round,
    "tojson": _check_tojson,
    "truncate": lambda env, args, kw: env.check_width(_arg(args, kw, 3, "leeway")),
}


class _BoundedTemplate(Template):
    """A template whose ``~`` joins are bounded (see the module)."""

    @classmethod
    def from_code(
        cls,
        environment: Any,
        code: Any,
        globals: Any,
        uptodate: Callable[[], bool] | None = None,
    ) -> Template:
        template = super().from_code(environment, code, globals, uptodate)
        if isinstance(environment, ThemeEnvironment):
            namespace = template.root_render_func.__globals__
            namespace["markup_join"] = lambda pieces: environment.join(pieces, markup_join)
            namespace["str_join"] = lambda pieces: environment.join(pieces, str_join)
        return template


class _BoundedCodeGenerator(CodeGenerator):
    """Jinja's code generator, with every captured block written into a :class:`BoundedBuffer`."""

    def buffer(self, frame: Frame) -> None:
        frame.buffer = self.temporary_identifier()
        self.writeline(f"{frame.buffer} = environment.buffer()")
