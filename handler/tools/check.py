"""``broadsheet check``: read a whole site the way the server does and say what is wrong, and where.

Each finding is a :class:`Diagnostic` with the file, line and column an editor can jump to. The
story of a check: read the configuration (and what in it Broadsheet cannot honour) -> read every
file as the reader does (bytes, front matter, dates, titles, mojibake) -> lay the outputs out as
Jekyll would write them (two files at one URL) -> render every page through the same ``Site`` the
server runs, noting what fails and which Liquid tags and filters are left out -> look through
layouts and includes for tags and filters no page happened to reach.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, Literal

from handler.engine import config_rules, frontmatter
from handler.engine.config import CONFIG_KEY, ConfigError, SiteConfig
from handler.engine.document import Document
from handler.engine.index import Limits, SiteIndex, decode, scan
from handler.engine.liquid.host import Source
from handler.engine.plugins.redirects import TARGET_HINT, redirect_from, redirect_to, target_problem
from handler.engine.plugins.tags import PLUGIN_TAGS
from handler.engine.reader import Classifier
from handler.engine.renderer import Notes
from handler.engine.url import absolute_base, unescape_path
from handler.engine.view import SiteView, Visibility
from handler.errors import ContentError, NotFound, StoreUnavailable, location
from handler.site import Site
from handler.store import Store
from handler.theme import listings
from handler.tools import mojibake
from handler.tools.backups import is_backup

Level = Literal["error", "warning", "info"]
LEVELS: tuple[Level, ...] = ("error", "warning", "info")

# What the site itself answers in the built-in theme; a post there hides it.
FIXED_ROUTES = {
    "/": "the home page",
    "/index.html": "the home page",
    "/feed.xml": "the feed",
    "/sitemap.xml": "the sitemap",
    "/robots.txt": "robots.txt",
    listings.YEAR_ARCHIVE_PATH: "the year archive",
    "/_broadsheet/broadsheet.css": "the theme's stylesheet",
}
PREFIX_ROUTES = {
    listings.TAGS_PATH: "the tag pages",
    listings.CATEGORIES_PATH: "the category pages",
}
DEFAULT_PAGINATE_PATH = "/page:num/"
# The plugins Broadsheet runs (handler/engine/plugins) or whose work it does itself.
SUPPORTED_PLUGINS = frozenset(
    {
        "jekyll-feed", "jekyll-sitemap", "jekyll-paginate", "jekyll-redirect-from",
        "jekyll-seo-tag", "jekyll-gist", "jemoji", "jekyll-include-cache",
        "jekyll-relative-links", "jekyll-optional-front-matter", "jekyll-titles-from-headings",
        "jekyll-default-layout", "jekyll-readme-index", "jekyll-sass-converter",
        "kramdown-parser-gfm",
    }
)  # fmt: skip
# GitHub Pages' defaults that Broadsheet does not run; reported where a site depends on them.
GITHUB_METADATA = re.compile(r"\bsite\.github\b")


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding. ``line`` and ``column`` are 1-based; ``None`` when they do not apply."""

    path: str
    line: int | None
    column: int | None
    level: Level
    message: str
    hint: str | None = None

    @property
    def location(self) -> str:
        return location(self.path, self.line, self.column)

    @classmethod
    def of(cls, error: ContentError, level: Level = "error") -> Diagnostic:
        return cls(error.path, error.line, error.column, level, error.message, error.hint)


@dataclass(frozen=True, slots=True)
class CheckReport:
    """Everything ``check`` found, in file and line order, and what it read."""

    diagnostics: list[Diagnostic]
    posts: int
    pages: int = 0
    documents: int = 0

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.level == "error"]

    def count(self, level: Level) -> int:
        return sum(1 for d in self.diagnostics if d.level == level)


def check_site(store: Store, *, now: datetime, max_post_bytes: int) -> list[Diagnostic]:
    """Every problem in the site held by ``store``, as the server would meet it at ``now``."""
    return check(store, now=now, max_post_bytes=max_post_bytes).diagnostics


