"""The engine with a host: tags that ask the site, errors located in the right file, limits,
caching, safety, ``analyze`` and the policy for tags and filters Broadsheet does not know."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import pytest

from handler.engine.liquid import Limits, LiquidEngine, Source
from handler.errors import ContentError, LiquidError

from .fakes import Drop, FakeHost


def render(
    text: str,
    variables: Mapping[str, Any] | None = None,
    host: FakeHost | None = None,
    *,
    engine: LiquidEngine | None = None,
    key: str = "_posts/p.md",
    first_line: int = 1,
) -> str:
    engine = engine or LiquidEngine()
    template = engine.parse(Source(text, key, str(hash(text))), first_line=first_line)
    return engine.render(template, variables or {}, host or FakeHost())


def failure(text: str, host: FakeHost | None = None, **kwargs: Any) -> LiquidError:
    with pytest.raises(LiquidError) as info:
        render(text, host=host, **kwargs)
    return info.value


# --- the defect: tags inside blocks --------------------------------------------------------------

INSIDE_BLOCKS = [
    "{% include sig.html %}",
    "{% include_cached sig.html %}",
    "{% include_relative notes.md %}",
    "{% post_url 2010-01-09-post %}",
    "{% link _posts/a.md %}",
    "{% highlight text %}code{% endhighlight %}",
]


@pytest.mark.parametrize("tag", INSIDE_BLOCKS)
@pytest.mark.parametrize(
    "wrapper",
    [
        "{{% if true %}}{}{{% endif %}}",
        "{{% for i in (1..1) %}}{}{{% endfor %}}",
        "{{% unless false %}}{}{{% endunless %}}",
        "{{% case 1 %}}{{% when 1 %}}{}{{% endcase %}}",
        "{{% if true %}}\n  {}\n{{% endif %}}",
        "{{% if false %}}{{% else %}}{}{{% endif %}}",
    ],
)
def test_custom_tags_render_inside_blocks(tag: str, wrapper: str) -> None:
    """python-liquid suppressed "blank" blocks, and a custom node defaulted to blank: a tag inside
    {% if %} printed nothing. Only Ruby's rule applies now (a blank block loses whitespace)."""
    host = FakeHost(
        {"_includes/sig.html": "SIG", "notes.md": "NOTES"},
        posts={"2010-01-09-post": "/2010/01/09/post.html"},
        links={"_posts/a.md": "/a.html"},
    )
    alone = render(tag, host=host, key="notes-page.md")
    assert alone.strip()
    assert render(wrapper.format(tag), host=host, key="notes-page.md").strip() == alone.strip()


def test_blank_block_keeps_ruby_whitespace_rule() -> None:
    assert render("[{% if true %}\n  {% assign a = 1 %}\n{% endif %}]") == "[]"
    assert (
        render(
            "[{% if true %}\n  {% include x.html %}\n{% endif %}]",
            host=FakeHost({"_includes/x.html": "X"}),
        )
        == "[\n  X\n]"
    )


# --- unknown tags and filters ----------------------------------------------------------------------


def test_unknown_tag_renders_nothing_and_is_reported_with_its_line() -> None:
    host = FakeHost()
    out = render("a\n{% seo %}\nb {% if true %}{% gist 123 %}{% endif %}", host=host, first_line=5)
    assert out == "a\n\nb "
    assert host.reports == [("tag", "seo", "_posts/p.md", 6), ("tag", "gist", "_posts/p.md", 7)]


def test_unknown_block_tag_keeps_its_content() -> None:
    host = FakeHost()
    assert render("{% tabs %}inside{% endtabs %}", host=host) == "inside"
    assert [(kind, name) for kind, name, *_ in host.reports] == [
        ("tag", "tabs"),
        ("tag", "endtabs"),
    ]


def test_unknown_filter_passes_the_value_through_and_is_reported() -> None:
    host = FakeHost()
    out = render("x\n{{ 'a' | frobnicate: 1 | upcase }}", host=host)
    assert out == "x\nA"
    assert host.reports == [("filter", "frobnicate", "_posts/p.md", 2)]


def test_reports_name_the_include_they_are_in() -> None:
    host = FakeHost({"_includes/x.html": "\n\n{% nope %}{{ 1 | nofilter }}"})
    render("{% include x.html %}", host=host)
    assert host.reports == [
        ("tag", "nope", "_includes/x.html", 3),
        ("filter", "nofilter", "_includes/x.html", 3),
    ]


