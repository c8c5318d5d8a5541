"""Shared helpers of the listening-test tests: small systems of generated clips and a bundle."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from audiodear.audio.io import write_wav
from audiodear.subjective.config import SubjectiveConfig, SystemSpec

SR = 16000
SYSTEM_NAMES = ("zeta-reference", "alpha-system", "beta-system")


def tone_clip(seconds: float, freq: float, amp: float, seed: int) -> np.ndarray:
    """A decaying tone in faint noise: audible, with a defined loudness."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * SR)) / SR
    return amp * np.sin(2 * np.pi * freq * t) * np.exp(-1.5 * t) + 0.02 * amp * rng.standard_normal(t.size)


def write_system(folder: Path, clip_ids: list[str], amp: float, seconds: float, seed: int) -> dict[str, Path]:
    out = {}
    for i, clip in enumerate(clip_ids):
        path = folder / f"{clip}.wav"
        write_wav(path, tone_clip(seconds, 220.0 * (1 + i % 5), amp, seed * 100 + i), SR)
        out[clip] = path
    return out


def make_sources(root: Path, n_clips: int = 6, seconds: float = 0.6) -> tuple[dict, dict, dict]:
    """Three systems (the first is the reference) at very different levels, captions and kinds."""
    clip_ids = [f"clip-{i:02d}" for i in range(n_clips)]
    sources = {name: write_system(root / name, clip_ids, amp, seconds, seed)
               for seed, (name, amp) in enumerate(zip(SYSTEM_NAMES, (0.3, 0.02, 0.9)))}
    captions = {c: f"a tone number {i} rings and fades" for i, c in enumerate(clip_ids)}
    kinds = {c: ("1 event" if i % 3 else "2 events") for i, c in enumerate(clip_ids)}
    return sources, captions, kinds


def make_config(**overrides) -> SubjectiveConfig:
    base = dict(systems=[SystemSpec(SYSTEM_NAMES[1], paper="AudioDEAR"), SystemSpec(SYSTEM_NAMES[2], paper="IMPACT")],
                reference_name=SYSTEM_NAMES[0], clips_per_system=4, seed=7, attention_checks=1,
                title="Test listening test")
    base.update(overrides)
    return SubjectiveConfig(**base)


def read_json(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))
