"""Audio files in and out, through soundfile (libsndfile), with errors that name the file.

torchaudio's load/save need torchcodec, which this stack does not ship; soundfile reads and writes
wav/flac everywhere. Writes are atomic.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf
import torch
import torchaudio

from ..errors import AudioError
from ..utils.atomic import atomic_path

# The resampler every stage uses, recorded next to the data it produced.
RESAMPLER = {"name": "torchaudio.functional.resample", "method": "sinc_interp_hann",
             "lowpass_filter_width": 6, "rolloff": 0.99, "version": torchaudio.__version__}


def resampler_tag() -> str:
    r = RESAMPLER
    return f"{r['name']}({r['method']}, width={r['lowpass_filter_width']}, rolloff={r['rolloff']}) torchaudio {r['version']}"


def read_audio(path: str | Path) -> tuple[np.ndarray, int]:
    """Read a file as float32 of shape (channels, samples); reject empty or non-finite audio."""
    path = Path(path)
    if not path.is_file():
        raise AudioError(f"{path}: audio file not found")
    try:
        data, sr = sf.read(str(path), dtype="float32", always_2d=True)
    except Exception as err:  # libsndfile reports corrupt/unknown formats with several types
        raise AudioError(f"{path}: unreadable or corrupt audio ({err})") from None
    if data.shape[0] == 0:
        raise AudioError(f"{path}: zero-length audio")
    if not np.isfinite(data).all():
        raise AudioError(f"{path}: audio holds NaN or infinite samples")
    return np.ascontiguousarray(data.T), int(sr)


def check_format(path: str | Path, data: np.ndarray, sr: int, sample_rate: int, mono: bool = True) -> None:
    """Reject audio whose sample rate or channel count differs from what a stage expects."""
    if sr != sample_rate:
        raise AudioError(f"{path}: field 'sample_rate' is {sr} Hz, expected {sample_rate} Hz")
    if mono and data.shape[0] != 1:
        raise AudioError(f"{path}: field 'channels' is {data.shape[0]}, expected mono (1)")


def read_mono(path: str | Path, sample_rate: int) -> np.ndarray:
    """Read audio that must already be mono at ``sample_rate`` (normalised data)."""
    data, sr = read_audio(path)
    check_format(path, data, sr, sample_rate)
    return data[0]


def to_mono_resampled(data: np.ndarray, sr: int, sample_rate: int) -> np.ndarray:
    """Average the channels and resample with the recorded resampler."""
    mono = torch.from_numpy(data.mean(axis=0))
    if sr != sample_rate:
        mono = torchaudio.functional.resample(
            mono, sr, sample_rate, lowpass_filter_width=RESAMPLER["lowpass_filter_width"],
            rolloff=RESAMPLER["rolloff"], resampling_method=RESAMPLER["method"])
    return mono.numpy().astype(np.float32)


def write_wav(path: str | Path, samples: np.ndarray, sample_rate: int) -> None:
    """Write mono float samples as 16-bit PCM wav, atomically. Samples are clipped to [-1, 1]."""
    samples = np.asarray(samples, dtype=np.float32).reshape(-1)
    if not np.isfinite(samples).all():
        raise AudioError(f"{path}: refusing to write NaN or infinite samples")
    with atomic_path(path) as tmp:
        sf.write(str(tmp), np.clip(samples, -1.0, 1.0), sample_rate, subtype="PCM_16", format="WAV")
