"""The energy-score loss (AudioDEAR's training objective for the one-step head).

For one target y and m model samples x_1..x_m, with d(a, b) = ||a - b||_2 ** alpha:

    loss = 2 * [ (1/m) sum_j d(x_j, y)  -  1/(2 m (m-1)) sum_{j != k} d(x_j, x_k) ]

an unbiased estimate of 2 E d(X, y) - E d(X, X'), the negated energy score scaled by 2, so that
m = 2, alpha = 1 is exactly ||x1 - y|| + ||x2 - y|| - ||x1 - x2||. Averaged over y ~ Q it equals
the energy distance D(P, Q) plus E d(Y, Y'), a constant of the data: minimised by P = Q for
alpha in (0, 2) (strictly proper).
"""
from __future__ import annotations

import torch
from torch import Tensor


def safe_distance(diff: Tensor, alpha: float = 1.0, eps: float = 1e-12) -> Tensor:
    """||diff||^alpha over the last dim, computed as (sum diff^2 + eps)^(alpha/2) so that the
    gradient at diff = 0 is 0 instead of NaN (it happens: a zero-initialised head returns equal
    samples for every noise)."""
    return (diff.pow(2).sum(dim=-1) + eps).pow(alpha / 2)


def energy_score_loss(samples: Tensor, target: Tensor, alpha: float = 1.0, eps: float = 1e-12) -> Tensor:
    """samples (n, m, C) with m >= 2, target (n, C) -> per-target loss (n,), computed in float32 or wider."""
    if samples.dim() != 3 or target.dim() != 2 or samples.shape[0] != target.shape[0] \
            or samples.shape[2] != target.shape[1]:
        raise ValueError(f"energy_score_loss: samples (n, m, C) and target (n, C) expected, "
                         f"got {tuple(samples.shape)} and {tuple(target.shape)}")
    m = samples.shape[1]
    if m < 2:
        raise ValueError(f"energy_score_loss needs m >= 2 samples per target, got {m}")
    dtype = torch.promote_types(samples.dtype, torch.float32)
    x, y = samples.to(dtype), target.to(dtype)
    to_target = safe_distance(x - y[:, None, :], alpha, eps).mean(dim=1)
    j, k = torch.triu_indices(m, m, offset=1, device=x.device)
    # Sum over j != k = twice the sum over j < k: mean over the m(m-1)/2 pairs.
    between = safe_distance(x[:, j] - x[:, k], alpha, eps).mean(dim=1)
    return 2.0 * to_target - between