def test_each_unknown_is_reported_once_per_place() -> None:
    host = FakeHost()
    render("{% for i in (1..3) %}{% nope %}{% endfor %}", host=host)
    assert len(host.reports) == 1


def test_misplaced_liquid_keywords_are_errors_as_in_ruby() -> None:
    for text in (
        "{% endif %}",
        "{% else %}",
        "{% elsif x %}",
        "{% when 1 %}",
        "{% if x %}{% endfor %}{% endif %}",
    ):
        assert failure(text).line == 1


# --- errors: file, line, column --------------------------------------------------------------------


def test_syntax_error_names_file_line_and_column() -> None:
    err = failure("one\ntwo\n  {% if %}x{% endif %}", first_line=4)
    assert (err.path, err.line, err.column) == ("_posts/p.md", 6, 6)
    assert str(err).startswith("_posts/p.md:6:6: ")


def test_unclosed_block_points_at_its_opening_tag() -> None:
    err = failure("a\n{% for x in y %}\nno end", first_line=3)
    assert err.line == 4
    assert "never closed" in err.message


def test_render_error_line() -> None:
    assert failure("a\n\n{{ 1 | divided_by: 0 }}", first_line=10).line == 12


def test_error_inside_an_include_names_the_include_and_its_line() -> None:
    host = FakeHost(
        {
            "_includes/broken.html": "line one\n{% if %}",
            "_includes/fails.html": "ok\n\n{{ 1 | divided_by: 0 }}",
        }
    )
    err = failure("a\n\n{% include broken.html %}", host=host)
    assert (err.path, err.line) == ("_includes/broken.html", 2)
    err = failure("{% include fails.html %}", host=host)
    assert (err.path, err.line) == ("_includes/fails.html", 3)


def test_nested_include_error_names_the_innermost_file() -> None:
    host = FakeHost(
        {"_includes/a.html": "{% include b.html %}", "_includes/b.html": "\n{{ 'x' | slice: 1.5 }}"}
    )
    err = failure("{% include a.html %}", host=host)
    assert (err.path, err.line) == ("_includes/b.html", 2)


def test_missing_include_is_an_error_at_the_tag() -> None:
    err = failure("x\n{% include nope.html %}", first_line=10)
    assert (err.path, err.line) == ("_posts/p.md", 11)
    assert "nope.html" in err.message and err.hint


def test_host_content_error_becomes_a_liquid_error_at_the_tag() -> None:
    err = failure("\n{% include_relative ../../outside.md %}")
    assert err.line == 2


def test_host_errors_in_filters_are_located_at_the_filter() -> None:
    class NoSass(FakeHost):
        def sassify(self, text: str, syntax: str) -> str:
            raise LiquidError("somewhere.scss", "Sass is not available")

    host = NoSass({"_includes/s.html": "\n{{ 'a' | scssify }}"})
    err = failure("{% include s.html %}", host)
    assert (err.path, err.line) == ("_includes/s.html", 2)
    assert err.message == "scssify: Sass is not available"


def test_host_refusal_of_include_relative_path() -> None:
    host = FakeHost()
    with pytest.raises(LiquidError) as info:
        render("{% include_relative x/../../../y.md %}", host=host, key="a/b.md")
    assert info.value.line == 1


def test_missing_post_and_link_are_errors() -> None:
    assert "2001-01-01-nothing" in failure("a\nb\n{% post_url 2001-01-01-nothing %}").message
    assert failure("{% link _posts/none.md %}", first_line=2).line == 2
    assert failure("{% post_url not a post name %}").line == 1


def test_render_tag_fails_as_jekyll_does() -> None:
    assert "does not allow includes" in failure("{% render 'x' %}").message


# --- host interactions -----------------------------------------------------------------------------


def test_post_url_and_link() -> None:
    host = FakeHost(posts={"2010-01-09-a": "/blog/2010/a/"}, links={"_posts/a.md": "/blog/a/"})
    assert (
        render("{% post_url 2010-01-09-a %}|{% link _posts/a.md %}", host=host)
        == "/blog/2010/a/|/blog/a/"
    )
    variables = {"page": {"file": "a"}}
    assert render("{% link _posts/{{ page.file }}.md %}", variables, host) == "/blog/a/"


