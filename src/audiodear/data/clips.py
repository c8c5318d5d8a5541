"""Clips of a split as arrays: the normalised waveforms and log-mels the models consume."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from ..audio.io import read_mono
from ..audio.mel import MelConfig, log_mel, normalize_waveform
from .manifest import resolve


def select(rows: list[dict], split: str, captioned: bool | None = None) -> list[dict]:
    out = [r for r in rows if r["split"] == split]
    if captioned is not None:
        out = [r for r in out if r["captioned"] == captioned]
    return out


def load_waveforms(rows: list[dict], root: str | Path, sample_rate: int, clip_seconds: float,
                   desc: str = "audio") -> np.ndarray:
    """(N, samples) float32: AudioLDM-normalised (DC removed, peak 0.5), cut or zero-padded.

    Clips longer than the clip length keep their first ``clip_seconds`` (deterministic).
    """
    n = int(round(clip_seconds * sample_rate))
    out = np.zeros((len(rows), n), dtype=np.float32)
    for i, row in enumerate(tqdm(rows, desc=desc, unit="clip", mininterval=5.0, disable=len(rows) < 200)):
        out[i] = normalize_waveform(read_mono(resolve(root, row), sample_rate), n)
    return out


def waveforms_to_mel(waves: np.ndarray, cfg: MelConfig, batch: int = 64) -> torch.Tensor:
    """(N, samples) -> (N, frames, n_mels) log-mel, in batches to bound memory."""
    parts = [log_mel(torch.from_numpy(waves[i:i + batch]), cfg) for i in range(0, len(waves), batch)]
    return torch.cat(parts) if parts else torch.zeros(0, cfg.frames(waves.shape[-1]), cfg.n_mels)
