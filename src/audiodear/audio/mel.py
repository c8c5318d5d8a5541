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

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch

LOG_FLOOR = 1e-5


@dataclass(frozen=True)
class MelConfig:
    sample_rate: int = 16000
    n_fft: int = 1024
    hop_length: int = 160
    win_length: int = 1024
    n_mels: int = 64
    fmin: float = 0.0
    fmax: float = 8000.0

    @classmethod
    def from_plan(cls, audio) -> "MelConfig":
        return cls(**{k: audio[k] for k in cls.__dataclass_fields__})

    def frames(self, num_samples: int) -> int:
        return num_samples // self.hop_length


@lru_cache(maxsize=8)
def mel_basis(cfg: MelConfig) -> torch.Tensor:
    """librosa's Slaney mel filterbank, (n_mels, n_fft // 2 + 1)."""
    import librosa

    basis = librosa.filters.mel(sr=cfg.sample_rate, n_fft=cfg.n_fft, n_mels=cfg.n_mels, fmin=cfg.fmin, fmax=cfg.fmax)
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
    return mel.transpose(1, 2)[:, : cfg.frames(wave.shape[-1])]
