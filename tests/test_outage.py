"""S3 goes away mid-run and comes back: stale pages keep serving, the rest answer 503, all recover.

A moto server of this test's own is stopped and started again on the same port (moto keeps its
buckets in the process, so the content survives the restart, as S3's would).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import upload_tree
from fastapi.testclient import TestClient
from moto.server import ThreadedMotoServer

from handler.settings import DEFAULT_INDEX_KEY
from handler.site import Site
from handler.site.bucket import write_index
from handler.store.s3 import S3Store, make_s3_client
from handler.web import create_app

ROOT = Path(__file__).parents[1]
SEED_URL = "/posts/2023/06/journey/"


class Clock:
    seconds = 0.0

    def __call__(self) -> float:
        return self.seconds


class Moto:
    """A moto server that can be stopped and started again on the same port."""

    def __init__(self) -> None:
        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.server.start()
        self.host, self.port = self.server.get_host_and_port()
        self.running = True

    def stop(self) -> None:
        self.server.stop()
        self.running = False

    def start(self) -> None:
        self.server = ThreadedMotoServer(ip_address=self.host, port=self.port, verbose=False)
        self.server.start()
        self.running = True


@pytest.fixture
def own_moto(aws_sandbox: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[Moto]:
    moto = Moto()
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://{moto.host}:{moto.port}")
    try:
        yield moto
    finally:
        if moto.running:
            moto.stop()


def test_outage_and_recovery(
    own_moto: Moto, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    client_s3 = make_s3_client("us-east-1")
    client_s3.create_bucket(Bucket="outage")
    upload_tree(client_s3, "outage", ROOT / "content")
    client_s3.put_object(Bucket="outage", Key="images/a.png", Body=b"\x89PNG")
    store = S3Store(client_s3, "outage")
    write_index(store)
    clock = Clock()
    site = Site(store, manifest_key=DEFAULT_INDEX_KEY, index_ttl=5, clock=clock)
    app = TestClient(create_app(site))
    good = app.get(SEED_URL)
    assert good.status_code == 200
    home = app.get("/").text

    own_moto.stop()
    clock.seconds += 10  # the index is due for revalidation, and S3 is gone
    with caplog.at_level(logging.ERROR):
        stale = app.get(SEED_URL)
        assert (stale.status_code, stale.text) == (200, good.text)
        assert app.get("/").text == home
        down = app.get("/images/a.png")  # never cached: nothing to fall back on
        assert down.status_code == 503
        assert down.headers["retry-after"] == "5"
        assert down.headers["cache-control"] == "no-store"
        assert "Traceback" not in down.text and "outage" not in down.text
    assert "could not refresh the site index" in caplog.text

    own_moto.start()  # same port: moto's buckets live in this process
    clock.seconds += 10
    assert app.get("/images/a.png").status_code == 200
    assert app.get(SEED_URL).status_code == 200
    assert 'cache;desc="hit"' in app.get(SEED_URL).headers["server-timing"]


def test_cold_start_during_an_outage_is_503_not_a_traceback(
    own_moto: Moto,
) -> None:
    client_s3 = make_s3_client("us-east-1")
    client_s3.create_bucket(Bucket="cold")
    own_moto.stop()
    site = Site(S3Store(client_s3, "cold"), manifest_key=DEFAULT_INDEX_KEY)
    response = TestClient(create_app(site)).get(SEED_URL)
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert "text/html" in response.headers["content-type"]
