"""Audio-loading conventions against what audioldm_eval does with the same file."""
from __future__ import annotations

import numpy as np
import soundfile as sf
import torch
import torchaudio

from audiodear.eval.extract import load_wave


def _stereo_48k(path):
    rng = np.random.default_rng(0)
    t = np.arange(48000) / 48000
    left = 0.3 * np.sin(2 * np.pi * 440 * t) + 0.05 + 0.01 * rng.standard_normal(len(t))
    right = 0.2 * np.sin(2 * np.pi * 1000 * t) - 0.1
    sf.write(path, np.stack([left, right], axis=1), 48000, subtype="PCM_16")


def test_wave_dataset_convention_matches_torchaudio_path(tmp_path):
    # audioldm_eval's WaveDataset: first channel, minus its mean, torchaudio.functional.resample with
    # its defaults, zero-padded to 32000 samples (soundfile stands in for torchaudio.load: both give
    # int16 / 32768 as float32 for PCM_16 files)
    _stereo_48k(tmp_path / "a.wav")
    ours, sr = load_wave(tmp_path / "a.wav", 16000, "audioldm_eval")
    data, _ = sf.read(tmp_path / "a.wav", dtype="float32", always_2d=True)
    audio = torch.from_numpy(data.T[0:1].copy())
    audio = audio - audio.mean()
    audio = torchaudio.functional.resample(audio, orig_freq=48000, new_freq=16000)
    audio = torch.nn.functional.pad(audio, (0, 32000 - audio.shape[-1]))
    assert sr == 48000 and ours.shape == (32000,)
    np.testing.assert_allclose(ours, audio[0].numpy(), rtol=0, atol=1e-6)


def test_fad_003_convention_matches_load_audio_task(tmp_path, audioldm_metric):
    _stereo_48k(tmp_path / "a.wav")
    theirs, rate = audioldm_metric("fad").load_audio_task(str(tmp_path / "a.wav"))
    ours, sr = load_wave(tmp_path / "a.wav", 16000, "audioldm_eval_0.0.3_fad")
    assert rate == 16000 and sr == 48000
    np.testing.assert_array_equal(ours, theirs)
