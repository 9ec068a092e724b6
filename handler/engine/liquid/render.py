"""Rendering a template's nodes, and turning what goes wrong into a ``LiquidError`` that names
the file (page, layout or include) and the line where it went wrong."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from liquid.ast import Node
from liquid.exceptions import LiquidError as LibraryError
from liquid.exceptions import LiquidInterrupt

from handler.errors import BroadsheetError, LiquidError

if TYPE_CHECKING:
    from handler.engine.liquid.context import JekyllContext
    from handler.engine.liquid.template import Template

__all__ = ["host_message", "locate", "render_template"]


def host_message(err: BroadsheetError) -> str:
    """What a host's error says, without its own ``path:line:`` (the engine locates it)."""
    message = getattr(err, "message", None)
    return message if isinstance(message, str) else str(err)


def render_template(
    template: Template, context: JekyllContext, buffer: TextIO, *, partial: bool
) -> None:
    """Render ``template``'s nodes into ``buffer``.

    A ``break``/``continue`` outside any loop stops the page there, as in Ruby (in an include it
    goes on to the loop around the include). Errors leave as ``LiquidError`` located in
    ``template`` unless they were located in an include already.
    """
    files = context.state.files
    files.append(template)
    try:
        for node in template.nodes:
            try:
                node.render(context, buffer)
            except (LiquidInterrupt, LiquidError):
                raise
            except LibraryError as err:
                raise locate(err, template, node) from None
            except BroadsheetError as err:
                raise _error(template, node, host_message(err)) from None
            except RecursionError:
                raise _error(template, node, "nesting too deep") from None
    except LiquidInterrupt:
        if partial:
            raise
    finally:
        files.pop()


def locate(err: LibraryError, template: Template, node: Node | None = None) -> LiquidError:
    """``err`` as a ``LiquidError`` at its token in ``template`` (else at ``node``)."""
    token = err.token
    if token is None or token.source is not template.source.text:
        token = node.token if node is not None else None
    message = str(err.message if err.message is not None else type(err).__name__)
    return LiquidError(
        template.source.key,
        message,
        line=template.line_of(token),
        column=template.column_of(token),
        hint=_hint(message),
    )


def _error(template: Template, node: Node, message: str) -> LiquidError:
    return LiquidError(
        template.source.key,
        message,
        line=template.line_of(node.token),
        column=template.column_of(node.token),
        hint=_hint(message),
    )


def _hint(message: str) -> str | None:
    if "Could not locate the included file" in message or "Could not find" in message:
        return "check the file exists in the site"
    if "was never closed" in message:
        return "every block tag needs its end tag"
    return None
