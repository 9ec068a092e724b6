"""The exception hierarchy. Inner modules raise these; only ``handler.web`` turns them into HTTP."""

from __future__ import annotations


def location(path: str, line: int | None = None, column: int | None = None) -> str:
    """``path:line:col`` as compilers print it (``line`` and ``col`` when known)."""
    where = path
    if line is not None:
        where += f":{line}"
        if column is not None:
            where += f":{column}"
    return where


class BroadsheetError(Exception):
    """Base of every error Broadsheet raises on purpose."""


class NotFound(BroadsheetError):
    """No such object in the store, or no page at that URL (HTTP 404)."""


class Forbidden(NotFound):
    """The store refused to read an object (S3's 403): a reader sees a 404, but whoever keeps the
    index must not take it for a deletion (it is a missing permission, not a missing file)."""


class StoreUnavailable(BroadsheetError):
    """The store could not answer (S3 error or timeout): retry later (HTTP 503)."""


class SiteUnavailable(StoreUnavailable):
    """The site cannot be served as its author meant it: ``_config.yml`` is broken and there is
    no good configuration to keep serving with. Retry once it is fixed (HTTP 503)."""


class ContentError(BroadsheetError):
    """A content file is wrong. Names the file and, where known, the line (1-based) and column.

    ``str(error)`` reads ``path:line:col: message`` so editors and CI can jump to it.
    """

    def __init__(
        self,
        path: str,
        message: str,
        *,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
    ) -> None:
        self.path = path
        self.message = message
        self.line = line
        self.column = column
        self.hint = hint
        super().__init__(self.location + ": " + message + (f" ({hint})" if hint else ""))

    @property
    def location(self) -> str:
        return location(self.path, self.line, self.column)


class FrontMatterError(ContentError):
    """The YAML front matter block is malformed, unterminated or not a mapping."""


class LiquidError(ContentError):
    """A Liquid tag or expression in a post could not be rendered (unknown tag, bad syntax)."""


class RenderError(ContentError):
    """Markdown rendering failed or went past its limits."""


class TooLarge(ContentError):
    """A file is larger than the limit for what it is (a post, a layout, a data file...)."""

    def __init__(self, path: str, size: int, limit: int, what: str = "file") -> None:
        super().__init__(
            path,
            f"the {what} is {size:,} bytes, over the {limit:,}-byte limit",
            hint="split it, or raise the limit (MAX_POST_BYTES for posts and pages)",
        )
        self.size = size
        self.limit = limit


class PreconditionFailed(BroadsheetError):
    """A conditional write lost a race: the object changed since it was read (S3 412)."""
