"""Compiled built-in templates (handler/theme/bytecode.py): kept as Python keeps .pyc, loaded only
when every check passes, never for templates that are not the package's own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from jinja2 import ChoiceLoader, DictLoader, Environment, FileSystemLoader

import handler.theme as theme_module
from handler.theme import TEMPLATE_DIR, Theme, precompile
from handler.theme.bytecode import SUFFIX, TemplateBytecode, cache_folder, fingerprint

REPO = Path(__file__).resolve().parents[2]
PAGE = "{% for x in items %}<li>{{ x }}</li>{% endfor %}"


def environment(templates: Path, cache: TemplateBytecode, **loaders: str) -> Environment:
    """Templates from ``templates``, after any given as ``loaders`` (as a site's overrides)."""
    loader = ChoiceLoader([DictLoader(loaders), FileSystemLoader(templates)])
    return Environment(loader=loader, autoescape=True, bytecode_cache=cache)


def compiles(env: Environment, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record each template ``env`` compiles from source (rather than loads)."""
    compiled: list[str] = []
    original = env.compile

    def counting(source: Any, name: str | None = None, *args: Any, **kwargs: Any) -> Any:
        compiled.append(str(name))
        return original(source, name, *args, **kwargs)

    monkeypatch.setattr(env, "compile", counting)
    return compiled


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "page.html").write_text(PAGE)
    return folder


def test_a_template_compiled_once_is_loaded_after(
    templates: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = TemplateBytecode(templates, "v1", folder=tmp_path / "cache", write=True)
    first = environment(templates, cache)
    first_compiled = compiles(first, monkeypatch)
    html = first.get_template("page.html").render(items=["<a>", 2])
    assert first_compiled == ["page.html"]
    assert [p.name for p in (tmp_path / "cache").iterdir()] == [f"page.html.v1{SUFFIX}"]
    assert (tmp_path / "cache" / f"page.html.v1{SUFFIX}").stat().st_mode & 0o777 == 0o644

    second = environment(templates, cache)
    second_compiled = compiles(second, monkeypatch)
    assert second.get_template("page.html").render(items=["<a>", 2]) == html
    assert second_compiled == []
    assert html == "<li>&lt;a&gt;</li><li>2</li>"


def test_a_changed_source_is_compiled_again(
    templates: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = TemplateBytecode(templates, "v1", folder=tmp_path / "cache", write=True)
    environment(templates, cache).get_template("page.html")
    (templates / "page.html").write_text("changed {{ items | length }}")
    env = environment(templates, cache)
    compiled = compiles(env, monkeypatch)
    assert env.get_template("page.html").render(items=[1, 2]) == "changed 2"
    assert compiled == ["page.html"]


def test_another_fingerprint_never_loads_the_file(
    templates: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "cache"
    environment(
        templates, TemplateBytecode(templates, "v1", folder=folder, write=True)
    ).get_template("page.html")
    env = environment(templates, TemplateBytecode(templates, "v2", folder=folder, write=True))
    compiled = compiles(env, monkeypatch)
    env.get_template("page.html")
    assert compiled == ["page.html"]
    assert sorted(p.name for p in folder.iterdir()) == [
        f"page.html.v1{SUFFIX}",
        f"page.html.v2{SUFFIX}",
    ]


@pytest.mark.parametrize(
    "damage",
    [b"", b"j2", b"not a jinja bytecode file at all", None],
    ids=["empty", "cut-in-magic", "garbage", "cut-in-code"],
)
def test_a_damaged_file_is_compiled_afresh(
    templates: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: bytes | None
) -> None:
    cache = TemplateBytecode(templates, "v1", folder=tmp_path / "cache", write=False)
    writer = TemplateBytecode(templates, "v1", folder=tmp_path / "cache", write=True)
    environment(templates, writer).get_template("page.html")
    (path,) = (tmp_path / "cache").iterdir()
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) // 2] if damage is None else damage)
    env = environment(templates, cache)
    compiled = compiles(env, monkeypatch)
    assert env.get_template("page.html").render(items=[1]) == "<li>1</li>"
    assert compiled == ["page.html"]


def test_nothing_is_written_when_bytecode_is_not(
    templates: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    cache = TemplateBytecode(templates, "v1", folder=tmp_path / "cache")
    assert cache.write is False
    environment(templates, cache).get_template("page.html")
    assert not (tmp_path / "cache").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_is_read_silently(templates: Path, tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        cache = TemplateBytecode(templates, "v1", folder=folder, write=True)
        assert environment(templates, cache).get_template("page.html").render(items=[]) == ""
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o755)


def test_an_unwritable_folder_is_not_an_error(templates: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the folder would be")
    cache = TemplateBytecode(templates, "v1", folder=blocker / "cache", write=True)
    assert environment(templates, cache).get_template("page.html").render(items=[3]) == "<li>3</li>"


def test_templates_from_elsewhere_are_never_kept(templates: Path, tmp_path: Path) -> None:
    """A site's overrides (here a DictLoader before the package's folder, as a site's _theme/ is
    looked up first) come from the bucket: compiled in memory only."""
    cache = TemplateBytecode(templates, "v1", folder=tmp_path / "cache", write=True)
    env = environment(templates, cache, **{"page.html": "override", "other.html": "x"})
    assert env.get_template("page.html").render() == "override"
    env.get_template("other.html")
    assert not (tmp_path / "cache").exists()


def test_the_folder_follows_pythons_rule_for_pyc(
    templates: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "pycache_prefix", None)
    assert cache_folder(templates) == templates / "__pycache__"
    monkeypatch.setattr(sys, "pycache_prefix", str(tmp_path / "prefix"))
    absolute = templates.resolve()
    assert cache_folder(templates) == tmp_path / "prefix" / absolute.relative_to(absolute.anchor)


def test_the_fingerprint_changes_with_every_part() -> None:
    base = fingerprint("3.1.6", "options", b"generator source")
    assert base == fingerprint("3.1.6", "options", b"generator source")
    assert len({base, fingerprint("3.1.5", "options", b"generator source"),
                fingerprint("3.1.6", "other", b"generator source"),
                fingerprint("3.1.6", "options", b"generator source!"),
                fingerprint("3.1.6options", "", b"generator source")}) == 5  # fmt: skip


def test_the_themes_fingerprint_covers_the_sandbox_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sandbox's code generator writes the bounds into every compiled template: bytecode made
    by another version of it must never load."""
    real = theme_module._package_bytecode.__wrapped__(tmp_path)
    assert real is not None
    changed = tmp_path / "sandbox.py"
    changed.write_bytes(Path(theme_module.sandbox.__file__).read_bytes() + b"\n# changed\n")
    monkeypatch.setattr(theme_module.sandbox, "__file__", str(changed))
    other = theme_module._package_bytecode.__wrapped__(tmp_path)
    assert other is not None and other.version != real.version
    monkeypatch.setattr(theme_module.sandbox, "__file__", str(tmp_path / "missing.py"))
    assert theme_module._package_bytecode.__wrapped__(tmp_path) is None


def test_precompile_keeps_every_builtin_template_and_a_render_then_compiles_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "compiled"
    names = precompile(folder)
    assert names == sorted(p.name for p in TEMPLATE_DIR.iterdir() if p.is_file())
    assert "post.html" in names and "base.html" in names
    kept = sorted(p.name.split(".", 2)[0] + "." + p.name.split(".", 2)[1] for p in folder.iterdir())
    assert kept == names

    theme = Theme()
    cache = theme_module._package_bytecode(folder, write=False)
    theme._env.bytecode_cache = cache
    compiled = compiles(theme._env, monkeypatch)
    for name in names:
        theme._env.get_template(name)
    assert compiled == []


def test_a_new_process_renders_from_the_kept_bytecode(tmp_path: Path) -> None:
    """What a deployed function does: the first process writes (as build.sh's precompile does), a
    later one loads every built-in template without compiling, the same code."""
    prefix = tmp_path / "pycache"
    script = (
        "import json\n"
        "from handler.theme import TEMPLATE_DIR, Theme\n"
        "env = Theme()._env\n"
        "compiled = []\n"
        "original = env.compile\n"
        "env.compile = lambda *a, **k: compiled.append(a[1]) or original(*a, **k)\n"
        "names = sorted(p.name for p in TEMPLATE_DIR.iterdir() if p.is_file())\n"
        "code = [env.get_template(name).root_render_func.__code__.co_code.hex() for name in names]\n"
        "print(json.dumps({'compiled': compiled, 'code': code}))\n"
    )
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env.update(PYTHONPYCACHEPREFIX=str(prefix), PYTHONPATH=str(REPO))
    runs = [
        subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
        ).stdout
        for _ in range(2)
    ]
    first, second = (json.loads(run) for run in runs)
    assert first["compiled"], "the first process compiles"
    assert second["compiled"] == []
    assert sorted(first["compiled"]) == sorted(
        p.name for p in TEMPLATE_DIR.iterdir() if p.is_file()
    )
    assert second["code"] == first["code"]
