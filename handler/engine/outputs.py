"""Every file Jekyll would write, and what writes it: the site's one route table.

Jekyll writes pages (generated pages included), then static files, then collection documents
(``Site#each_site_file``); when two write the same file, the last one wins and Jekyll warns. The
table here follows that order, so a URL answers with what Jekyll's build holds at that path, and
``conflicts`` lists the losers for ``broadsheet check``. Keys are destination paths relative to the
site root (``posts/2023/06/journey/index.html``), unescaped, as files in ``_site/`` are named.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal, Protocol

from handler.engine.document import Document
from handler.engine.static_file import StaticFile
from handler.engine.url import destination as destination_of
from handler.engine.view import SiteView

OutputKind = Literal["document", "static", "generated"]


@dataclass(slots=True, unsafe_hash=True)
class Output:
    """What answers at one destination.

    ``document``: a page or collection document (``key``); ``static``: a file served as it is
    (``key``); ``generated``: a page a plugin makes (``generator`` names it, ``argument`` says which
    one: a redirect's target, a pagination page's number, a feed's collection).

    Treated as immutable (and hashable as if it were); not ``frozen`` because a frozen dataclass
    costs nearly three times as much to build, and a large site's route table, built in its cold
    start, holds one per post.
    """

    kind: OutputKind
    key: str | None = None
    generator: str | None = None
    argument: str | None = None
    url: str = ""  # the URL Jekyll gives it (what `page.url` says)
    source: str | None = None  # for generated pages: the document that asked for it


@dataclass(frozen=True, slots=True)
class Conflict:
    """Two outputs for one destination: Jekyll writes both, the second wins."""

    destination: str
    lost: Output
    won: Output


class Generator(Protocol):
    """A plugin that adds pages (``Jekyll::Generator``): redirects, feeds, sitemaps, paginators."""

    name: str

    def generate(self, view: SiteView, taken: Mapping[str, Output]) -> Iterable[tuple[str, Output]]:
        """(destination, output) pairs, in the order the plugin adds them to ``site.pages``;
        ``taken`` is what is written so far (plugins do not replace a site's own files)."""
        ...


@dataclass(frozen=True, slots=True)
class OutputTable:
    """Destination -> output, and the conflicts met while building it."""

    outputs: Mapping[str, Output]
    conflicts: tuple[Conflict, ...] = ()
    by_key: Mapping[str, str] = field(default_factory=dict)  # source key -> its destination

    def get(self, destination: str) -> Output | None:
        return self.outputs.get(destination)

    def __contains__(self, destination: str) -> bool:
        return destination in self.outputs

    def __len__(self) -> int:
        return len(self.outputs)


def build_outputs(
    view: SiteView, generators: Iterable[Generator] = (), *, reserved: Iterable[str] = ()
) -> OutputTable:
    """The route table of ``view``: pages, generated pages, static files, documents.

    Outputs of the generators named in ``reserved`` are written again at the end, so they win
    over a document at the same path (the built-in theme's feed and archives are the site's
    own pages; ``broadsheet check`` reports the document as an error).
    """
    outputs: dict[str, Output] = {}
    conflicts: list[Conflict] = []
    by_key: dict[str, str] = {}

    def write(destination: str, output: Output) -> None:
        previous = outputs.get(destination)
        if previous is not None and previous != output:
            conflicts.append(Conflict(destination, previous, output))
        outputs[destination] = output
        if output.key is not None and output.kind != "generated":
            by_key[output.key] = destination

    for page in view.pages:
        write(page.destination, _document(page))
    kept: list[tuple[str, Output]] = []
    names = set(reserved)
    for generator in generators:
        for destination, output in list(generator.generate(view, outputs)):
            write(destination, output)
            if generator.name in names:
                kept.append((destination, output))
    for static in view.statics:
        write(static.destination, _static(static))
    written = view.written
    for document in view.documents:
        # write(document.destination, _document(document)), inlined: a large site's cold start
        # does this for every post before its first response.
        if document.kind != "document" or not written(document):
            continue
        where = destination_of(document.url, document.output_ext)
        output = Output("document", document.key, None, None, document.url)
        previous = outputs.get(where)
        if previous is not None and previous != output:
            conflicts.append(Conflict(where, previous, output))
        outputs[where] = output
        by_key[document.key] = where
    for destination, output in kept:
        outputs[destination] = output
    return OutputTable(outputs, tuple(conflicts), by_key)


def _document(document: Document) -> Output:
    return Output("document", key=document.key, url=document.url)


def _static(static: StaticFile) -> Output:
    return Output("static", key=static.key, url=static.url)
