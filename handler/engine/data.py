"""``_data`` files as ``Jekyll::DataReader`` reads them: YAML, JSON, CSV and TSV.

YAML and JSON go through the same guarded YAML loader as front matter (Jekyll reads JSON with its
YAML parser too); CSV and TSV become arrays of hashes keyed by the header row, as Ruby's
``CSV.read(headers: true)`` gives them, with empty fields as ``nil``.
"""

from __future__ import annotations

import csv
import io
import json
import posixpath
from collections.abc import Mapping
from typing import Any

from handler.errors import ContentError


def parse_data(key: str, text: str, config: Mapping[str, Any] | None = None) -> Any:
    """The value of the data file ``key`` holding ``text``; a ContentError names its line."""
    ext = posixpath.splitext(key)[1].lower()
    if ext in (".csv", ".tsv"):
        return _table(text, "\t" if ext == ".tsv" else ",", _reader_config(config, ext))
    if ext == ".json":
        try:
            return json.loads(text)
        except ValueError:
            pass  # Jekyll reads JSON as YAML: whatever YAML accepts is fine
    import yaml  # PyYAML, on the first YAML file

    from handler.engine.yamlload import load_yaml

    try:
        return load_yaml(text.removeprefix("\ufeff"))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise ContentError(
            key,
            f"invalid {ext.lstrip('.').upper() or 'YAML'}: {exc.problem or exc}",
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        ) from None
    except yaml.YAMLError as exc:
        raise ContentError(key, f"invalid data file: {exc}") from None


def _reader_config(config: Mapping[str, Any] | None, ext: str) -> Mapping[str, Any]:
    name = "tsv_reader" if ext == ".tsv" else "csv_reader"
    value = (config or {}).get(name)
    return value if isinstance(value, Mapping) else {}


def _table(text: str, delimiter: str, options: Mapping[str, Any]) -> list[Any]:
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=delimiter))
    if options.get("headers", True) is False:
        return [[cell if cell != "" else None for cell in row] for row in rows]
    if not rows:
        return []
    header, body = rows[0], rows[1:]
    return [
        {name: (row[i] if i < len(row) and row[i] != "" else None) for i, name in enumerate(header)}
        for row in body
    ]
