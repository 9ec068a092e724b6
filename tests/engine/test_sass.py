"""Sass pages and the scssify/sassify filters, byte for byte against Jekyll 4.3.1.

The reference is Jekyll itself: academicpages' ``main.css`` and ``main.css.map`` as Jekyll built
them (``shared/sites/academicpages``), and small sites built here with ``jekyll build``. Locally a
missing libsass or Jekyll skips those tests; under ``CI=true`` they fail instead.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NoReturn

import pytest
import yaml

from handler.engine import sass
from handler.engine.sass import (
    SassOptions,
    SassResult,
    _imports,
    _native,
    _paths,
    _sourcemap,
    available,
    compile_page,
    compile_string,
    libsass_version,
)
from handler.errors import ContentError, StoreUnavailable

REPO = Path(__file__).resolve().parents[2]
DEBIAN_LIBSASS = Path("/usr/lib/x86_64-linux-gnu/libsass.so.1")


def missing(what: str) -> NoReturn:
    """Skip the calling test, or fail it when ``CI`` is ``"true"``."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} (CI must have it)")
    pytest.skip(what)


@pytest.fixture
def libsass() -> None:
    if not available():
        missing("libsass is not installed: `.venv/bin/pip install libsass` (x86_64/macOS wheels)")


@pytest.fixture(scope="module")
def jekyll() -> str:
    found = shutil.which("jekyll")
    if found is None:
        missing("jekyll is not on PATH (Debian: apt-get install jekyll)")
    return found


# ---- helpers ----------------------------------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A(---\s*\n.*?\n?)^((---|\.\.\.)\s*$\n?)", re.MULTILINE | re.DOTALL)


def split_page(text: str) -> tuple[str, int]:
    """Jekyll's front matter split: the content after it and the file line it starts on."""
    match = _FRONT_MATTER.match(text)
    assert match, "page without front matter"
    return text[match.end() :], text.count("\n", 0, match.end()) + 1


class Site(dict[str, str]):
    """A site as a dict of key -> text; ``read`` records every key asked for."""

    def __init__(self, files: Mapping[str, str]) -> None:
        super().__init__(files)
        self.asked: list[str] = []

    def read(self, key: str) -> str | None:
        self.asked.append(key)
        return self.get(key)


def compile_site(
    files: Mapping[str, str],
    config: Mapping[str, object] | None = None,
    page: str = "assets/css/main.scss",
    **kwargs: Any,
) -> SassResult:
    site = Site(files)
    body, line = split_page(files[page])
    options = SassOptions.from_config(config or {}, **kwargs)
    return compile_page(body, key=page, options=options, read=site.read, body_line=line)


FM = "---\n---\n"


# ---- academicpages, against Jekyll's own build ----------------------------------------------------


def academicpages() -> Path:
    for shared in (REPO.parent / "shared", Path("/work/shared")):
        site = shared / "sites" / "academicpages"
        if (site / "src").is_dir() and (site / "jekyll-site").is_dir():
            return site
    missing("shared/sites/academicpages (src and jekyll-site) is absent")


def academicpages_input() -> tuple[Site, dict[str, Any], str, int]:
    root = academicpages() / "src"
    files = {
        path.relative_to(root).as_posix(): path.read_text(encoding="utf-8")
        for folder in ("_sass", "assets")
        for path in (root / folder).rglob("*")
        if path.is_file() and path.suffix in (".scss", ".sass", ".css")
    }
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    body, line = split_page(files["assets/css/main.scss"])
    # main.scss has Liquid in it; Jekyll renders it before converting (site_theme: "default").
    assert config["site_theme"] == "default"
    for variant in ("light", "dark"):
        body = body.replace(
            f"{{{{ site.site_theme | default: 'default' | append: '_{variant}' }}}}",
            f"default_{variant}",
        )
    assert "{{" not in body
    return Site(files), config, body, line


