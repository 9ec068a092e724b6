"""``{{ name | filter: arg, key: value }}``: Ruby's ``Liquid::Variable``, parsed and evaluated.

Ruby parses the markup strictly first and, when that fails, with its lax regular expressions
(Jekyll's ``error_mode: warn``): ``{{ x | "text" }}`` is then a filter named ``text`` (unknown, so
ignored), ``{{ a b }}`` is ``a``, junk after the last filter is dropped. Filters receive their
keyword arguments as one trailing hash, as in Ruby. An unknown filter passes its input through
and is reported to the host.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from time import monotonic
from typing import TYPE_CHECKING, Any

from liquid.exceptions import LiquidError
from liquid.expression import Expression
from liquid.token import Token

from handler.engine.liquid.context import JekyllContext, LimitError
from handler.engine.liquid.expressions import NIL, Literal, parse_expression
from handler.engine.liquid.markup import (
    FILTER_ARGS,
    FILTER_MARKUP,
    FILTER_PARSER,
    JUST_TAG_ATTRIBUTES,
    MARKUP_WITH_QUOTED_FRAGMENT,
    Parser,
    RubySyntaxError,
)
from handler.errors import BroadsheetError

if TYPE_CHECKING:
    from liquid import RenderContext

__all__ = ["Filter", "FilterError", "Variable", "parse_variable"]

_WORD = re.compile(r"\w+", re.ASCII)


class FilterError(LiquidError):
    """A filter failed (wrong arguments, a value it cannot take): Ruby raises, so do we."""


class Filter:
    """One ``| name: args`` step."""

    __slots__ = ("args", "constants", "func", "kwargs", "name", "token", "with_context")

    def __init__(
        self,
        name: str,
        args: list[Expression],
        kwargs: dict[str, Expression] | None,
        token: Token,
    ) -> None:
        self.name = name
        self.args = args
        self.kwargs = kwargs
        self.token = token
        self.func: Callable[..., Any] | None = None  # looked up on first use
        self.with_context = False
        # Arguments that are all literals (``date: "%Y"``): their values, known once.
        self.constants: tuple[object, ...] | None = None
        if kwargs is None and all(type(arg) is Literal for arg in args):
            self.constants = tuple(arg.evaluate(None) for arg in args)  # type: ignore[arg-type]

    def arguments(self, context: RenderContext) -> list[object]:
        values = [arg.evaluate(context) for arg in self.args]
        if self.kwargs is not None:
            values.append({key: value.evaluate(context) for key, value in self.kwargs.items()})
        return values

    def apply(self, context: JekyllContext, value: object) -> object:
        """The filter on ``value``, as Ruby's strainer calls it; an unknown filter returns its
        input. Any failure is a ``FilterError`` at this filter; what it makes is charged to the
        render (``Limits``)."""
        func = self.func
        if func is None:
            func = context.env.filters.get(self.name)
            if func is None:
                context.state.unsupported("filter", self.name, self.token)
                return value
            self.with_context = bool(getattr(func, "with_context", False))
            self.func = func
        try:
            constants = self.constants
            if constants is not None:
                if self.with_context:
                    result = func(value, *constants, context=context)
                else:
                    result = func(value, *constants)
            elif self.kwargs is not None:
                result = _call(context, func, self.with_context, value, self.arguments(context))
            elif self.with_context:
                result = func(value, *[arg.evaluate(context) for arg in self.args], context=context)
            else:
                result = func(value, *[arg.evaluate(context) for arg in self.args])
        except LiquidError as err:
            if err.token is None:
                err.token = self.token
            raise
        except _FAILURES as err:
            raise _filter_error(self.name, err, self.token) from None
        if isinstance(result, str | list):
            state = context.state
            size = len(result)
            limits = state.limits
            if size > limits.max_output_chars:
                raise LimitError(
                    f"a value is longer than {limits.max_output_chars}", token=self.token
                )
            state.work += size
            if state.work > limits.max_filter_work:
                raise LimitError(
                    "too much work for one render (filters in a loop?)", token=self.token
                )
            if monotonic() - state.started > limits.max_render_seconds:
                state.check_time(self.token)  # raises
        elif (
            isinstance(result, int) and result.bit_length() > context.state.limits.max_integer_bits
        ):
            raise LimitError("a number is too large", token=self.token)
        return result


def _call(
    context: JekyllContext,
    func: Callable[..., Any],
    with_context: bool,
    value: object,
    args: list[object],
) -> object:
    if with_context:
        return func(value, *args, context=context)
    return func(value, *args)


class Variable(Expression):
    """A value and its filters: the markup of ``{{ }}``, ``echo`` and ``assign``."""

    __slots__ = ("filters", "name")

    def __init__(self, name: Expression, filters: list[Filter], token: Token) -> None:
        super().__init__(token)
        self.name = name
        self.filters = filters

    @property
    def evaluator(self) -> Callable[[RenderContext], object]:
        """``evaluate``, or the value's own when there is no filter (one call less)."""
        return self.evaluate if self.filters else self.name.evaluate

    def evaluate(self, context: RenderContext) -> object:
        value = self.name.evaluate(context)
        for step in self.filters:
            value = step.apply(context, value)  # type: ignore[arg-type]
        return value

    def children(self) -> list[Expression]:
        children = [self.name]
        for step in self.filters:
            children.extend(step.args)
            children.extend((step.kwargs or {}).values())
        return children


