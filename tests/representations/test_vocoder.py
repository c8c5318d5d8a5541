"""Vocoders: AudioLDM's HiFi-GAN (size, folder round trip, output length) and Griffin-Lim (quality, determinism).

Published size: diffusers' AudioLDM conversion writes SpeechT5HifiGanConfig(model_in_dim 64,
sampling_rate 16000, upsample_initial_channel 1024, upsample_rates [5, 4, 2, 2, 2], kernel sizes
[16, 16, 8, 4, 4], resblocks [3, 7, 11] x [1, 3, 5], normalize_before False). That model has
55,264,897 parameters plus the 128-value mean/scale buffers: 221.06 MB in float32, the 221 MB of
huggingface.co/cvssp/audioldm2/tree/main/vocoder/model.safetensors (the same 16 kHz 64-mel vocoder).
"""
import numpy as np
import pytest
import torch

from audiodear.audio.mel import MelConfig, log_mel, mel_basis, normalize_waveform
from audiodear.audio.vocoder import (GriffinLimVocoder, HifiGanVocoder, audioldm_hifigan_config, build_vocoder,
                                     load_hifigan, mel_to_magnitude_nonneg)
from audiodear.errors import CheckpointError, ConfigError

AUDIOLDM_HIFIGAN_PARAMS = 55_264_897
MEL = MelConfig()
# Measured on this test signal at 32 iterations: 0.485 (16 iterations 0.514, 64 iterations 0.478);
# silence scores 2.42 and level-matched white noise 7.8 on the same measure.
GRIFFIN_LIM_MEL_L1_MAX = 0.6


def hifigan(config):
    from transformers import SpeechT5HifiGan, SpeechT5HifiGanConfig
    return SpeechT5HifiGan(SpeechT5HifiGanConfig(**config)).eval()


def tiny_hifigan_config():
    return {**audioldm_hifigan_config(), "upsample_initial_channel": 32}


def chord_and_chirp(seconds=2.56):
    n = int(seconds * MEL.sample_rate)
    t = np.arange(n) / MEL.sample_rate
    x = 0.3 * np.sin(2 * np.pi * 440 * t) + 0.2 * np.sin(2 * np.pi * 1250 * t) + 0.1 * np.sin(2 * np.pi * (200 + 1500 * t) * t)
    return torch.from_numpy(normalize_waveform(x, n))[None]


def test_audioldm_hifigan_has_the_published_size():
    with torch.device("meta"):
        model = hifigan(audioldm_hifigan_config())
    n = sum(p.numel() for p in model.parameters())
    assert n == AUDIOLDM_HIFIGAN_PARAMS
    assert round((n + sum(b.numel() for b in model.buffers())) * 4 / 1e6) == 221


def test_audioldm_hifigan_gives_160_samples_per_frame():
    with torch.device("meta"):
        vocoder = HifiGanVocoder(hifigan(audioldm_hifigan_config()))
        wave = vocoder(torch.empty(2, 1024, 64))
    assert vocoder.hop_length == 160 and vocoder.sample_rate == 16000
    assert tuple(wave.shape) == (2, 1024 * 160)


def test_saved_vocoder_folder_loads_back_with_identical_output(tmp_path):
    torch.manual_seed(0)
    model = hifigan(tiny_hifigan_config())
    model.save_pretrained(str(tmp_path / "vocoder"), safe_serialization=True)
    loaded = build_vocoder("hifigan", path=tmp_path / "vocoder")
    logmel = torch.randn(2, 12, 64) - 4.0
    expected = HifiGanVocoder(model)(logmel)
    got = loaded(logmel)
    assert tuple(got.shape) == (2, 12 * 160)
    assert torch.equal(got, expected)


