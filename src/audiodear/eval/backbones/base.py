"""The interface every backbone offers, and helpers the backbones share (``load.py`` picks one by name).

A backbone has ``name``, ``checkpoint`` (what the tables print), ``sample_rate`` (its input rate)
and ``loading`` (the audio-loading convention ``extract`` applies before it), and

- ``embed(waves, sample_rate) -> dict`` with any of ``embedding`` (B, D), ``logits`` (B, C), or
  ``frame_embedding`` (F, D) + ``frame_clip_index`` (F,) (row within the batch);
- ``embed_text(texts) -> (T, D)`` for text-audio models (CLAP).
"""
from __future__ import annotations

from typing import Protocol, Sequence, runtime_checkable

import numpy as np
import torch

from ...errors import AudioError


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
