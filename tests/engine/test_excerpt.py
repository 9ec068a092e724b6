"""handler.engine.excerpt: the source of a generated excerpt, as Jekyll 4.3's
``Excerpt#extract_excerpt`` cuts it."""

from __future__ import annotations

from handler.engine.excerpt import extract_excerpt


def test_excerpt_closes_open_liquid_blocks_and_keeps_link_references() -> None:
    body = "{% raw %}\nFirst [link][ref]\n\nSecond {% endraw %}\n\n[ref]: https://example.com\n"
    assert extract_excerpt(body, "\n\n") == (
        "{% raw %}\nFirst [link][ref]\n{% endraw %}\n\n[ref]: https://example.com"
    )


def test_only_the_references_the_head_uses_are_appended() -> None:
    body = (
        "See [one][a] and [two].\n\nMore.\n\n"
        "[a]: https://example.com/a\n[b]: https://example.com/b\n   [two]: /two 'Two'\n"
    )
    # Each definition is its two captured parts joined: the indent is not kept.
    assert extract_excerpt(body, "\n\n") == (
        "See [one][a] and [two].\n\n[a]: https://example.com/a\n[two]: /two 'Two'"
    )


def test_a_body_without_the_separator_is_all_excerpt() -> None:
    assert extract_excerpt("only one paragraph", "\n\n") == "only one paragraph"


def test_a_custom_separator() -> None:
    # Jekyll 3 always appended "\n\n" to the head; Jekyll 4.3 appends nothing when no link
    # reference definition is needed (this test expected "a\n\n" before).
    assert extract_excerpt("a<!--more-->b", "<!--more-->") == "a"


def test_closed_blocks_are_left_alone() -> None:
    body = "{% if x %}a{% endif %} {% for i in y %}\n\nb {% endfor %}"
    assert extract_excerpt(body, "\n\n") == (
        "{% if x %}a{% endif %} {% for i in y %}\n{% endfor %}"
    )
    assert extract_excerpt("{% highlight %}\n\nx", "\n\n", block_tags={"raw"}) == "{% highlight %}"
