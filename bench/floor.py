"""The floor of a cold start for any function that serves pages from S3 (P2's second baseline).

``bench.bare``'s hello, which also builds a boto3 S3 client while it is imported and reads one
object (``BENCH_FLOOR_BUCKET``/``BENCH_FLOOR_KEY``, the page's source) in each request: what a
function cannot avoid before its first byte when its content lives in a bucket. Broadsheet's cold
start against this floor is the cost of Broadsheet itself.
"""

from __future__ import annotations

import os

import boto3
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from mangum import Mangum

BUCKET = os.environ["BENCH_FLOOR_BUCKET"]
KEY = os.environ["BENCH_FLOOR_KEY"]
client = boto3.client("s3")
app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)


@app.get("/{path:path}")
def page() -> HTMLResponse:
    return HTMLResponse(client.get_object(Bucket=BUCKET, Key=KEY)["Body"].read())


handler = Mangum(app, lifespan="off")
