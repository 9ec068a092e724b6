"""jekyll-gist 1.5.0: ``{% gist [user/]id [file] %}`` as the gem writes it.

The tag's markup is split as ``GistTag#determine_arguments`` splits it; each part that names a
variable of the page (``Liquid::Context#key?``) is replaced by its value; the output is the
gem's ``<script src="https://gist.github.com/ID.js?file=FILE"> </script>``, with nothing
escaped, as the gem does.

What differs: the gem also fetches the gist's code over the network for a ``<noscript>``
fallback, unless the site sets ``gist: noscript: false``. Broadsheet never makes network calls
while it renders, so it never writes that ``<noscript>``: with ``noscript: false`` the output is
the gem's byte for byte; without it, Jekyll's depends on the network at build time (the code,
or, when the fetch fails, the logger's return value — ``true``, or ``false`` under ``--quiet`` —
before the script).
"""

from __future__ import annotations

import re

__all__ = ["PLUGIN", "GistSyntaxError", "gist_arguments", "gist_script"]

PLUGIN = "jekyll-gist"
# GistTag#determine_arguments, on the stripped markup (Ruby's ``\Z`` is ``\Z`` here: no
# trailing newline survives the strip).
_ARGUMENTS = re.compile(r"\A(\S+|.*(?=/).+)\s?(\S*)\Z", re.ASCII)
SYNTAX = (
    "Syntax error in tag 'gist' while parsing the following markup: {markup} Valid syntax: "
    "{{% gist user/1234567 %}} {{% gist user/1234567 foo.js %}} "
    "{{% gist 28949e1d5ee2273f9fd3 %}} {{% gist 28949e1d5ee2273f9fd3 best.md %}}"
)


class GistSyntaxError(ValueError):
    """Markup the gem refuses (it raises ``ArgumentError``, and the build stops)."""


def gist_arguments(markup: str) -> tuple[str, str]:
    """The gist id (``user/id`` or ``id``) and file name (``""`` if none) as written."""
    stripped = markup.strip(" \t\n\v\f\r\x00")
    match = _ARGUMENTS.match(stripped)
    if match is None:
        raise GistSyntaxError(SYNTAX.format(markup=markup))
    return match.group(1).strip(" \t\n\v\f\r\x00"), match.group(2).strip(" \t\n\v\f\r\x00")


def gist_script(gist_id: str, filename: str) -> str:
    """``gist_script_tag``: the script element, ``?file=`` only for a file name."""
    url = f"https://gist.github.com/{gist_id}.js"
    if filename:
        url = f"{url}?file={filename}"
    return f'<script src="{url}"> </script>'
