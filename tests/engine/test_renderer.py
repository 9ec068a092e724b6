"""handler.engine.renderer: Liquid in posts as Jekyll renders it (tags, filters, includes,
``post_url``, ``link``, ``highlight``), excerpts, and errors that name the file and line.

Every case is a real site in ``tmp_path``: a ``_config.yml``, includes, a few posts, and the post
under test, ``_posts/2008-10-18-hello.html`` (an HTML post: Jekyll does not convert it, so what
Liquid gives is the whole content). The post is read by the engine's reader and rendered by the
site's renderer, as a request would.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from handler.engine.document import Document
from handler.engine.index import scan
from handler.engine.renderer import Notes, Renderer, RenderLimits, renders_liquid
from handler.engine.view import SiteView
from handler.errors import LiquidError, RenderError
from handler.site import Site
from handler.store.local import LocalStore

KEY = "_posts/2008-10-18-hello.html"
CONFIG = "url: https://example.com\nbaseurl: /blog\ntitle: Site\ntimezone: America/Chicago\n"
FILES = {
    "_includes/sig.html": "-- {{ include.who }} for {{ page.title }}",
    "_includes/list.html": "{% for item in include.items %}[{{ item }}]{% endfor %}",
    # A real error inside an include: an unknown tag would render nothing, as in Jekyll.
    "_includes/broken.html": "line one\n{% if page.title %}never closed",
    "_includes/params.html": "{{ include.a }}|{{ include.b }}|{{ include.c }}",
    "_posts/notes/aside.md": "Aside for {{ page.title }}: {{ include.x }}",
    "_posts/2010-01-09-date-override.md": "---\ntitle: Override\n---\nx\n",
    "_posts/2016-01-01-a.md": "---\ntitle: A\n---\nx\n",
}
PAGE: dict[str, Any] = {
    "title": "Hello",
    "date": "2008-10-18 09:30:00 -0500",
    "tags": ["b", "a"],
    "items": ["x", "y"],
    "include1": "Sig",
}


def front_matter(page: dict[str, Any]) -> str:
    return "---\n" + yaml.safe_dump(page, sort_keys=False) + "---\n"


# The first line of the post's body: error lines below are counted from it.
FIRST = front_matter(PAGE).count("\n") + 1


class Rendered:
    """A site in a folder, with the post under test read and ready to render."""

    def __init__(self, root: Path) -> None:
        self.site = Site(LocalStore(root))
        self.view: SiteView = self.site.view()
        self.post: Document = self.view.by_key[KEY]

    def content(self) -> str:
        return self.site.renderer.content(self.view, self.post)

    def excerpt(self) -> str | None:
        return self.site.renderer.excerpt(self.view, self.post)


def make_site(root: Path, source: str, **page: Any) -> Rendered:
    for key, text in {
        "_config.yml": CONFIG,
        **FILES,
        KEY: front_matter({**PAGE, **page}) + source,
    }.items():
        path = root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return Rendered(root)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "site"


def render(folder: Path, source: str, **page: Any) -> str:
    return make_site(folder, source, **page).content()


def error(folder: Path, source: str) -> LiquidError:
    with pytest.raises(LiquidError) as info:
        render(folder, source)
    return info.value


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{{ site.title }} {{ site.url }}", "Site https://example.com"),
        ("{{ page.title }} {{ page.url }}", "Hello /2008/10/18/hello.html"),
        ("{{ page.date }}", "2008-10-18 09:30:00 -0500"),
        ("{{ page.missing }}|{{ nothing.at.all }}", "|"),
        ("{% raw %}{{ page.title }} {% if %}{% endraw %}", "{{ page.title }} {% if %}"),
        # Jekyll 4's post_url and link tags give the URL with baseurl (the old fakes had none).
        ("{% post_url 2010-01-09-date-override %}", "/blog/2010/01/09/date-override.html"),
        ("{% link _posts/2016-01-01-a.md %}", "/blog/2016/01/01/a.html"),
        ("{% include sig.html who='me' %}", "-- me for Hello"),
        ('{% include sig.html who="you" %}', "-- you for Hello"),
        ("{% include sig.html who=page.title %}", "-- Hello for Hello"),
        ("{% include list.html items=page.items %}", "[x][y]"),
        ("{% include params.html a='1' b=\"2\" c=page.title %}", "1|2|Hello"),
        ("{% include {{ page.include1 | downcase }}.html who='v' %}", "-- v for Hello"),
        ("{% include_relative notes/aside.md x='y' %}", "Aside for Hello: y"),
        ("{% assign n = 2 %}{% capture c %}{{ n | plus: 1 }}{% endcapture %}{{ c }}", "3"),
        ("{%- if page.title -%}  yes  {%- endif -%}", "yes"),
    ],
)
def test_tags_and_variables(folder: Path, source: str, expected: str) -> None:
    assert render(folder, source) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{{ '/a/b' | relative_url }}", "/blog/a/b"),
        ("{{ 'a' | relative_url }}", "/blog/a"),
        ("{{ 'https://x.org/y' | relative_url }}", "https://x.org/y"),
        ("{{ '/a' | absolute_url }}", "https://example.com/blog/a"),
        ("{{ page.date | date_to_string }}", "18 Oct 2008"),
        ("{{ page.date | date_to_long_string }}", "18 October 2008"),
        ("{{ page.date | date_to_xmlschema }}", "2008-10-18T09:30:00-05:00"),
        ("{{ page.date | date_to_rfc822 }}", "Sat, 18 Oct 2008 09:30:00 -0500"),
        ("{{ page.date | date: '%Y/%m' }}", "2008/10"),
        ("{{ '<a href=\"x\">&</a>' | xml_escape }}", "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;"),
        ("{{ 'Hello, World!  Again' | slugify }}", "hello-world-again"),
        ("{{ 'snake_case here' | slugify }}", "snake-case-here"),
        ("{{ 'The _config.yml file' | slugify: 'pretty' }}", "the-_config.yml-file"),
        ("{{ page.tags | jsonify }}", '["b","a"]'),
        ("{{ page.tags | sort | join: ',' }}", "a,b"),
        ("{{ page.tags | array_to_sentence_string }}", "b and a"),
        ("{{ 'one two  three' | number_of_words }}", "3"),
        ("{{ '*hi*' | markdownify }}", "<p><em>hi</em></p>\n"),
        ("{{ 'a -- b' | smartify }}", "a \u2013 b"),
        ("{{ 'a b' | cgi_escape }} {{ 'a b' | uri_escape }}", "a+b a%20b"),
        ("{{ page.title | no_such_filter }}", "Hello"),
    ],
)
def test_jekyll_filters(folder: Path, source: str, expected: str) -> None:
    assert render(folder, source) == expected


def test_where_and_group_by_filters(folder: Path) -> None:
    people = [{"name": "a", "team": "x"}, {"name": "b", "team": "y"}, {"name": "c", "team": "x"}]
    source = (
        "{% assign xs = page.people | where: 'team', 'x' %}{% for p in xs %}{{ p.name }}{% endfor %}"
        "|{% assign gs = page.people | group_by: 'team' %}"
        "{% for g in gs %}{{ g.name }}={{ g.size }};{% endfor %}"
    )
    assert render(folder, source, people=people) == "ac|x=2;y=1;"


def test_highlight_tag_gives_rouge_figure_with_pygments_classes(folder: Path) -> None:
    out = render(folder, "{% highlight ruby %}\nputs 1\n{% endhighlight %}")
    assert out == (
        '<figure class="highlight"><pre><code class="language-ruby" data-lang="ruby">'
        '<span class="nb">puts</span> <span class="mi">1</span>\n</code></pre></figure>'
    )


def test_highlight_tag_with_linenos_gives_rouge_table_as_valid_html(folder: Path) -> None:
    """Rouge's cells and classes, with the table outside <pre><code> where HTML allows it."""
    out = render(folder, "{% highlight text linenos %}\na\nb\n{% endhighlight %}")
    assert out == (
        '<figure class="highlight"><table class="rouge-table"><tbody><tr>'
        '<td class="gutter gl"><pre class="lineno">1\n2\n</pre></td>'
        '<td class="code"><pre><code class="language-text" data-lang="text">a\nb\n</code></pre>'
        "</td></tr></tbody></table></figure>"
    )


