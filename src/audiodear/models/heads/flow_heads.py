"""One-step flow baselines in the head framework (AudioDEAR Table 4): flow matching, shortcut, MeanFlow.

Convention shared by all three (MeanFlow's): z_t = (1 - t) x + t eps with t in [0, 1], t = 0 the
data and t = 1 pure noise; the velocity is v = dz/dt = eps - x. Sampling starts from eps at t = 1
and takes ONE step to t = 0: x = eps - f(eps, ...) where f estimates the (average) velocity over
[0, 1]. ``temperature`` scales the starting noise. Times enter the sinusoidal embedder as they are,
in [0, 1], as in the MeanFlow and shortcut-model reference code. (Scaling them by 1000, as the
diffusion head's integer steps are, multiplies d_t u by up to 1000; the MeanFlow loss then
diverged on the 2-D toy problem of the tests.)

Draw layouts (first dim = token): ``noise`` (n, C) and per-token uniforms/normals (n,) or (n, 2).
"""
from __future__ import annotations

import torch
from torch import Tensor

from .adaln_mlp import AdaLNMLP
from .base import Head, check_no_extra, check_shapes, rand, randn


def _lerp(x: Tensor, eps: Tensor, t: Tensor) -> Tensor:
    return (1 - t)[:, None] * x + t[:, None] * eps


class FlowMatchingHead(Head):
    """Rectified flow: the net predicts v(z_t, t | h) with t ~ U[0, 1); one Euler step at sampling."""

    def __init__(self, token_dim: int, cond_dim: int, width: int = 1024, depth: int = 3):
        super().__init__()
        self.token_dim, self.cond_dim = token_dim, cond_dim
        self.net = AdaLNMLP(token_dim, cond_dim, token_dim, width=width, depth=depth, num_times=1)

    def draw(self, n: int, generator: torch.Generator, device) -> dict[str, Tensor]:
        return {"noise": randn((n, self.token_dim), generator, device), "t": rand((n,), generator, device)}

    def loss(self, h: Tensor, target: Tensor, draws: dict[str, Tensor]) -> Tensor:
        check_shapes(self, h, target)
        eps, t = draws["noise"].to(target.dtype), draws["t"].to(target.dtype)
        pred = self.net(_lerp(target, eps, t), h, t)
        return ((pred - (eps - target)) ** 2).mean(dim=-1)

    @torch.no_grad()
    def sample(self, h: Tensor, generator: torch.Generator, temperature: float = 1.0, **kw) -> Tensor:
        check_no_extra(type(self).__name__, kw)
        check_shapes(self, h)
        eps = temperature * randn((h.shape[0], self.token_dim), generator, h.device).to(h.dtype)
        return eps - self.net(eps, h, torch.ones(h.shape[0], device=h.device, dtype=h.dtype))


class ShortcutHead(Head):
    """Shortcut model (Frans et al. 2024): s(z_t, t, d | h) moves z_t to z_{t-d} = z_t - d s.

    The step size enters as its level code k = log2(1/d) (second time input, unscaled) with
    d in {1, 1/2, ..., 1/M}, M = 2**levels; the finest level k = levels stands for the
    instantaneous flow (the paper's d = 0, the official code's 1/M). Per token, with probability
    ``bootstrap_fraction`` the target is self-consistency: step 2d = 2**-L (L uniform in
    0..levels-1) from a t on the 2d grid, target = mean of two stop-gradient half steps of size d;
    otherwise the flow-matching target v = eps - x at the finest level with t ~ U[0, 1).
    The targets come from the online network (no EMA copy), stop-gradient.
    """

    def __init__(self, token_dim: int, cond_dim: int, width: int = 1024, depth: int = 3,
                 levels: int = 7, bootstrap_fraction: float = 0.25):
        super().__init__()
        self.token_dim, self.cond_dim = token_dim, cond_dim
        self.levels, self.bootstrap_fraction = levels, bootstrap_fraction
        self.net = AdaLNMLP(token_dim, cond_dim, token_dim, width=width, depth=depth, num_times=2)

    def velocity(self, z: Tensor, h: Tensor, t: Tensor, level: Tensor) -> Tensor:
        return self.net(z, h, t, level.to(z.dtype))

    def draw(self, n: int, generator: torch.Generator, device) -> dict[str, Tensor]:
        u = rand((n, 3), generator, device)
        return {"noise": randn((n, self.token_dim), generator, device),
                "u_t": u[:, 0], "u_level": u[:, 1], "u_branch": u[:, 2]}

    def loss(self, h: Tensor, target: Tensor, draws: dict[str, Tensor]) -> Tensor:
        check_shapes(self, h, target)
        eps, dtype = draws["noise"].to(target.dtype), target.dtype
        bootstrap = draws["u_branch"] < self.bootstrap_fraction
        # Flow-matching rows: continuous t, finest level.
        t = draws["u_t"].to(dtype)
        level = torch.full_like(t, self.levels)
        big_level = torch.clamp((draws["u_level"] * self.levels).floor(), max=self.levels - 1)
        sections = torch.pow(2.0, big_level)
        # Bootstrap rows: t = j * 2d, j in 1..2**L, so that two half steps stay inside [0, 1].
        t_grid = (torch.clamp((draws["u_t"] * sections).floor(), max=sections - 1) + 1) / sections
        t = torch.where(bootstrap, t_grid.to(dtype), t)
        level = torch.where(bootstrap, big_level.to(dtype), level)
        z = _lerp(target, eps, t)
        goal = eps - target
        if bootstrap.any():
            idx = bootstrap.nonzero().squeeze(1)
            goal = goal.clone()
            goal[idx] = self._two_half_steps(z[idx], h[idx], t[idx], level[idx] + 1)
        return ((self.velocity(z, h, t, level) - goal) ** 2).mean(dim=-1)

    @torch.no_grad()
    def _two_half_steps(self, z: Tensor, h: Tensor, t: Tensor, half_level: Tensor) -> Tensor:
        d = torch.pow(2.0, -half_level)
        s1 = self.velocity(z, h, t, half_level)
        s2 = self.velocity(z - d[:, None] * s1, h, t - d, half_level)
        return (s1 + s2) / 2

    @torch.no_grad()
    def sample(self, h: Tensor, generator: torch.Generator, temperature: float = 1.0, **kw) -> Tensor:
        check_no_extra(type(self).__name__, kw)
        check_shapes(self, h)
        n = h.shape[0]
        eps = temperature * randn((n, self.token_dim), generator, h.device).to(h.dtype)
        ones = torch.ones(n, device=h.device, dtype=h.dtype)
        return eps - self.velocity(eps, h, ones, torch.zeros_like(ones))


