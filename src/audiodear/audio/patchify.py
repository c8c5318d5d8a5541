"""Latent maps <-> token sequences, in MAR's ordering (LTH14/mar ``patchify``/``unpatchify``).

A latent (B, C, H, W) is cut into p x p patches. Tokens run over the patch grid row by row (H
outer, W inner); inside a token the features run channel first, then the patch row, then the
patch column, so feature index = c * p * p + i * p + j. The paper's latent 8 x 256 x 16 with
p = 4 gives 64 x 4 = 256 tokens of 8 * 16 = 128 dims.
"""
from __future__ import annotations

import torch

from ..errors import ConfigError


def _check_divisible(height: int, width: int, patch_size: int) -> None:
    if patch_size < 1:
        raise ConfigError(f"field 'patch_size' is {patch_size}; it must be a positive integer")
    if height % patch_size or width % patch_size:
        raise ConfigError(
            f"latent of height {height} and width {width} cannot be cut into {patch_size} x {patch_size} "
            f"patches: field 'patch_size' must divide both (change the clip length or the patch size)")


def token_grid(height: int, width: int, patch_size: int) -> tuple[int, int]:
    """The (rows, columns) of the patch grid of a latent of this height and width."""
    _check_divisible(height, width, patch_size)
    return height // patch_size, width // patch_size


def patchify(latent: torch.Tensor, patch_size: int) -> torch.Tensor:
    """(B, C, H, W) -> (B, (H/p)(W/p), C p^2)."""
    if latent.dim() != 4:
        raise ConfigError(f"patchify expects a latent of shape (batch, channels, height, width), got {tuple(latent.shape)}")
    bsz, c, h, w = latent.shape
    p = patch_size
    gh, gw = token_grid(h, w, p)
    x = latent.reshape(bsz, c, gh, p, gw, p)
    x = torch.einsum("nchpwq->nhwcpq", x)
    return x.reshape(bsz, gh * gw, c * p * p)


def unpatchify(tokens: torch.Tensor, patch_size: int, channels: int, height: int, width: int) -> torch.Tensor:
    """(B, (H/p)(W/p), C p^2) -> (B, C, H, W), the exact inverse of :func:`patchify`."""
    p = patch_size
    gh, gw = token_grid(height, width, p)
    expected = (gh * gw, channels * p * p)
    if tokens.dim() != 3 or tuple(tokens.shape[1:]) != expected:
        raise ConfigError(
            f"tokens of shape {tuple(tokens.shape)} do not match a latent of {channels} x {height} x {width} "
            f"with patch size {p}: expected (batch, {expected[0]}, {expected[1]})")
    bsz = tokens.shape[0]
    x = tokens.reshape(bsz, gh, gw, channels, p, p)
    x = torch.einsum("nhwcpq->nchpwq", x)
    return x.reshape(bsz, channels, height, width)
