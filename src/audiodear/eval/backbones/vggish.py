"""VGGish frame embeddings for FAD, as audioldm_eval computes them (torchvggish port, no PCA, no
final ReLU).

The model definition and the input pipeline come from the maintained ``torchvggish`` package
(harritaylor's port): ``VGG(make_layers(), postprocess=False)`` builds the network without
touching the network, ``vggish_input.waveform_to_examples`` frames 16 kHz audio into 0.96 s log-mel
patches (25 ms window, 10 ms hop, 64 bands from 125 to 7500 Hz, log(mel + 0.01)). The weights come
from a local ``vggish-10086976.pth`` (a plain state dict, read with ``weights_only=True``).
audioldm_eval builds the model with ``use_pca=False, use_activation=False``: PCA/quantisation off
and the last ReLU of ``embeddings`` removed, so frames are 128-d pre-activation vectors.
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np
import torch
import torch.nn as nn

from ...errors import ConfigError
from ...utils.checkpoint_check import load_state
from ...utils.checkpoint_files import record_files
from ...utils.device import resolve_device
from .base import check_rate
from .cnn14 import read_torch_checkpoint

SAMPLE_RATE = 16000


def build_vggish() -> nn.Module:
    """The torchvggish VGG with random weights and no PCA postprocessor (nothing is downloaded)."""
    from torchvggish.torchvggish import VGG, make_layers

    return VGG(make_layers(), postprocess=False)


def drop_final_activation(model: nn.Module) -> nn.Module:
    """audioldm_eval's ``use_activation=False``: remove the trailing ReLU of ``embeddings``."""
    layers = list(model.embeddings.children())
    if not isinstance(layers[-1], nn.ReLU):
        raise ConfigError("VGGish embeddings do not end in a ReLU; unexpected torchvggish version")
    model.embeddings = nn.Sequential(*layers[:-1])
    return model


def waveform_to_examples(wave: np.ndarray, sample_rate: int) -> torch.Tensor:
    """torchvggish's preprocessing: (frames, 1, 96, 64) float32 log-mel examples."""
    from torchvggish.vggish_input import waveform_to_examples as to_examples

    return to_examples(np.asarray(wave), sample_rate, return_tensor=True).detach()


class VGGishBackbone:
    loading = "audioldm_eval"

    def __init__(self, model: nn.Module, checkpoint: str, device: torch.device):
        self.model = model.to(device).eval()
        self.device = device
        self.checkpoint = checkpoint
        self.name = "vggish"
        self.sample_rate = SAMPLE_RATE

    @torch.no_grad()
    def embed(self, waves: Sequence[np.ndarray], sample_rate: int) -> dict[str, np.ndarray]:
        check_rate(self, sample_rate)
        examples = [waveform_to_examples(w, sample_rate) for w in waves]
        index = np.concatenate([np.full(len(e), i, dtype=np.int64) for i, e in enumerate(examples)])
        batch = torch.cat(examples).to(self.device)
        frames = self.model(batch) if len(batch) else torch.zeros(0, 128)
        return {"frame_embedding": frames.float().cpu().numpy(), "frame_clip_index": index}


def load_vggish(path: str | Path, device: str | torch.device | None = "cpu") -> VGGishBackbone:
    """VGGish from a local ``vggish-10086976.pth`` (torchvggish's released state dict)."""
    state = read_torch_checkpoint(path)
    if not isinstance(state, dict) or not all(torch.is_tensor(v) for v in state.values()):
        raise ConfigError(f"{path}: expected torchvggish's VGGish state dict (features.*, embeddings.*)")
    model = build_vggish()
    # The PCA parameters file (vggish_pca_params-*.pth) is refused here: none of its keys are VGGish's.
    load_state(model, state, path, "torchvggish's VGGish state dict")
    record_files(path)
    backbone = VGGishBackbone(drop_final_activation(model), Path(path).name, torch.device(resolve_device(device)))
    backbone.checkpoint_path = str(path)
    return backbone


def save_vggish(model: nn.Module, path: str | Path) -> None:
    """Write a state dict in the released layout (call before dropping the final ReLU: same keys)."""
    from ...utils.atomic import atomic_path

    with atomic_path(path) as tmp:
        torch.save(model.state_dict(), str(tmp))
