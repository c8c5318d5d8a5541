"""Log-mel (B, T, 64) -> waveform (B, T * hop): AudioLDM's HiFi-GAN or a weight-free Griffin-Lim.

Both vocoders take the frontend's output exactly (``audiodear.audio.mel.log_mel``: natural log of
the Slaney mel magnitude, time first) and are called the same way: ``vocoder(logmel) -> wave``.

* ``hifigan``: AudioLDM's 16 kHz, 64-mel HiFi-GAN as transformers' ``SpeechT5HifiGan``, loaded
  offline from a diffusers pipeline's ``vocoder/`` folder (``config.json`` + ``model.safetensors``
  or ``pytorch_model.bin``). Paper scale.
* ``griffin_lim``: no weights, for the embedded default. The mel is turned back into a linear
  magnitude by a non-negative inverse of the same librosa filterbank, then torchaudio's
  Griffin-Lim recovers a phase.
"""
from __future__ import annotations

import warnings
from dataclasses import fields
from pathlib import Path

import torch
import torchaudio

from ..errors import ConfigError
from ..utils.checkpoint_check import check_config_type, check_facts, from_pretrained, weights_file
from ..utils.checkpoint_files import record_folder
from .mel import MelConfig, mel_basis

# AudioLDM's vocoder config as diffusers' conversion script writes it for SpeechT5HifiGanConfig.
AUDIOLDM_HIFIGAN = {
    "model_in_dim": 64,
    "sampling_rate": 16000,
    "upsample_initial_channel": 1024,
    "upsample_rates": [5, 4, 2, 2, 2],
    "upsample_kernel_sizes": [16, 16, 8, 4, 4],
    "resblock_kernel_sizes": [3, 7, 11],
    "resblock_dilation_sizes": [[1, 3, 5], [1, 3, 5], [1, 3, 5]],
    "normalize_before": False,
}
HIFIGAN_WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
# SpeechT5HifiGanConfig.model_type: "hifigan" in transformers 4, "speecht5_hifigan" in transformers 5.
HIFIGAN_MODEL_TYPES = ("hifigan", "speecht5_hifigan")


def audioldm_hifigan_config() -> dict:
    return {k: [list(x) if isinstance(x, list) else x for x in v] if isinstance(v, list) else v
            for k, v in AUDIOLDM_HIFIGAN.items()}


def _check_logmel(logmel: torch.Tensor, n_mels: int) -> None:
    if logmel.dim() != 3 or logmel.shape[-1] != n_mels:
        raise ConfigError(f"vocoder input must be a log-mel of shape (batch, frames, {n_mels}), got {tuple(logmel.shape)}")


class HifiGanVocoder:
    """AudioLDM's HiFi-GAN; the hop (samples per frame) is the product of the upsample rates."""

    def __init__(self, model):
        self.model = model.eval()
        self.sample_rate = int(model.config.sampling_rate)
        self.n_mels = int(model.config.model_in_dim)
        self.hop_length = 1
        for rate in model.config.upsample_rates:
            self.hop_length *= int(rate)

    @torch.no_grad()
    def __call__(self, logmel: torch.Tensor) -> torch.Tensor:
        _check_logmel(logmel, self.n_mels)
        param = next(self.model.parameters())
        # The first transposed convolution (kernel 16, stride 5) yields 5T + 1 steps, 32 samples past
        # T * hop after the later layers; AudioLDM's pipeline crops the end the same way.
        return self.model(logmel.to(param))[:, : logmel.shape[1] * self.hop_length]


def load_hifigan(folder: str | Path, device: str | torch.device = "cpu", mel: MelConfig = MelConfig()) -> HifiGanVocoder:
    """AudioLDM's HiFi-GAN from a local folder, every tensor from the file.

    Its sample rate, hop (the product of the upsample rates) and mel bins must be the frontend's
    (``mel``): a 22.05 kHz vocoder with hop 256 would run, and its audio, written at 16 kHz and
    cropped to 160 samples a frame, would play at the wrong speed.
    """
    from transformers import SpeechT5HifiGan

    folder = Path(folder)
    if not (folder / "config.json").is_file():
        raise ConfigError(f"{folder}: not a vocoder folder (config.json missing)")
    weights = weights_file(folder, HIFIGAN_WEIGHT_FILES, "vocoder")
    what = f"a {mel.sample_rate} Hz, hop {mel.hop_length}, {mel.n_mels}-mel HiFi-GAN"
    check_config_type(folder, what, model_type=HIFIGAN_MODEL_TYPES)
    model = from_pretrained(SpeechT5HifiGan, folder, weights, what)
    vocoder = HifiGanVocoder(model)
    check_facts(weights, what, {"sampling_rate": vocoder.sample_rate, "hop": vocoder.hop_length, "mel bins": vocoder.n_mels},
                {"sampling_rate": mel.sample_rate, "hop": mel.hop_length, "mel bins": mel.n_mels})
    record_folder(folder, weights)
    vocoder.model.to(device)
    return vocoder


