"""The contract every per-token sampling head implements, and the randomness helpers it relies on.

A head models p(x | h) for one continuous token x (dim ``token_dim`` = C) given the backbone's
context vector h (dim ``cond_dim`` = D). Training randomness is separated from the loss:
``draw`` makes every random tensor the loss needs, from one ``torch.Generator``; ``loss`` is then a
pure function of (h, target, draws). Every tensor a draw returns has the token index as its first
dimension, so draws made for several samples and concatenated along dim 0 are laid out exactly as
the loop's concatenated tokens are.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

import torch
from torch import Tensor, nn

from audiodear.errors import ConfigError


class Head(nn.Module, ABC):
    token_dim: int
    cond_dim: int

    @abstractmethod
    def draw(self, n: int, generator: torch.Generator, device: torch.device | str) -> dict[str, Tensor]:
        """All training randomness for ``n`` target tokens; each tensor has first dimension n."""

    @abstractmethod
    def loss(self, h: Tensor, target: Tensor, draws: dict[str, Tensor]) -> Tensor:
        """h (n, D), target (n, C) -> per-token loss (n,); deterministic given ``draws``."""

    @abstractmethod
    def sample(self, h: Tensor, generator: torch.Generator, temperature: float = 1.0, **kw) -> Tensor:
        """h (n, D) -> tokens (n, C)."""


def randn(shape: Sequence[int], generator: torch.Generator, device: torch.device | str) -> Tensor:
    """Standard normal noise drawn on the generator's own device, then moved to ``device``.

    Drawing where the generator lives makes the numbers identical whichever device trains, so a
    CPU-seeded generator gives the same draws to a CPU and a GPU run.
    """
    return torch.randn(tuple(shape), generator=generator, device=generator.device).to(device)


def rand(shape: Sequence[int], generator: torch.Generator, device: torch.device | str) -> Tensor:
    """Uniform [0, 1) numbers, drawn like :func:`randn`."""
    return torch.rand(tuple(shape), generator=generator, device=generator.device).to(device)


def check_no_extra(head: str, kw: dict) -> None:
    """One-step heads take no sampler options; a stray option is a configuration mistake."""
    if kw:
        raise ConfigError(f"{head}.sample: unsupported option(s) {sorted(kw)}")


def check_shapes(head: Head, h: Tensor, target: Tensor | None = None) -> None:
    if h.dim() != 2 or h.shape[1] != head.cond_dim:
        raise ValueError(f"{type(head).__name__}: h must have shape (n, {head.cond_dim}), got {tuple(h.shape)}")
    if target is not None and (target.dim() != 2 or target.shape != (h.shape[0], head.token_dim)):
        raise ValueError(f"{type(head).__name__}: target must have shape ({h.shape[0]}, {head.token_dim}), "
                         f"got {tuple(target.shape)}")
