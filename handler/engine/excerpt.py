"""A document's generated excerpt (``Jekyll::Excerpt#extract_excerpt``).

The body up to the first ``excerpt_separator``; Liquid blocks the cut leaves open are closed (as
Jekyll does, with a warning), and the link reference definitions the head uses are appended from
the rest of the body so reference-style links still resolve.
"""

from __future__ import annotations

import re
from collections.abc import Collection

LIQUID_TAG = re.compile(r"{%-?\s*(\w+)\s*.*?-?%}", re.S)
LINK_REFERENCE = re.compile(r"^ {0,3}(?:(\[[^\]]+\])(:.+))$", re.M)
# Liquid's and Jekyll's block tags, for when the engine does not say (Liquid::Template.tags).
BLOCK_TAGS = frozenset(
    {"raw", "highlight", "if", "unless", "for", "case", "capture", "comment", "tablerow",
     "ifchanged"}
)  # fmt: skip


def extract_excerpt(body: str, separator: str, block_tags: Collection[str] = BLOCK_TAGS) -> str:
    """The excerpt's source: the head of ``body`` before ``separator``, made whole."""
    head, _, tail = body.partition(separator)
    if not tail:
        return head
    if "{%" in head:
        for name in reversed(LIQUID_TAG.findall(head)):
            if name in block_tags and not re.search(rf"{{%-?\s*end{name}.*?\s*-?%}}", head, re.S):
                head += f"\n{{% end{name} %}}"
    definitions = ["".join(match) for match in LINK_REFERENCE.findall(tail) if match[0] in head]
    if not definitions:
        return head
    return head + "\n\n" + "\n".join(definitions)
