"""The torch device a job runs on, and the numeric precision it computes in."""
from __future__ import annotations

import contextlib

import torch

from ..errors import ConfigError


def resolve_device(name: str) -> str:
    if name == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cuda" and not torch.cuda.is_available():
        raise ConfigError("key 'device': 'cuda' was asked for but no CUDA device is visible")
    return name


PRECISIONS = ("fp32", "bf16")


def autocast(precision: str, device: str | torch.device):
    """A context for ``precision``: bf16 autocast on ``device`` (matrix products and convolutions in
    bf16, reductions and norms in fp32), or nothing for fp32."""
    if precision == "fp32":
        return contextlib.nullcontext()
    if precision == "bf16":
        return torch.autocast(torch.device(device).type, dtype=torch.bfloat16)
    raise ConfigError(f"precision {precision!r} is not one of {PRECISIONS}")