def check(
    store: Store,
    *,
    now: datetime,
    max_post_bytes: int,
    github_pages: bool = True,
    site_url: str | None = None,
) -> CheckReport:
    """Like :func:`check_site`, with how many posts, pages and documents were read;
    ``site_url`` is ``SITE_URL``, which stands for ``url`` where it is set."""
    found: list[Diagnostic] = []
    keys = [i.key for i in store.list()]
    config_text = _read_config(store, keys, found)
    config = (
        SiteConfig.parse(config_text) if config_text is not None and not found else SiteConfig()
    )
    if config_text is not None:
        found += _check_config(config, config_text, keys)
    if not found or config_text is None:
        found += _absolute_url(config, config_text or "", site_url)
    index = scan(store, limits=Limits(document=max_post_bytes))
    found += [Diagnostic.of(e) for key, e in index.problems.items() if key != CONFIG_KEY]
    classifier = Classifier(config)
    found += [d for key in keys if (d := misnamed_post(key, classifier)) is not None]
    texts = _texts(store, index, max_post_bytes, found)
    for document in index.documents:
        found += _check_document(document, texts.get(document.key, ""), config, now)
        found += _github_metadata(document.key, texts.get(document.key, ""))
        found += _coffeescript(document)
    site = Site(
        store,
        max_post_bytes=max_post_bytes,
        index_ttl=0,
        now=lambda: now,
        github_pages=github_pages,
    )
    view = SiteView.of(index, now, Visibility(github_pages=github_pages))
    found += _check_outputs(site, view, texts)
    found += _check_redirect_targets(site, view, texts)
    links = _check_links(view, texts)
    found += links
    missing = {(d.path, d.line) for d in links}
    found += [d for d in _check_renders(site, view) if (d.path, d.line) not in missing]
    found += _check_templates(site, index, view.plugins)
    posts = sum(1 for key in keys if classifier.place(key).role in ("post", "draft"))
    pages = sum(1 for d in index.documents if d.kind == "page")
    others = sum(1 for d in index.documents if d.kind == "document" and d.collection != "posts")
    return CheckReport(sorted(set(found), key=_order), posts, pages, others)


def _order(d: Diagnostic) -> tuple[str, int, int, int, str]:
    return (d.path, d.line or 0, d.column or 0, LEVELS.index(d.level), d.message)


# --- the configuration -------------------------------------------------------------------------


def _read_config(store: Store, keys: list[str], found: list[Diagnostic]) -> str | None:
    if CONFIG_KEY not in keys:
        return None
    try:
        text = decode(store.get(CONFIG_KEY, max_bytes=1024 * 1024))
        SiteConfig.parse(text)
    except NotFound:
        return None
    except ConfigError as error:
        found += [Diagnostic.of(each) for each in error.errors]  # every bad value, at its line
        return None
    except ContentError as error:
        found.append(Diagnostic.of(error))
        return None
    return text


def _check_config(config: SiteConfig, text: str, keys: list[str]) -> list[Diagnostic]:
    found = []
    for plugin in config.plugins:
        if plugin not in SUPPORTED_PLUGINS:
            found.append(
                Diagnostic(
                    CONFIG_KEY, _value_line(text, plugin), None, "warning",
                    f"the plugin {plugin!r} is not one Broadsheet runs: what it adds will be missing",
                    "GitHub Pages' plugins are supported; remove it, or check the pages it affects",
                )
            )  # fmt: skip
    for note in config_rules.notes(config.raw):
        found.append(
            Diagnostic(
                CONFIG_KEY, _key_line(text, str(note.path[0])), None, "warning",
                f"{note.message}: Jekyll skips it, and so does Broadsheet", note.hint,
            )
        )  # fmt: skip
    for option in ("theme", "remote_theme"):
        value = config.raw.get(option)
        if value and not any(k.startswith(config.layouts_dir + "/") for k in keys):
            found.append(
                Diagnostic(
                    CONFIG_KEY, _key_line(text, option), None, "warning",
                    f"{option} {value!r}: its layouts, includes and Sass are not in the repository, "
                    "so pages wear Broadsheet's built-in theme instead",
                    "copy the theme's _layouts, _includes, _sass and assets into the site",
                )
            )  # fmt: skip
    return found