def test_highlight_body_is_liquid_rendered_like_jekyll(folder: Path) -> None:
    out = render(folder, "{% highlight text %}{{ page.title }}{% endhighlight %}")
    assert ">Hello\n</code>" in out


def test_renders_liquid(folder: Path) -> None:
    post = make_site(folder, "x").post
    assert renders_liquid(post, "a {{ b }}")
    assert renders_liquid(post, "a {% b %}")
    assert not renders_liquid(post, "plain { text } with % signs")
    off = dataclasses.replace(post, data={**post.data, "render_with_liquid": False})
    assert not renders_liquid(off, "{{ b }}")


def test_markdown_posts_are_converted_after_liquid(folder: Path) -> None:
    make_site(folder, "")
    (folder / "_posts" / "2008-10-19-md.md").write_text(
        "---\ntitle: Md\n---\n# {{ page.title }}\n\n*{{ site.title }}*\n", encoding="utf-8"
    )
    rendered = Rendered(folder)
    post = rendered.view.by_key["_posts/2008-10-19-md.md"]
    assert rendered.site.renderer.content(rendered.view, post) == (
        '<h1 id="md">Md</h1>\n\n<p><em>Site</em></p>\n'
    )


# ---- what Jekyll would do differently: reported, not fatal ------------------------------------