def test_academicpages_main_css_and_map_are_jekylls_bytes(libsass: None) -> None:
    site, config, body, line = academicpages_input()
    options = SassOptions.from_config(config)
    assert options.style == "compressed"
    assert options.load_paths == ("_sass",)

    started = time.perf_counter()
    result = compile_page(
        body, key="assets/css/main.scss", options=options, read=site.read, body_line=line
    )
    elapsed = time.perf_counter() - started

    built = academicpages() / "jekyll-site" / "assets" / "css"
    assert result.css_key == "assets/css/main.css"
    assert result.map_key == "assets/css/main.css.map"
    assert result.css.encode() == (built / "main.css").read_bytes()
    assert result.source_map is not None
    assert result.source_map.encode() == (built / "main.css.map").read_bytes()
    assert result.css.endswith("\n\n/*# sourceMappingURL=main.css.map */")

    # Jekyll's map names the main file by its name and partials from the site root; the partials
    # listed are exactly the files read (each once, although some are imported more than once).
    sources = json.loads(result.source_map)["sources"]
    assert sources[0] == "main.scss"
    assert result.dependencies[0] == "assets/css/main.scss"
    assert list(result.dependencies[1:]) == sources[1:]
    assert not set(result.missing) & set(site)
    assert "vendor/breakpoint/_breakpoint.scss" in result.missing  # the site root is searched first
    assert elapsed < 10  # about half a second here
    print(
        f"academicpages main.scss: {elapsed:.3f}s, css sha256 "
        f"{hashlib.sha256(result.css.encode()).hexdigest()}, map sha256 "
        f"{hashlib.sha256(result.source_map.encode()).hexdigest()}"
    )


def test_debian_libsass_365_gives_the_same_bytes(libsass: None) -> None:
    """The same compile on the libsass Jekyll itself runs on (Debian's 3.6.5 snapshot)."""
    if not DEBIAN_LIBSASS.exists():
        pytest.skip("Debian's libsass1 is not installed")
    debian = _native.LibSass(str(DEBIAN_LIBSASS))
    assert debian.version.startswith("3.6.5")
    site, config, body, _line = academicpages_input()
    options = SassOptions.from_config(config)
    ours = compile_page(body, key="assets/css/main.scss", options=options, read=site.read)
    theirs = compile_page(
        body, key="assets/css/main.scss", options=options, read=site.read, libsass=debian
    )
    assert ours == theirs


def test_libsass_version(libsass: None) -> None:
    assert libsass_version() == "3.6.6"


# ---- small sites, against `jekyll build` -----------------------------------------------------


@dataclass(frozen=True)
class Case:
    files: dict[str, str]
    config: dict[str, object] = field(default_factory=dict)
    page: str = "assets/css/main.scss"
    env: str | None = None  # JEKYLL_ENV


BASE = {
    "assets/css/main.scss": FM + '@import "a";\n.m { n: o; }\n',
    "_sass/_a.scss": ".a { b: 1.5px / 3; .c { d: e } }\n@media screen { .x { y: z } }\n",
}
PARTIAL = {"_sass/_a.scss": "a { b: c; }\n"}

