"""Test sites built in tmp_path: real files, as an author would have them."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).parents[1]


def write_site(root: Path) -> None:
    shutil.copytree(ROOT / "content", root)
    posts = root / "_posts"
    for day in range(1, 12):
        tags = "[python, teaching]" if day % 2 else "[research]"
        category = "notes" if day % 3 else "papers"
        (posts / f"2024-03-{day:02d}-post-{day}.md").write_text(
            f"---\ntitle: Post {day}\ntags: {tags}\ncategories: [{category}]\n---\n"
            f"Paragraph one of post {day}.\n\nParagraph two.\n",
            encoding="utf-8",
        )
    (posts / "2024-04-01-hostile.md").write_text(
        '---\ntitle: "Why <script>alert(1)</script> & \\"quotes\\" matter"\n'
        'tags: ["<b>bold</b>", "a&b"]\n---\nBody.\n',
        encoding="utf-8",
    )
    (posts / "2024-04-02-moved.md").write_text(
        "---\ntitle: Moved\nredirect_from:\n  - /old/moved.html\n  - /2019/moved/\n---\nHere now.\n",
        encoding="utf-8",
    )
    (posts / "2024-04-03-elsewhere.md").write_text(
        "---\ntitle: Elsewhere\nredirect_to: https://example.org/elsewhere\n---\nGone.\n",
        encoding="utf-8",
    )
    (posts / "2024-04-04-hidden-from-sitemap.md").write_text(
        "---\ntitle: Quiet\nsitemap: false\n---\nShh.\n", encoding="utf-8"
    )
    (posts / "2024-04-05-unpublished.md").write_text(
        "---\ntitle: Not yet\npublished: false\n---\nSecret.\n", encoding="utf-8"
    )
    (root / "_drafts").mkdir()
    (root / "_drafts" / "idea.md").write_text(
        "---\ntitle: A draft idea\ndate: 2024-05-01\n---\nDraft body.\n", encoding="utf-8"
    )