def test_nonnegative_mel_inverse_reproduces_the_mel():
    logmel = log_mel(chord_and_chirp(), MEL)
    mag = mel_to_magnitude_nonneg(logmel, MEL, iterations=100)
    assert mag.shape == (1, MEL.n_fft // 2 + 1, logmel.shape[1])
    assert (mag >= 0).all()
    again = torch.log(torch.clamp(mel_basis(MEL) @ mag, min=1e-5)).transpose(1, 2)
    assert (again - logmel).abs().mean() < 0.01   # measured 0.002


def test_mel_inverse_follows_the_multiplicative_update_rule():
    """The sparse (CPU) products give what the dense update rule, written out here, gives."""
    logmel = torch.randn(3, 7, MEL.n_mels) - 3.0
    basis = mel_basis(MEL)
    mel = torch.exp(logmel).transpose(1, 2)
    tiny = torch.finfo(mel.dtype).tiny
    mag = (basis.T @ mel / basis.T.sum(1, keepdim=True).clamp_min(tiny)).clamp_min(tiny)
    for _ in range(5):
        mag = mag * (basis.T @ (mel / (basis @ mag).clamp_min(tiny))) / basis.sum(0).clamp_min(tiny)[None, :, None]
    torch.testing.assert_close(mel_to_magnitude_nonneg(logmel, MEL, iterations=5), mag, rtol=1e-4, atol=1e-7)


def test_griffin_lim_reconstructs_a_known_signal():
    wave = chord_and_chirp()
    logmel = log_mel(wave, MEL)
    vocoder = GriffinLimVocoder(MEL, n_iter=32)
    out = vocoder(logmel)
    assert out.shape == wave.shape
    assert (log_mel(out, MEL) - logmel).abs().mean() < GRIFFIN_LIM_MEL_L1_MAX
    # the level comes back close to the peak-0.5 input (measured RMS ratio 0.90)
    ratio = out.pow(2).mean().sqrt() / wave.pow(2).mean().sqrt()
    assert 0.7 < ratio < 1.3


def test_griffin_lim_is_deterministic_and_batch_independent():
    wave = chord_and_chirp(0.64)
    logmel = log_mel(torch.cat([wave, 0.5 * wave.flip(-1)]), MEL)
    vocoder = build_vocoder("griffin_lim", n_iter=4, seed=7, sample_rate=16000)
    both = vocoder(logmel)
    assert torch.equal(both, vocoder(logmel))
    assert torch.equal(both[:1], vocoder(logmel[:1]))
    assert not torch.equal(both, build_vocoder("griffin_lim", n_iter=4, seed=8)(logmel))


def test_bad_vocoder_requests_are_refused(tmp_path):
    with pytest.raises(ConfigError, match="kind"):
        build_vocoder("wavenet")
    with pytest.raises(ConfigError, match="path"):
        build_vocoder("hifigan")
    with pytest.raises(ConfigError, match="config.json"):
        load_hifigan(tmp_path)
    with pytest.raises(ConfigError, match="unknown"):
        build_vocoder("griffin_lim", iterations=3)
    with pytest.raises(ConfigError, match="64"):
        GriffinLimVocoder(MEL)(torch.zeros(1, 10, 80))


def save_tiny_hifigan(folder, **overrides):
    torch.manual_seed(0)
    hifigan({**tiny_hifigan_config(), **overrides}).save_pretrained(str(folder), safe_serialization=True)
    return folder / "model.safetensors"


def test_a_22khz_hop_256_vocoder_is_refused(tmp_path):
    """It would run: its audio, written at 16 kHz and cropped at 160 samples a frame, plays at the wrong speed."""
    weights = save_tiny_hifigan(tmp_path / "v22k", sampling_rate=22050, upsample_rates=[8, 8, 2, 2],
                                upsample_kernel_sizes=[16, 16, 4, 4])
    with pytest.raises(CheckpointError, match=rf"{weights}: not a 16000 Hz, hop 160, 64-mel HiFi-GAN; sampling_rate "
                                              r"is 22050, the project needs 16000; hop is 256, the project needs 160"):
        build_vocoder("hifigan", path=tmp_path / "v22k")


def test_vocoder_facts_come_from_the_frontend(tmp_path):
    save_tiny_hifigan(tmp_path / "v80", model_in_dim=80)
    with pytest.raises(CheckpointError, match="mel bins is 80, the project needs 64"):
        load_hifigan(tmp_path / "v80")
    # the same 80-mel vocoder is what a plan with an 80-mel frontend asks for
    vocoder = build_vocoder("hifigan", path=tmp_path / "v80", mel=MelConfig(n_mels=80))
    assert vocoder.n_mels == 80


def test_a_vocoder_with_missing_weights_is_refused(tmp_path):
    from safetensors.torch import load_file, save_file
    weights = save_tiny_hifigan(tmp_path / "vocoder")
    state = load_file(str(weights))
    save_file({k: v for k, v in state.items() if not k.startswith("resblocks.")}, str(weights), metadata={"format": "pt"})
    with pytest.raises(CheckpointError, match=rf"{weights}: not a 16000 Hz.*missing from the file: resblocks\.0\."):
        load_hifigan(tmp_path / "vocoder")