CASES: dict[str, Case] = {
    "default style (compact)": Case(BASE),
    "nested": Case(BASE, {"sass": {"style": "nested"}}),
    "expanded": Case(BASE, {"sass": {"style": "expanded"}}),
    "compact": Case(BASE, {"sass": {"style": "compact"}}),
    "compressed": Case(BASE, {"sass": {"style": "compressed"}}),
    "unknown style falls back to compact": Case(BASE, {"sass": {"style": "Compressed"}}),
    "sass_dir elsewhere": Case(
        {"assets/css/main.scss": FM + '@import "sd";', "styles/_sd.scss": "a { b: c }"},
        {"sass": {"sass_dir": "styles"}},
    ),
    "load_paths before sass_dir": Case(
        {
            "assets/css/main.scss": FM + '@import "lp";\n@import "only";',
            "lib/_lp.scss": "a { b: lib }",
            "_sass/_lp.scss": "a { b: sass-dir }",
            "_sass/_only.scss": "c { d: e }",
        },
        {"sass": {"load_paths": ["lib"]}},
    ),
    "load_paths as a string, outside paths ignored": Case(
        {"assets/css/main.scss": FM + '@import "lp";', "vendor/scss/_lp.scss": "a { b: c }"},
        {"sass": {"load_paths": "vendor/scss"}},
    ),
    "sourcemap never": Case(BASE, {"sass": {"sourcemap": "never"}}),
    "sourcemap development in production": Case(
        BASE, {"sass": {"sourcemap": "development"}}, env="production"
    ),
    "sourcemap development in development": Case(BASE, {"sass": {"sourcemap": "development"}}),
    "line_comments": Case(BASE, {"sass": {"line_comments": True, "style": "expanded"}}),
    "precision": Case({"assets/css/main.scss": FM + "a { b: (1/3); }"}, {"sass": {"precision": 3}}),
    "safe mode ignores engine options": Case(
        {"assets/css/main.scss": FM + '@import "a";\na { b: (1/3); }', **PARTIAL},
        {"safe": True, "sass": {"precision": 3, "line_comments": True, "style": "expanded"}},
    ),
    "source_map_embed": Case(BASE, {"sass": {"source_map_embed": True}}),
    "compressed non-ASCII drops the BOM": Case(
        {"assets/css/main.scss": FM + 'p { content: "é"; }'}, {"sass": {"style": "compressed"}}
    ),
    "add_charset": Case(
        {"assets/css/main.scss": FM + 'p { content: "é"; }'},
        {"sass": {"style": "compressed", "add_charset": True}},
    ),
    "expanded non-ASCII": Case(
        {"assets/css/main.scss": FM + '/* ünï “q” */\np { content: "→"; }'},
        {"sass": {"style": "expanded"}},
    ),
    "a partial imported twice": Case(
        {
            "assets/css/main.scss": FM + '@import "a";\n@import "b";\n@import "a";\n',
            "_sass/_a.scss": "@import 'c';\n.a { x: y }",
            "_sass/_b.scss": "@import 'c';\n.b { x: y }",
            "_sass/_c.scss": "$v: 1;\n.c { x: $v }",
        },
        {"sass": {"style": "expanded"}},
    ),
    "diamond imports": Case(
        {
            "assets/css/main.scss": FM + '@import "a";\n@import "b";\n',
            "_sass/_a.scss": "@import 'c';\n@import 'd';\n.a{x:y}",
            "_sass/_b.scss": "@import 'd';\n@import 'c';\n.b{x:y}",
            "_sass/_c.scss": "@import 'd';\n.c{x:y}",
            "_sass/_d.scss": "$v: 1;\n.d{x:$v}",
        },
        {"sass": {"style": "compressed"}},
    ),
    "partial kinds": Case(
        {
            "assets/css/main.scss": FM
            + '@import "mod", "mod2", "plain", "ind", "a.scss", "x/y";\n'
            + '@import "root";\n',
            "_sass/mod/_index.scss": ".mod { a: b }",
            "_sass/mod2/index.scss": ".mod2 { a: b }",
            "_sass/plain.css": ".plain { a: b }",
            "_sass/ind.sass": "=m($x)\n  a: $x\n.y\n  +m(1)\n  // c\n  b: c\n",
            "_sass/_a.scss": ".a { a: b }",
            "_sass/x/_y.scss": "@import '../z';",
            "_sass/_z.scss": ".z { a: b }",
            "_root.scss": ".root { a: site-root }",
            "assets/css/_root.scss": ".root { a: beside-the-page }",
        }
    ),
    "CSS imports stay CSS": Case(
        {
            "assets/css/main.scss": FM
            + '@import url(foo.css);\n@import url("http://x/y");\n'
            + '@import "http://x/y.css", "//cdn/z", "q.css";\n'
            + '@import "nope" screen;\n@import \'a\' print;\n@import "a";\n'
            + '.x { @import "a"; }\n@media print { @import "a"; }\n',
            **PARTIAL,
        },
        {"sass": {"style": "expanded"}},
    ),
    "queries in a partial": Case(
        {
            "assets/css/main.scss": FM + '@import "q";',
            "_sass/_q.scss": "/* @import 'a'; */\n@import 'a' screen and (min-width: 10px);\n"
            "@import 'a';\n",
            **PARTIAL,
        }
    ),
    "indented syntax page": Case(
        {
            "assets/css/main.sass": FM + "@import foo\na\n  b: c\n  d\n    e: f\n",
            "_sass/_foo.scss": ".x { y: z }\n",
        },
        {"sass": {"style": "expanded"}},
        page="assets/css/main.sass",
    ),
    "page at the site root": Case(
        {"style.scss": FM + '@import "a";', **PARTIAL}, page="style.scss"
    ),
    "dotted page name": Case(
        {"assets/main.min.scss": FM + '@import "a";', **PARTIAL}, page="assets/main.min.scss"
    ),
    "empty page": Case({"assets/css/main.scss": FM}),
    "blank page": Case({"assets/css/main.scss": FM + "\n\n"}),
    "only variables": Case({"assets/css/main.scss": FM + "$a: 1;\n"}),
    "CRLF": Case(
        {
            "assets/css/main.scss": FM + 'a {\r\n  b: c;\r\n}\r\n@import "a";\r\n',
            "_sass/_a.scss": "x {\r\n y: z;\r\n}\r\n",
        },
        {"sass": {"style": "expanded"}},
    ),
}


