"""One frozen, typed settings object, built from a mapping passed in (``os.environ`` in production).

Only the composition roots (``app``, ``indexer``, ``cli``) call :meth:`Settings.from_mapping`; every
other module receives the values it needs as arguments.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from handler.errors import BroadsheetError

DEFAULT_INDEX_KEY = "_broadsheet/index.json"
# Posts larger than this are refused when the index is built (python-markdown renders ordinary
# prose at about 5 s/MiB, and handler/markdown.py refuses more than 512 KiB anyway).
DEFAULT_MAX_POST_BYTES = 512 * 1024


class SettingsError(BroadsheetError):
    """An environment variable has a value Broadsheet cannot use."""


@dataclass(frozen=True, slots=True)
class CachePolicy:
    """``Cache-Control`` values per kind of response. Override with ``CACHE_CONTROL_<KIND>``."""

    post: str = "public, max-age=60, stale-while-revalidate=300, stale-if-error=86400"
    listing: str = "public, max-age=30, stale-while-revalidate=120, stale-if-error=86400"
    static: str = "public, max-age=86400, stale-while-revalidate=604800"
    not_found: str = "public, max-age=10"
    error: str = "no-store"


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the app reads from its environment.

    Attributes:
        content_bucket: ``CONTENT_BUCKET``; when set, content is read from this S3 bucket.
        content_prefix: ``CONTENT_PREFIX``; key prefix inside the bucket (``""`` or ``"site/"``).
        content_dir: ``CONTENT_DIR``; the local content root when no bucket is set.
        site_url: ``SITE_URL``; absolute base for canonical links, overriding ``_config.yml`` ``url``.
        index_key: ``INDEX_KEY``; where the site index (manifest) lives, relative to the root.
        index_ttl: ``INDEX_TTL``; seconds between revalidations of the site index.
        cache_max_bytes: ``CACHE_MAX_BYTES``; bound of the in-memory render cache.
        max_post_bytes: ``MAX_POST_BYTES``; a post larger than this is refused with a clear error.
        show_drafts: ``SHOW_DRAFTS``; serve ``_drafts/`` (``broadsheet serve --drafts``).
        show_future: ``SHOW_FUTURE``; serve posts dated after now, whatever ``_config.yml`` says.
        preview_secret: ``PREVIEW_SECRET``; HMAC key for draft preview links (none: previews off).
        jekyll_env: ``JEKYLL_ENV``; Liquid's ``jekyll.environment`` (GitHub Pages builds with
            ``production``, Jekyll's own default is ``development``).
        max_static_bytes: ``MAX_STATIC_BYTES``; the largest file served as it is (a Lambda
            response carries at most 6 MB, base64-encoded); larger ones redirect to S3.
        github_pages: ``GITHUB_PAGES``; build the site as GitHub Pages does, with the plugins it
            turns on for every site (default layouts, titles from headings, optional front
            matter, README as index, relative links). ``false`` builds as plain Jekyll does.
        cache_policy: ``CACHE_CONTROL_POST``, ``..._LISTING``, ``..._STATIC``, ``..._NOT_FOUND``.
    """

    content_bucket: str | None = None
    content_prefix: str = ""
    content_dir: Path = Path("content")
    site_url: str | None = None
    index_key: str = DEFAULT_INDEX_KEY
    index_ttl: float = 5.0
    cache_max_bytes: int = 64 * 1024 * 1024
    max_post_bytes: int = DEFAULT_MAX_POST_BYTES
    show_drafts: bool = False
    show_future: bool = False
    preview_secret: str | None = None
    jekyll_env: str = "production"
    max_static_bytes: int = 4 * 1024 * 1024
    github_pages: bool = True
    cache_policy: CachePolicy = field(default_factory=CachePolicy)

    @classmethod
    def from_mapping(cls, env: Mapping[str, str]) -> Settings:
        defaults = cls()
        policy_defaults = CachePolicy()
        prefix = env.get("CONTENT_PREFIX", "").strip("/")
        return cls(
            content_bucket=env.get("CONTENT_BUCKET") or None,
            content_prefix=f"{prefix}/" if prefix else "",
            content_dir=Path(env.get("CONTENT_DIR") or defaults.content_dir),
            site_url=(env.get("SITE_URL") or "").rstrip("/") or None,
            index_key=env.get("INDEX_KEY") or defaults.index_key,
            index_ttl=_number(env, "INDEX_TTL", defaults.index_ttl),
            cache_max_bytes=int(_number(env, "CACHE_MAX_BYTES", defaults.cache_max_bytes)),
            max_post_bytes=int(_number(env, "MAX_POST_BYTES", defaults.max_post_bytes)),
            show_drafts=_flag(env, "SHOW_DRAFTS"),
            show_future=_flag(env, "SHOW_FUTURE"),
            preview_secret=env.get("PREVIEW_SECRET") or None,
            jekyll_env=env.get("JEKYLL_ENV") or defaults.jekyll_env,
            github_pages=_flag(env, "GITHUB_PAGES", default=True),
            max_static_bytes=int(_number(env, "MAX_STATIC_BYTES", defaults.max_static_bytes)),
            cache_policy=CachePolicy(
                post=env.get("CACHE_CONTROL_POST") or policy_defaults.post,
                listing=env.get("CACHE_CONTROL_LISTING") or policy_defaults.listing,
                static=env.get("CACHE_CONTROL_STATIC") or policy_defaults.static,
                not_found=env.get("CACHE_CONTROL_NOT_FOUND") or policy_defaults.not_found,
            ),
        )


def _number(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not a number") from None
    if value < 0:
        raise SettingsError(f"{name}={raw!r} must not be negative")
    return value


def _flag(env: Mapping[str, str], name: str, *, default: bool = False) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw == "":
        return default
    if raw in ("0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise SettingsError(f"{name}={raw!r} is not a boolean (use true or false)")
