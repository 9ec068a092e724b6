"""One contract, every store: a folder of real files, and moto's S3 over HTTP with and without a prefix.

Each backend gets a ``Backend`` harness: the store under test, a way to write objects behind the
store's back (as a user editing files or the AWS console would), and secrets planted just outside
its root or prefix that no key may reach.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import S3Bucket

from handler.errors import NotFound, PreconditionFailed, TooLarge
from handler.store import StoredObject, WritableStore
from handler.store.local import LocalStore, guess_content_type
from handler.store.s3 import S3Store

REPO = Path(__file__).resolve().parents[2]
SEED_POST = REPO / "content" / "_posts" / "2023-06-07-journey.md"
SECRET = b"top secret: outside the store"
# Bytes a text-mode or decoding path would mangle: every byte value, CRLF, NUL, invalid UTF-8.
BINARY = bytes(range(256)) * 4 + b"\r\n\x00\xff\xfe" + b"\x89PNG\r\n\x1a\n"


@dataclass
class Backend:
    store: WritableStore
    seed: Callable[[str, bytes], None]  # write key (relative to the root) behind the store's back
    attacks: list[str]  # keys that would reach a planted secret if joined naively
    read_secrets: Callable[[], list[bytes]]


def _local(tmp_path: Path) -> Backend:
    root = tmp_path / "root"
    root.mkdir()
    for secret in (tmp_path / "secret.txt", tmp_path / "root-private" / "secret.txt"):
        secret.parent.mkdir(exist_ok=True)
        secret.write_bytes(SECRET)

    def seed(key: str, body: bytes) -> None:
        path = root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)

    attacks = [
        "../secret.txt",
        "../root-private/secret.txt",
        "_posts/../../secret.txt",
        str(tmp_path / "secret.txt"),  # absolute
    ]
    secrets = [tmp_path / "secret.txt", tmp_path / "root-private" / "secret.txt"]
    return Backend(LocalStore(root), seed, attacks, lambda: [p.read_bytes() for p in secrets])


def _s3(bucket: S3Bucket, prefix: str) -> Backend:
    client, name = bucket
    if prefix:  # secrets beside the prefix, in the same bucket
        outside = [(name, "secret.txt"), (name, f"{prefix}-private/secret.txt")]
        attacks = ["../secret.txt", f"../{prefix}-private/secret.txt", "/secret.txt"]
    else:  # secrets in a sibling bucket, which a normalised path-style URL would reach
        sibling = f"{name}-private"
        client.create_bucket(Bucket=sibling)
        outside = [(sibling, "secret.txt")]
        attacks = [f"../{sibling}/secret.txt", f"/../{sibling}/secret.txt"]
    attacks.append("_posts/../../secret.txt")
    for where, key in outside:
        client.put_object(Bucket=where, Key=key, Body=SECRET)
    base = f"{prefix}/" if prefix else ""

    def seed(key: str, body: bytes) -> None:
        client.put_object(
            Bucket=name, Key=base + key, Body=body, ContentType=guess_content_type(key)
        )

    def read_secrets() -> list[bytes]:
        return [client.get_object(Bucket=b, Key=k)["Body"].read() for b, k in outside]

    return Backend(S3Store(client, name, prefix), seed, attacks, read_secrets)


@pytest.fixture(params=["local", "s3", "s3-prefix"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    if request.param == "local":
        return _local(tmp_path)
    bucket: S3Bucket = request.getfixturevalue("s3_bucket")
    return _s3(bucket, "root" if request.param == "s3-prefix" else "")


def _keys(store: WritableStore, prefix: str = "") -> list[str]:
    return [info.key for info in store.list(prefix)]


# -- reading -----------------------------------------------------------------------------------


def test_get_returns_bytes_version_and_time(backend: Backend) -> None:
    post = SEED_POST.read_bytes()
    backend.seed("_posts/2023-06-07-journey.md", post)

    got = backend.store.get("_posts/2023-06-07-journey.md")

    assert got.key == "_posts/2023-06-07-journey.md"
    assert got.body == post
    assert got.version
    assert got.content_type == "text/markdown"
    assert got.last_modified.utcoffset() == timedelta(0)
    assert abs(datetime.now(UTC) - got.last_modified) < timedelta(minutes=5)


def test_version_is_stable_and_follows_content(backend: Backend) -> None:
    backend.seed("about.md", b"first")
    first = backend.store.get("about.md").version
    assert backend.store.get("about.md").version == first

    backend.seed("about.md", b"second, longer")

    assert backend.store.get("about.md").version != first


def test_get_with_a_byte_limit_refuses_larger_objects(backend: Backend) -> None:
    backend.seed("big.md", b"x" * 1000)
    backend.seed("small.md", b"y" * 10)
    backend.seed("empty.md", b"")

    with pytest.raises(TooLarge) as refused:
        backend.store.get("big.md", max_bytes=999)

    assert refused.value.size == 1000
    assert refused.value.path == "big.md"
    assert backend.store.get("big.md", max_bytes=1000).body == b"x" * 1000
    assert backend.store.get("small.md", max_bytes=999).body == b"y" * 10
    assert backend.store.get("empty.md", max_bytes=999).body == b""


def test_head_reads_only_the_first_bytes(backend: Backend) -> None:
    backend.seed("page.html", b"---\ntitle: x\n---\nbody")
    backend.seed("empty.txt", b"")

    assert backend.store.head("page.html", 5) == b"---\nt"
    assert backend.store.head("page.html", 1000) == b"---\ntitle: x\n---\nbody"
    assert backend.store.head("empty.txt", 5) == b""
    with pytest.raises(NotFound):
        backend.store.head("missing.txt", 5)


def test_get_if_changed(backend: Backend) -> None:
    backend.seed("_config.yml", b"title: one\n")
    seen = backend.store.get("_config.yml")

    assert backend.store.get_if_changed("_config.yml", seen.version) is None

    backend.seed("_config.yml", b"title: two, longer\n")
    changed = backend.store.get_if_changed("_config.yml", seen.version)

    assert isinstance(changed, StoredObject)
    assert changed.body == b"title: two, longer\n"
    assert changed.version != seen.version
    assert backend.store.get_if_changed("_config.yml", changed.version) is None


def test_get_if_changed_sees_a_same_sized_rewrite(backend: Backend) -> None:
    first = backend.store.put("_config.yml", b"title: aaa\n")
    backend.store.put("_config.yml", b"title: bbb\n")

    changed = backend.store.get_if_changed("_config.yml", first)

    assert changed is not None
    assert changed.body == b"title: bbb\n"


def test_binary_round_trips_byte_exact(backend: Backend) -> None:
    backend.seed("assets/images/seeded.png", BINARY)
    version = backend.store.put("assets/images/put.png", BINARY)

    seeded = backend.store.get("assets/images/seeded.png")
    put = backend.store.get("assets/images/put.png")

    assert seeded.body == BINARY
    assert put.body == BINARY
    assert put.version == version
    assert put.content_type == "image/png"


@pytest.mark.parametrize(
    "key",
    [
        "missing.md",
        "_posts/missing.md",
        "_posts",
        "_posts/",
        "_posts/2023-06-07-journey.md/child",
        "a" * 300,  # longer than a file name may be, shorter than an S3 key may be
        "_posts/" + "a" * 1000,
    ],
    ids=lambda key: key[:40],
)
def test_missing_keys_are_not_found(backend: Backend, key: str) -> None:
    backend.seed("_posts/2023-06-07-journey.md", b"---\n---\n")

    with pytest.raises(NotFound):
        backend.store.get(key)
    with pytest.raises(NotFound):
        backend.store.get_if_changed(key, "0")


# -- listing -----------------------------------------------------------------------------------


def test_list_is_in_key_order_with_versions_and_sizes(backend: Backend) -> None:
    files = {
        "_posts/2024-01-02-b.md": b"bb",
        "_config.yml": b"title: x\n",
        "_posts/2023-06-07-journey.md": SEED_POST.read_bytes(),
        "assets/css/main.css": b"body{}",
        "_posts/2023-12-31-a.md": b"a",
        "about.md": b"about",
        "_drafts/idea.md": b"idea",
    }
    for key, body in files.items():
        backend.seed(key, body)

    infos = list(backend.store.list())

    assert [info.key for info in infos] == sorted(files)
    for info in infos:
        assert info.size == len(files[info.key])
        assert info.version == backend.store.get(info.key).version
        assert info.last_modified.utcoffset() == timedelta(0)


def test_list_filters_by_prefix(backend: Backend) -> None:
    for key in ("_posts/2023-06-07-a.md", "_posts/2024-01-01-b.md", "_postscript.md", "a.md"):
        backend.seed(key, b"x")

    assert _keys(backend.store, "_posts/") == ["_posts/2023-06-07-a.md", "_posts/2024-01-01-b.md"]
    assert _keys(backend.store, "_posts/2023-") == ["_posts/2023-06-07-a.md"]
    assert _keys(backend.store, "_posts") == [
        "_posts/2023-06-07-a.md",
        "_posts/2024-01-01-b.md",
        "_postscript.md",
    ]
    assert _keys(backend.store, "nothing/") == []
    assert _keys(backend.store, "../") == []
    assert _keys(backend.store, "/") == []


def test_list_of_an_empty_store_is_empty(backend: Backend) -> None:
    assert _keys(backend.store) == []


# -- unsafe keys -------------------------------------------------------------------------------

UNSAFE = [
    "",
    "..",
    ".",
    "a/../b",
    "a/./b",
    "a//b",
    "/abs",
    "/etc/passwd",
    "a\\b",
    "..\\secret.txt",
    "a\x00b",
    "secret.txt\x00.md",
    "a\nb",
    "x" * 1025,
    "é" * 513,  # 1026 UTF-8 bytes
]


@pytest.mark.parametrize("key", UNSAFE, ids=repr)
def test_unsafe_keys_are_refused_everywhere(backend: Backend, key: str) -> None:
    backend.seed("a/b", b"inside")
    backend.seed("b", b"inside")

    with pytest.raises(NotFound):
        backend.store.get(key)
    with pytest.raises(NotFound):
        backend.store.get_if_changed(key, "0")
    with pytest.raises(NotFound):
        backend.store.put(key, b"overwritten")
    with pytest.raises(NotFound):
        backend.store.delete(key)
    assert _keys(backend.store) == ["a/b", "b"]


def test_no_key_reaches_outside_the_root(backend: Backend) -> None:
    backend.seed("_posts/2023-06-07-journey.md", b"post")

    for key in backend.attacks:
        with pytest.raises(NotFound):
            backend.store.get(key)
        with pytest.raises(NotFound):
            backend.store.put(key, b"pwned")
        with pytest.raises(NotFound):
            backend.store.delete(key)

    assert backend.read_secrets() == [SECRET] * len(backend.read_secrets())
    assert all("secret" not in key for key in _keys(backend.store))


def test_percent_escapes_stay_literal(backend: Backend) -> None:
    backend.seed("%2e%2e/literal.txt", b"literal")

    assert backend.store.get("%2e%2e/literal.txt").body == b"literal"
    for key in ("%2e%2e/secret.txt", "%2e%2e%2fsecret.txt", "..%2fsecret.txt", "%2fetc%2fpasswd"):
        with pytest.raises(NotFound):
            backend.store.get(key)
    assert backend.read_secrets() == [SECRET] * len(backend.read_secrets())


# -- writing -----------------------------------------------------------------------------------


def test_put_returns_the_version_get_and_list_report(backend: Backend) -> None:
    version = backend.store.put("_broadsheet/index.json", b'{"posts": []}')

    got = backend.store.get("_broadsheet/index.json")

    assert got.version == version
    assert got.body == b'{"posts": []}'
    assert got.content_type == "application/json"
    assert [(i.key, i.version) for i in backend.store.list()] == [
        ("_broadsheet/index.json", version)
    ]


def test_put_if_none_match_creates_once(backend: Backend) -> None:
    created = backend.store.put("_posts/2024-05-05-new.md", b"mine", if_none_match=True)

    with pytest.raises(PreconditionFailed):
        backend.store.put("_posts/2024-05-05-new.md", b"theirs", if_none_match=True)

    got = backend.store.get("_posts/2024-05-05-new.md")
    assert (got.body, got.version) == (b"mine", created)


def test_put_if_match_lets_one_of_two_racing_writers_win(backend: Backend) -> None:
    read_by_both = backend.store.put("_broadsheet/index.json", b"v1")

    winner = backend.store.put("_broadsheet/index.json", b"A2", if_match=read_by_both)
    with pytest.raises(PreconditionFailed):
        backend.store.put("_broadsheet/index.json", b"B2", if_match=read_by_both)

    got = backend.store.get("_broadsheet/index.json")
    assert (got.body, got.version) == (b"A2", winner)
    assert backend.store.put("_broadsheet/index.json", b"A3", if_match=winner) != winner


def test_put_if_match_on_a_missing_key_fails(backend: Backend) -> None:
    with pytest.raises(PreconditionFailed):
        backend.store.put("_broadsheet/index.json", b"v1", if_match="0-0")

    with pytest.raises(NotFound):
        backend.store.get("_broadsheet/index.json")


def test_delete(backend: Backend) -> None:
    backend.seed("_posts/2023-06-07-a.md", b"a")
    backend.seed("_posts/2023-06-08-b.md", b"b")

    backend.store.delete("_posts/2023-06-07-a.md")
    backend.store.delete("_posts/2023-06-07-a.md")  # again: a missing key is not an error
    backend.store.delete("never/existed.md")

    with pytest.raises(NotFound):
        backend.store.get("_posts/2023-06-07-a.md")
    assert _keys(backend.store) == ["_posts/2023-06-08-b.md"]


def test_store_satisfies_the_protocol(backend: Backend) -> None:
    assert isinstance(backend.store, WritableStore)
    assert backend.store.describe()
