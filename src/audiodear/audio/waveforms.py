"""Clip files as arrays: the normalised waveforms and log-mels the models consume.

This module reads files by path; which clips belong to a split is the manifest's business
(``data.clips``), so ``audio`` never imports ``data``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np
import torch
from tqdm import tqdm

from .io import read_mono
from .mel import MelConfig, frames, log_mel, normalize_waveform


def load_waveforms(paths: Sequence[str | Path], sample_rate: int, clip_seconds: float,
                   desc: str = "audio") -> np.ndarray:
    """(N, samples) float32: AudioLDM-normalised (DC removed, peak 0.5), cut or zero-padded.

    Clips longer than the clip length keep their first ``clip_seconds`` (deterministic).
    """
    n = int(round(clip_seconds * sample_rate))
    out = np.zeros((len(paths), n), dtype=np.float32)
    for i, path in enumerate(tqdm(paths, desc=desc, unit="clip", mininterval=5.0, disable=len(paths) < 200)):
        out[i] = normalize_waveform(read_mono(path, sample_rate), n)
    return out


def waveforms_to_mel(waves: np.ndarray, cfg: MelConfig, batch: int = 64) -> torch.Tensor:
    """(N, samples) -> (N, frames, n_mels) log-mel, in batches to bound memory."""
    parts = [log_mel(torch.from_numpy(waves[i:i + batch]), cfg) for i in range(0, len(waves), batch)]
    return torch.cat(parts) if parts else torch.zeros(0, frames(cfg, waves.shape[-1]), cfg.n_mels)