class MeanFlowHead(Head):
    """MeanFlow (Geng et al. 2025): u(z, r, t | h) = average velocity over [r, t], r <= t.

    Target u_tgt = v - (t - r)(v . d_z u + d_t u), a Jacobian-vector product (``torch.func.jvp``)
    with tangents (v, 0, 1), stop-gradient. (t, r) from a logit-normal(-0.4, 1) pair sorted so
    t >= r, and r = t for a share 1 - ``ratio_r_neq_t`` of tokens (MeanFlow's ImageNet defaults).
    The time inputs are (t, t - r), the embedding the MeanFlow ablation found best. Loss as in
    the reference code: e = SUM of squared errors over the token's channels, divided by
    sg(e + c)^p (adaptive weighting, p = ``adaptive_p`` = 1, c = ``adaptive_c`` = 0.01; p = 0
    gives the plain sum of squares, C times an MSE). One-step sample: x = eps - u(eps, 0, 1).
    """

    def __init__(self, token_dim: int, cond_dim: int, width: int = 1024, depth: int = 3,
                 ratio_r_neq_t: float = 0.25, time_mu: float = -0.4, time_sigma: float = 1.0,
                 adaptive_p: float = 1.0, adaptive_c: float = 0.01):
        super().__init__()
        self.token_dim, self.cond_dim = token_dim, cond_dim
        self.ratio_r_neq_t, self.time_mu, self.time_sigma = ratio_r_neq_t, time_mu, time_sigma
        self.adaptive_p, self.adaptive_c = adaptive_p, adaptive_c
        self.net = AdaLNMLP(token_dim, cond_dim, token_dim, width=width, depth=depth, num_times=2)

    def average_velocity(self, z: Tensor, h: Tensor, r: Tensor, t: Tensor) -> Tensor:
        return self.net(z, h, t, t - r)

    def draw(self, n: int, generator: torch.Generator, device) -> dict[str, Tensor]:
        return {"noise": randn((n, self.token_dim), generator, device),
                "times": randn((n, 2), generator, device), "u_equal": rand((n,), generator, device)}

    def loss(self, h: Tensor, target: Tensor, draws: dict[str, Tensor]) -> Tensor:
        check_shapes(self, h, target)
        dtype = target.dtype
        eps = draws["noise"].to(dtype)
        pair = torch.sigmoid(self.time_mu + self.time_sigma * draws["times"].to(dtype))
        t, r = pair.max(dim=1).values, pair.min(dim=1).values
        r = torch.where(draws["u_equal"] < self.ratio_r_neq_t, r, t)
        z, v = _lerp(target, eps, t), eps - target
        u, du_dt = torch.func.jvp(lambda z_, r_, t_: self.average_velocity(z_, h, r_, t_),
                                  (z, r, t), (v, torch.zeros_like(r), torch.ones_like(t)))
        u_target = (v - (t - r)[:, None] * du_dt).detach()
        err = ((u - u_target) ** 2).sum(dim=-1)
        if self.adaptive_p == 0:
            return err
        return err / (err.detach() + self.adaptive_c) ** self.adaptive_p

    @torch.no_grad()
    def sample(self, h: Tensor, generator: torch.Generator, temperature: float = 1.0, **kw) -> Tensor:
        check_no_extra(type(self).__name__, kw)
        check_shapes(self, h)
        n = h.shape[0]
        eps = temperature * randn((n, self.token_dim), generator, h.device).to(h.dtype)
        ones = torch.ones(n, device=h.device, dtype=h.dtype)
        return eps - self.average_velocity(eps, h, torch.zeros_like(ones), ones)
