"""Whole sites Broadsheet reads as Jekyll 4.3.1 does, file for file, against Jekyll's own build.

Each site below is written to a folder, built by Debian's ``jekyll`` (the reference), and served
by Broadsheet from the same folder: the set of files Jekyll writes must be the set of paths
Broadsheet answers, and each answer must hold what Jekyll wrote (HTML compared as visible text
and tag sequence, everything else byte for byte). The sites exercise what the reader decides:
collections in the list and the map form, ``collections_dir``, ``_data`` in four formats and
nested folders, page permalinks of every style, ``include``/``exclude`` globs, and front matter
defaults by path and by type.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from compare.environment import jekyll_build, write_files
from compare.html import compare_html

from handler.errors import NotFound
from handler.site import Site
from handler.store.local import LocalStore

pytestmark = pytest.mark.slow
BUILT = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)

LIST_THEME = {
    "_layouts/default.html": (
        "<!doctype html><html><head><title>{{ page.title | default: site.title }}</title></head>"
        "<body><main>{{ content }}</main><footer>{{ site.data.nav.home }} "
        "{{ site.data.people | size }} {{ site.data.prices | map: 'name' | join: ',' }} "
        "{{ site.data.more.deep.leaf }}</footer></body></html>\n"
    ),
    "_layouts/item.html": "---\nlayout: default\n---\n<article>{{ content }}</article>\n",
}

SITES: dict[str, dict[str, str]] = {
    # Collections as a list (no output: readable from Liquid only) and as a map with output,
    # permalinks with :collection :path :name :title :output_ext, sort_by, and the four data
    # formats in nested folders.
    "collections": {
        "_config.yml": (
            "title: Collections\n"
            "collections:\n"
            "  recipes:\n    output: true\n    permalink: /:collection/:path/\n"
            "  staff:\n    output: true\n    permalink: /people/:name:output_ext\n"
            "    sort_by: rank\n"
            "  notes:\n    output: false\n"
            "defaults:\n"
            "  - scope: {path: '', type: recipes}\n    values: {layout: item, course: main}\n"
            "  - scope: {path: '_recipes/sweet'}\n    values: {course: dessert}\n"
            "  - scope: {path: ''}\n    values: {layout: default}\n"
        ),
        **LIST_THEME,
        "index.md": (
            "---\ntitle: Home\n---\n# Recipes\n\n"
            "{% for r in site.recipes %}- [{{ r.title }}]({{ r.url }}) ({{ r.course }})\n{% endfor %}\n"
            "{% for s in site.staff %}* {{ s.name }} {{ s.rank }}\n{% endfor %}\n"
            "Notes: {{ site.notes | size }} {{ site.notes.first.title }}\n\n"
            "{% for c in site.collections %}{{ c.label }}:{{ c.output }} {% endfor %}\n"
        ),
        "_recipes/bread.md": "---\ntitle: Bread\n---\nFlour and *water*.\n",
        "_recipes/sweet/cake.md": "---\ntitle: Cake\n---\nSugar.\n",
        "_recipes/sweet/tart.html": "---\ntitle: Tart\n---\n<p>Pastry.</p>\n",
        "_recipes/photo.txt": "a static file of a collection\n",
        "_staff/zoe.md": "---\nname: Zoe\nrank: 2\n---\nZoe.\n",
        "_staff/adam.md": "---\nname: Adam\nrank: 1\n---\nAdam.\n",
        "_staff/ned.md": "---\nname: Ned\n---\nNo rank.\n",
        "_notes/one.md": "---\ntitle: First note\n---\nHidden.\n",
        "_data/nav.yml": "home: Home page\n",
        "_data/people.json": '[{"name": "a"}, {"name": "b"}, {"name": "c"}]\n',
        "_data/prices.csv": "name,price\ntea,2\ncoffee,3\n",
        "_data/more/deep.tsv": "leaf\tother\nvalue\tx\n",
    },
    # collections_dir, posts and drafts under it, a page permalink in every style.
    "folders": {
        "_config.yml": (
            "title: Folders\npermalink: pretty\ncollections_dir: my_collections\n"
            "collections: [albums]\n"
            "defaults:\n  - scope: {path: '', type: posts}\n    values: {layout: default}\n"
        ),
        **LIST_THEME,
        "my_collections/_posts/2024-02-03-hello.md": "---\ntitle: Hello\n---\nHi.\n",
        "my_collections/_albums/blue.md": "---\ntitle: Blue\n---\nBlue.\n",
        "about.md": "---\ntitle: About\n---\nAbout us.\n",
        "plain.html": "---\ntitle: Plain\n---\n<p>Plain HTML.</p>\n",
        "docs/index.md": "---\ntitle: Docs\n---\nDocs home.\n",
        "docs/guide.md": "---\ntitle: Guide\npermalink: /guide/:title/\n---\nGuide.\n",
        "docs/api.md": "---\ntitle: API\npermalink: /reference/api.html\n---\nAPI.\n",
        "docs/raw.md": "---\ntitle: Raw\npermalink: /raw\n---\nRaw.\n",
        "feed.json": '---\nlayout: null\n---\n{"title": "{{ site.title }}"}\n',
        "robots.txt": "User-agent: *\n",
    },
    # Jekyll's own docs site: the posts' permalink set under `collections: posts:` (not the
    # top-level `permalink:`), with a category folder, and `site.posts` read from a page.
    "posts-collection": {
        "_config.yml": (
            "title: News\npermalink: pretty\n"
            "collections:\n"
            "  posts:\n    permalink: /news/:year/:month/:day/:title:output_ext\n"
            "  docs:\n    output: true\n    permalink: /docs/:path/\n"
            "defaults:\n  - scope: {path: ''}\n    values: {layout: default}\n"
        ),
        **LIST_THEME,
        "_posts/2016-04-19-jekyll-3-1-3-released.markdown": (
            "---\ntitle: Jekyll 3.1.3 Released\n---\nA patch release.\n"
        ),
        "_posts/2017-01-18-jekyll-3-4-0-released.markdown": (
            "---\ntitle: 'Jekyll turns 3.4.0'\ncategories: [release]\n---\nHappy new year.\n"
        ),
        "release/_posts/2018-05-01-jekyll-3-8-0-released.md": (
            "---\ntitle: Jekyll 3.8.0\n---\nIn a category folder.\n"
        ),
        "_docs/installation.md": "---\ntitle: Installation\n---\nInstall it.\n",
        "news.html": (
            "---\ntitle: News\n---\n{% for post in site.posts %}"
            "<a href=\"{{ post.url }}\">{{ post.title }}</a> {{ post.categories | join: ',' }}\n"
            "{% endfor %}\n"
        ),
    },
    # include/exclude globs, underscore and dot files, defaults by path glob, date permalinks.
    "filters": {
        "_config.yml": (
            "title: Filters\npermalink: /:year/:month/:day/:title:output_ext\n"
            "include: [_kept, .well-known]\n"
            "exclude: ['*.log', drafts/, 'vendor', 'secret*']\n"
            "defaults:\n"
            "  - scope: {path: 'section/*'}\n    values: {layout: default, badge: globbed}\n"
            "  - scope: {path: 'section', type: pages}\n    values: {badge: typed}\n"
        ),
        **LIST_THEME,
        "_posts/2023-05-06-a-post.md": "---\ntitle: A post\n---\nPost {{ page.date }}.\n",
        "_kept/kept.md": "---\ntitle: Kept\n---\nIncluded underscore folder.\n",
        ".well-known/security.txt": "Contact: x\n",
        "_hidden/gone.md": "---\ntitle: Gone\n---\nNot read.\n",
        ".dotfile": "not read\n",
        "debug.log": "excluded\n",
        "secrets.md": "---\ntitle: Secret\n---\nExcluded by prefix glob.\n",
        "vendor/lib.js": "excluded folder\n",
        "drafts/note.md": "---\ntitle: Draft folder\n---\nExcluded.\n",
        "section/page.md": "---\ntitle: Section\n---\nBadge {{ page.badge }}.\n",
        "section/deep/page.md": "---\ntitle: Deep\n---\nBadge {{ page.badge }}.\n",
        "backup.md~": "editor backup\n",
        "images/logo.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>\n",
    },
    # The commonest blog: jekyll-paginate's paginator in the site's root index.html (the default
    # paginate_path), a layout chain, and a second site paginating under /blog/.
    "paginated": {
        "_config.yml": "title: Paginated\npaginate: 2\nplugins: [jekyll-paginate]\n",
        **LIST_THEME,
        "index.html": (
            "---\nlayout: default\n---\n"
            "{% for post in paginator.posts %}<h2>{{ post.title }}</h2>{% endfor %}\n"
            "<p>{{ paginator.page }}/{{ paginator.total_pages }} of {{ paginator.total_posts }}"
            " prev={{ paginator.previous_page_path }} next={{ paginator.next_page_path }}</p>\n"
        ),
        **{
            f"_posts/2024-01-0{n}-post-{n}.md": f"---\ntitle: Post {n}\n---\nBody {n}.\n"
            for n in range(1, 6)
        },
    },
    "paginated-blog": {
        "_config.yml": (
            "title: Blog\npaginate: 3\npaginate_path: /blog/page:num/\nplugins: [jekyll-paginate]\n"
        ),
        **LIST_THEME,
        "index.html": "---\nlayout: default\n---\nHome: {{ paginator.page | default: 'none' }}\n",
        "blog/index.html": (
            "---\nlayout: default\n---\n"
            "{% for post in paginator.posts %}<h2>{{ post.title }}</h2>{% endfor %}\n"
            "<p>{{ paginator.page }}/{{ paginator.total_pages }}</p>\n"
        ),
        **{
            f"_posts/2024-02-0{n}-entry-{n}.md": f"---\ntitle: Entry {n}\n---\nBody {n}.\n"
            for n in range(1, 8)
        },
    },
}


def built_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


@pytest.mark.parametrize("name", sorted(SITES))
def test_every_file_jekyll_writes_answers_with_what_jekyll_wrote(name: str, tmp_path: Path) -> None:
    source, reference = tmp_path / "src", tmp_path / "jekyll"
    write_files(source, SITES[name])
    jekyll_build(source, reference)
    site = Site(
        LocalStore(source), environment="development", github_pages=False, now=lambda: BUILT
    )
    view = site.view()
    expected = built_files(reference)
    assert sorted(site.outputs(view).outputs) == expected
    for relative in expected:
        page = site.page("/" + relative)
        assert page.location is None, relative
        want = (reference / relative).read_bytes()
        if relative.endswith(".html"):
            comparison = compare_html(page.body.decode(), want.decode())
            assert comparison.text == 1.0 and comparison.tags == 1.0, (
                relative + "\n" + comparison.report()
            )
        else:
            assert page.body == want, relative


def test_the_reader_skips_what_jekyll_skips(tmp_path: Path) -> None:
    write_files(tmp_path, SITES["filters"])
    site = Site(LocalStore(tmp_path), github_pages=False)
    for path in ("/debug.log", "/secrets.html", "/vendor/lib.js", "/drafts/note.html",
                 "/_hidden/gone.html", "/.dotfile", "/backup.md~"):  # fmt: skip
        with pytest.raises(NotFound):
            site.page(path)