def parse_variable(markup: str, token: Token) -> Variable:
    """``Liquid::Variable.new(markup)`` in ``warn`` mode: strict, else lax."""
    try:
        return _strict(markup, token)
    except RubySyntaxError:
        return _lax(markup, token)


def _strict(markup: str, token: Token) -> Variable:
    parser = Parser(markup)
    if parser.look("end_of_string"):
        return Variable(NIL, [], token)
    name = parse_expression(parser.expression(), token)
    filters: list[Filter] = []
    while parser.consume_if("pipe") is not None:
        filter_name = parser.consume("id")
        args: list[str] = []
        if parser.consume_if("colon") is not None:
            args.append(parser.argument())
            while parser.consume_if("comma") is not None:
                args.append(parser.argument())
        filters.append(_filter(filter_name, args, token))
    parser.consume("end_of_string")
    return Variable(name, filters, token)


def _lax(markup: str, token: Token) -> Variable:
    match = MARKUP_WITH_QUOTED_FRAGMENT.search(markup)
    if match is None:
        return Variable(NIL, [], token)
    name = parse_expression(match.group(1), token)
    filters: list[Filter] = []
    rest = FILTER_MARKUP.search(match.group(2))
    if rest is not None:
        for part in FILTER_PARSER.findall(rest.group(1)):
            word = _WORD.search(part)
            if word is not None:
                filters.append(_filter(word.group(0), FILTER_ARGS.findall(part), token))
    return Variable(name, filters, token)


def _filter(name: str, unparsed: list[str], token: Token) -> Filter:
    args: list[Expression] = []
    kwargs: dict[str, Expression] | None = None
    for text in unparsed:
        keyword = JUST_TAG_ATTRIBUTES.match(text)
        if keyword is None:
            args.append(parse_expression(text, token))
            continue
        kwargs = kwargs or {}
        kwargs[keyword.group(1)] = parse_expression(keyword.group(2), token)
    return Filter(name, args, kwargs, token)


# --- invoking filters ----------------------------------------------------------------------------


def invoke(context: JekyllContext, step: Filter, value: object) -> object:
    """Apply one filter as Ruby's strainer does; unknown filters return their input."""
    return step.apply(context, value)


def call_filter(
    context: JekyllContext,
    func: Callable[..., Any],
    name: str,
    value: object,
    args: list[object],
    token: Token | None,
) -> object:
    """Call ``func``; any failure becomes a ``FilterError`` at ``token``."""
    try:
        if getattr(func, "with_context", False):
            return func(value, *args, context=context)
        return func(value, *args)
    except LiquidError as err:
        if err.token is None:
            err.token = token
        raise
    except _FAILURES as err:
        raise _filter_error(name, err, token) from None


# What a filter may fail with (Ruby raises too): each becomes a ``FilterError`` at the filter.
_FAILURES = (TypeError, BroadsheetError, ArithmeticError, ValueError, LookupError, RecursionError)


def _filter_error(name: str, err: Exception, token: Token | None) -> FilterError:
    from handler.engine.liquid.render import host_message

    if isinstance(err, TypeError):
        return FilterError(f"{name}: {_arity_message(err)}", token=token)
    if isinstance(err, BroadsheetError):
        return FilterError(f"{name}: {host_message(err)}", token=token)
    return FilterError(f"{name}: {err}", token=token)


def _arity_message(err: TypeError) -> str:
    """Ruby's wording for a filter given the wrong number of arguments."""
    pattern = r"takes (?:from )?(\d+)(?: to (\d+))? positional arguments? but (\d+)"
    match = re.search(pattern, str(err))
    if match is None:
        return "wrong number of arguments"
    low, high, given = (int(group) if group else None for group in match.groups())
    assert low is not None and given is not None
    expected = f"{low - 1}..{high - 1}" if high is not None else str(low - 1)
    return f"wrong number of arguments (given {given - 1}, expected {expected})"


def _check_size(context: JekyllContext, value: object, token: Token) -> None:
    limits = context.state.limits
    if isinstance(value, str | list):
        if len(value) > limits.max_output_chars:
            raise LimitError(f"a value is longer than {limits.max_output_chars}", token=token)
        context.state.charge(len(value), token)
    if isinstance(value, int) and value.bit_length() > limits.max_integer_bits:
        raise LimitError("a number is too large", token=token)
