"""Sites for the benchmark: content put into moto's S3 with its manifest, or into a folder.

``generate`` writes a Jekyll site of ``count`` posts (the seed post plus generated ones, so every
site has the same page to hit); ``upload`` puts a folder into a new bucket and writes the manifest
with ``handler.site.bucket.write_index``, exactly as ``broadsheet index --bucket`` does.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from handler.engine import manifest
from handler.engine.config import CONFIG_KEY
from handler.engine.index import FileRef, SiteIndex
from handler.settings import DEFAULT_INDEX_KEY
from handler.site.bucket import write_index
from handler.store.local import guess_content_type, is_hidden
from handler.store.s3 import S3Store

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
CORPUS = ROOT / "tests" / "fixtures" / "jekyll-corpus"
SEED_URL = "/posts/2023/06/journey/"
SEED_KEY = "_posts/2023-06-07-journey.md"  # the seed post's source, in content/ and academicpages
THEMED_SITE = ROOT / "tests" / "fixtures" / "academicpages" / "src"  # the first user's whole site
UPLOAD_THREADS = 8

_WORDS = tuple(
    " ".join(
        (
            "the a of to and in is it that for on with as was by this be are from at or an not but",
            "render cache bucket lambda post page site index static layout markdown liquid excerpt",
            "latency memory request response header version manifest reader writer journey science",
        )
    ).split()
)
_TAGS = [f"topic-{n}" for n in range(40)]


@dataclass(frozen=True)
class Bucket:
    name: str
    posts: int
    upload_s: float
    index_s: float
    manifest_bytes: int


def _paragraph(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(_WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _post(rng: random.Random, n: int, day: date) -> str:
    tags = ", ".join(rng.sample(_TAGS, 3))
    body = [_paragraph(rng, 60)]
    body.append(f"## Section {n}\n")
    body.append(_paragraph(rng, 120) + f" See [the seed post]({SEED_URL}) and *more* **text**.")
    body.append("- " + "\n- ".join(_paragraph(rng, 8) for _ in range(4)))
    body.append(f"```python\nprint('post {n}')\n```")
    body.append(_paragraph(rng, 150))
    return (
        f"---\ntitle: 'Generated post number {n}'\ndate: {day.isoformat()}\n"
        f"tags: [{tags}]\ncategories: [bench]\n---\n" + "\n\n".join(body) + "\n"
    )


def generate(folder: Path, count: int, seed: int = 4) -> Path:
    """A copy of ``content/`` plus ``count - 1`` generated posts (about 4 KB each, 40 tags)."""
    shutil.copytree(CONTENT, folder)
    rng = random.Random(seed)
    posts = folder / "_posts"
    start = date(2015, 1, 1)
    for n in range(1, count):
        day = start + timedelta(days=n % 3000)
        (posts / f"{day.isoformat()}-generated-{n:05d}.md").write_text(
            _post(rng, n, day), encoding="utf-8"
        )
    return folder


def upload(client: S3Client, folder: Path, *, local_index: bool = False) -> Bucket:
    """A new bucket holding every visible file of ``folder``, and its manifest.

    The manifest is written by ``write_index`` over the bucket, as ``broadsheet index --bucket``
    does. That reads every post through S3 (slow against moto for 10,000 posts), so with
    ``local_index`` the same manifest is built from the folder in another process while the upload
    runs, and each post's version (ETag) and time are then set from the bucket's listing: what
    ``write_index`` over the bucket would write, in a fraction of the time.
    """
    name = f"broadsheet-bench-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=name)
    keys = sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and not is_hidden(p.relative_to(folder).as_posix())
    )

    def put(key: str) -> None:
        client.put_object(
            Bucket=name,
            Key=key,
            Body=(folder / key).read_bytes(),
            ContentType=guess_content_type(key),
        )

    began = time.perf_counter()
    indexing = _start_local_manifest(folder) if local_index else None
    with ThreadPoolExecutor(UPLOAD_THREADS) as pool:
        list(pool.map(put, keys))
    uploaded = time.perf_counter()
    store = S3Store(client, name)
    if indexing is None:
        write_index(store)
    else:
        body = _finish_local_manifest(store, *indexing)
        store.put(DEFAULT_INDEX_KEY, body, content_type="application/json")
    indexed = time.perf_counter()
    manifest = store.get(DEFAULT_INDEX_KEY).body
    posts = sum(1 for k in keys if "_posts/" in k)
    return Bucket(name, posts, uploaded - began, indexed - uploaded, len(manifest))


def _start_local_manifest(folder: Path) -> tuple[subprocess.Popen[bytes], Path]:
    out = folder.parent / f"{folder.name}.manifest.json"
    options = json.dumps({"folder": str(folder), "out": str(out)})
    child = subprocess.Popen(
        [sys.executable, "-m", "bench.child", "manifest", options],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    return child, out


def _finish_local_manifest(store: S3Store, child: subprocess.Popen[bytes], out: Path) -> bytes:
    _, errors = child.communicate(timeout=1800)
    if child.returncode != 0:
        raise RuntimeError(f"building the manifest failed:\n{errors.decode(errors='replace')}")
    index, config_text = manifest.loads(out.read_bytes(), DEFAULT_INDEX_KEY)
    listed = {info.key: info for info in store.list()}
    # The folder's versions are file times; the bucket's are ETags. Every version and time comes
    # from the bucket's listing (a `last_modified_at` in front matter wins over the file's time,
    # as the reader does); the index's version is then recomputed from them.
    documents = [
        replace(
            d,
            version=listed[d.key].version,
            modified=d.modified if "last_modified_at" in d.data else listed[d.key].last_modified,
        )
        for d in index.documents
    ]
    statics = [
        replace(s, version=listed[s.key].version, modified=listed[s.key].last_modified)
        for s in index.statics
    ]
    rebuilt = SiteIndex.build(
        index.config,
        documents,
        statics,
        layouts={n: FileRef(r.key, listed[r.key].version) for n, r in index.layouts.items()},
        files={key: listed[key].version for key in index.files},
        problems=index.problems,
        config_token=listed[CONFIG_KEY].version if CONFIG_KEY in listed else index.config_token,
        ordered=True,  # the folder's index is in Jekyll's order already
        listing_templates=index.listing_templates,
    )
    return manifest.dumps(rebuilt, config_text)
