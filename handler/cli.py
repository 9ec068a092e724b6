"""The ``broadsheet`` command: serve a site locally, render one page; new, check, publish."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from handler.batchlog import BatchedStreamHandler
from handler.errors import BroadsheetError, ContentError, NotFound

if TYPE_CHECKING:
    from handler.tools import publish as publish_types
    from handler.web import AccessLog

LOG_FORMAT = "%(levelname)s %(name)s: %(message)s"


def main(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    env = dict(os.environ if env is None else env)
    if args.command != "serve":  # serve sets up its own (_serve_log)
        logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    try:
        return int(args.run(args, env))
    except BroadsheetError as error:
        print(f"broadsheet: {error}", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="broadsheet", description="Serve a Jekyll site rendered on demand, with no build step."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="serve the site on this machine")
    _content_option(serve)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--drafts", action="store_true", help="also serve _drafts/")
    serve.add_argument("--future", action="store_true", help="also serve future-dated posts")
    serve.set_defaults(run=_serve)

    render = commands.add_parser("render", help="print the HTML of one page")
    render.add_argument("url", help="the page's path, e.g. /posts/2023/06/journey/")
    _content_option(render)
    render.set_defaults(run=_render)
    _author_commands(commands)

    index = commands.add_parser(
        "index", help="write the site index (manifest) that the render function reads"
    )
    where = index.add_mutually_exclusive_group()
    where.add_argument("--bucket", help="an S3 bucket (default: $CONTENT_BUCKET)")
    where.add_argument("--content", type=Path, help="a local folder (default: ./content)")
    index.add_argument("--prefix", default=None, help="key prefix in the bucket")
    index.set_defaults(run=_index)

    preview = commands.add_parser(
        "preview-url", help="print a signed link that shows a draft or unpublished post"
    )
    preview.add_argument("path", help="the post's path, e.g. /posts/2024/01/draft/")
    preview.add_argument("--expires", default="1d", help="how long it works: 30m, 12h, 1d, 1w")
    preview.set_defaults(run=_preview_url)
    return parser


def _content_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--content",
        type=Path,
        default=None,
        help="the site's folder (default: $CONTENT_DIR or ./content)",
    )


def _local_env(args: argparse.Namespace, env: dict[str, str]) -> dict[str, str]:
    if args.content is not None:
        env["CONTENT_DIR"] = str(args.content)
        env.pop("CONTENT_BUCKET", None)
    return env


def _serve(args: argparse.Namespace, env: dict[str, str]) -> int:
    log = _serve_log()
    import uvicorn

    from handler.app import build_app

    env = _local_env(args, env)
    env.setdefault("INDEX_TTL", "1")  # an author's edits show on the next reload
    env.setdefault("MAX_STATIC_BYTES", str(512 * 1024 * 1024))  # no Lambda response limit here
    env.setdefault("JEKYLL_ENV", "development")  # as `jekyll serve` runs
    if env["JEKYLL_ENV"] == "development":
        # `jekyll serve` points site.url at itself, so a theme's absolute links to its own
        # stylesheets and pages (academicpages' base_path) stay on this machine.
        host = "localhost" if args.host in ("0.0.0.0", "::") else args.host  # noqa: S104
        host = f"[{host}]" if ":" in host else host
        env.setdefault("SITE_URL", f"http://{host}:{args.port}")
    if args.drafts:
        env["SHOW_DRAFTS"] = "true"
    if args.future:
        env["SHOW_FUTURE"] = "true"
    app = build_app(env, access=_access_writer(log))
    where = env.get("CONTENT_BUCKET") or env.get("CONTENT_DIR", "content")
    print(f"Serving {where} on http://{args.host}:{args.port}/ (Ctrl-C to stop)", file=sys.stderr)
    try:
        uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    finally:
        # uvicorn's logging setup takes the handler off the list logging.shutdown closes at
        # exit: the last batch is written here.
        log.close()
    return 0


def _serve_log() -> BatchedStreamHandler:
    """Log as every command does, but in batches, off the event loop (batchlog.py)."""
    handler = BatchedStreamHandler()
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT, handlers=[handler])
    # No line serve writes shows a record's thread or process: not looked up for each record
    # (the logging HOWTO's "Optimization"; getpid is a system call each time).
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    return handler


def _access_writer(log: BatchedStreamHandler) -> AccessLog:
    """serve's access log: each request's line, as the log's formatter would write it, straight
    into the batch. Through a ``LogRecord`` and the formatter, that line cost a cached page a
    fifth of its time (measured under wrk, bench ``load``); made here, a few microseconds."""
    from handler.web import access_log

    prefix = LOG_FORMAT % {"levelname": "INFO", "name": access_log.name, "message": ""}

    def write(record: dict[str, Any]) -> None:
        log.write_line(prefix + str(record))  # the record's str is its JSON (web.py)

    return write


def _render(args: argparse.Namespace, env: dict[str, str]) -> int:
    from handler.app import build_site
    from handler.settings import Settings

    site = build_site(Settings.from_mapping(_local_env(args, env)))
    try:
        page = site.page(args.url)
    except NotFound:
        print(f"broadsheet: no page at {args.url} (check the post's permalink)", file=sys.stderr)
        return 1
    except ContentError as error:
        print(f"broadsheet: {error}", file=sys.stderr)
        return 1
    if page.location is not None:
        print(f"broadsheet: {args.url} redirects to {page.location}", file=sys.stderr)
        return 1
    sys.stdout.buffer.write(page.body)
    return 0


# --- the author's tools: new, check, publish ------------------------------------------------------


def _index(args: argparse.Namespace, env: dict[str, str]) -> int:
    from handler.settings import Settings
    from handler.site.bucket import write_index
    from handler.store import WritableStore
    from handler.store.local import LocalStore
    from handler.store.s3 import S3Store, make_s3_client

    settings = Settings.from_mapping(env)
    bucket = args.bucket or (None if args.content else settings.content_bucket)
    store: WritableStore
    if bucket:
        prefix = args.prefix if args.prefix is not None else settings.content_prefix
        store = S3Store(make_s3_client(), bucket, prefix)
    else:
        store = LocalStore(args.content or settings.content_dir)
    version = write_index(store, settings.index_key)
    print(f"wrote {settings.index_key} to {store.describe()} (version {version})")
    return 0


def _preview_url(args: argparse.Namespace, env: dict[str, str]) -> int:
    from handler.settings import Settings
    from handler.site import preview

    settings = Settings.from_mapping(env)
    if not settings.preview_secret:
        print(
            "broadsheet: PREVIEW_SECRET is not set: use the same secret as the deployed site "
            "(the stack's PreviewSecret parameter)",
            file=sys.stderr,
        )
        return 1
    expires = datetime.now(UTC) + preview.parse_duration(args.expires)
    link = preview.sign(args.path, settings.preview_secret, expires)
    print((settings.site_url or "") + link)
    return 0


def _author_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    new = commands.add_parser("new", help="start a post: writes _posts/YYYY-MM-DD-slug.md")
    new.add_argument("title", help='the post\'s title, e.g. "A strange journey"')
    new.add_argument("--date", type=_day, default=None, help="YYYY-MM-DD (default: today)")
    new.add_argument("--draft", action="store_true", help="write _drafts/slug.md instead")
    new.add_argument("--tags", default="", help="comma-separated, e.g. ml,life")
    _content_option(new)
    new.set_defaults(run=_new)

    check = commands.add_parser(
        "check", help="read the whole site as the server does; report problems with file:line:col"
    )
    _content_option(check)
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument(
        "--fix", action="store_true", help="repair mojibake in place (keeps a .bak copy)"
    )
    check.set_defaults(run=_check)

    publish = commands.add_parser("publish", help="upload what changed to the S3 bucket")
    publish.add_argument("--bucket", required=True)
    publish.add_argument("--prefix", default="", help="key prefix inside the bucket")
    _content_option(publish)
    publish.add_argument(
        "--delete", action="store_true", help="delete objects that are not in the folder"
    )
    publish.add_argument("--dry-run", action="store_true", help="change nothing; say what would")
    publish.add_argument(
        "--force",
        action="store_true",
        help="with --delete, delete even when that removes more than half the site",
    )
    publish.set_defaults(run=_publish)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: use YYYY-MM-DD") from None


def _content_dir(args: argparse.Namespace, env: Mapping[str, str]) -> Path:
    return Path(args.content or env.get("CONTENT_DIR") or "content")


def _new(args: argparse.Namespace, env: dict[str, str]) -> int:
    from handler.tools.scaffold import new_post

    root = _content_dir(args, env)
    tags = [t.strip() for t in args.tags.split(",") if t.strip()]
    made = new_post(
        root, args.title, now=datetime.now(UTC), day=args.date, draft=args.draft, tags=tags
    )
    print(made.path)
    where = "with `broadsheet serve --drafts`" if args.draft else "once published"
    print(f"URL: {made.url} ({where})")
    return 0


def _check(args: argparse.Namespace, env: dict[str, str]) -> int:
    from handler.settings import Settings
    from handler.store.local import LocalStore

    try:
        from handler.tools import check, mojibake
    except ModuleNotFoundError as error:  # ftfy: the author's extra, not a runtime dependency
        print(
            f"broadsheet check needs {error.name}: pip install 'broadsheet[author]'",
            file=sys.stderr,
        )
        return 2

    root = _content_dir(args, env)
    settings = Settings.from_mapping(env)
    report = check.check(
        LocalStore(root),
        now=datetime.now(UTC),
        max_post_bytes=settings.max_post_bytes,
        github_pages=settings.github_pages,
        site_url=settings.site_url,
    )
    if args.fix:
        fixed = {d.path for d in report.diagnostics if d.message.startswith("suspected mojibake")}
        for key in sorted(fixed):
            backup = mojibake.fix_file(root / key)
            if backup is not None:
                print(f"fixed {root / key} (original kept as {backup.name})", file=sys.stderr)
        report = check.check(
            LocalStore(root),
            now=datetime.now(UTC),
            max_post_bytes=settings.max_post_bytes,
            github_pages=settings.github_pages,
            site_url=settings.site_url,
        )
    if args.format == "json":
        print(check.format_json(report, str(root)))
    else:
        if report.diagnostics:
            print(check.format_text(report.diagnostics, str(root)))
        print(check.summary(report))
    return 1 if report.errors else 0


def _publish(args: argparse.Namespace, env: dict[str, str]) -> int:
    from handler.settings import Settings
    from handler.store.local import LocalStore
    from handler.store.s3 import S3Store, make_s3_client
    from handler.tools import check, publish

    root = _content_dir(args, env)
    settings = Settings.from_mapping(env)
    report = check.check(
        LocalStore(root),
        now=datetime.now(UTC),
        max_post_bytes=settings.max_post_bytes,
        github_pages=settings.github_pages,
        site_url=settings.site_url,
    )
    if report.errors:
        print(check.format_text(report.errors, str(root)), file=sys.stderr)
        print(f"broadsheet: not publishing: {check.summary(report)}", file=sys.stderr)
        return 1
    store = S3Store(make_s3_client(), args.bucket, args.prefix)
    summary = publish.publish(
        root,
        store,
        publish.CachePolicy(static=settings.cache_policy.static),
        delete=args.delete,
        dry=args.dry_run,
        force=args.force,
        index_key=settings.index_key,
        announce=lambda plan: _announce(plan, store.describe(), dry=args.dry_run),
        progress=_progress,
    )
    print(summary.line())
    return 0


def _announce(plan: publish_types.Plan, where: str, *, dry: bool) -> None:
    verb = "would" if dry else "will"
    if plan.deletions:
        print(f"{verb} delete {len(plan.deletions)} objects from {where}:", file=sys.stderr)
        for key in plan.deletions:
            print(f"  {key}", file=sys.stderr)
    if plan.strays:
        print(
            f"{len(plan.strays)} objects in {where} are not in the folder "
            "(kept; --delete removes them)",
            file=sys.stderr,
        )
    if dry:
        for file in plan.uploads:
            print(f"would upload {file.key} ({file.size} bytes)", file=sys.stderr)


def _progress(step: publish_types.Step) -> None:
    """One line per step in logs; on a terminal, one line that redraws, with a bar."""
    line = f"[{step.number}/{step.total}] {step.action} {step.key}"
    if not sys.stderr.isatty():
        print(line, file=sys.stderr)
        return
    done = round(20 * step.number / step.total)
    bar = "#" * done + "." * (20 - done)
    end = "\n" if step.number == step.total else ""
    print(f"\r[{bar}] {line}\033[K", end=end, file=sys.stderr, flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
