"""Ingest captioned corpora into one normalised manifest over 16 kHz mono audio.

For every source in the plan: read its metadata (``sources.py``), then read each clip's audio,
reject what cannot be used (missing, unreadable, empty, NaN/inf, duplicate id, ...), downmix to
mono, resample to 16 kHz with the recorded resampler and write the normalised copy. Strict mode
stops with every problem listed; lenient mode quarantines the bad items and the report counts
every one of them. Nothing is ever dropped silently.
"""
from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from ...audio.io import read_audio, resampler_tag, to_mono_resampled, write_wav
from ...errors import AudioError, ManifestError
from ...utils.atomic import write_csv
from ...utils.hashing import sha256_file
from ..manifest import write_manifest
from .sources import READERS, Problem

log = logging.getLogger(__name__)
REPORT_COLUMNS = ["file", "row", "id", "field", "problem"]


def ingest(sources: list[dict], data_root: str | Path, out_audio: str | Path, manifest_path: str | Path,
           report_path: str | Path, sample_rate: int, mode: str = "strict") -> list[dict]:
    """Normalise every source; return the manifest rows written."""
    root, out_audio = Path(data_root), Path(out_audio)
    problems: list[Problem] = []
    records = []
    for src in sources:
        audio_dir = root / src["audio_dir"]
        meta = root / src["metadata"]
        if src.get("optional") and not meta.is_file():
            log.info("optional source %s (%s, split %s) is absent; left out", meta, src["format"], src["split"])
            continue
        if src["format"] == "audiocaps":
            parsed = READERS["audiocaps"](meta, audio_dir, src["split"], src.get("audio_name", "{youtube_id}_{start_time}.wav"))
        else:
            parsed = READERS[src["format"]](meta, audio_dir, src["split"])
        problems += parsed.problems
        records += parsed.records

    seen: dict[str, str] = {}
    rows = []
    for rec in tqdm(records, desc="ingest", unit="clip", mininterval=2.0):
        file, row = rec.where.rsplit(":", 1)
        if rec.id in seen:
            problems.append(Problem(file, row, "id", f"duplicate id (first at {seen[rec.id]})", rec.id))
            continue
        seen[rec.id] = rec.where
        try:
            data, sr = read_audio(rec.audio)
        except AudioError as err:
            problems.append(Problem(file, row, "audio", str(err), rec.id))
            continue
        mono = to_mono_resampled(data, sr, sample_rate)
        rel = f"{rec.source}/{rec.id}.wav"
        write_wav(out_audio / rel, mono, sample_rate)
        rows.append({
            "id": rec.id, "split": rec.split, "path": rel, "caption": rec.captions[0], "captions": rec.captions,
            "captioned": True, "duration": len(mono) / sample_rate, "sample_rate": sample_rate, "channels": 1,
            "num_samples": len(mono), "sha256": sha256_file(out_audio / rel), "source": rec.source,
            "original_path": str(rec.audio), "original_sample_rate": sr, "original_channels": int(data.shape[0]),
            "resampler": resampler_tag() if sr != sample_rate else "none (already at the target rate)",
            "labels": None,
        })

    report = pd.DataFrame([{"file": p.file, "row": p.row, "id": p.id, "field": p.field, "problem": p.message}
                           for p in problems], columns=REPORT_COLUMNS)
    for p in problems:
        log.warning("%s", p)
    if problems and mode == "strict":
        shown = "\n  ".join(str(p) for p in problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise ManifestError(f"{len(problems)} problem(s) in the input data (strict mode; set "
                            f"data.validation=lenient to quarantine them):\n  {shown}{more}")
    if not rows:
        raise ManifestError("no usable clip in any source")
    write_csv(report_path, report)
    rows = write_manifest(manifest_path, rows)
    log.info("ingested %d clips; quarantined %d item(s), listed in %s", len(rows), len(problems), report_path)
    return rows
