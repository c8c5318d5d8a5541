"""Versioned test-set definitions: which clips are scored, with which one caption each.

Papers on AudioCaps score different test sets (882, 886, 956, 964, 975 clips) with one caption
picked per clip. A definition file pins that choice so every number states its N:

    {"name": "audiocaps_test_audioldm", "version": 1, "n": 964,
     "protocol": "AudioLDM: one random caption of five per test clip",
     "clips": [{"id": "...", "caption": "..."}, ...]}

``make_definition`` draws one caption per test clip from a manifest with a seed (the AudioLDM
protocol); ``resolve_testset`` checks a definition against the manifest in use.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ..errors import ManifestError
from ..utils.atomic import write_json

VERSION = 1


def read_definition(path: str | Path) -> dict:
    path = Path(path)
    if not path.is_file():
        raise ManifestError(f"{path}: test-set definition not found")
    try:
        doc = json.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ManifestError(f"{path}: not a UTF-8 JSON test-set definition ({err})") from None
    for key in ("name", "version", "n", "clips"):
        if key not in doc:
            raise ManifestError(f"{path}: field {key!r} missing")
    if doc["n"] != len(doc["clips"]):
        raise ManifestError(f"{path}: field 'n' says {doc['n']} but {len(doc['clips'])} clips are listed")
    seen = set()
    for i, clip in enumerate(doc["clips"]):
        if not isinstance(clip, dict) or not clip.get("id") or not str(clip.get("caption", "")).strip():
            raise ManifestError(f"{path}: clips[{i}]: needs a non-empty 'id' and 'caption'")
        if clip["id"] in seen:
            raise ManifestError(f"{path}: clips[{i}]: duplicate id {clip['id']!r}")
        seen.add(clip["id"])
    return doc


def make_definition(rows: list[dict], name: str, seed: int, protocol: str) -> dict:
    """One caption per captioned test clip, drawn with ``seed`` (AudioLDM-style)."""
    rng = np.random.default_rng(seed)
    clips = []
    for row in sorted((r for r in rows if r["split"] == "test" and r["captioned"]), key=lambda r: r["id"]):
        caps = row["captions"] or [row["caption"]]
        clips.append({"id": row["id"], "caption": caps[int(rng.integers(len(caps)))]})
    return {"name": name, "version": VERSION, "n": len(clips), "protocol": protocol, "seed": seed, "clips": clips}


def resolve_testset(rows: list[dict], definition: str | Path | None) -> list[dict]:
    """The clips to score: a definition checked against the manifest, or every captioned test clip."""
    by_id = {r["id"]: r for r in rows}
    if definition is None:
        return [{"id": r["id"], "caption": r["caption"]} for r in rows if r["split"] == "test" and r["captioned"]]
    doc = read_definition(definition)
    missing = [c["id"] for c in doc["clips"] if c["id"] not in by_id or by_id[c["id"]]["split"] != "test"]
    if missing:
        raise ManifestError(f"{definition}: {len(missing)} of {doc['n']} clips are not test clips of the manifest, "
                            f"e.g. {missing[:5]}; write a definition for the clips you have with `audiodear testset`")
    for i, clip in enumerate(doc["clips"]):
        row = by_id[clip["id"]]
        if clip["caption"] not in (row["captions"] or [row["caption"]]):
            raise ManifestError(f"{definition}: clips[{i}] (id={clip['id']!r}): field 'caption' is not one of the clip's captions")
    return [{"id": c["id"], "caption": c["caption"]} for c in doc["clips"]]


def write_testset(path: str | Path, entries: list[dict], source: str) -> None:
    write_json(path, {"n": len(entries), "source": str(source), "clips": entries})


def read_testset(path: str | Path) -> list[dict]:
    return json.loads(Path(path).read_text(encoding="utf-8"))["clips"]


def scored_rows(rows: list[dict], testset: list[dict]) -> list[dict]:
    """The manifest rows of the scored clips, in the test-set definition's order.

    Every stage that lines its clips up with the scores (the test split's text embeddings, the
    reconstruction table's first clips) takes this order, not the manifest's.
    """
    by_id = {r["id"]: r for r in rows}
    missing = [c["id"] for c in testset if c["id"] not in by_id]
    if missing:
        raise ManifestError(f"{len(missing)} test-set clips are not in the manifest, e.g. {missing[:5]}")
    return [by_id[c["id"]] for c in testset]
