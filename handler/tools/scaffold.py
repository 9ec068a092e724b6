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
from handler.errors import BroadsheetError, ContentError
from handler.engine.frontmatter import JEKYLL_FRONT_MATTER
from handler.index import scan, url_key
from handler.jekyll import DRAFTS_DIR, POSTS_DIR, Post, PostPath, classify, read_post, slugify
from handler.jekyll import generate_url as fill_template
from handler.jekyll import url_placeholders as placeholders_of
from handler.store.local import LocalStore

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
            lines.append(f"permalink: {fill_template(style.permalink, values)}")
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
    for path in posts:
        where = classify(f"{POSTS_DIR}/{path.name}")
        if where is None:
            continue
        try:
            text = path.read_text(encoding="utf-8")
            post = read_post(where, text, "style", config)
        except (ContentError, UnicodeDecodeError, OSError):
            continue
        return Style(quote=_title_quote(text), permalink=_permalink_pattern(post, where))
    return Style()


def _title_quote(text: str) -> str:
    block = JEKYLL_FRONT_MATTER.match(text)
    match = re.search(r"^title:[ \t]*(.)", block.group(1) if block else "", re.M)
    if match is None:
        return "'"
    return match.group(1) if match.group(1) in ("'", '"') else ""


def _permalink_pattern(post: Post, where: PostPath) -> str | None:
    """The template behind an explicit ``permalink:`` if it is made of the post's date and slug."""
    given = post.data.get("permalink")
    if not isinstance(given, str) or post.slug not in given:
        return None
    template = given.replace(post.slug, ":title")
    for name, value in (("year", f"{post.date:%Y}"), ("month", f"{post.date:%m}")):
        template = re.sub(rf"(?<=/){value}(?=/)", f":{name}", template, count=1)
    template = re.sub(rf"(?<=/){post.date:%d}(?=/)", ":day", template, count=1)
    values = placeholders_of(where, post.slug, post.date, post.categories)
    try:
        return template if fill_template(template, values) == given else None
    except KeyError:
        return None


def _config(root: Path) -> SiteConfig:
    path = root / CONFIG_KEY
    return SiteConfig.parse(path.read_text(encoding="utf-8")) if path.is_file() else SiteConfig()


def _read(key: str, text: str, config: SiteConfig, now: datetime) -> Post:
    where = classify(key)
    if where is None:
        raise ScaffoldError(f"{key} would not be read as a post: choose a simpler title")
    return read_post(where, text, "new", config, mtime=now)


def _refuse_taken_url(root: Path, post: Post) -> None:
    if not root.is_dir():
        return
    index = scan(LocalStore(root))
    owner = index.find(url_key(post.url))
    if owner is not None:
        raise ScaffoldError(
            f"{owner.key} already has the URL {post.url}: choose another title or --date"
        )
