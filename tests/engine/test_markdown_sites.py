"""Whole real sites through handler.engine.markdown and through kramdown, document by document.

Jekyll builds each site (``kramdown_harness.rb sites``) and records every markdown conversion it
makes: each page, post and collection document after its Liquid (so included HTML is in it),
each excerpt, and each ``markdownify`` in the layouts. Broadsheet must write the same HTML for the
same text, byte for byte but for the token spans of highlighted code (see ``normalise``).

The sites: academicpages (the fixture copy of our first user's site) and the four corpus sites.
Excused: documents whose Liquid Jekyll could not render here (the test posts that need Jekyll's
own test plugins or includes), whose text is then raw Liquid.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from .test_markdown_kramdown import normalise, python, require_ruby, run_harness

# academicpages' _config.yml plugins (Debian packages them as ruby-jekyll-*).
PLUGINS = (
    "jekyll-feed",
    "jekyll-gist",
    "jekyll-paginate",
    "jekyll-sitemap",
    "jekyll-redirect-from",
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SITES = {
    "academicpages": FIXTURES / "academicpages" / "src",
    **{
        name: FIXTURES / "jekyll-corpus" / name
        for name in (
            "mmistakes__minimal-mistakes",
            "cotes2020__jekyll-theme-chirpy",
            "Homebrew__brew.sh",
            "jekyll__jekyll-testsource",
        )
    },
}
# At least this many documents (not markdownify calls) per site: the build really converted them.
MINIMUM_DOCUMENTS = {
    "academicpages": 35,
    "mmistakes__minimal-mistakes": 17,
    "cotes2020__jekyll-theme-chirpy": 2,
    "Homebrew__brew.sh": 45,
    "jekyll__jekyll-testsource": 50,
}


@functools.cache
def plugins_missing() -> str | None:
    requires = "; ".join(f'require "{name}"' for name in PLUGINS)
    probe = subprocess.run(["ruby", "-e", requires], capture_output=True, text=True, check=False)
    return None if probe.returncode == 0 else f"a Jekyll plugin of {', '.join(PLUGINS)} is missing"


@functools.cache
def conversions() -> dict[str, list[dict[str, Any]]]:
    """Every site's recorded conversions (one Ruby process, builds in a scratch copy)."""
    require_ruby()
    reason = plugins_missing()
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the site builds need academicpages' Jekyll plugins in CI: {reason}")
        pytest.skip(reason)
    with tempfile.TemporaryDirectory() as folder:
        copies = []
        for name, source in SITES.items():
            copy = Path(folder) / name
            shutil.copytree(source, copy, ignore=shutil.ignore_patterns("reference.jsonl"))
            copies.append(copy)
        results: dict[str, list[dict[str, Any]]] = run_harness("sites", *map(str, copies))
        return {
            name: results[str(copy.resolve())] for name, copy in zip(SITES, copies, strict=True)
        }


def visible(html: str) -> str:
    return " ".join(BeautifulSoup(html, "html.parser").get_text().split())


@pytest.mark.parametrize("site", list(SITES))
def test_every_document_converts_as_kramdown_does(site: str) -> None:
    records = conversions()[site]
    documents = {r["path"] for r in records if r["path"] != "markdownify"}
    assert len(documents) >= MINIMUM_DOCUMENTS[site]
    checked: dict[str, dict[str, Any]] = {}
    for record in records:
        if not record["liquid_error"]:
            checked.setdefault(record["input"], record)  # a text converts once
    differ = []
    for text, record in checked.items():
        ours = python(text, record["kramdown"])
        if normalise(ours) != normalise(record["html"]):
            same_text = visible(ours) == visible(record["html"])
            differ.append(f"{record['path']} (visible text {'equal' if same_text else 'differs'})")
    print(f"{site}: {len(checked) - len(differ)} of {len(checked)} texts equal kramdown's HTML")
    assert not differ, "HTML differs from kramdown's for: " + ", ".join(differ)


def test_the_toc_include_of_academicpages_becomes_the_table_of_contents() -> None:
    """academicpages' _pages/terms.md: ``{% include toc %}`` puts a ``{:toc}`` list inside
    ``<nav markdown="1">`` inside ``<aside>``; kramdown replaces it with the headers' list."""
    record = next(r for r in conversions()["academicpages"] if r["path"] == "_pages/terms.md")
    ours = python(record["input"], record["kramdown"])
    assert ours == record["html"]
    soup = BeautifulSoup(ours, "html.parser")
    toc = soup.select_one("aside.sidebar__right > nav.toc > ul#markdown-toc.toc__menu")
    assert toc is not None
    assert [a["href"] for a in toc.select("a")][:2] == ["#privacy-policy", "#log-files"]
