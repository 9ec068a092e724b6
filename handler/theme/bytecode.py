"""Compiled built-in templates, kept as Python keeps its own bytecode.

Compiling the built-in theme's page templates is most of a cold start's first render (~15 ms of
it: Jinja turns each template into Python source, then Python compiles that). Jinja can keep the
result (:class:`jinja2.BytecodeCache`); this one does it the way the interpreter treats ``.pyc``:

- the files live in ``handler/theme/templates/__pycache__/`` (under ``sys.pycache_prefix`` when
  ``PYTHONPYCACHEPREFIX`` sets one), are written on first use unless ``sys.dont_write_bytecode``
  (``PYTHONDONTWRITEBYTECODE``), and a folder that cannot be written (Lambda's ``/var/task``) is
  read only, silently;
- ``infra/build.sh`` writes them into the Lambda artifact (:func:`handler.theme.precompile`), as it
  compiles the ``.pyc``, so a function's first render loads instead of compiling.

What makes a kept file valid: Jinja checks its own format, the Python version, and the template's
source (a checksum of it); the file's name adds a fingerprint of everything else the code depends
on: Jinja's version, the environment's options and the sandbox's code generator (its module's
source, as it writes the bounds into every template). A file that fails any check is compiled
afresh, never trusted. Only the package's own templates are kept: a site's ``_theme/`` overrides
come from the bucket and stay in memory (:class:`handler.theme.TemplateCache`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import tempfile
from pathlib import Path
from types import CodeType
from urllib.parse import quote

from jinja2 import Environment
from jinja2.bccache import Bucket, BytecodeCache

__all__ = ["TemplateBytecode", "cache_folder", "fingerprint"]

SUFFIX = ".j2c"


def cache_folder(templates: Path) -> Path:
    """Where the compiled templates of ``templates`` live: its ``__pycache__``, or the same path
    under ``sys.pycache_prefix`` (the rule :func:`importlib.util.cache_from_source` follows)."""
    prefix = sys.pycache_prefix
    if prefix:
        absolute = templates.resolve()
        return Path(prefix) / absolute.relative_to(absolute.anchor)
    return templates / "__pycache__"


def fingerprint(*parts: str | bytes) -> str:
    """A short digest of what, besides a template's source, its compiled code depends on."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()[:16]


class TemplateBytecode(BytecodeCache):
    """Jinja's bytecode for the templates under ``templates`` (nothing else), in ``folder``."""

    def __init__(
        self,
        templates: Path,
        version: str,
        *,
        folder: Path | None = None,
        write: bool | None = None,
        recorded_as: str | None = None,
    ) -> None:
        """``version`` is the :func:`fingerprint` of the environment the code is compiled by;
        ``write`` defaults to the interpreter's own choice for ``.pyc`` files; ``recorded_as``
        is the folder the kept code names as its templates' (as ``compileall -d`` does for
        ``.pyc``: where they will be, not where they are compiled), by default ``templates``."""
        self.templates = templates
        self.version = version
        self.folder = folder if folder is not None else cache_folder(templates)
        self.write = (not sys.dont_write_bytecode) if write is None else write
        self.recorded_as = recorded_as

    def get_bucket(
        self, environment: Environment, name: str, filename: str | None, source: str
    ) -> Bucket:
        # The key is the cache file's path, or "" for a template that is not the package's own.
        key = ""
        if filename is not None and os.path.normpath(filename) == os.path.normpath(
            self.templates / name
        ):
            key = str(self.folder / f"{quote(name, safe='')}.{self.version}{SUFFIX}")
        bucket = Bucket(environment, key, self.get_source_checksum(source))
        if key:
            self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            with Path(bucket.key).open("rb") as f:
                bucket.load_bytecode(f)
        except FileNotFoundError:
            pass
        except Exception:  # a damaged file (cut short, another format): compile afresh
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        if not (bucket.key and self.write):
            return
        path = Path(bucket.key)
        if self.recorded_as is not None and bucket.code is not None:
            bucket.code = _recorded(bucket.code, str(self.templates), self.recorded_as)
        with contextlib.suppress(OSError):  # a read-only folder keeps what it has, as for .pyc
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
            try:
                with os.fdopen(fd, "wb") as f:
                    bucket.write_bytecode(f)
                Path(temporary).chmod(0o644)  # readable as a .pyc is (mkstemp makes it 0600)
                Path(temporary).replace(path)  # whole or not at all, for a process reading it now
            except BaseException:
                with contextlib.suppress(OSError):
                    Path(temporary).unlink()
                raise

    def clear(self) -> None:
        with contextlib.suppress(OSError):
            for path in self.folder.glob(f"*{SUFFIX}"):
                path.unlink()


def _recorded(code: CodeType, compiled_in: str, recorded_as: str) -> CodeType:
    """``code`` (and the code objects it holds) naming ``recorded_as`` as its folder."""
    filename = code.co_filename
    if filename.startswith(compiled_in + os.sep):
        filename = recorded_as + filename[len(compiled_in) :]
    constants = tuple(
        _recorded(c, compiled_in, recorded_as) if isinstance(c, CodeType) else c
        for c in code.co_consts
    )
    return code.replace(co_filename=filename, co_consts=constants)
