"""``broadsheet new``: start a post with front matter in the site's own style.

The style comes from the newest post already there: how it quotes its title, and its permalink
pattern (academicpages posts carry ``permalink: /posts/2023/06/journey/``, a pattern that
``_config.yml`` does not say), so a new post sits beside the old ones. The URL printed is computed
by reading the new file exactly as the server will.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from handler.engine.config import CONFIG_KEY, SiteConfig
from handler.engine.document import Document, read_document
from handler.engine.frontmatter import JEKYLL_FRONT_MATTER
from handler.engine.index import scan
from handler.engine.reader import Classifier
from handler.engine.url import UnknownPlaceholder, document_url, slugify, unescape_path
from handler.errors import BroadsheetError, ContentError
from handler.store.local import LocalStore

POSTS_DIR = "_posts"
DRAFTS_DIR = "_drafts"

BODY = "Write the first paragraph here: it is the excerpt shown on the home page.\n"


class ScaffoldError(BroadsheetError):
    """The new post cannot be written (it exists, its name is empty, its URL is taken)."""


@dataclass(frozen=True, slots=True)
class NewPost:
    """A post just written: where, at which URL, and the text written."""

    path: Path
    key: str
    url: str
    text: str


@dataclass(frozen=True, slots=True)
class Style:
    """What a site's existing posts look like."""

    quote: str = "'"  # "'" or '"' or "" (plain)
    permalink: str | None = None  # a template such as /posts/:year/:month/:title/


def new_post(
    root: Path,
    title: str,
    *,
    now: datetime,
    day: date | None = None,
    draft: bool = False,
    tags: Sequence[str] = (),
) -> NewPost:
    """Write a new post (or draft) under ``root``; refuses to overwrite or to reuse a URL."""
    config = _config(root)
    slug = slugify(title)
    if not slug:
        raise ScaffoldError(f"the title {title!r} gives an empty file name: use some letters")
    day = day or now.astimezone(config.timezone).date()
    key = f"{DRAFTS_DIR}/{slug}.md" if draft else f"{POSTS_DIR}/{day:%Y-%m-%d}-{slug}.md"
    style = site_style(root, config)
    text = front_matter(title, None if draft else day, tags, style, slug)
    post = _read(key, text, config, now)
    path = root / key
    if path.exists():
        raise ScaffoldError(f"{path} already exists: refusing to overwrite it")
    _refuse_taken_url(root, post)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError:
        raise ScaffoldError(f"{path} already exists: refusing to overwrite it") from None
    return NewPost(path, key, post.url, text)


def front_matter(title: str, day: date | None, tags: Sequence[str], style: Style, slug: str) -> str:
    """The new file's text: front matter (title, date, permalink if the site uses one, tags)."""
    lines = ["---", f"title: {_scalar(title, style.quote)}"]
    if day is not None:
        lines.append(f"date: {day:%Y-%m-%d}")
        if style.permalink is not None:
            values = {"year": f"{day:%Y}", "month": f"{day:%m}", "day": f"{day:%d}", "title": slug}
            lines.append(f"permalink: {document_url(style.permalink, None, values)}")
    if tags:
        lines.append("tags:")
        lines += [f"  - {_scalar(tag, '')}" for tag in tags]
    return "\n".join([*lines, "---", "", BODY])


def _scalar(value: str, quote: str) -> str:
    if quote == '"':
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if quote == "" and re.fullmatch(r"[A-Za-z][\w .,!?()-]*", value) and ": " not in value:
        return value
    return "'" + value.replace("'", "''") + "'"


def site_style(root: Path, config: SiteConfig) -> Style:
    """The quoting and permalink pattern of the newest post under ``root/_posts``."""
    posts = sorted((root / POSTS_DIR).glob("*.md"), reverse=True) if root.is_dir() else []
    classifier = Classifier(config)
    for path in posts:
        key = f"{POSTS_DIR}/{path.name}"
        if classifier.place(key).role != "post":
            continue
        try:
            text = path.read_text(encoding="utf-8")
            post = _document(key, text, config, datetime.now().astimezone())
        except (ContentError, UnicodeDecodeError, OSError):
            continue
        return Style(quote=_title_quote(text), permalink=_permalink_pattern(post))
    return Style()


def _title_quote(text: str) -> str:
    block = JEKYLL_FRONT_MATTER.match(text)
    match = re.search(r"^title:[ \t]*(.)", block.group(1) if block else "", re.M)
    if match is None:
        return "'"
    return match.group(1) if match.group(1) in ("'", '"') else ""


def _permalink_pattern(post: Document) -> str | None:
    """The template behind an explicit ``permalink:`` if it is made of the post's date and slug."""
    given = post.data.get("permalink")
    date = post.date
    if not isinstance(given, str) or date is None or post.slug not in given:
        return None
    template = given.replace(post.slug, ":title")
    for name, value in (("year", f"{date:%Y}"), ("month", f"{date:%m}")):
        template = re.sub(rf"(?<=/){value}(?=/)", f":{name}", template, count=1)
    template = re.sub(rf"(?<=/){date:%d}(?=/)", ":day", template, count=1)
    values = {"year": f"{date:%Y}", "month": f"{date:%m}", "day": f"{date:%d}", "title": post.slug}
    try:
        return template if document_url(template, None, values) == given else None
    except UnknownPlaceholder:
        return None


def _config(root: Path) -> SiteConfig:
    path = root / CONFIG_KEY
    return SiteConfig.parse(path.read_text(encoding="utf-8")) if path.is_file() else SiteConfig()


def _document(key: str, text: str, config: SiteConfig, now: datetime) -> Document:
    draft = key.startswith(DRAFTS_DIR + "/")
    return read_document(
        key, text, "new", config, collection="posts", modified=now, draft=draft
    ).document


def _read(key: str, text: str, config: SiteConfig, now: datetime) -> Document:
    role = Classifier(config).place(key).role
    if role not in ("post", "draft"):
        raise ScaffoldError(f"{key} would not be read as a post: choose a simpler title")
    return _document(key, text, config, now)


def _refuse_taken_url(root: Path, post: Document) -> None:
    if not root.is_dir():
        return
    index = scan(LocalStore(root))
    wanted = unescape_path(post.url)
    owner = next((d for d in index.documents if unescape_path(d.url) == wanted), None)
    if owner is not None:
        raise ScaffoldError(
            f"{owner.key} already has the URL {post.url}: choose another title or --date"
        )
