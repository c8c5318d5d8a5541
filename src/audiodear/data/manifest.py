"""The normalised manifest: one row per clip, whatever corpus it came from.

Stored as CSV (readable by every tool) with the list/dict columns ``captions`` and ``labels``
JSON-encoded. Every row is checked against ``manifest.schema.json``; problems are reported with
the file, the row number, the clip id and the field.
"""
from __future__ import annotations

import csv
import io
import json
from functools import lru_cache
from pathlib import Path, PurePosixPath

import jsonschema

from ..errors import ManifestError
from ..utils.atomic import write_text

COLUMNS = ["id", "split", "path", "caption", "captions", "captioned", "duration", "sample_rate",
           "channels", "num_samples", "sha256", "source", "original_path", "original_sample_rate",
           "original_channels", "resampler", "labels"]
_JSON_COLUMNS = {"captions", "labels"}
_INT_COLUMNS = {"sample_rate", "channels", "num_samples", "original_sample_rate", "original_channels"}
_FLOAT_COLUMNS = {"duration"}
_BOOL_COLUMNS = {"captioned"}


@lru_cache(maxsize=1)
def schema() -> dict:
    return json.loads((Path(__file__).with_name("manifest.schema.json")).read_text())


def complete(row: dict) -> dict:
    """The row with every column present (absent optional columns become None)."""
    return {col: row.get(col) for col in COLUMNS}


def write_manifest(path: str | Path, rows: list[dict]) -> list[dict]:
    """Validate rows and write them atomically; return them as ``read_manifest`` will read them."""
    rows = [complete(r) for r in rows]
    check_rows([{k: v for k, v in r.items() if v is not None} for r in rows], str(path))
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        out = {}
        for col in COLUMNS:
            value = row.get(col)
            if col in _JSON_COLUMNS:
                out[col] = "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)
            elif col in _BOOL_COLUMNS:
                out[col] = "true" if value else "false"
            else:
                out[col] = "" if value is None else value
        writer.writerow(out)
    write_text(path, buf.getvalue())
    return rows


def read_manifest(path: str | Path) -> list[dict]:
    """Read and validate a manifest; raise ManifestError naming the row and field on a problem."""
    path = Path(path)
    if not path.is_file():
        raise ManifestError(f"{path}: manifest not found")
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as err:
        raise ManifestError(f"{path}: not valid UTF-8 at byte {err.start}") from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("id", "split", "path") if c not in (reader.fieldnames or [])]
    if missing:
        raise ManifestError(f"{path}: missing column(s) {missing}")
    rows = []
    for lineno, raw in enumerate(reader, start=2):
        row = {}
        for col, value in raw.items():
            if col not in COLUMNS:
                raise ManifestError(f"{path}: unknown column {col!r}")
            if value == "" and col not in ("caption", "id", "path"):
                row[col] = None
                continue
            try:
                if col in _JSON_COLUMNS:
                    row[col] = json.loads(value)
                elif col in _INT_COLUMNS:
                    row[col] = int(value)
                elif col in _FLOAT_COLUMNS:
                    row[col] = float(value)
                elif col in _BOOL_COLUMNS:
                    if value not in ("true", "false"):
                        raise ValueError("expected true or false")
                    row[col] = value == "true"
                else:
                    row[col] = value
            except ValueError as err:
                raise ManifestError(f"{path}: line {lineno} (id={raw.get('id')!r}): field {col!r}: {err}") from None
        rows.append(complete(row))
    check_rows([{k: v for k, v in r.items() if v is not None} for r in rows], str(path))
    return rows


def check_rows(rows: list[dict], where: str) -> None:
    """Schema, unique ids and safe relative paths."""
    validator = jsonschema.Draft202012Validator(schema())
    seen: dict[str, int] = {}
    for i, row in enumerate(rows):
        for err in validator.iter_errors(row):
            field = ".".join(str(p) for p in err.absolute_path) or "(row)"
            raise ManifestError(f"{where}: row {i + 1} (id={row.get('id')!r}): field {field!r}: {err.message}")
        if row["id"] in seen:
            raise ManifestError(f"{where}: row {i + 1}: duplicate id {row['id']!r} (first in row {seen[row['id']] + 1})")
        seen[row["id"]] = i
        check_relative_path(row["path"], f"{where}: row {i + 1} (id={row['id']!r}): field 'path'")


def check_relative_path(path: str, where: str) -> None:
    """A manifest path must stay inside its data root: relative, without '..'."""
    p = PurePosixPath(path)
    if p.is_absolute() or ".." in p.parts or "\\" in path:
        raise ManifestError(f"{where}: path {path!r} escapes the data root")


def resolve(root: str | Path, row: dict) -> Path:
    return Path(root) / row["path"]