def test_include_relative_resolves_against_the_page_even_in_layouts() -> None:
    """Jekyll resolves include_relative against page.path, in layouts and includes too."""
    host = FakeHost(
        {
            "dir/x.html": "DIRX",
            "_layouts/x.html": "LAYX",
            "_includes/i.html": "{% include_relative x.html %}",
        }
    )
    page = {"page": {"path": "dir/p.md"}}
    assert render("{% include_relative x.html %}", page, host, key="_layouts/l.html") == "DIRX"
    assert render("{% include i.html %}", page, host, key="_layouts/l.html") == "DIRX"
    assert render("{% include_relative x.html %}", {}, host, key="_layouts/l.html") == "LAYX"


def test_include_relative_of_a_collection_document_uses_collections_dir() -> None:
    host = FakeHost({"my_collections/_docs/x.md": "X"})
    variables = {
        "page": {"path": "_docs/a.md", "collection": "docs"},
        "site": {"collections_dir": "my_collections"},
    }
    assert render("{% include_relative x.md %}", variables, host) == "X"
    assert host.asked == [("include_relative", "my_collections/_docs/a.md:x.md")]


def test_markdownify_and_sassify_ask_the_host() -> None:
    assert render("{{ '*a*' | markdownify }}") == "<p>*a*</p>\n"
    assert render("{{ 'a' | scssify }}{{ 'b' | sassify }}") == "/* scss */a/* sass */b"


def test_url_filters_use_the_host() -> None:
    host = FakeHost(baseurl="/blog", site_url="https://example.com")
    assert (
        render("{{ '/a' | relative_url }} {{ '/a' | absolute_url }}", host=host)
        == "/blog/a https://example.com/blog/a"
    )
    assert render("{{ page | relative_url }}", {"page": Drop({"url": "/p/"})}, host) == "/blog/p/"


def test_highlight() -> None:
    out = render("{% highlight ruby %}\nputs 1\n{% endhighlight %}")
    assert out == (
        '<figure class="highlight"><pre><code class="language-ruby" data-lang="ruby">'
        '<span class="nb">puts</span> <span class="mi">1</span>\n</code></pre></figure>'
    )
    table = render("{% highlight text linenos %}\na\nb\n{% endhighlight %}")
    assert '<pre class="lineno">1\n2\n</pre>' in table and "rouge-table" in table
    assert 'data-lang="c++"' in render("{% highlight C++ %}x{% endhighlight %}")
    assert ">Hello\n</code>" in render(
        "{% highlight text %}{{ t }}{% endhighlight %}", {"t": "Hello"}
    )
    prefixed = render(
        "{% highlight text %}x{% endhighlight %}",
        {"highlighter_prefix": "<<", "highlighter_suffix": ">>"},
    )
    assert prefixed.startswith("<<<figure") and prefixed.endswith("</figure>>>")
    assert failure("{% highlight bad lang! %}x{% endhighlight %}").line == 1


def test_now_and_today_are_the_current_time_in_the_site_zone() -> None:
    from datetime import datetime as clock
    from zoneinfo import ZoneInfo

    site = {"site": {"timezone": "Asia/Tokyo"}}
    year = str(clock.now(ZoneInfo("Asia/Tokyo")).year)
    assert render("{{ 'now' | date: '%Y' }}|{{ 'today' | date: '%Y' }}", site) == f"{year}|{year}"
    assert render("{{ 'now' | date: '%z' }}", site) == "+0900"


def test_site_timezone_is_local_time_for_jekyll_date_filters() -> None:
    moment = {"d": datetime(2020, 1, 1, 12, tzinfo=UTC), "site": {"timezone": "America/New_York"}}
    assert (
        render("{{ d | date_to_xmlschema }}|{{ d | date: '%H %Z' }}", moment)
        == "2020-01-01T07:00:00-05:00|12 UTC"
    )


# --- limits ----------------------------------------------------------------------------------------

SMALL = Limits(
    max_loop_iterations=1_000,
    max_output_chars=10_000,
    max_include_depth=5,
    max_includes=20,
    max_template_chars=5_000,
    max_cached_templates=4,
)