def test_unknown_tag_renders_nothing_and_is_reported_at_its_line(folder: Path) -> None:
    # Was an error; Jekyll stops the build at an unknown tag, Broadsheet leaves it out and
    # `broadsheet check` warns at file:line (from these notes).
    rendered = make_site(folder, "Intro\n\nMore text\n{% seo %}\n")
    notes = Notes()
    page = rendered.site.render(rendered.view, rendered.post, notes=notes)
    assert "More text" in page and "seo" not in page
    assert notes.unsupported == [("tag", "seo", KEY, FIRST + 3)]
    assert rendered.content() == "Intro\n\nMore text\n\n"


def test_unknown_filter_is_reported(folder: Path) -> None:
    rendered = make_site(folder, "\n{{ page.title | no_such_filter }}")
    notes = Notes()
    rendered.site.render(rendered.view, rendered.post, notes=notes)
    assert notes.unsupported == [("filter", "no_such_filter", KEY, FIRST + 1)]


# ---- errors: the file, the line and what is wrong -------------------------------------------


def test_syntax_error_line(folder: Path) -> None:
    err = error(folder, "one\ntwo\n{% if %}x{% endif %}")
    assert (err.path, err.line) == (KEY, FIRST + 2)
    assert "if" in err.message


def test_unclosed_block_is_an_error(folder: Path) -> None:
    err = error(folder, "a\n{% for x in page.tags %}\nno end")
    assert (err.path, err.line, err.column) == (KEY, FIRST + 1, 4)
    assert "never closed" in err.message
    assert str(err).startswith(f"{KEY}:{FIRST + 1}:4: ")


def test_missing_post_url_is_an_error_at_its_line(folder: Path) -> None:
    err = error(folder, "a\nb\nSee {% post_url 2001-01-01-nothing %}")
    assert err.line == FIRST + 2
    assert "2001-01-01-nothing" in err.message


def test_missing_link_is_an_error(folder: Path) -> None:
    err = error(folder, "{% link _posts/none.md %}")
    assert err.line == FIRST and "_posts/none.md" in err.message


def test_missing_include_is_an_error_naming_the_include(folder: Path) -> None:
    err = error(folder, "x\n{% include nope.html %}")
    assert err.line == FIRST + 1
    assert "nope.html" in err.message


def test_missing_include_relative_is_an_error(folder: Path) -> None:
    err = error(folder, "{% include_relative nope.md %}")
    assert err.line == FIRST and "nope.md" in err.message


def test_error_inside_an_include_names_the_include_and_the_page(folder: Path) -> None:
    # As Jekyll reports it: the include's own file and line (this test used to expect the line of
    # the include tag in the post), and the page that was being rendered.
    rendered = make_site(folder, "a\n\n{% include broken.html %}")
    with pytest.raises(LiquidError) as info:
        rendered.site.render(rendered.view, rendered.post)
    err = info.value
    assert (err.path, err.line) == ("_includes/broken.html", 2)
    assert "never closed" in err.message
    assert KEY in str(err)


