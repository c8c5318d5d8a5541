"""The torch device a job runs on."""
from __future__ import annotations

import torch

from ..errors import ConfigError


def resolve_device(name: str) -> str:
    if name == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cuda" and not torch.cuda.is_available():
        raise ConfigError("key 'device': 'cuda' was asked for but no CUDA device is visible")
    return name
