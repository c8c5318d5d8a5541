"""The AdaLN residual MLP that every head is built from (the architecture of MAR's SimpleMLPAdaLN).

Main input -> ``input_proj``; the conditioning vector y = cond_embed(c) + sum of the time
embeddings drives every block's shift/scale/gate (AdaLN). Parameter names follow MAR's so a MAR
head's weights map one to one (a second time embedder, absent in MAR, is called ``time_embed2``).
"""
from __future__ import annotations

import math

import torch
from torch import Tensor, nn


def modulate(x: Tensor, shift: Tensor, scale: Tensor) -> Tensor:
    return x * (1 + scale) + shift


class TimestepEmbedder(nn.Module):
    """Scalar time -> sinusoidal features (``freq_dim``) -> Linear-SiLU-Linear (width)."""

    def __init__(self, width: int, freq_dim: int = 256, max_period: float = 10000.0):
        super().__init__()
        self.freq_dim = freq_dim
        self.max_period = max_period
        self.mlp = nn.Sequential(nn.Linear(freq_dim, width), nn.SiLU(), nn.Linear(width, width))

    def sinusoidal(self, t: Tensor) -> Tensor:
        # At least float32: half-precision times would collapse neighbouring steps.
        dtype = torch.promote_types(t.dtype, torch.float32) if t.is_floating_point() else torch.float32
        half = self.freq_dim // 2
        freqs = torch.exp(-math.log(self.max_period) * torch.arange(half, dtype=dtype, device=t.device) / half)
        args = t.to(dtype)[:, None] * freqs[None]
        emb = torch.cat([torch.cos(args), torch.sin(args)], dim=-1)
        if self.freq_dim % 2:
            emb = torch.cat([emb, torch.zeros_like(emb[:, :1])], dim=-1)
        return emb

    def forward(self, t: Tensor) -> Tensor:
        return self.mlp(self.sinusoidal(t).to(self.mlp[0].weight.dtype))


class ResBlock(nn.Module):
    """LayerNorm -> AdaLN shift/scale -> Linear-SiLU-Linear -> gated residual."""

    def __init__(self, width: int):
        super().__init__()
        self.in_ln = nn.LayerNorm(width, eps=1e-6)
        self.mlp = nn.Sequential(nn.Linear(width, width), nn.SiLU(), nn.Linear(width, width))
        self.adaLN_modulation = nn.Sequential(nn.SiLU(), nn.Linear(width, 3 * width))

    def forward(self, x: Tensor, y: Tensor) -> Tensor:
        shift, scale, gate = self.adaLN_modulation(y).chunk(3, dim=-1)
        return x + gate * self.mlp(modulate(self.in_ln(x), shift, scale))


class FinalLayer(nn.Module):
    def __init__(self, width: int, out_dim: int):
        super().__init__()
        self.norm_final = nn.LayerNorm(width, elementwise_affine=False, eps=1e-6)
        self.linear = nn.Linear(width, out_dim)
        self.adaLN_modulation = nn.Sequential(nn.SiLU(), nn.Linear(width, 2 * width))

    def forward(self, x: Tensor, y: Tensor) -> Tensor:
        shift, scale = self.adaLN_modulation(y).chunk(2, dim=-1)
        return self.linear(modulate(self.norm_final(x), shift, scale))


class AdaLNMLP(nn.Module):
    """x (n, in_dim), c (n, cond_dim), times: ``num_times`` tensors (n,) -> (n, out_dim)."""

    def __init__(self, in_dim: int, cond_dim: int, out_dim: int, width: int = 1024, depth: int = 3,
                 num_times: int = 0):
        super().__init__()
        if num_times not in (0, 1, 2):
            raise ValueError(f"num_times must be 0, 1 or 2, got {num_times}")
        self.in_dim, self.cond_dim, self.out_dim = in_dim, cond_dim, out_dim
        self.width, self.depth, self.num_times = width, depth, num_times
        if num_times >= 1:
            self.time_embed = TimestepEmbedder(width)
        if num_times == 2:
            self.time_embed2 = TimestepEmbedder(width)
        self.cond_embed = nn.Linear(cond_dim, width)
        self.input_proj = nn.Linear(in_dim, width)
        self.res_blocks = nn.ModuleList(ResBlock(width) for _ in range(depth))
        self.final_layer = FinalLayer(width, out_dim)
        self.initialize_weights()

    def time_embedders(self) -> list[TimestepEmbedder]:
        return [m for m in (getattr(self, "time_embed", None), getattr(self, "time_embed2", None)) if m is not None]

    def initialize_weights(self) -> None:
        # MAR/DiT initialisation: xavier linears, small time MLPs, and zeroed modulations and output
        # so that every block starts as the identity and the head starts by predicting zeros.
        for module in self.modules():
            if isinstance(module, nn.Linear):
                nn.init.xavier_uniform_(module.weight)
                nn.init.zeros_(module.bias)
        for embedder in self.time_embedders():
            nn.init.normal_(embedder.mlp[0].weight, std=0.02)
            nn.init.normal_(embedder.mlp[2].weight, std=0.02)
        for block in self.res_blocks:
            nn.init.zeros_(block.adaLN_modulation[-1].weight)
            nn.init.zeros_(block.adaLN_modulation[-1].bias)
        for layer in (self.final_layer.adaLN_modulation[-1], self.final_layer.linear):
            nn.init.zeros_(layer.weight)
            nn.init.zeros_(layer.bias)

    def forward(self, x: Tensor, c: Tensor, *times: Tensor) -> Tensor:
        """x (n, in_dim) with c (n, cond_dim); or x (n, k, in_dim) with c (n, cond_dim): k inputs that
        share one condition, which is then embedded and turned into shift/scale/gate once, not k times
        (the energy score's samples of a token; the modulations are most of the head's work)."""
        if len(times) != self.num_times:
            raise ValueError(f"AdaLNMLP expects {self.num_times} time input(s), got {len(times)}")
        if x.dim() not in (c.dim(), c.dim() + 1) or x.shape[0] != c.shape[0]:
            raise ValueError(f"AdaLNMLP: x {tuple(x.shape)} and c {tuple(c.shape)} must be (n, ...) and (n, "
                             f"{self.cond_dim}), x with at most one extra (shared-condition) dimension")
        y = self.cond_embed(c)
        for embedder, t in zip(self.time_embedders(), times):
            y = y + embedder(t)
        if x.dim() == y.dim() + 1:
            y = y.unsqueeze(-2)
        x = self.input_proj(x)
        for block in self.res_blocks:
            x = block(x, y)
        return self.final_layer(x, y)