def _absolute_url(config: SiteConfig, text: str, site_url: str | None) -> list[Diagnostic]:
    """The sitemap, robots.txt and the feed name pages by absolute URL: without one they fall
    back to site paths (robots.txt names no sitemap)."""
    if absolute_base(site_url) or absolute_base(config.raw.get("url")):
        return []
    value = config.raw.get("url")
    what = "no url" if value in (None, "") else f"url {value!r} is not an absolute http(s) URL"
    return [
        Diagnostic(
            CONFIG_KEY, _key_line(text, "url"), None, "warning",
            f"the site has no absolute URL ({what}): the sitemap and the feed list site paths "
            "and robots.txt names no sitemap",
            "set `url: https://your.domain` in _config.yml (or SITE_URL where the site runs)",
        )
    ]  # fmt: skip


# --- one file --------------------------------------------------------------------------------------


def _texts(store: Store, index: SiteIndex, limit: int, found: list[Diagnostic]) -> dict[str, str]:
    texts: dict[str, str] = {}
    for document in index.documents:
        try:
            text = decode(store.get(document.key, max_bytes=limit))
        except (NotFound, ContentError):
            continue
        texts[document.key] = text
        found += mojibake_diagnostics(document.key, text)
    return texts


def misnamed_post(key: str, classifier: Classifier | None = None) -> Diagnostic | None:
    """A warning for a file in ``_posts/`` that Jekyll (and Broadsheet) will not read as a post."""
    parts = key.split("/")
    if "_posts" not in parts[:-1]:
        return None
    inside = parts[parts.index("_posts") + 1 :]
    if any(p[:1] in (".", "_", "#") or p.endswith("~") for p in inside) or is_backup(key):
        return None  # Jekyll skips these on purpose, and so do we
    if classifier is not None and classifier.place(key).role == "post":
        return None
    name = parts[-1]
    markdown = (".md", ".markdown", ".mkdown", ".mkdn", ".mkd", ".html")
    if re.match(r"^\d{2,4}-\d{1,2}-\d{1,2}-.+\.\w+$", name):
        if name.lower().endswith(markdown):
            return None
        message = f"{name!r} is read as a post but not converted: only markdown posts are"
        hint = "rename it to .md, or move it out of _posts/"
    else:
        message = f"{name!r} is not read as a post: its name does not start with a date"
        hint = 'name posts YYYY-MM-DD-title.md (e.g. `broadsheet new "Title"` does)'
    return Diagnostic(key, None, None, "warning", message, hint)


def mojibake_diagnostics(key: str, text: str) -> list[Diagnostic]:
    return [
        Diagnostic(
            key,
            s.line,
            s.column,
            "warning",
            f"suspected mojibake {s.found!r}: it reads {s.fixed!r} decoded as UTF-8",
            "run `broadsheet check --fix` to repair it (a .bak copy is kept)",
        )
        for s in mojibake.find(text)
    ]


def _check_document(
    document: Document, text: str, config: SiteConfig, now: datetime
) -> list[Diagnostic]:
    if document.collection != "posts":
        return []
    found = []
    front = _front(text)
    if "title" not in front and not _defaults_title(config, document):
        found.append(
            Diagnostic(
                document.key, 1, None, "warning",
                f"no title: it will be {document.title!r}, made from the file name",
                "add `title: ...` to the front matter",
            )
        )  # fmt: skip
    date = document.date
    hidden = config.future or document.draft or not document.published
    if date is not None and date > now and not hidden:
        found.append(
            Diagnostic(
                document.key, front_matter_line(text, "date") or 1, None, "info",
                f"dated in the future: goes live at {date.isoformat()} "
                f"({date.astimezone(now.tzinfo):%Y-%m-%d %H:%M %Z})",
                "until then it is hidden; `broadsheet serve --future` shows it",
            )
        )  # fmt: skip
    return found


