"""AudioDEAR's one-step energy-scoring head: a noise-driven AdaLN MLP trained with the energy score.

design "b" (the paper's choice): the Gaussian noise is the main input (``input_proj``) and the
context h enters through AdaLN; design "a" swaps them (h is the main input, the noise drives
AdaLN). No time input. One forward pass per token at sampling time.

Draw layout: ``noise`` (n, m, noise_dim), the m noises of each token contiguous.
"""
from __future__ import annotations

import torch
from torch import Tensor

from audiodear.losses.energy_score import energy_score_loss

from .adaln_mlp import AdaLNMLP
from .base import Head, check_no_extra, check_shapes, randn


class EnergyHead(Head):
    def __init__(self, token_dim: int, cond_dim: int, width: int = 1024, depth: int = 3, design: str = "b",
                 noise_dim: int | None = None, num_samples: int = 2, alpha: float = 1.0):
        super().__init__()
        if design not in ("a", "b"):
            raise ValueError(f"design must be 'a' or 'b', got {design!r}")
        self.token_dim, self.cond_dim = token_dim, cond_dim
        self.design, self.num_samples, self.alpha = design, num_samples, alpha
        self.noise_dim = noise_dim or token_dim
        if design == "b":
            self.net = AdaLNMLP(self.noise_dim, cond_dim, token_dim, width=width, depth=depth)
        else:
            self.net = AdaLNMLP(cond_dim, self.noise_dim, token_dim, width=width, depth=depth)

    def generate(self, h: Tensor, noise: Tensor) -> Tensor:
        """h (k, D), noise (k, noise_dim) -> tokens (k, C)."""
        noise = noise.to(h.dtype)
        return self.net(noise, h) if self.design == "b" else self.net(h, noise)

    def draw(self, n: int, generator: torch.Generator, device) -> dict[str, Tensor]:
        return {"noise": randn((n, self.num_samples, self.noise_dim), generator, device)}

    def loss(self, h: Tensor, target: Tensor, draws: dict[str, Tensor]) -> Tensor:
        check_shapes(self, h, target)
        n, m = target.shape[0], draws["noise"].shape[1]
        noise = draws["noise"].to(h.dtype)
        # All m samples of all tokens in one forward pass. In design b the samples of a token share
        # its context, so its AdaLN modulation is computed once for the m of them.
        if self.design == "b":
            x = self.net(noise, h)
        else:
            x = self.generate(h.repeat_interleave(m, dim=0), noise.reshape(n * m, self.noise_dim))
        return energy_score_loss(x.reshape(n, m, self.token_dim), target, self.alpha)

    @torch.no_grad()
    def sample(self, h: Tensor, generator: torch.Generator, temperature: float = 1.0, **kw) -> Tensor:
        """One forward pass per token; ``temperature`` scales the input noise."""
        check_no_extra(type(self).__name__, kw)
        check_shapes(self, h)
        return self.generate(h, temperature * randn((h.shape[0], self.noise_dim), generator, h.device))