def mel_to_magnitude_nonneg(logmel: torch.Tensor, cfg: MelConfig, iterations: int = 50) -> torch.Tensor:
    """Non-negative inverse of the mel filterbank: (B, T, n_mels) -> (B, n_fft // 2 + 1, T).

    Multiplicative (Richardson-Lucy / KL-NMF) updates keep the magnitude non-negative and fit the
    mel in relative terms, so quiet bands are matched as well as loud ones. The least-squares
    inverse clipped at zero and librosa's ``nnls`` fit absolute errors:
    on a test chord their re-analysed log-mel is off by 1.6 (mean |error|), this by 0.002 after
    100 updates (bench/bench_latents.py measures it). After 32 Griffin-Lim iterations, corpus clips
    come back equally close from 25, 50 or 100 updates (log-mel L1 0.1017 / 0.1017 / 0.1017), a dense
    chord-and-chirp does not (0.67 / 0.57 / 0.48): 50 is the default, at half the cost of 100.
    Updates run in place. Every clip and frame is one column of a (n_freq, B * T) matrix, so each
    update is two products with the filterbank. On a CPU the product that sums frequency bins into
    mel bands uses the filterbank's sparsity (each bin lies in at most two triangles: 3 % of the
    entries are non-zero); the product back to bins stays dense, where a sparse CSR product is the
    slower of the two (bench/bench_latents.py times both).
    """
    b, frames, n_mels = logmel.shape
    dense = mel_basis(cfg).to(logmel)                       # (n_mels, n_freq)
    tiny = torch.finfo(logmel.dtype).tiny
    norm = dense.sum(0).clamp_min(tiny)[:, None]            # B^T 1
    basis, basis_t = dense, dense.T.contiguous()
    if logmel.device.type == "cpu":
        with warnings.catch_warnings():  # "sparse CSR support is in beta": products with a dense matrix are stable
            warnings.simplefilter("ignore", UserWarning)
            basis = basis.to_sparse_csr()
    mel = torch.exp(logmel).permute(2, 0, 1).reshape(n_mels, b * frames).contiguous()
    mag = (basis_t @ mel / norm).clamp_min_(tiny)
    for _ in range(iterations):
        ratio = (basis @ mag).clamp_min_(tiny)
        torch.div(mel, ratio, out=ratio)
        mag.mul_((basis_t @ ratio).div_(norm))
    return mag.reshape(-1, b, frames).permute(1, 0, 2)


class GriffinLimVocoder:
    """Weight-free vocoder: non-negative mel inverse, then a fixed number of Griffin-Lim iterations.

    Deterministic: every clip starts from the same seeded random phase, whatever the batch.
    The frames are re-aligned to the frontend's framing (reflect padding of (n_fft - hop) / 2 and
    no centring), so re-analysing the output with ``log_mel`` compares frame by frame.
    """

    def __init__(self, mel: MelConfig = MelConfig(), n_iter: int = 16, momentum: float = 0.99,
                 inverse_iterations: int = 50, seed: int = 0):
        if n_iter < 1 or inverse_iterations < 0:
            raise ConfigError(f"griffin_lim fields 'n_iter' ({n_iter}) must be >= 1 and "
                              f"'inverse_iterations' ({inverse_iterations}) >= 0")
        self.mel = mel
        self.n_iter = int(n_iter)
        self.momentum = float(momentum)
        self.inverse_iterations = int(inverse_iterations)
        self.seed = int(seed)
        self.sample_rate = mel.sample_rate
        self.hop_length = mel.hop_length
        self.n_mels = mel.n_mels

    def _phase_retrieval(self, mag: torch.Tensor) -> torch.Tensor:
        cfg = self.mel
        window = torch.hann_window(cfg.win_length, device=mag.device, dtype=mag.dtype)
        cuda = []
        if mag.device.type == "cuda":
            cuda = [mag.device.index if mag.device.index is not None else torch.cuda.current_device()]
        with torch.random.fork_rng(devices=cuda):
            torch.manual_seed(self.seed)
            return torchaudio.functional.griffinlim(
                mag, window, cfg.n_fft, cfg.hop_length, cfg.win_length, 1.0, self.n_iter, self.momentum,
                None, True)

    @torch.no_grad()
    def __call__(self, logmel: torch.Tensor) -> torch.Tensor:
        _check_logmel(logmel, self.n_mels)
        cfg = self.mel
        mag = mel_to_magnitude_nonneg(logmel.float(), cfg, self.inverse_iterations)
        # Griffin-Lim frames are centred at k * hop; the frontend's frame k is centred at k * hop + offset.
        offset = cfg.n_fft // 2 - (cfg.n_fft - cfg.hop_length) // 2
        waves = []
        for one in mag:  # one clip at a time, so each starts from the same seeded phase
            y = self._phase_retrieval(one.unsqueeze(0))      # (1, (T - 1) * hop)
            waves.append(torch.nn.functional.pad(y, (offset, cfg.hop_length - offset)))
        return torch.cat(waves, 0)


def build_vocoder(kind: str, **cfg):
    """``build_vocoder("griffin_lim", n_iter=32, ...)`` or ``build_vocoder("hifigan", path=..., device=..., mel=...)``.

    For griffin_lim, MelConfig fields (sample_rate, n_fft, ...) may be passed alongside.
    """
    if kind == "hifigan":
        if "path" not in cfg:
            raise ConfigError("vocoder kind 'hifigan' needs field 'path' (a local vocoder folder)")
        return load_hifigan(cfg["path"], cfg.get("device", "cpu"), cfg.get("mel", MelConfig()))
    if kind == "griffin_lim":
        mel_fields = {k: cfg.pop(k) for k in list(cfg) if k in {f.name for f in fields(MelConfig)}}
        unknown = set(cfg) - {"n_iter", "momentum", "inverse_iterations", "seed"}
        if unknown:
            raise ConfigError(f"vocoder kind 'griffin_lim' has unknown field(s) {sorted(unknown)}")
        return GriffinLimVocoder(MelConfig(**mel_fields), **cfg)
    raise ConfigError(f"vocoder field 'kind' is {kind!r}; expected 'griffin_lim' or 'hifigan'")