def _front(text: str) -> Mapping[str, Any]:
    from handler.engine.frontmatter import parse

    try:
        return parse(text, "").data
    except ContentError:
        return {}


def _defaults_title(config: SiteConfig, document: Document) -> bool:
    from handler.engine.config import defaults_for

    return defaults_for(config, document.key, "posts").get("title") not in (None, "")


def front_matter_line(text: str, key: str) -> int | None:
    """The 1-based line of a top-level front matter key."""
    match = re.search(rf"^{re.escape(key)}\s*:", text, re.M)
    return text.count("\n", 0, match.start()) + 1 if match else None


# --- outputs: two files at one URL, posts over the theme's own pages -------------------------------


def reserved_route(url: str, paginate_path: str = DEFAULT_PAGINATE_PATH) -> str | None:
    """What the built-in theme serves at ``url`` itself (``"the feed"``), or ``None``."""
    path = unescape_path(url)
    if path.endswith("/index.html"):
        path = path.removesuffix("index.html")
    for candidate in (path, path.rstrip("/") + "/"):
        if candidate in FIXED_ROUTES:
            return FIXED_ROUTES[candidate]
    for prefix, what in PREFIX_ROUTES.items():
        if path == prefix.rstrip("/") or path.startswith(prefix):
            return what
    pattern = re.escape(paginate_path.strip("/")).replace(re.escape(":num"), r"\d+")
    if re.fullmatch(rf"/{pattern}/?", path):
        return "a page of the post listing"
    return None


def _check_outputs(site: Site, view: SiteView, texts: Mapping[str, str]) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    table = site.outputs(view)
    for conflict in table.conflicts:
        found += _conflict(conflict.destination, conflict.lost.key, conflict.won.key, texts)
    if site.builtin_mode(view):
        found += _reserved(view, texts)
    return found


def _conflict(
    destination: str, lost: str | None, won: str | None, texts: Mapping[str, str]
) -> list[Diagnostic]:
    if lost is None or won is None or lost == won:
        return []
    message = (
        f"{lost} and {won} are both written to /{destination}: Jekyll keeps the last one "
        f"({won}), and so does Broadsheet"
    )
    hint = "give one of them another permalink or file name"
    return [
        Diagnostic(
            key, front_matter_line(texts.get(key, ""), "permalink"), None, "warning", message, hint
        )
        for key in (lost, won)
    ]


def _check_redirect_targets(
    site: Site, view: SiteView, texts: Mapping[str, str]
) -> list[Diagnostic]:
    """Each ``redirect_to`` the server would refuse (the same test: ``target_problem``)."""
    if not (site.builtin_mode(view) or "jekyll-redirect-from" in view.plugins):
        return []
    found = []
    for document in view.documents:
        target = redirect_to(document.data)
        problem = None if target is None else target_problem(target)
        if problem is not None:
            line = front_matter_line(texts.get(document.key, ""), "redirect_to")
            message = f"redirect_to {problem}: the page answers 500"
            found.append(Diagnostic(document.key, line, None, "error", message, TARGET_HINT))
    return found


def _reserved_page(document: Document, text: str, route: str) -> Diagnostic:
    """A document at a URL the built-in theme answers itself. A post there is lost (an error);
    a page there is what a gem theme's site has (``jekyll new``'s ``index.markdown`` with
    ``layout: home`` stands for the post list): the theme's page is served instead, which loses
    nothing when the page has no content of its own."""
    line = front_matter_line(text, "permalink")
    if document.kind != "page":
        return Diagnostic(
            document.key, line, None, "error",
            f"the URL {document.url} is {route}, a page of the site itself",
            "give the post another permalink",
        )  # fmt: skip
    try:
        body = frontmatter.parse(text, document.key).body
    except ContentError:
        body = text
    if not body.strip():
        return Diagnostic(
            document.key, line, None, "info",
            f"the built-in theme serves {route} at {document.url} for this page",
        )  # fmt: skip
    return Diagnostic(
        document.key, line, None, "warning",
        f"the built-in theme serves {route} at {document.url}: this page's own content is not shown",
        "copy your theme's _layouts and _includes into the site to serve the page as it is",
    )  # fmt: skip


