"""Front matter exactly as Jekyll splits it, with errors that name the file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from handler.engine.frontmatter import parse, split_body
from handler.errors import FrontMatterError

SEED = Path(__file__).parents[1] / "content" / "_posts" / "2023-06-07-journey.md"


def test_seed_post_keeps_its_later_dashes_in_the_body() -> None:
    matter = parse(SEED.read_text(encoding="utf-8"), "seed.md")
    assert matter.data["title"] == "From sci-fi writer to AI engineer: a strange journey"
    assert matter.data["permalink"] == "/posts/2023/06/journey/"
    assert matter.body_line == 7
    assert (
        "p.s. my advice for anyone trying to break into a field with very low initial capital:\n---\n"
        in matter.body
    )


@pytest.mark.parametrize(
    ("text", "data", "body", "line"),
    [
        ("---\ntitle: A\n---\nbody\n", {"title": "A"}, "body\n", 4),
        ("---\ntitle: A\n...\nbody", {"title": "A"}, "body", 4),  # YAML's document end marker
        ("---  \nextra: spaces\n---\n\nBest", {"extra": "spaces"}, "Best", 5),
        ("---\n---\nEmpty YAML.", {}, "Empty YAML.", 3),
        ("\ufeff---\ntitle: BOM\n---\nx", {"title": "BOM"}, "x", 4),
        ("---\r\ntitle: CRLF\r\n---\r\nx\r\n", {"title": "CRLF"}, "x\r\n", 4),
        ("No front matter at all.\n", {}, "No front matter at all.\n", 1),
        ("---\ntitle: Foo --- Bar\n---\n\nTriple", {"title": "Foo --- Bar"}, "Triple", 5),
        # Body is not stripped: leading spaces stay (an indented code block, say).
        ("---\na: 1\n---\n    code\n", {"a": 1}, "    code\n", 4),
    ],
)
def test_split_like_jekyll(text: str, data: dict[str, object], body: str, line: int) -> None:
    matter = parse(text, "p.md")
    assert (matter.data, matter.body, matter.body_line) == (data, body, line)
    # The renderer's read of a file the index has loaded: the same body, no YAML.
    assert split_body(text) == (body, line)


def test_split_body_leaves_a_block_that_never_closes_to_parse() -> None:
    assert split_body("---\ntitle: never closed\n\nbody text\n") is None
    assert split_body("\n---\ntitle: late\n---\nbody") == ("\n---\ntitle: late\n---\nbody", 1)


def test_front_matter_must_start_at_byte_zero() -> None:
    matter = parse("\n---\ntitle: late\n---\nbody", "p.md")
    assert matter.data == {}
    assert not matter.has_front_matter


@pytest.mark.parametrize(
    ("text", "location", "words"),
    [
        ("---\ntitle: ok\ntags: [a, b\n---\nbody", "p.md:4:1", "invalid YAML"),
        ("---\ntitle: ok\n  bad: indent\n---\n", "p.md:3:6", "invalid YAML"),
        ("---\n- a\n- b\n---\nbody", "p.md:2", "must be a mapping"),
        ("---\njust a string\n---\nbody", "p.md:2", "must be a mapping"),
        ("---\ntitle: never closed\n\nbody text\n", "p.md:1", "never closes"),
    ],
)
def test_broken_front_matter_names_file_and_line(text: str, location: str, words: str) -> None:
    with pytest.raises(FrontMatterError) as caught:
        parse(text, "p.md")
    assert caught.value.location == location
    assert words in str(caught.value)


def test_yaml_alias_bomb_is_refused_quickly() -> None:
    lines = ["---", 'a: &a ["x","x","x","x","x","x","x","x","x"]']
    lines += [
        f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]" for i in range(8)
    ]
    with pytest.raises(FrontMatterError, match="too many aliases"):
        parse("\n".join([*lines, "---", "body"]), "bomb.md")


def test_yaml_is_safe() -> None:
    with pytest.raises(FrontMatterError):
        parse("---\nx: !!python/object/apply:os.system ['true']\n---\n", "evil.md")
