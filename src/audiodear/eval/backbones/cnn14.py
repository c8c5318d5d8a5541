"""PANNs Cnn14 at 16 kHz, state-dict compatible with ``Cnn14_16k_mAP=0.438.pth``.

The classifier behind FD, KL and IS in audioldm_eval's cnn14 path: window 512, hop 160, 64 mel
bins from 50 to 8000 Hz, 527 AudioSet classes. The frontend is torchlibrosa's Spectrogram and
LogmelFilterBank (their conv-STFT kernels and mel matrix are part of the state dict), then bn0 over
mel bins, six conv blocks, mean over frequency, max + mean over time, fc1 and fc_audioset.
Outputs as audioldm_eval uses them: ``embedding`` = ReLU(fc1) (its "2048") and ``logits`` =
fc_audioset(ReLU(fc1)) before the sigmoid.

The published checkpoint is a torch pickle ``{"model": state_dict, "iteration": ..., "sampler":
...}`` whose sampler state holds numpy arrays. It is read with ``weights_only=True``, allowing only
numpy's array-reconstruction globals, so no code in the file can run.
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torchlibrosa.stft import LogmelFilterBank, Spectrogram

from ...errors import ConfigError
from ...utils.checkpoint_check import load_state
from ...utils.checkpoint_files import record_files
from ...utils.device import resolve_device
from .base import check_rate, stack_equal_length

CNN14_16K = dict(sample_rate=16000, window_size=512, hop_size=160, mel_bins=64, fmin=50.0, fmax=8000.0,
                 classes_num=527)


class ConvBlock(nn.Module):
    """Two 3×3 conv + BN + ReLU, then pooling (PANNs' ConvBlock; key names conv1/conv2/bn1/bn2)."""

    def __init__(self, in_channels: int, out_channels: int):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, padding=1, bias=False)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.bn2 = nn.BatchNorm2d(out_channels)

    def forward(self, x: torch.Tensor, pool_size=(2, 2)) -> torch.Tensor:
        x = F.relu(self.bn1(self.conv1(x)))
        x = F.relu(self.bn2(self.conv2(x)))
        return F.avg_pool2d(x, kernel_size=pool_size)


class LogMelFrontend(nn.Module):
    """torchlibrosa log-mel as PANNs configure it (Hann window, centred, reflect padding, 10·log10)."""

    def __init__(self, sample_rate: int, window_size: int, hop_size: int, mel_bins: int, fmin: float, fmax: float):
        super().__init__()
        self.spectrogram_extractor = Spectrogram(n_fft=window_size, hop_length=hop_size, win_length=window_size,
                                                 window="hann", center=True, pad_mode="reflect",
                                                 freeze_parameters=True)
        self.logmel_extractor = LogmelFilterBank(sr=sample_rate, n_fft=window_size, n_mels=mel_bins, fmin=fmin,
                                                 fmax=fmax, ref=1.0, amin=1e-10, top_db=None,
                                                 freeze_parameters=True)

    def forward(self, wave: torch.Tensor) -> torch.Tensor:
        """(batch, samples) -> (batch, 1, frames, mel_bins)."""
        return self.logmel_extractor(self.spectrogram_extractor(wave))


