"""What only a folder has: hidden files, symlinks, directories, a missing root, concurrent writers."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from handler.errors import NotFound, PreconditionFailed, StoreUnavailable
from handler.store.local import LocalStore, guess_content_type

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "site"
    (folder / "_posts").mkdir(parents=True)
    (folder / "_posts" / "2023-06-07-journey.md").write_bytes(b"---\n---\npost\n")
    return folder


def test_reads_the_real_content_folder_without_touching_it() -> None:
    content = REPO / "content"
    seed = content / "_posts" / "2023-06-07-journey.md"
    before = (seed.read_bytes(), seed.stat().st_mtime_ns)
    store = LocalStore(content)

    keys = [info.key for info in store.list()]
    got = store.get("_posts/2023-06-07-journey.md")

    assert {"_config.yml", "_posts/2023-06-07-journey.md"} <= set(keys)
    assert keys == sorted(keys)
    assert got.body == before[0]
    assert (seed.read_bytes(), seed.stat().st_mtime_ns) == before


def test_version_is_mtime_and_size_in_hex(root: Path) -> None:
    st = (root / "_posts" / "2023-06-07-journey.md").stat()

    got = LocalStore(root).get("_posts/2023-06-07-journey.md")

    assert got.version == f"{st.st_mtime_ns:x}-{st.st_size:x}"


def test_hidden_files_and_folders_are_neither_listed_nor_served(root: Path) -> None:
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text("[remote]\n")
    (root / ".env").write_text("SECRET=1\n")
    (root / "_posts" / ".DS_Store").write_bytes(b"\0")
    (root / "_posts" / ".2023-01-01-tmp.md.swp").write_bytes(b"\0")
    (root / ".well-known").mkdir()
    (root / ".well-known" / "security.txt").write_text("Contact: x\n")
    store = LocalStore(root)

    # Other dot files are listed: Jekyll reads them when `include:` names them (the reader
    # decides, and serves only what Jekyll would write).
    assert [info.key for info in store.list()] == [
        ".well-known/security.txt",
        "_posts/2023-06-07-journey.md",
    ]
    for key in (".git/config", ".env", "_posts/.DS_Store"):
        with pytest.raises(NotFound):
            store.get(key)
        with pytest.raises(NotFound):
            store.put(key, b"x")


def test_underscore_folders_are_kept(root: Path) -> None:
    (root / "_data").mkdir()
    (root / "_data" / "nav.yml").write_text("main: []\n")

    assert LocalStore(root).get("_data/nav.yml").content_type == "application/yaml"


def test_symlinks_out_of_the_root_are_refused(root: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"secret")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "secret.md").write_bytes(b"secret")
    (root / "link.md").symlink_to(secret)
    (root / "linked").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    store = LocalStore(root)

    for key in ("link.md", "linked/secret.md"):
        with pytest.raises(NotFound):
            store.get(key)
        with pytest.raises(NotFound):
            store.put(key, b"pwned")
    assert [info.key for info in store.list()] == ["_posts/2023-06-07-journey.md"]
    assert secret.read_bytes() == b"secret"
    assert (tmp_path / "elsewhere" / "secret.md").read_bytes() == b"secret"


def test_a_symlink_inside_the_root_is_followed(root: Path) -> None:
    (root / "latest.md").symlink_to(root / "_posts" / "2023-06-07-journey.md")

    assert LocalStore(root).get("latest.md").body == b"---\n---\npost\n"


def test_a_root_reached_through_a_symlink_still_works(root: Path, tmp_path: Path) -> None:
    (tmp_path / "alias").symlink_to(root, target_is_directory=True)

    assert LocalStore(tmp_path / "alias").get("_posts/2023-06-07-journey.md").body


def test_symlink_loops_are_not_found(root: Path) -> None:
    (root / "loop.md").symlink_to(root / "loop.md")

    with pytest.raises(NotFound):
        LocalStore(root).get("loop.md")
    assert [info.key for info in LocalStore(root).list()] == ["_posts/2023-06-07-journey.md"]


def test_a_directory_is_not_an_object(root: Path) -> None:
    store = LocalStore(root)

    with pytest.raises(NotFound):
        store.get("_posts")
    with pytest.raises(NotFound):
        store.put("_posts", b"x")
    with pytest.raises(NotFound):
        store.put("_posts/2023-06-07-journey.md/child", b"x")  # a file where a folder should be
    store.delete("_posts")  # nothing to delete: not an error
    assert (root / "_posts").is_dir()


def test_a_name_too_long_for_the_file_system_is_not_found(root: Path) -> None:
    store = LocalStore(root)

    with pytest.raises(NotFound):
        store.put("a" * 300, b"x")
    store.delete("a" * 300)


def test_a_fifo_is_not_an_object(root: Path) -> None:
    os.mkfifo(root / "pipe.md")
    store = LocalStore(root)

    with pytest.raises(NotFound):
        store.get("pipe.md")  # opening it would block forever
    assert [info.key for info in store.list()] == ["_posts/2023-06-07-journey.md"]


def test_a_missing_root_says_what_to_check(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "nope")

    with pytest.raises(StoreUnavailable, match="CONTENT_DIR"):
        store.get("_config.yml")
    with pytest.raises(StoreUnavailable, match="CONTENT_DIR"):
        list(store.list())


def test_put_creates_folders_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "new")

    store.put("_posts/2024/2024-01-01-hello.md", b"hello")
    store.put("_posts/2024/2024-01-01-hello.md", b"hello again")

    files = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert files == ["new/_posts/2024/2024-01-01-hello.md"]
    assert (tmp_path / "new/_posts/2024/2024-01-01-hello.md").read_bytes() == b"hello again"


def test_same_sized_writes_in_one_clock_tick_get_new_versions(root: Path) -> None:
    store = LocalStore(root)

    versions = [store.put("_broadsheet/index.json", b"%04d" % n) for n in range(200)]

    assert len(set(versions)) == len(versions)


def test_racing_writers_on_one_version_one_wins(root: Path) -> None:
    store = LocalStore(root)
    start = store.put("_broadsheet/index.json", b"v0")
    barrier = threading.Barrier(8)
    outcomes: list[str] = []

    def writer(n: int) -> None:
        barrier.wait(timeout=5)
        try:
            store.put("_broadsheet/index.json", b"w%d" % n, if_match=start)
            outcomes.append(f"won {n}")
        except PreconditionFailed:
            outcomes.append("lost")

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    winners = [o for o in outcomes if o.startswith("won")]
    assert len(outcomes) == 8
    assert len(winners) == 1
    assert store.get("_broadsheet/index.json").body == b"w" + winners[0][4:].encode()


def test_an_unreadable_file_is_unavailable_not_missing(root: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads every file whatever its mode")
    path = root / "_posts" / "2023-06-07-journey.md"
    path.chmod(0)
    try:
        with pytest.raises(StoreUnavailable, match="permissions"):
            LocalStore(root).get("_posts/2023-06-07-journey.md")
    finally:
        path.chmod(0o644)


def test_list_of_a_corpus_set_matches_its_files() -> None:
    corpus = REPO / "tests" / "fixtures" / "jekyll-corpus" / "jekyll__jekyll-testsource"
    expected = sorted(
        p.relative_to(corpus).as_posix()
        for p in corpus.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(corpus).parts)
    )

    assert [info.key for info in LocalStore(corpus).list()] == expected


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("_posts/a.md", "text/markdown"),
        ("a.MARKDOWN", "text/markdown"),
        ("_config.yml", "application/yaml"),
        ("img/a.webp", "image/webp"),
        ("img/a.svg", "image/svg+xml"),
        ("img/a.png", "image/png"),
        ("assets/main.css", "text/css"),
        ("assets/main.js", "text/javascript"),
        ("fonts/a.woff2", "font/woff2"),
        ("feed.xml", "application/xml"),
        ("index.html", "text/html"),
        ("Makefile", "application/octet-stream"),
        ("a.unknown", "application/octet-stream"),
    ],
)
def test_content_types(key: str, expected: str) -> None:
    assert guess_content_type(key) == expected


def test_describe_names_the_folder(root: Path) -> None:
    assert LocalStore(root).describe() == str(root)
