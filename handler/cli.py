"""The ``broadsheet`` command: serve a site locally, render one page."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from handler.errors import BroadsheetError, ContentError, NotFound


def main(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    env = dict(os.environ if env is None else env)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(args.run(args, env))
    except BroadsheetError as error:
        print(f"broadsheet: {error}", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="broadsheet", description="Serve a Jekyll blog rendered on demand."
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
    import uvicorn

    from handler.app import build_app

    env = _local_env(args, env)
    env.setdefault("INDEX_TTL", "1")  # an author's edits show on the next reload
    if args.drafts:
        env["SHOW_DRAFTS"] = "true"
    if args.future:
        env["SHOW_FUTURE"] = "true"
    app = build_app(env)
    where = env.get("CONTENT_BUCKET") or env.get("CONTENT_DIR", "content")
    print(f"Serving {where} on http://{args.host}:{args.port}/ (Ctrl-C to stop)", file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0


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


if __name__ == "__main__":
    raise SystemExit(main())