def _reserved(view: SiteView, texts: Mapping[str, str]) -> list[Diagnostic]:
    found = []
    paginate_path = str(view.config.raw.get("paginate_path") or DEFAULT_PAGINATE_PATH)
    seen: dict[str, str] = {}
    urls = {unescape_path(d.url): d.key for d in view.documents if view.written(d)}
    for document in view.documents:
        text = texts.get(document.key, "")
        route = reserved_route(document.url, paginate_path)
        if route is not None:
            found.append(_reserved_page(document, text, route))
        for source in redirect_from(document.data):
            path = "/" + source.lstrip("/")
            clash = None
            if (what := reserved_route(path, paginate_path)) is not None:
                clash = f"is {what}, a page of the site itself"
            elif unescape_path(path) in urls:
                clash = f"is the URL of {urls[unescape_path(path)]}"
            elif path in seen:
                clash = f"is also a redirect in {seen[path]}"
            if clash is not None:
                found.append(
                    Diagnostic(
                        document.key, _value_line(text, source.lstrip("/")), None, "error",
                        f"redirect_from {path} {clash}", "remove the redirect or change it",
                    )
                )  # fmt: skip
            seen.setdefault(path, document.key)
    return found


def _value_line(text: str, value: str) -> int | None:
    for number, line in enumerate(text.split("\n"), 1):
        if value in line:
            return number
    return None


def _key_line(text: str, key: str) -> int | None:
    return front_matter_line(text, key)


# --- rendering every page, as the server would ---------------------------------------------------


_LOOKUP = re.compile(r"\{%-?\s*(post_url|link)\s+([^%{}]+?)\s*-?%\}")


def _check_links(view: SiteView, texts: Mapping[str, str]) -> list[Diagnostic]:
    """Every ``{% post_url %}`` and ``{% link %}`` with a literal target that leads nowhere
    (a render stops at the first; this finds them all, at their line and column)."""
    from handler.engine.links import find_link, find_post

    found = []
    for key, text in texts.items():
        for match in _LOOKUP.finditer(text):
            tag, target = match.group(1), match.group(2).strip()
            if tag == "post_url" and find_post(view, target) is not None:
                continue
            if tag == "link" and find_link(view, target) is not None:
                continue
            line = text.count("\n", 0, match.start()) + 1
            column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
            what = "post" if tag == "post_url" else "file"
            hint = (
                "post_url takes a post's file name without .md, e.g. 2023-06-07-journey"
                if tag == "post_url"
                else "link takes a file's path from the site's root, e.g. _posts/2023-06-07-journey.md"
            )
            found.append(
                Diagnostic(key, line, column, "error", f"{tag}: no {what} {target!r}", hint)
            )
    return found


def _check_renders(site: Site, view: SiteView) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for document in view.documents:
        if not view.written(document) and document.collection != "posts":
            continue
        notes = Notes()
        try:
            site.render(view, document, notes=notes)
        except ContentError as error:
            found.append(Diagnostic.of(error))
        except (NotFound, StoreUnavailable) as error:
            found.append(Diagnostic(document.key, None, None, "error", str(error)))
        found += _unsupported(notes.unsupported)
    return found


_UNSUPPORTED_EFFECT = {
    # Jekyll fails the build on an unknown tag; Broadsheet renders the page without it.
    "tag": "it is left out of the page",
    # Liquid's lax filters (Jekyll's strict_filters: false): the value passes through unchanged.
    "filter": "the value passes through unchanged, as in Jekyll",
}