class Cnn14(nn.Module):
    def __init__(self, sample_rate=16000, window_size=512, hop_size=160, mel_bins=64, fmin=50.0, fmax=8000.0,
                 classes_num=527):
        super().__init__()
        # Submodules sit at the top level so the state-dict keys match the published checkpoint.
        frontend = LogMelFrontend(sample_rate, window_size, hop_size, mel_bins, fmin, fmax)
        self.spectrogram_extractor = frontend.spectrogram_extractor
        self.logmel_extractor = frontend.logmel_extractor
        self.bn0 = nn.BatchNorm2d(mel_bins)
        widths = [1, 64, 128, 256, 512, 1024, 2048]
        for i in range(6):
            setattr(self, f"conv_block{i + 1}", ConvBlock(widths[i], widths[i + 1]))
        self.fc1 = nn.Linear(2048, 2048, bias=True)
        self.fc_audioset = nn.Linear(2048, classes_num, bias=True)

    def forward(self, wave: torch.Tensor) -> dict[str, torch.Tensor]:
        x = self.logmel_extractor(self.spectrogram_extractor(wave))  # (B, 1, T, M)
        x = self.bn0(x.transpose(1, 3)).transpose(1, 3)  # normalise per mel bin
        for i in range(1, 7):
            x = getattr(self, f"conv_block{i}")(x, pool_size=(2, 2) if i < 6 else (1, 1))
            x = F.dropout(x, p=0.2, training=self.training)
        x = torch.mean(x, dim=3)
        x = torch.max(x, dim=2).values + torch.mean(x, dim=2)
        x = F.dropout(x, p=0.5, training=self.training)
        x = F.dropout(self.fc1(x), p=0.5, training=self.training)
        embedding = F.relu(x)
        return {"embedding": embedding, "logits": self.fc_audioset(embedding)}


def _numpy_safe_globals() -> list:
    # Only what numpy needs to rebuild plain arrays and scalars; nothing that can run other code.
    import numpy.core.multiarray as multiarray

    dtypes = [getattr(np.dtypes, n) for n in dir(np.dtypes) if n.endswith("DType")]
    return [multiarray._reconstruct, multiarray.scalar, np.ndarray, np.dtype, *dtypes]


def read_torch_checkpoint(path: str | Path) -> dict:
    """A torch pickle read with ``weights_only=True`` (numpy arrays allowed); errors name the file."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: checkpoint not found (set the local checkpoint path; nothing is downloaded)")
    try:
        with torch.serialization.safe_globals(_numpy_safe_globals()):
            return torch.load(str(path), map_location="cpu", weights_only=True)
    except Exception as err:  # corrupt files raise several types (UnpicklingError, RuntimeError, EOFError)
        raise ConfigError(f"{path}: not a readable torch checkpoint ({type(err).__name__}: {err})") from None


class Cnn14Backbone:
    loading = "audioldm_eval"

    def __init__(self, model: Cnn14, checkpoint: str, device: torch.device):
        self.model = model.to(device).eval()
        self.device = device
        self.checkpoint = checkpoint
        self.name = "cnn14_16k"
        self.sample_rate = CNN14_16K["sample_rate"]

    @torch.no_grad()
    def embed(self, waves: Sequence[np.ndarray], sample_rate: int) -> dict[str, np.ndarray]:
        check_rate(self, sample_rate)
        out = self.model(stack_equal_length(waves, self.device))
        return {k: v.float().cpu().numpy() for k, v in out.items()}


def load_cnn14(path: str | Path, device: str | torch.device | None = "cpu") -> Cnn14Backbone:
    """Cnn14-16k from a local ``Cnn14_16k_mAP=0.438.pth`` (a dict with key "model")."""
    ckpt = read_torch_checkpoint(path)
    state = ckpt.get("model") if isinstance(ckpt, dict) else None
    if not isinstance(state, dict):
        raise ConfigError(f"{path}: expected a PANNs checkpoint dict with key 'model'")
    model = Cnn14(**CNN14_16K)
    # A 32 kHz Cnn14 differs in its STFT kernels and mel matrix: refused by shape.
    load_state(model, state, path, "a Cnn14-16k checkpoint (16 kHz, window 512, 64 mel bins)")
    record_files(path)
    backbone = Cnn14Backbone(model, Path(path).name, torch.device(resolve_device(device)))
    backbone.checkpoint_path = str(path)
    return backbone


def save_cnn14(model: Cnn14, path: str | Path, **extra) -> None:
    """Write a checkpoint in the published layout ``{"model": state_dict, **extra}``."""
    from ...utils.atomic import atomic_path

    with atomic_path(path) as tmp:
        torch.save({"model": model.state_dict(), **extra}, str(tmp))
