"""The interface every backbone offers, and loading one by name.

A backbone has ``name``, ``checkpoint`` (what the tables print), ``sample_rate`` (its input rate)
and ``loading`` (the audio-loading convention ``extract`` applies before it), and

- ``embed(waves, sample_rate) -> dict`` with any of ``embedding`` (B, D), ``logits`` (B, C), or
  ``frame_embedding`` (F, D) + ``frame_clip_index`` (F,) (row within the batch);
- ``embed_text(texts) -> (T, D)`` for text-audio models (CLAP).
"""
from __future__ import annotations

from pathlib import Path
from typing import Protocol, Sequence, runtime_checkable

import numpy as np
import torch

from ...errors import AudioError, ConfigError


@runtime_checkable
class Backbone(Protocol):
    name: str
    checkpoint: str
    sample_rate: int
    loading: str

    def embed(self, waves: Sequence[np.ndarray], sample_rate: int) -> dict[str, np.ndarray]: ...


def check_rate(backbone: Backbone, sample_rate: int) -> None:
    if sample_rate != backbone.sample_rate:
        raise AudioError(f"{backbone.name}: audio at {sample_rate} Hz, the model takes {backbone.sample_rate} Hz "
                         f"(resample first; extract_features does)")


def stack_equal_length(waves: Sequence[np.ndarray], device: torch.device) -> torch.Tensor:
    lengths = {len(w) for w in waves}
    if len(lengths) != 1:
        # zero-padding would change time-pooled outputs, so callers batch only equal lengths
        raise AudioError(f"a batch must hold clips of one length, got lengths {sorted(lengths)}")
    return torch.from_numpy(np.stack([np.asarray(w, dtype=np.float32) for w in waves])).to(device)


def load_backbone(name: str, checkpoint: str | Path, device: str | torch.device | None = "cpu") -> Backbone:
    """Load a backbone by name from a LOCAL checkpoint (file or folder); nothing is downloaded.

    Names: ``cnn14_16k``, ``vggish``, ``hf_clap``, ``embedded_classifier``, ``embedded_vggish``.
    """
    if name == "cnn14_16k":
        from .cnn14 import load_cnn14
        return load_cnn14(checkpoint, device)
    if name == "vggish":
        from .vggish import load_vggish
        return load_vggish(checkpoint, device)
    if name == "hf_clap":
        from .hf_clap import load_hf_clap
        return load_hf_clap(checkpoint, device)
    if name in ("embedded_classifier", "embedded_vggish"):
        from .embedded_io import load_embedded
        model = load_embedded(checkpoint, device)
        if model.name != name:
            raise ConfigError(f"{checkpoint}: holds a {model.name!r} model, asked for {name!r}")
        return model
    raise ConfigError(f"unknown backbone {name!r}; choose cnn14_16k, vggish, hf_clap, "
                      f"embedded_classifier or embedded_vggish")
