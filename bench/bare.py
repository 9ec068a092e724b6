"""The baseline: a bare FastAPI + Mangum app, one ``async def`` route returning constant HTML.

The route takes no parameter, so FastAPI validates nothing: a path parameter (``path: str``)
would add its validation to the baseline's cost and flatter the ratio (~11% of a hit).

P1 builds one with :func:`make_handler` around a body of exactly the cached post's length; P2
imports this module in a new process, as Lambda imports ``handler.app``, and calls ``handler``;
the load phase runs it under uvicorn (``python -m bench.bare PORT``). ``BENCH_BARE_BYTES`` sets
the size of the module-level app's body.
"""

from __future__ import annotations

import os

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from mangum import Mangum


def html_of_size(size: int) -> bytes:
    """Constant HTML of exactly ``size`` bytes (at least the 7 of ``<p></p>``)."""
    return b"<p>" + b"x" * max(0, size - 7) + b"</p>"


def make_app(body: bytes) -> FastAPI:
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)

    @app.get("/{path:path}")
    async def page() -> HTMLResponse:
        return HTMLResponse(body)

    return app


def make_handler(body: bytes) -> Mangum:
    return Mangum(make_app(body), lifespan="off")


handler = make_handler(html_of_size(int(os.environ.get("BENCH_BARE_BYTES", "12"))))

if __name__ == "__main__":
    # ``python -m bench.bare PORT``: the hello under uvicorn, run as `broadsheet serve` runs its app
    # (the load phase's baseline for requests per second).
    import sys

    import uvicorn

    body = html_of_size(int(os.environ.get("BENCH_BARE_BYTES", "12")))
    uvicorn.run(make_app(body), host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