def test_loop_iteration_limit() -> None:
    engine = LiquidEngine(limits=SMALL)
    err = failure(
        "x\n{% for i in (1..100) %}{% for j in (1..100) %}{% endfor %}{% endfor %}", engine=engine
    )
    assert err.line == 2 and "loop iterations" in err.message
    assert "range" in failure("{% for i in (1..100000000000) %}{% endfor %}", engine=engine).message


def test_output_limit_covers_output_captures_and_filter_values() -> None:
    engine = LiquidEngine(limits=SMALL)
    failure("{% for i in (1..900) %}01234567890123456789{% endfor %}", engine=engine)
    failure(
        "{% capture c %}{% for i in (1..900) %}01234567890123456789{% endfor %}{% endcapture %}",
        engine=engine,
    )
    failure(
        "{% assign s = 'ab' %}{% for i in (1..20) %}{% assign s = s | append: s %}{% endfor %}",
        engine=engine,
    )
    failure(
        "{% assign a = '1,2' | split: ',' %}{% for i in (1..20) %}{% assign a = a | concat: a %}{% endfor %}",
        engine=engine,
    )


def test_quadratic_string_building_is_bounded() -> None:
    engine = LiquidEngine(limits=Limits(max_filter_work=1_000_000))
    text = "{% for i in (1..100000) %}{% assign s = s | append: '0123456789' %}{% endfor %}"
    assert "too much work" in failure(text, engine=engine).message


def test_render_time_is_bounded() -> None:
    engine = LiquidEngine(limits=Limits(max_render_seconds=0.05, max_loop_iterations=10**9))
    text = "{% for i in (1..100000000) %}{% assign x = i | plus: 1 %}{% endfor %}"
    assert "longer than" in failure(text, engine=engine).message


def test_huge_numbers_are_refused() -> None:
    err = failure(
        "{% assign n = 2 %}{% for i in (1..40) %}{% assign n = n | times: n %}{% endfor %}"
    )
    assert "too large" in err.message


def test_include_depth_and_count_limits() -> None:
    engine = LiquidEngine(limits=SMALL)
    host = FakeHost({"_includes/self.html": "{% include self.html %}", "_includes/x.html": "x"})
    assert "nested too deep" in failure("{% include self.html %}", host, engine=engine).message
    assert (
        "includes"
        in failure(
            "{% for i in (1..30) %}{% include x.html %}{% endfor %}", host, engine=engine
        ).message
    )


def test_template_size_limit() -> None:
    engine = LiquidEngine(limits=SMALL)
    assert "longer than" in failure("x" * 6_000, engine=engine).message


def test_deep_nesting_is_a_syntax_error_not_a_crash() -> None:
    assert "Nesting too deep" in failure("{% if true %}" * 150 + "{% endif %}" * 150).message


# --- parse cache -----------------------------------------------------------------------------------


def test_parse_cache_by_key_version_and_first_line() -> None:
    engine = LiquidEngine(limits=SMALL)
    one = engine.parse(Source("{{ a }}", "k", "v1"))
    assert engine.parse(Source("{{ a }}", "k", "v1")) is one
    assert engine.parse(Source("{{ b }}", "k", "v2")) is not one
    assert engine.parse(Source("{{ a }}", "k", "v1"), first_line=3) is not one
    for index in range(10):
        engine.parse(Source("x", f"other{index}", "v"))
    assert engine.parse(Source("{{ a }}", "k", "v1")) is not one  # evicted: the cache is bounded


def test_one_key_and_version_with_two_texts_gets_two_templates() -> None:
    engine = LiquidEngine()
    body = engine.parse(Source("{{ 'body' }}", "_posts/a.md", "v"), first_line=4)
    excerpt = engine.parse(Source("{{ 'excerpt' }}", "_posts/a.md", "v"), first_line=4)
    assert engine.render(body, {}, FakeHost()) == "body"
    assert engine.render(excerpt, {}, FakeHost()) == "excerpt"
    assert engine.parse(Source("{{ 'body' }}", "_posts/a.md", "v"), first_line=4) is body


def test_includes_are_parsed_once_per_version() -> None:
    engine = LiquidEngine()
    host = FakeHost({"_includes/x.html": "{{ include.n }}"}, version="7")
    render("{% include x.html n=1 %}", host=host, engine=engine)
    template = engine.parse(Source("{{ include.n }}", "_includes/x.html", "7"))
    assert engine.parse(host.include("x.html")) is template


