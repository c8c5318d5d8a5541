"""Which clips of the manifest a stage reads: a split (optionally only its captioned clips), as files."""
from __future__ import annotations

from pathlib import Path

from .manifest import resolve


def select(rows: list[dict], split: str, captioned: bool | None = None) -> list[dict]:
    out = [r for r in rows if r["split"] == split]
    if captioned is not None:
        out = [r for r in out if r["captioned"] == captioned]
    return out


def clip_paths(rows: list[dict], root: str | Path) -> list[Path]:
    """The audio file of each row, in order."""
    return [resolve(root, r) for r in rows]
