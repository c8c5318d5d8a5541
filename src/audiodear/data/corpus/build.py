"""Write the embedded corpus: wav files per split and the normalised manifest.

Every clip is drawn and rendered from its own seed (corpus seed, split, index), so the corpus is a
pure function of its configuration: the same seed gives byte-identical files, and clips never move
between splits when sizes change. Splits cannot leak: each clip exists in exactly one split, and
ids and audio checksums are checked to be disjoint.
"""
from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
from tqdm import tqdm

from ...audio.io import write_wav
from ...utils.hashing import sha256_file
from ..manifest import write_manifest
from .events import KIND_NAMES
from .scenes import draw_scene, render_scene

log = logging.getLogger(__name__)
SPLITS = ("train", "valid", "test")


def clip_rng(seed: int, split: str, index: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([seed, SPLITS.index(split), index]))


def build_corpus(out_dir: str | Path, manifest_path: str | Path, *, seed: int, sizes: dict,
                 clip_seconds: float, sample_rate: int, two_event_fraction: float,
                 uncaptioned_fraction: float, kinds: list[str] | None = None) -> list[dict]:
    """Render every clip to ``out_dir/<split>/<id>.wav`` and write the manifest (paths relative to out_dir)."""
    out_dir = Path(out_dir)
    kinds = tuple(kinds or KIND_NAMES)
    rows = []
    total = sum(int(sizes[s]) for s in SPLITS)
    with tqdm(total=total, desc="corpus", unit="clip", mininterval=2.0) as bar:
        for split in SPLITS:
            for i in range(int(sizes[split])):
                rng = clip_rng(seed, split, i)
                scene = draw_scene(rng, clip_seconds, two_event_fraction, kinds)
                audio = render_scene(scene, sample_rate, clip_seconds, rng)
                # Part of the training split stands for uncaptioned audio (the papers' pre-training data).
                captioned = not (split == "train" and rng.random() < uncaptioned_fraction)
                clip_id = f"syn-{split}-{i:05d}"
                rel = f"{split}/{clip_id}.wav"
                write_wav(out_dir / rel, audio, sample_rate)
                rows.append({
                    "id": clip_id, "split": split, "path": rel, "caption": scene.caption,
                    "captions": [scene.caption], "captioned": captioned,
                    "duration": len(audio) / sample_rate, "sample_rate": sample_rate, "channels": 1,
                    "num_samples": len(audio), "sha256": sha256_file(out_dir / rel),
                    "source": "synthetic", "labels": scene.labels(),
                })
                bar.update()
    check_no_leakage(rows)
    return write_manifest(manifest_path, rows)


def check_no_leakage(rows: list[dict]) -> None:
    """Each clip id and each audio checksum belongs to one split only."""
    owner: dict[str, str] = {}
    for row in rows:
        for key in (row["id"], row["sha256"]):
            if owner.setdefault(key, row["split"]) != row["split"]:
                raise AssertionError(f"clip {row['id']} appears in splits {owner[key]} and {row['split']}")