def test_resource_limits_are_liquid_errors_not_crashes(folder: Path) -> None:
    err = error(folder, "\n{% for i in (1..100000000) %}{% endfor %}")
    assert err.line == FIRST + 1


def test_filter_misuse_is_a_liquid_error(folder: Path) -> None:
    err = error(folder, "{{ page.tags | where: 'a', 'b', 'c', 'd' }}")
    assert err.line == FIRST
    assert "where" in err.message


def test_a_page_over_its_cpu_budget_is_an_error_naming_it(folder: Path) -> None:
    make_site(folder, "")
    slow = "_posts/2008-10-21-slow.md"
    loop = "{% for i in (1..200000) %}{% assign x = i | times: 2 %}{% endfor %}"  # within limits
    (folder / slow).write_text("---\ntitle: Slow\n---\n" + loop, encoding="utf-8")
    store = LocalStore(folder)
    view = SiteView.of(scan(store), datetime.now(UTC))
    renderer = Renderer(store, limits=RenderLimits(budget_seconds=0.05))
    with pytest.raises(RenderError) as info:
        renderer.render(view, view.by_key[slow])
    assert info.value.path == slow
    assert info.value.message == "rendering took more than 0.05 s of CPU"


def test_renderer_is_reusable_across_posts(tmp_path: Path) -> None:
    assert render(tmp_path / "one", "{{ page.title }}", title="One") == "One"
    two = make_site(tmp_path / "two", "{{ page.title }}", title="Two")
    renderer = two.site.renderer
    assert renderer.content(two.view, two.post) == "Two"
    other = two.view.by_key["_posts/2016-01-01-a.md"]
    assert renderer.content(two.view, other) == "<p>x</p>\n"
    assert renderer.content(two.view, two.post) == "Two"


# ---- excerpts ------------------------------------------------------------------------------------


def test_excerpt_is_the_first_paragraph_rendered(folder: Path) -> None:
    make_site(folder, "")
    (folder / "_posts" / "2008-10-20-ex.md").write_text(
        "---\ntitle: Ex\n---\nFirst [link][ref] in *{{ page.title }}*.\n\nSecond.\n\n"
        "[ref]: https://example.com/\n",
        encoding="utf-8",
    )
    rendered = Rendered(folder)
    post = rendered.view.by_key["_posts/2008-10-20-ex.md"]
    assert rendered.site.renderer.excerpt(rendered.view, post) == (
        '<p>First <a href="https://example.com/">link</a> in <em>Ex</em>.</p>\n\n'
    )


def test_excerpt_closes_the_liquid_blocks_it_cuts(folder: Path) -> None:
    rendered = make_site(folder, "{% if page.title %}one\n\ntwo{% endif %}")
    assert rendered.excerpt() == "one\n"


def test_excerpt_separator_from_front_matter(folder: Path) -> None:
    rendered = make_site(folder, "a\n\nb<!--more-->c", excerpt_separator="<!--more-->")
    assert rendered.excerpt() == "a\n\nb"


def test_content_and_excerpt_of_one_document_do_not_mix(folder: Path) -> None:
    rendered = make_site(folder, "{{ page.title }} one\n\ntwo")
    assert rendered.content() == "Hello one\n\ntwo"
    assert rendered.excerpt() == "Hello one"
    again = make_site(folder, "{{ page.title }} three\n\nfour")
    assert again.excerpt() == "Hello three"
    assert again.content() == "Hello three\n\nfour"


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ("title: No url\n", "nil:"),  # Jekyll has no default url: site.url is nil
        ("url: ''\n", "set:"),  # jekyll new's `url: ""`: an empty string, truthy in Ruby
        ("url: https://example.com/\n", "set:https://example.com/"),  # as written
    ],
)
def test_site_url_is_the_configs_as_jekyll_gives_it(
    tmp_path: Path, config: str, expected: str
) -> None:
    make_site(tmp_path, "{% if site.url %}set{% else %}nil{% endif %}:{{ site.url }}")
    (tmp_path / "_config.yml").write_text(config, encoding="utf-8")
    assert Rendered(tmp_path).content() == expected