def test_engine_is_thread_safe() -> None:
    engine = LiquidEngine()
    results: list[str] = []

    def work(n: int) -> None:
        results.append(render("{% for i in (1..50) %}{{ n }}{% endfor %}", {"n": n}, engine=engine))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == sorted(str(n) * 50 for n in range(8))


# --- safety ----------------------------------------------------------------------------------------


class Secret:
    password = "hunter2"

    def __repr__(self) -> str:
        return "<Secret at 0xdeadbeef>"


def test_no_python_is_reachable() -> None:
    variables = {"obj": Secret(), "h": {"k": "v"}, "s": "text", "f": render}
    text = "{{ obj.password }}|{{ obj.__class__ }}|{{ h.__class__ }}|{{ h.items }}|{{ s.upper }}|{{ s.__len__ }}|{{ f.__globals__ }}|{{ h.keys }}"
    assert render(text, variables) == "|||||||"


def test_drops_are_never_asked_for_dunder_names() -> None:
    class Leaky(Mapping[str, Any]):
        def __getitem__(self, key: str) -> Any:
            return getattr(self, key)  # a careless drop

        def __iter__(self) -> Any:
            return iter([])

        def __len__(self) -> int:
            return 0

    text = "{{ d.__class__ }}|{{ d['__init__'] }}|{{ __class__ }}|{{ x | map: '__class__' | join }}"
    assert render(text, {"d": Leaky(), "x": [Leaky()]}) == "|||"


def test_inspect_and_jsonify_never_print_python_reprs() -> None:
    variables = {"obj": Secret(), "list": [Secret(), {"x": Secret()}], "f": render}
    out = render(
        "{{ obj | inspect }}|{{ list | jsonify }}|{{ f | jsonify }}|{{ obj }}|{{ list | inspect }}",
        variables,
    )
    assert "0x" not in out and "Secret" not in out and "function" not in out


def test_drops_are_read_only_through_getitem() -> None:
    calls: list[str] = []

    class Lazy(Mapping[str, Any]):
        def __getitem__(self, key: str) -> Any:
            calls.append(key)
            if key == "title":
                return "T"
            raise KeyError(key)

        def __iter__(self) -> Any:
            return iter(["title"])

        def __len__(self) -> int:
            return 1

    assert render("{{ d.title }}|{{ d.nope }}|{{ d.size }}", {"d": Lazy()}) == "T||"
    assert calls[:2] == ["title", "nope"]


# --- analyze and block tags ------------------------------------------------------------------------


def test_analyze_finds_unknown_tags_and_filters_with_lines() -> None:
    engine = LiquidEngine()
    text = "{% seo %}\n{% if x %}\n  {{ a | frob }}{% gist 1 %}\n{% endif %}\n{% include {{ n | nofilter }}.html %}{{ b | upcase }}"
    findings = engine.analyze(Source(text, "page.md", "1"), first_line=3)
    assert sorted((f.kind, f.name, f.line) for f in findings) == [
        ("filter", "frob", 5),
        ("filter", "nofilter", 7),
        ("tag", "gist", 5),
        ("tag", "seo", 3),
    ]


def test_analyze_reports_lax_parsed_filter_names() -> None:
    text = '{{ x | "Undefined parameter words_per_minute" }}'
    findings = LiquidEngine().analyze(Source(text, "read-time.html", "1"))
    assert [(f.kind, f.name) for f in findings] == [("filter", "Undefined")]


def test_analyze_raises_on_syntax_errors() -> None:
    with pytest.raises(LiquidError):
        LiquidEngine().analyze(Source("{% if %}", "x", "1"))


def test_block_tags() -> None:
    tags = LiquidEngine().block_tags()
    assert {
        "if",
        "unless",
        "for",
        "case",
        "capture",
        "comment",
        "raw",
        "tablerow",
        "highlight",
    } <= tags
    assert "include" not in tags and "assign" not in tags


def test_sample_picks_from_the_array() -> None:
    assert render("{{ a | sample }}", {"a": ["x", "y"]}) in ("x", "y")
    assert len(render("{{ a | sample: 2 | join: '' }}", {"a": ["x", "y", "z"]})) == 2


def test_content_error_is_a_liquid_error() -> None:
    assert issubclass(LiquidError, ContentError)
