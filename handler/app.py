"""Composition root: settings from the environment -> store -> site -> FastAPI app -> Lambda entry.

``app`` is the ASGI application (uvicorn); ``handler`` is the Lambda entry point. Both are built
once at import, so a warm container (or a SnapStart snapshot) reuses the store client, the index
and the render cache.
"""

from __future__ import annotations

import gc

# Importing and building the app makes some hundred thousand objects and frees almost none: the
# cyclic collector would walk them again and again for nothing (~50 ms of CPU in a cold start,
# bench P2). It is paused until the app is built; then all of it is frozen out of its sight
# (it lives as long as the process), which also keeps later collections short.
_collecting = gc.isenabled()
gc.disable()

import os  # noqa: E402
from collections.abc import Mapping  # noqa: E402

from handler.settings import Settings  # noqa: E402
from handler.store import Store  # noqa: E402
from handler.store.local import LocalStore  # noqa: E402
from handler.store.prefetch import Prefetch  # noqa: E402


def build_store(settings: Settings) -> Store:
    """``CONTENT_BUCKET`` (+ ``CONTENT_PREFIX``) means S3; otherwise the ``CONTENT_DIR`` folder."""
    if settings.content_bucket:
        from handler.store.s3 import S3Store, make_s3_client

        client = make_s3_client(transfers=False)  # reads and puts only: no boto3 to import
        return S3Store(client, settings.content_bucket, settings.content_prefix)
    return LocalStore(settings.content_dir)


# The store comes first, and with a bucket the manifest's read starts now, in a thread: S3 sends
# it (and the connection the first request reuses is opened) while the rest is imported.
_settings = Settings.from_mapping(os.environ)
_store = build_store(_settings)
_manifest = Prefetch(_store, _settings.index_key) if _settings.content_bucket else None

from fastapi import FastAPI  # noqa: E402
from mangum import Mangum  # noqa: E402

from handler import snapstart  # noqa: E402
from handler.gateway import Gateway  # noqa: E402
from handler.site import Site  # noqa: E402
from handler.store.measured import MeasuredStore  # noqa: E402
from handler.theme import Theme  # noqa: E402
from handler.web import AccessLog, create_app  # noqa: E402

# Mangum base64-encodes any body whose type is not listed; the list replaces its defaults.
TEXT_MIME_TYPES = [
    "text/",
    "application/json",
    "application/javascript",
    "application/xml",
    "application/atom+xml",
    "application/rss+xml",
    "image/svg+xml",
]


def build_site(settings: Settings, store: Store | None = None) -> Site:
    """The site over ``store`` (default: the one the settings name), measured for Server-Timing.

    A bucket is read through its manifest (no listing per refresh); a local folder is scanned, so
    an author's edits show without re-indexing.
    """
    store = store if store is not None else build_store(settings)
    return Site(
        MeasuredStore(store),
        theme=Theme(),
        site_url=settings.site_url,
        manifest_key=settings.index_key if settings.content_bucket else None,
        index_ttl=settings.index_ttl,
        cache_max_bytes=settings.cache_max_bytes,
        max_post_bytes=settings.max_post_bytes,
        max_static_bytes=settings.max_static_bytes,
        show_drafts=settings.show_drafts,
        show_future=settings.show_future,
        environment=settings.jekyll_env,
        github_pages=settings.github_pages,
    )


def build_app(env: Mapping[str, str], access: AccessLog | None = None) -> FastAPI:
    """The app for the settings in ``env``; ``access`` takes its access-log records (web.py)."""
    settings = Settings.from_mapping(env)
    return create_app(
        build_site(settings),
        settings.cache_policy,
        preview_secret=settings.preview_secret,
        access=access,
    )


def make_handler(app: FastAPI) -> Mangum:
    """The Lambda entry for ``app``: API Gateway (HTTP API 2.0, REST 1.0) events in and out; a
    malformed event is a 400, a failure outside the app the page of last resort (gateway.py)."""
    return Gateway(app, lifespan="off", text_mime_types=TEXT_MIME_TYPES)


try:
    _site = build_site(_settings, _store)
    if _manifest is not None:
        _site.live.prefetched(_manifest)
    app = create_app(_site, _settings.cache_policy, preview_secret=_settings.preview_secret)
    handler = make_handler(app)
    # SnapStart (template parameter): prime before the snapshot, refresh after each restore.
    snapstart.register(_site, getattr(_store, "reset_connections", None))
    gc.freeze()
finally:
    if _collecting:
        gc.enable()