def _build(jekyll: str, case: Case, root: Path) -> Path:
    src = root / "src"
    for key, text in {**case.files, "_config.yml": yaml.safe_dump(case.config)}.items():
        path = src / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode())
    env = {k: v for k, v in os.environ.items() if k != "JEKYLL_ENV"}
    env.update(TZ="UTC", JEKYLL_NO_BUNDLER_REQUIRE="true")
    if case.env:
        env["JEKYLL_ENV"] = case.env
    done = subprocess.run(
        [jekyll, "build", "-d", str(root / "out")],
        cwd=src,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return root / "out"


@pytest.fixture(scope="module")
def jekyll_builds(jekyll: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every case built by Jekyll (in parallel: each build is a Ruby process)."""
    roots = {name: tmp_path_factory.mktemp("jekyll") for name in CASES}
    with ThreadPoolExecutor(max_workers=8) as pool:
        outs = pool.map(lambda name: _build(jekyll, CASES[name], roots[name]), CASES)
        return dict(zip(CASES, outs, strict=True))


@pytest.mark.parametrize("name", list(CASES))
def test_page_matches_jekyll(name: str, libsass: None, jekyll_builds: dict[str, Path]) -> None:
    case = CASES[name]
    out = jekyll_builds[name]
    result = compile_site(case.files, case.config, case.page, jekyll_env=case.env or "development")
    assert (out / result.css_key).read_bytes() == result.css.encode()
    map_file = out / (result.css_key + ".map")
    if result.source_map is None:
        assert result.map_key is None
        assert not map_file.exists()
    else:
        assert result.map_key == result.css_key + ".map"
        assert map_file.read_bytes() == result.source_map.encode()


FILTER_INPUTS: list[tuple[Literal["scss", "sass"], str]] = [
    ("scss", ".a { .b { c: d; } }\n"),
    ("scss", '@import "a";\n.z { y: $v; }\n'),
    ("sass", ".a\n  b: c\n  .d\n    e: f\n"),
    ("sass", "@import a\n.z\n  y: $v\n"),
    ("scss", 'p { content: "é"; }'),
    ("scss", ""),
]


@pytest.mark.parametrize("style", ["compressed", None])
def test_scssify_and_sassify_match_jekyll(
    style: str | None, libsass: None, jekyll: str, tmp_path: Path
) -> None:
    files = {"_sass/_a.scss": "$v: 3;\n.a1 { b: c }\n"}
    for n, (syntax, text) in enumerate(FILTER_INPUTS):
        files[f"f{n}.html"] = (
            FM + "{% capture s %}" + text + "{% endcapture %}"
            "[{{ s | " + ("scssify" if syntax == "scss" else "sassify") + " }}]"
        )
    config: dict[str, object] = {"sass": {"style": style}} if style else {}
    out = _build(jekyll, Case(files, config), tmp_path)
    options = SassOptions.from_config(config)
    for n, (syntax, text) in enumerate(FILTER_INPUTS):
        ours = compile_string(text, syntax, options, read=files.get)
        assert (out / f"f{n}.html").read_text(encoding="utf-8") == f"[{ours}]", (syntax, text)


# ---- errors name the file and line ---------------------------------------------------------


def _error(files: Mapping[str, str], **kwargs: Any) -> ContentError:
    with pytest.raises(ContentError) as caught:
        compile_site(files, **kwargs)
    return caught.value


def test_syntax_error_in_the_page_names_its_file_line(libsass: None) -> None:
    error = _error({"assets/css/main.scss": "---\ntitle: x\n---\na {\n  b: c\n  d: e;\n}\n"})
    assert (error.path, error.line, error.column) == ("assets/css/main.scss", 6, 3)
    assert 'Invalid CSS after "  d": expected "}"' in error.message
    assert str(error).startswith("assets/css/main.scss:6:3: Sass: Invalid CSS")


def test_error_inside_a_partial_names_the_partial(libsass: None) -> None:
    error = _error(
        {
            "assets/css/main.scss": FM + "\n" + '@import "layout/a";',
            "_sass/layout/_a.scss": "\n\np { q: $nope; }",
        }
    )
    assert (error.path, error.line, error.column) == ("_sass/layout/_a.scss", 3, 8)
    assert error.message == 'Sass: Undefined variable: "$nope".'
    assert error.hint == "via assets/css/main.scss:4"


def test_missing_import_is_reported_where_it_is_imported(libsass: None) -> None:
    error = _error({"assets/css/main.scss": FM + 'a { b: c }\n@import "nope";\n'})
    assert (error.path, error.line) == ("assets/css/main.scss", 4)
    assert error.message == "Sass: File to import not found or unreadable: nope."


def test_ambiguous_import_and_import_loop(libsass: None) -> None:
    error = _error(
        {
            "assets/css/main.scss": FM + '@import "x";',
            "_sass/_x.scss": "a { b: c }",
            "_sass/x.scss": "a { b: c }",
        }
    )
    assert "It's not clear which file to import for '@import \"x\"'" in error.message
    assert "  _x.scss\n  x.scss\n" in error.message
    error = _error(
        {
            "assets/css/main.scss": FM + '@import "a";',
            "_sass/_a.scss": "@import 'b';",
            "_sass/_b.scss": "@import 'a';",
        }
    )
    assert error.path == "_sass/_a.scss"
    assert "An @import loop has been found:" in error.message
    assert "_sass/_b.scss imports _sass/_a.scss" in error.message


def test_filter_errors_name_the_page_using_the_filter(libsass: None) -> None:
    with pytest.raises(ContentError) as caught:
        compile_string("a {", "scss", SassOptions(), path="_layouts/default.html")
    assert caught.value.path == "_layouts/default.html"
    assert caught.value.line == 1


# ---- nothing outside the site is read ------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "why"),
    [
        ("/etc/passwd", "only files inside the site"),
        ("file:///etc/passwd", "only files inside the site"),
        ("../../../../etc/passwd", "leads outside the site"),
        ("../outside", "leads outside the site"),
        ("c:/windows/x", "only files inside the site"),
        ("a\\\\..\\\\b", "only files inside the site"),
    ],
)
def test_imports_leaving_the_site_are_refused(target: str, why: str, libsass: None) -> None:
    site = Site({"assets/css/main.scss": FM + f'a {{ b: c }}\n@import "{target}";\n'})
    body, line = split_page(site["assets/css/main.scss"])
    with pytest.raises(ContentError) as caught:
        compile_page(
            body, key="assets/css/main.scss", options=SassOptions(), read=site.read, body_line=line
        )
    assert caught.value.path == "assets/css/main.scss"
    assert caught.value.line == 4
    assert why in caught.value.message
    assert all(not key.startswith(("/", "..")) and ".." not in key.split("/") for key in site.asked)


def test_libsass_never_reads_the_file_system(
    libsass: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files that libsass would find from the working directory or beside the page stay unseen."""
    for name in ("_evil.scss", "evil.css", "_sass/_evil.scss", "assets/css/_evil.scss"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("pwned { a: b }")
    monkeypatch.chdir(tmp_path)
    error = _error({"assets/css/main.scss": FM + '@import "evil";'})
    assert error.message == "Sass: File to import not found or unreadable: evil."
    css = compile_site(
        {"assets/css/main.scss": FM + '@import "evil" screen;\n@import "evil.css";'}
    ).css
    assert "pwned" not in css
    assert css.startswith('@import "evil" screen;\n@import url(evil.css);')


def test_input_size_limit(libsass: None, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        "assets/css/main.scss": FM + '@import "a", "b";',
        "_sass/_a.scss": "/*" + "x" * 600 + "*/",
        "_sass/_b.scss": "/*" + "y" * 600 + "*/",
    }
    body, line = split_page(files["assets/css/main.scss"])

    def run(limit: int) -> SassResult:
        return compile_page(
            body,
            key="assets/css/main.scss",
            options=SassOptions(sourcemap="never"),
            read=files.get,
            body_line=line,
            max_input_bytes=limit,
        )

    assert run(2000).css.count("/*") == 2
    with pytest.raises(ContentError) as caught:
        run(1000)
    assert "input limit" in caught.value.message
    assert "_sass/_b.scss" in caught.value.message
    assert (caught.value.path, caught.value.line) == ("assets/css/main.scss", 3)
    with pytest.raises(ContentError, match="stylesheet is larger than 10 bytes"):
        run(10)
    assert sass.MAX_INPUT_BYTES <= 8 * 1024 * 1024

    monkeypatch.setattr(sass, "MAX_IMPORTS", 3)
    with pytest.raises(ContentError, match="import limit"):
        compile_site({"assets/css/main.scss": FM + '@import "a", "a", "a", "a";', **PARTIAL})


def test_nesting_limit_and_deep_stack(libsass: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Deep nesting would overflow libsass's stack and kill the process: it is refused, counted
    down the import chain, and libsass runs on a large stack besides."""
    deep = "@if true {" * 1200 + "a { b: c }" + "}" * 1200
    with pytest.raises(ContentError, match="nesting limit") as caught:
        compile_site({"assets/css/main.scss": FM + deep})
    assert caught.value.path == "assets/css/main.scss"
    half = "@media print {" * 600 + '@import "b";' + "}" * 600
    files = {"assets/css/main.scss": FM + '@import "a";', "_sass/_a.scss": half}
    with pytest.raises(ContentError, match="nesting limit") as caught:
        compile_site({**files, "_sass/_b.scss": half.replace('"b"', '"c"')})
    assert (caught.value.path, caught.value.line) == ("_sass/_a.scss", 1)

    monkeypatch.setattr(sass, "MAX_NESTING", 10**9)
    levels = 20000  # overflows an 8 MiB stack
    css = compile_string("@if true {" * levels + "a { b: c }" + "}" * levels, "scss", SassOptions())
    assert css == "a { b: c; }\n"


def test_read_failures_propagate(libsass: None) -> None:
    def read(key: str) -> str | None:
        raise StoreUnavailable("S3 is down")

    with pytest.raises(StoreUnavailable):
        compile_page('@import "a";', key="main.scss", options=SassOptions(), read=read)


# ---- dependencies ------------------------------------------------------------------------


def test_dependencies_and_missing_keys(libsass: None) -> None:
    files = {
        "assets/css/main.scss": FM + '@import "a";\n@import "a";\n',
        "_sass/_a.scss": "@import 'b';",
        "_sass/_b.scss": "b { c: d }",
        "_sass/unused.scss": "x { y: z }",
    }
    result = compile_site(files)
    assert result.dependencies == ("assets/css/main.scss", "_sass/_a.scss", "_sass/_b.scss")
    # looked for, from the site root first (Jekyll's main file sits there), then _sass/
    assert result.missing[:3] == ("a", "_a", "_a.scss")
    assert "_sass/a.scss" in result.missing
    assert "_sass/b" in result.missing
    assert not set(result.missing) & set(files)


def test_read_may_return_bytes(libsass: None) -> None:
    raw = {"_sass/_a.scss": 'a { content: "é"; }'.encode()}
    result = compile_page(
        '@import "a";',
        key="main.scss",
        options=SassOptions(style="expanded", sourcemap="never"),
        read=raw.get,
    )
    assert result.css == '@charset "UTF-8";\na {\n  content: "é";\n}\n'
    assert result.source_map is None


# ---- options -----------------------------------------------------------------------------


def test_options_from_config() -> None:
    assert SassOptions.from_config({}) == SassOptions()
    options = SassOptions.from_config(
        {
            "sass": {
                "style": ":expanded",
                "sass_dir": "/../styles/",
                "load_paths": ["lib", "lib/", "../up", "/abs", 7, "styles"],
                "sourcemap": "development",
                "line_comments": "no",  # any string is true in Ruby
                "precision": 4,
            }
        },
        jekyll_env="production",
        theme_sass_dir="themes/minima/_sass",
    )
    assert options.style == "expanded"
    assert options.sass_dir == "styles"
    assert options.load_paths == ("lib", "styles", "themes/minima/_sass")
    assert options.writes_source_map is False
    assert options.line_comments is True
    assert options.precision == 4
    safe = SassOptions.from_config(
        {"safe": True, "sass": {"load_paths": ["/abs", "../up"], "precision": 4}}
    )
    assert safe.load_paths == ("abs", "up", "_sass")
    assert safe.precision is None
    assert SassOptions.from_config({"sass": {"sass_dir": ""}}).sass_dir == "_sass"
    assert SassOptions.from_config({"sass": {"sass_dir": "."}}).load_paths == ("",)


def test_unsupported_config_is_a_content_error() -> None:
    with pytest.raises(ContentError, match="glob pattern"):
        SassOptions.from_config({"sass": {"load_paths": ["node_modules/*/scss"]}})
    with pytest.raises(ContentError, match="sass-embedded"):
        SassOptions.from_config({"sass": {"implementation": "sass-embedded"}})


def test_not_a_sass_page() -> None:
    with pytest.raises(ValueError, match="not a Sass page"):
        compile_page("a{}", key="x.css", options=SassOptions(), read=lambda key: None)


def test_unavailable_libsass_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_native, "default_library", lambda: None)
    assert available() is False
    assert libsass_version() is None
    with pytest.raises(sass.SassUnavailable):
        compile_string("a { b: c }", "scss", SassOptions())
    assert compile_string("", "scss", SassOptions()) == ""  # Jekyll returns it untouched


# ---- the pure-Python parts ---------------------------------------------------------------


def test_libsass_path_arithmetic() -> None:
    assert _paths.join_paths("/r/_sass/a/", "../b") == "/r/_sass/b"
    assert _paths.join_paths("/r/", "../../../x") == "/x"
    assert _paths.join_paths("/r/", "/abs") == "/abs"
    assert _paths.make_canonical_path("./a/./b//c/.") == "a/b/c"
    assert _paths.is_absolute_path("file:///x") and _paths.is_absolute_path("/x")
    assert not _paths.is_absolute_path("a:b") and not _paths.is_absolute_path("a/b")
    assert _paths.is_url("http://x") and _paths.is_url("//x") and _paths.is_url("a.css")
    assert not _paths.is_url("file://x") and not _paths.is_url("a") and not _paths.is_url(".css")
    assert [rel for rel, _abs in _paths.candidates("/r/", "d/n")] == [
        "d/n", "d/_n", "d/_n.scss", "d/_n.sass", "d/_n.css", "d/n.scss", "d/n.sass", "d/n.css",
    ]  # fmt: skip
    assert _paths.index_candidates("/r/", "d/n.scss") == []
    assert _paths.index_candidates("/r/", "n")[0] == ("n/_index.scss", "/r/n/_index.scss")


def test_import_scan() -> None:
    scanned = _imports.scan(
        "// @import 'c1' screen;\n/* @import \"c2\" print; */\n"
        "@import 'a', \"b\" screen, url(x);\n@import 'd';\n.x { @import \"e\" }\n"
        '@import "f" // trailing comment\n;'
    )
    assert [(i.url, i.quoted, i.has_queries) for i in scanned] == [
        ("a", "'a'", True),
        ("b", '"b"', True),
        ("d", "'d'", False),
        ("e", '"e"', False),
        ("f", '"f"', False),
    ]


def test_vlq_and_source_renumbering() -> None:
    for number in (0, 1, -1, 15, 16, -16, 1000, -123456):
        assert _sourcemap.vlq_decode(_sourcemap.vlq_encode(number)) == number
    # sources [main, a, a(again), b]: index 3 becomes 2
    mappings = "AAAA,CCAA;AAAA,CEAA"  # sources 0, 1; 1, 3
    assert _sourcemap.renumber_sources(mappings, [0, 1, 1, 2]) == "AAAA,CCAA;AAAA,CCAA"
    text = (
        '{\n\t"version": 3,\n\t"sources": [\n\t\t"m.scss",\n\t\t"a",\n\t\t"a",\n\t\t"b"\n\t],\n'
        '\t"sourcesContent": [\n\t\t"1",\n\t\t"2",\n\t\t"2",\n\t\t"3"\n\t],\n'
        '\t"names": [],\n\t"mappings": "AAAA,CCAA;AAAA,CEAA"\n}'
    )
    fixed = _sourcemap.drop_repeated_sources(text)
    assert fixed == (
        '{\n\t"version": 3,\n\t"sources": [\n\t\t"m.scss",\n\t\t"a",\n\t\t"b"\n\t],\n'
        '\t"sourcesContent": [\n\t\t"1",\n\t\t"2",\n\t\t"3"\n\t],\n'
        '\t"names": [],\n\t"mappings": "AAAA,CCAA;AAAA,CCAA"\n}'
    )
    assert _sourcemap.drop_repeated_sources(fixed) == fixed


def test_importing_the_module_loads_nothing() -> None:
    # lazily loaded: the cache is filled only by available()/compiles
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, handler.engine.sass as s; "
            "print('_sass' in sys.modules, 'sass' in sys.modules, "
            "s._native.default_library.cache_info().currsize)",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == ["False", "False", "0"]
