"""`broadsheet serve` picks up an author's edits on the next request after INDEX_TTL: posts,
_config.yml and the site's own templates in _theme/, with no restart."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from fastapi.testclient import TestClient

from handler.site import Site
from handler.store.local import LocalStore
from handler.web import create_app

ROOT = Path(__file__).parents[1]
SEED = "/posts/2023/06/journey/"


class Clock:
    seconds = 0.0

    def __call__(self) -> float:
        return self.seconds


def touch_later(path: Path) -> None:
    """Move the file's mtime forward so its version changes even within one clock tick."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def test_edits_show_without_a_restart(tmp_path: Path) -> None:
    site_dir = tmp_path / "site"
    shutil.copytree(ROOT / "content", site_dir)
    clock = Clock()
    client = TestClient(create_app(Site(LocalStore(site_dir), index_ttl=1, clock=clock)))
    assert "initial draft" in client.get(SEED).text

    post = site_dir / "_posts" / "2023-06-07-journey.md"
    post.write_text(post.read_text(encoding="utf-8").replace("initial draft", "first revision"))
    touch_later(post)
    new = site_dir / "_posts" / "2024-02-02-second.md"
    new.write_text("---\ntitle: A second post\n---\nHello again.\n", encoding="utf-8")
    clock.seconds += 1
    assert "first revision" in client.get(SEED).text
    assert "A second post" in client.get("/").text

    config = site_dir / "_config.yml"
    config.write_text(config.read_text().replace("Your Name / Site Title", "Renamed Site"))
    touch_later(config)
    (site_dir / "_theme").mkdir()
    (site_dir / "_theme" / "post.html").write_text(
        '{% extends "base.html" %}{% block content %}<p class="mine">{{ page.title }}</p>'
        "{% endblock %}",
        encoding="utf-8",
    )
    clock.seconds += 1
    page = client.get(SEED).text
    assert '<p class="mine">From sci-fi writer' in page and "Renamed Site" in page

    new.unlink()
    shutil.rmtree(site_dir / "_theme")
    clock.seconds += 1
    assert "A second post" not in client.get("/").text
    assert 'class="mine"' not in client.get(SEED).text
