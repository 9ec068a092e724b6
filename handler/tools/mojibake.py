r"""Mojibake: text that was UTF-8, decoded through the wrong encoding, and saved again.

``capitalism\u00e2\u20ac\u2122s`` is ``capitalism\u2019s`` whose three UTF-8 bytes for the
apostrophe U+2019 were read as Windows-1252.
ftfy recognises such sequences and reverses the wrong decode; we run it with *only* its encoding
repairs switched on (no quote uncurling, no width or ligature folding, no normalisation), one line
at a time, and report each changed span with its line and column, so a fix touches nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from ftfy import TextFixerConfig, fix_text

__all__ = ["Suspect", "find", "fix_file", "repair"]

# Only the fixes that undo a wrong decode; everything else ftfy can do would change correct text.
ENCODING_ONLY = TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=False,
    fix_encoding=True,
    restore_byte_a0=True,
    replace_lossy_sequences=False,  # would put U+FFFD where bytes were lost: not a repair
    decode_inconsistent_utf8=True,
    fix_c1_controls=True,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    fix_surrogates=False,
    remove_control_chars=False,
    normalization=None,
    explain=False,
)


@dataclass(frozen=True, slots=True)
class Suspect:
    """One mojibake span: ``found`` at ``line``:``column`` (1-based, in characters) reads ``fixed``."""

    line: int
    column: int
    found: str
    fixed: str


def find(text: str) -> list[Suspect]:
    """Every span of ``text`` that ftfy's encoding repair would change, in reading order."""
    suspects: list[Suspect] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if line.isascii():
            continue  # mojibake is made of non-ASCII characters: skip the common case fast
        fixed = fix_text(line, config=ENCODING_ONLY)
        if fixed != line:
            suspects.extend(_spans(number, line, fixed))
    return suspects


def _spans(number: int, line: str, fixed: str) -> list[Suspect]:
    matcher = SequenceMatcher(None, line, fixed, autojunk=False)
    return [
        Suspect(number, i1 + 1, line[i1:i2], fixed[j1:j2])
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def repair(text: str) -> str:
    """``text`` with every suspect span replaced by its repair and every other character kept."""
    by_line: dict[int, list[Suspect]] = {}
    for suspect in find(text):
        by_line.setdefault(suspect.line, []).append(suspect)
    lines = text.split("\n")
    for number, suspects in by_line.items():
        line = lines[number - 1]
        for suspect in reversed(suspects):  # right to left, so earlier columns stay valid
            start = suspect.column - 1
            line = line[:start] + suspect.fixed + line[start + len(suspect.found) :]
        lines[number - 1] = line
    return "\n".join(lines)


def fix_file(path: Path) -> Path | None:
    """Repair ``path`` in place after copying it to a backup; returns the backup, or ``None``.

    Nothing is written when the file has no suspect (or is not UTF-8). The backup is
    ``<name>.bak`` (``.bak.2``, ``.bak.3``... if that exists), byte for byte the original; the
    repaired text replaces the file atomically, so an interrupted fix leaves one or the other.
    """
    original = path.read_bytes()
    try:
        text = original.decode("utf-8")
    except UnicodeDecodeError:
        return None
    repaired = repair(text)
    if repaired == text:
        return None
    backup = _backup_name(path)
    backup.write_bytes(original)
    staging = path.with_name(f".{path.name}.fixing")
    staging.write_bytes(repaired.encode("utf-8"))
    staging.chmod(path.stat().st_mode & 0o7777)
    staging.replace(path)
    return backup


def _backup_name(path: Path) -> Path:
    candidate = path.with_name(path.name + ".bak")
    number = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.bak.{number}")
        number += 1
    return candidate
