"""jekyll-seo-tag 2.8.0's ``{% seo %}`` against the gem itself: small sites built by Jekyll 4.3.1
with the plugin listed, served by Broadsheet, every HTML file compared byte for byte.

The sites cover what the drop works out: titles (page, site, tagline, description, ``title=false``,
paginator pages), descriptions (front matter, excerpt, site), canonical URLs (``url`` +
``baseurl``, ``/index.html`` trimmed, ``canonical_url``), authors (string, hash, ``authors``
list, ``site.data.authors``, twitter handles), images (string, hash with size and alt,
``facebook``/``twitter`` keys, absolute), dates (``last_modified_at``, ``seo.date_modified``),
``seo: name/type/links``, ``social``, ``logo``, ``lang``/``locale``, twitter, facebook and
webmaster verification meta, and the JSON-LD of each.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from compare.environment import write_files

from handler.engine.liquid import LiquidEngine, Source
from handler.engine.plugins.seo import MINIFY, TEMPLATE, template_source
from handler.engine.plugins.tags import TAGS as PLUGIN_TAGS

from ..liquid.fakes import FakeHost
from .jekyll_reference import assert_same, built, require_gem, serve

LAYOUTS = {
    "_layouts/default.html": (
        "<!doctype html>\n<html><head>\n{% seo %}\n</head><body>{{ content }}</body></html>\n"
    ),
    "_layouts/plain.html": "<html><head>{% seo title=false %}<title>Own</title></head>"
    "<body>{{ content }}</body></html>\n",
    "_layouts/post.html": "---\nlayout: default\n---\n<article>{{ content }}</article>\n",
}

FULL = {
    "_config.yml": (
        "title: Broadsheet & Co\n"
        "tagline: News *that* matters\n"
        'description: A site about "things"\n'
        "url: https://example.com\n"
        "baseurl: /blog\n"
        "author: Jane Doe\n"
        "lang: en-GB\n"
        "logo: /images/logo.png\n"
        "twitter:\n  username: '@broadsheet'\n  card: summary\n"
        "facebook:\n  app_id: '1234'\n  publisher: https://facebook.com/broadsheet\n"
        "  admins: [a, b]\n"
        "social:\n  name: Broadsheet Inc\n  links:\n    - https://twitter.com/broadsheet\n"
        "    - https://github.com/broadsheet\n"
        "webmaster_verifications:\n  google: g123\n  bing: b456\n  yandex: y789\n"
        "plugins: [jekyll-seo-tag, jekyll-paginate]\n"
        "paginate: 2\npaginate_path: /news/page:num/\n"
        "defaults:\n  - scope: {path: '', type: posts}\n    values: {layout: post}\n"
    ),
    **LAYOUTS,
    "_data/authors.yml": (
        "Jane Doe:\n  twitter: janed\n  url: https://jane.example\n"
        "sam:\n  name: Sam Smith\n  twitter: '@sammy'\n  type: Organization\n"
    ),
    "index.html": "---\nlayout: default\n---\nHome.\n",
    "news/index.html": (
        "---\nlayout: default\ntitle: News\n---\n{% for post in paginator.posts %}"
        "<h2>{{ post.title }}</h2>{% endfor %}\n"
    ),
    "about.md": "---\nlayout: default\ntitle: About us\n---\nWho we are.\n",
    "contact.md": (
        "---\nlayout: default\ntitle: Contact\ndescription: Write to us & <b>say</b> hi\n"
        "image:\n  path: /images/contact.png\n  height: 630\n  width: 1200\n  alt: A letter\n"
        "seo:\n  type: Organization\n  name: The Desk\n  links: [https://example.org/desk]\n"
        "---\nMail.\n"
    ),
    "canonical.md": (
        "---\nlayout: default\ntitle: Moved\ncanonical_url: https://other.example/moved/\n"
        "locale: fr-FR\nlang: fr\nimage:\n  facebook: /images/fb.png\n"
        "author:\n  name: Kim Lee\n  twitter: kiml\n  url: https://kim.example\n---\nHere.\n"
    ),
    "docs/index.md": (
        "---\nlayout: plain\ntitle: Docs\nimage: https://cdn.example/docs.png\n"
        "authors: [sam, Jane Doe]\n---\nDocs.\n"
    ),
    "_posts/2024-01-02-first.md": (
        "---\ntitle: First *post*\nimage: /images/a b.png\n---\nThe first post, with an excerpt.\n\n"
        "More text.\n"
    ),
    "_posts/2024-02-03-second.md": (
        "---\ntitle: Second\nlast_modified_at: 2024-03-01 10:00:00 +0000\n"
        "description: Second's own description\nauthor: sam\n---\nSecond.\n"
    ),
    "_posts/2024-03-04-third.md": (
        "---\ntitle: Third\nseo:\n  date_modified: 2024-05-06\n  type: NewsArticle\n"
        "twitter:\n  card: app\nimage:\n  twitter: /images/tw.png\n---\nThird.\n"
    ),
    "_posts/2024-04-05-fourth.md": "---\ntitle: Fourth\nauthor: Someone Else\n---\nFourth.\n",
    "_posts/2024-05-06-fifth.md": "---\ntitle: Fifth\n---\nFifth.\n",
}

MINIMAL = {
    # ``url: ""``: an empty URL is a URL (the canonical link is the bare path).
    "_config.yml": "name: Named Site\nurl: ''\nplugins: [jekyll-seo-tag]\n",
    **LAYOUTS,
    "index.md": "---\nlayout: default\n---\nHome.\n",
    "page.md": "---\nlayout: default\ntitle: A page\n---\nText.\n",
    "untitled.html": "---\nlayout: default\n---\n<p>No title.</p>\n",
    "_posts/2023-06-07-note.md": "---\nlayout: default\n---\nA note.\n",
}

PAGED = {
    "_config.yml": (
        "title: Paged\ndescription: Pages of posts\nurl: http://paged.example\n"
        "seo_paginator_message: '%<current>s/%<total>s - '\n"
        "google_site_verification: gsv\n"
        "plugins: [jekyll-seo-tag, jekyll-paginate]\npaginate: 1\npaginate_path: /p/:num/\n"
    ),
    **LAYOUTS,
    "index.html": "---\nlayout: default\ntitle: Home\n---\nHome.\n",
    "p/index.html": "---\nlayout: default\ntitle: Pages\n---\n{{ paginator.page }}\n",
    "_posts/2024-01-01-a.md": "---\nlayout: default\ntitle: A\n---\nA.\n",
    "_posts/2024-01-02-b.md": "---\nlayout: default\ntitle: B\n---\nB.\n",
    "_posts/2024-01-03-c.md": "---\nlayout: default\ntitle: C\n---\nC.\n",
}

SITES = {"full": FULL, "minimal": MINIMAL, "paged": PAGED}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SITES))
def test_every_page_has_the_gems_tags(name: str, tmp_path: Path) -> None:
    require_gem("jekyll-seo-tag")
    site, reference = built(tmp_path, SITES[name])
    pages = sorted(p.relative_to(reference).as_posix() for p in reference.rglob("*.html"))
    assert pages
    for relative in pages:
        assert_same(site, reference, relative)


@pytest.mark.slow
def test_without_a_url_there_is_no_canonical_link(tmp_path: Path) -> None:
    require_gem("jekyll-seo-tag")
    files = {**MINIMAL, "_config.yml": "title: No URL\nplugins: [jekyll-seo-tag]\n"}
    site, reference = built(tmp_path, files)
    assert_same(site, reference, "page.html")


def test_the_template_is_the_gems_minified(tmp_path: Path) -> None:
    """The vendored template is the gem's file, minified with the gem's expression."""
    require_gem("jekyll-seo-tag")
    gem = next(Path("/usr/share/rubygems-integration/all/gems").glob("jekyll-seo-tag-2.8.0"))
    assert TEMPLATE.read_bytes() == (gem / "lib" / "template.html").read_bytes()
    text = template_source().text
    assert text.startswith("<!-- Begin Jekyll SEO tag v{{seo_tag.version }} -->\n{% if")
    assert "\n  " not in text and MINIFY.search(text) is None


def test_without_the_plugin_seo_is_an_unknown_tag(tmp_path: Path) -> None:
    files = {**MINIMAL, "_config.yml": "title: No plugin\n"}
    write_files(tmp_path, files)
    site = serve(tmp_path)
    view = site.view()
    assert "jekyll-seo-tag" not in view.plugins
    from handler.engine.renderer import Notes

    notes = Notes()
    body = site.render(view, view.by_key["page.md"], notes=notes)
    assert "<head>\n\n</head>" in body
    assert ("tag", "seo", "_layouts/default.html", 3) in notes.unsupported


def test_seo_tag_renders_in_the_engine_with_a_plain_host() -> None:
    """The tag needs nothing from the host but its plugins and markdown (no site objects)."""

    class Host(FakeHost):
        plugins = frozenset({"jekyll-seo-tag"})

    engine = LiquidEngine(tags=PLUGIN_TAGS)
    template = engine.parse(Source("{% seo %}", "t.html", "1"))
    host = Host(site_url="https://h.example")
    variables = {
        "page": {"title": "T", "url": "/x/index.html"},
        "site": {"url": "https://h.example"},
        "jekyll": {"version": "4.3.1"},
    }
    out = engine.render(template, variables, host)
    assert "<title>T</title>" in out
    assert '<link rel="canonical" href="https://h.example/x/" />' in out
    assert '"@type":"WebPage","headline":"T","url":"https://h.example/x/"}' in out
    assert host.reports == []
