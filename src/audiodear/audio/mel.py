"""AudioLDM's mel frontend, exactly: waveform normalisation, STFT, Slaney mel filterbank, log.

This follows AudioLDM's training code (``mel_spectrogram_train`` and ``normalize_wav``):

1. waveform: remove the mean, scale the peak to 0.5, zero-pad or cut to the clip length;
2. reflect-pad by (n_fft - hop) / 2 on both sides, |STFT| with a periodic Hann window, no centring,
   so that a clip of L samples gives exactly L / hop frames (1024 frames for 10.24 s at 16 kHz);
3. librosa's Slaney-normalised mel filterbank (64 bins, 0-8000 Hz) times the magnitude;
4. natural log after clamping at 1e-5 (``dynamic_range_compression``); no mean/std scaling.

Output shape is (batch, frames, n_mels), time first, as AudioLDM feeds its VAE.
"""
from __future__ import annotations

from dataclasses import fields
from functools import lru_cache

import numpy as np
import torch

from ..config.schema import Audio as MelConfig  # the plan's `audio` section is the frontend's settings

LOG_FLOOR = 1e-5


def mel_config(audio) -> MelConfig:
    """The frontend settings from the plan's ``audio`` section (a DictConfig node or a mapping)."""
    return MelConfig(**{f.name: audio[f.name] for f in fields(MelConfig)})


def frames(cfg: MelConfig, num_samples: int) -> int:
    return num_samples // cfg.hop_length


def mel_basis(cfg: MelConfig) -> torch.Tensor:
    """librosa's Slaney mel filterbank, (n_mels, n_fft // 2 + 1)."""
    return _mel_basis(cfg.sample_rate, cfg.n_fft, cfg.n_mels, cfg.fmin, cfg.fmax)


@lru_cache(maxsize=8)  # keyed on values: the settings object itself is a mutable dataclass
def _mel_basis(sample_rate: int, n_fft: int, n_mels: int, fmin: float, fmax: float) -> torch.Tensor:
    import librosa

    basis = librosa.filters.mel(sr=sample_rate, n_fft=n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax)
    return torch.from_numpy(basis).float()


def normalize_waveform(samples: np.ndarray, num_samples: int) -> np.ndarray:
    """AudioLDM's ``normalize_wav`` then zero-padding/cutting to ``num_samples`` (float32)."""
    x = samples.astype(np.float64) - np.mean(samples)
    x = x / (np.max(np.abs(x)) + 1e-8) * 0.5
    out = np.zeros(num_samples, dtype=np.float32)
    n = min(num_samples, len(x))
    out[:n] = x[:n]
    return out


def magnitude(wave: torch.Tensor, cfg: MelConfig) -> torch.Tensor:
    """|STFT| of (batch, samples) -> (batch, n_fft // 2 + 1, frames)."""
    pad = (cfg.n_fft - cfg.hop_length) // 2
    y = torch.nn.functional.pad(wave.unsqueeze(1), (pad, pad), mode="reflect").squeeze(1)
    window = torch.hann_window(cfg.win_length, device=wave.device, dtype=wave.dtype)
    spec = torch.stft(y, cfg.n_fft, hop_length=cfg.hop_length, win_length=cfg.win_length, window=window,
                      center=False, normalized=False, onesided=True, return_complex=True)
    return spec.abs()


def log_mel(wave: torch.Tensor, cfg: MelConfig) -> torch.Tensor:
    """Log-mel of (batch, samples) float waveforms -> (batch, samples // hop, n_mels)."""
    if wave.dim() == 1:
        wave = wave.unsqueeze(0)
    mel = mel_basis(cfg).to(wave) @ magnitude(wave, cfg)
    mel = torch.log(torch.clamp(mel, min=LOG_FLOOR))
    return mel.transpose(1, 2)[:, : frames(cfg, wave.shape[-1])]
