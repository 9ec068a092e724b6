"""handler.liquid: Jekyll's Liquid tags and filters in post bodies, and errors with file + line."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from handler.errors import LiquidError, NotFound
from handler.liquid import LiquidContext, LiquidRenderer

INCLUDES = {
    "_includes/sig.html": "-- {{ include.who }} for {{ page.title }}",
    "_includes/list.html": "{% for item in include.items %}[{{ item }}]{% endfor %}",
    "_includes/broken.html": "line one\n{% nope %}",
    "_includes/params.html": "{{ include.a }}|{{ include.b }}|{{ include.c }}",
}
RELATIVE = {"notes/aside.md": "Aside for {{ page.title }}: {{ include.x }}"}
POSTS = {"2010-01-09-date-override": "/2010/01/09/date-override.html"}
FILES = {"_posts/2016-01-01-a.md": "/2016/01/01/a.html"}


def _include(path: str) -> str:
    if path in INCLUDES:
        return INCLUDES[path]
    raise NotFound(path)


def _include_relative(path: str) -> str:
    if path in RELATIVE:
        return RELATIVE[path]
    raise NotFound(path)


def context(**page: Any) -> LiquidContext:
    defaults: dict[str, Any] = {
        "title": "Hello",
        "url": "/2008/10/18/hello.html",
        "date": datetime(2008, 10, 18, 9, 30, tzinfo=timezone(timedelta(hours=-5))),
        "tags": ["b", "a"],
        "items": ["x", "y"],
        "include1": "Sig",
    }
    return LiquidContext(
        site={"url": "https://example.com", "baseurl": "/blog", "title": "Site"},
        page={**defaults, **page},
        post_url=POSTS.get,
        link=FILES.get,
        include=_include,
        include_relative=_include_relative,
    )


RENDERER = LiquidRenderer()


def render(source: str, first_line: int = 1, **page: Any) -> str:
    return RENDERER.render(
        source, path="_posts/p.md", first_line=first_line, context=context(**page)
    )


def error(source: str, first_line: int = 1) -> LiquidError:
    with pytest.raises(LiquidError) as info:
        render(source, first_line)
    return info.value


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{{ site.title }} {{ site.url }}", "Site https://example.com"),
        ("{{ page.title }} {{ page.url }}", "Hello /2008/10/18/hello.html"),
        ("{{ page.date }}", "2008-10-18 09:30:00 -0500"),
        ("{{ page.missing }}|{{ nothing.at.all }}", "|"),
        ("{% raw %}{{ page.title }} {% if %}{% endraw %}", "{{ page.title }} {% if %}"),
        ("{% post_url 2010-01-09-date-override %}", "/2010/01/09/date-override.html"),
        ("{% link _posts/2016-01-01-a.md %}", "/2016/01/01/a.html"),
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
def test_tags_and_variables(source: str, expected: str) -> None:
    assert render(source) == expected


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
def test_jekyll_filters(source: str, expected: str) -> None:
    assert render(source) == expected


def test_where_and_group_by_filters() -> None:
    people = [{"name": "a", "team": "x"}, {"name": "b", "team": "y"}, {"name": "c", "team": "x"}]
    source = (
        "{% assign xs = page.people | where: 'team', 'x' %}{% for p in xs %}{{ p.name }}{% endfor %}"
        "|{% assign gs = page.people | group_by: 'team' %}"
        "{% for g in gs %}{{ g.name }}={{ g.size }};{% endfor %}"
    )
    assert render(source, people=people) == "ac|x=2;y=1;"


def test_highlight_tag_gives_rouge_figure_with_pygments_classes() -> None:
    out = render("{% highlight ruby %}\nputs 1\n{% endhighlight %}")
    assert out == (
        '<figure class="highlight"><pre><code class="language-ruby" data-lang="ruby">'
        '<span class="nb">puts</span> <span class="mi">1</span>\n</code></pre></figure>'
    )


def test_highlight_tag_with_linenos_gives_rouge_table_as_valid_html() -> None:
    """Rouge's cells and classes, with the table outside <pre><code> where HTML allows it."""
    out = render("{% highlight text linenos %}\na\nb\n{% endhighlight %}")
    assert out == (
        '<figure class="highlight"><table class="rouge-table"><tbody><tr>'
        '<td class="gutter gl"><pre class="lineno">1\n2\n</pre></td>'
        '<td class="code"><pre><code class="language-text" data-lang="text">a\nb\n</code></pre>'
        "</td></tr></tbody></table></figure>"
    )


def test_highlight_body_is_liquid_rendered_like_jekyll() -> None:
    out = render("{% highlight text %}{{ page.title }}{% endhighlight %}")
    assert ">Hello\n</code>" in out


def test_needs_liquid() -> None:
    assert LiquidRenderer.needs_liquid("a {{ b }}")
    assert LiquidRenderer.needs_liquid("a {% b %}")
    assert not LiquidRenderer.needs_liquid("plain { text } with % signs")


def test_unknown_tag_is_an_error_with_the_line_in_the_file() -> None:
    err = error("Intro\n\nMore text\n{% seo %}\n", first_line=6)
    assert (err.path, err.line, err.column) == ("_posts/p.md", 9, 4)
    assert "seo" in err.message
    assert err.hint and "raw" in err.hint
    assert str(err).startswith("_posts/p.md:9:4: ")


def test_syntax_error_line() -> None:
    err = error("one\ntwo\n{% if %}x{% endif %}", first_line=4)
    assert err.line == 6


def test_unclosed_block_is_an_error() -> None:
    err = error("a\n{% for x in page.tags %}\nno end", first_line=3)
    assert err.line is not None and err.line >= 4


def test_missing_post_url_is_an_error_at_its_line() -> None:
    err = error("a\nb\nSee {% post_url 2001-01-01-nothing %}", first_line=5)
    assert err.line == 7
    assert "2001-01-01-nothing" in err.message


def test_missing_link_is_an_error() -> None:
    err = error("{% link _posts/none.md %}", first_line=2)
    assert err.line == 2 and "_posts/none.md" in err.message


def test_missing_include_is_an_error_naming_the_include() -> None:
    err = error("x\n{% include nope.html %}", first_line=10)
    assert err.line == 11
    assert "nope.html" in err.message


def test_missing_include_relative_is_an_error() -> None:
    err = error("{% include_relative nope.md %}", first_line=3)
    assert err.line == 3 and "nope.md" in err.message


def test_error_inside_an_include_points_at_the_include_tag() -> None:
    err = error("a\n\n{% include broken.html %}", first_line=4)
    assert err.line == 6
    assert "broken.html" in err.message and "nope" in err.message


def test_resource_limits_are_liquid_errors_not_crashes() -> None:
    err = error("{% for i in (1..100000000) %}{% endfor %}", first_line=2)
    assert err.line == 2


def test_filter_misuse_is_a_liquid_error() -> None:
    err = error("{{ page.tags | where: 'a', 'b', 'c', 'd' }}", first_line=8)
    assert err.line == 8


def test_renderer_is_reusable_across_posts() -> None:
    assert render("{{ page.title }}", title="One") == "One"
    assert render("{{ page.title }}", title="Two") == "Two"
