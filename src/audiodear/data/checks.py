"""The audio check stage: every clip of a normalised manifest is readable, finite, 16 kHz mono.

Runs on the embedded corpus and on ingested data alike, before any representation is computed,
so a bad file is reported by name at the start of the DAG instead of deep inside training.
"""
from __future__ import annotations

import logging
from pathlib import Path

import soundfile as sf
from tqdm import tqdm

from ..audio.io import read_audio
from ..errors import AudioError, ManifestError
from ..utils.hashing import sha256_file
from .manifest import resolve

log = logging.getLogger(__name__)


def check_audio(rows: list[dict], root: str | Path, sample_rate: int, verify_checksums: bool = True) -> dict:
    """Raise an AudioError naming the first bad file (and counting the rest); return a summary."""
    problems = []
    for row in tqdm(rows, desc="audio checks", unit="clip", mininterval=2.0):
        path = resolve(root, row)
        try:
            info = sf.info(str(path)) if path.is_file() else None
            data, sr = read_audio(path)
            if sr != sample_rate:
                raise AudioError(f"{path}: field 'sample_rate' is {sr} Hz, expected {sample_rate} Hz")
            if data.shape[0] != 1:
                raise AudioError(f"{path}: field 'channels' is {data.shape[0]}, expected mono (1)")
            if info is not None and info.frames != row["num_samples"]:
                raise AudioError(f"{path}: field 'num_samples' is {info.frames}, the manifest says {row['num_samples']}")
            if verify_checksums and sha256_file(path) != row["sha256"]:
                raise AudioError(f"{path}: field 'sha256' does not match the manifest (file changed after ingestion?)")
        except AudioError as err:
            problems.append(f"id={row['id']}: {err}")
    if problems:
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        raise ManifestError(f"audio check failed: {problems[0]}{more}")
    return {"clips": len(rows), "sample_rate": sample_rate, "checksums_verified": verify_checksums}
