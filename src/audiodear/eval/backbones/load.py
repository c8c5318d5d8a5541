"""Loading an evaluation backbone by name (``base.py`` is the interface the backbones share).

Kept apart from ``base.py`` so that the backbones import the interface and this module imports the
backbones: no circle.
"""
from __future__ import annotations

from pathlib import Path

import torch

from ...errors import ConfigError
from .base import Backbone


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