def _unsupported(notes: Iterable[tuple[str, str, str, int | None]]) -> list[Diagnostic]:
    return [
        Diagnostic(
            path, line, None, "warning",
            f"Liquid {kind} {name!r} is not one Broadsheet knows: "
            f"{_UNSUPPORTED_EFFECT.get(kind, 'it is left out of the page')}",
            "Jekyll plugins' tags and filters need their plugin; remove it or wrap it in {% raw %}",
        )
        for kind, name, path, line in notes
    ]  # fmt: skip


def _check_templates(site: Site, index: SiteIndex, plugins: frozenset[str]) -> list[Diagnostic]:
    """Unknown tags and filters in layouts and includes, reached by a render or not (a plugin's
    tag is unknown only when its plugin does not run for the site)."""
    config = index.config
    found: list[Diagnostic] = []
    folders = (config.layouts_dir + "/", config.includes_dir + "/")
    for key, version in sorted(index.files.items()):
        if not key.startswith(folders):
            continue
        try:
            text = decode(site.store.get(key, max_bytes=site.renderer.limits.layout))
        except (NotFound, ContentError):
            continue
        try:
            findings = site.renderer.liquid.analyze(Source(text, key, version))
        except ContentError as error:
            found.append(Diagnostic.of(error))
            continue
        found += _unsupported(
            (f.kind, f.name, key, f.line)
            for f in findings
            if not (f.kind == "tag" and PLUGIN_TAGS.get(f.name) in plugins)
        )
        found += _github_metadata(key, text)
    return found


def _github_metadata(key: str, text: str) -> list[Diagnostic]:
    """``site.github`` is jekyll-github-metadata's, filled from GitHub's API at build time."""
    match = GITHUB_METADATA.search(text)
    if match is None:
        return []
    line = text.count("\n", 0, match.start()) + 1
    return [
        Diagnostic(
            key, line, None, "warning",
            "site.github (jekyll-github-metadata) comes from GitHub's API when GitHub Pages "
            "builds: it is empty here",
            "set what the template needs in _config.yml and use that instead",
        )
    ]  # fmt: skip


def _coffeescript(document: Document) -> list[Diagnostic]:
    if not document.key.endswith(".coffee"):
        return []
    return [
        Diagnostic(
            document.key, None, None, "warning",
            "CoffeeScript is not compiled here (jekyll-coffeescript): the file is served as it is, "
            "at its .coffee URL",
            "compile it to JavaScript and commit the .js file instead",
        )
    ]  # fmt: skip


# --- output ----------------------------------------------------------------------------------------


def format_text(diagnostics: Iterable[Diagnostic], root: str = "") -> str:
    """``file:line:col: level: message`` lines (hints indented below), for terminals and editors."""
    prefix = root.rstrip("/") + "/" if root and root != "." else ""
    lines = []
    for d in diagnostics:
        lines.append(f"{prefix}{d.location}: {d.level}: {d.message}")
        if d.hint:
            lines.append(f"    hint: {d.hint}")
    return "\n".join(lines)


def format_json(report: CheckReport, root: str = "") -> str:
    """The report as one JSON document: ``{"diagnostics": [...], "summary": {...}}``."""
    document = {
        "root": root,
        "diagnostics": [asdict(d) for d in report.diagnostics],
        "summary": {
            "posts": report.posts,
            "pages": report.pages,
            "documents": report.documents,
            "errors": report.count("error"),
            "warnings": report.count("warning"),
            "info": report.count("info"),
        },
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def summary(report: CheckReport) -> str:
    """One line: ``checked 12 posts, 3 pages: 2 errors, 1 warning, 1 note``."""
    read = [_plural(report.posts, "post")]
    if report.pages:
        read.append(_plural(report.pages, "page"))
    if report.documents:
        read.append(_plural(report.documents, "other document"))
    counts = [
        _plural(report.count("error"), "error"),
        _plural(report.count("warning"), "warning"),
        _plural(report.count("info"), "note"),
    ]
    tail = ", ".join(c for c in counts if not c.startswith("0 ")) or "no problems"
    return f"checked {', '.join(read)}: {tail}"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
