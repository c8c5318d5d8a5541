"""The IMPACT/MAR teacher head: an AdaLN MLP denoiser trained with the Gaussian diffusion loss.

Draw layout (per token, contiguous): ``t`` (n, mul) int64 training steps, ``noise`` (n, mul, C),
``mul`` = ``diffusion_batch_mul`` repeats of every target (MAR repeats each target 4x). The per-token
loss averages over its repeats, so masking/averaging tokens in the loop equals MAR's average over
the repeated batch.
"""
from __future__ import annotations

import torch
from torch import Tensor

from .adaln_mlp import AdaLNMLP
from .base import Head, check_shapes, randn
from .gaussian_diffusion import GaussianDiffusion, space_timesteps


class DiffusionHead(Head):
    def __init__(self, token_dim: int, cond_dim: int, width: int = 1024, depth: int = 3,
                 diffusion_batch_mul: int = 4, num_train_steps: int = 1000, sampling_steps: int = 100,
                 clip_x0: float | None = None):
        super().__init__()
        self.token_dim, self.cond_dim = token_dim, cond_dim
        self.diffusion_batch_mul = diffusion_batch_mul
        self.sampling_steps = sampling_steps
        self.clip_x0 = clip_x0  # bound on x0-hat while sampling (None: MAR's unclipped sampler)
        # Outputs eps and the variance interpolation value: 2C channels.
        self.net = AdaLNMLP(token_dim, cond_dim, 2 * token_dim, width=width, depth=depth, num_times=1)
        self.train_diffusion = GaussianDiffusion.cosine(num_train_steps)
        self._sampling: dict[int, GaussianDiffusion] = {}

    def sampling_diffusion(self, steps: int) -> GaussianDiffusion:
        if steps not in self._sampling:
            keep = space_timesteps(self.train_diffusion.num_timesteps, steps)
            self._sampling[steps] = self.train_diffusion.respaced(keep)
        return self._sampling[steps]

    def draw(self, n: int, generator: torch.Generator, device) -> dict[str, Tensor]:
        mul, steps = self.diffusion_batch_mul, self.train_diffusion.num_timesteps
        t = torch.randint(0, steps, (n, mul), generator=generator, device=generator.device).to(device)
        return {"t": t, "noise": randn((n, mul, self.token_dim), generator, device)}

    def loss(self, h: Tensor, target: Tensor, draws: dict[str, Tensor]) -> Tensor:
        check_shapes(self, h, target)
        n, mul = target.shape[0], self.diffusion_batch_mul
        t = draws["t"].reshape(n * mul)
        noise = draws["noise"].reshape(n * mul, self.token_dim).to(target.dtype)
        x0 = target.repeat_interleave(mul, dim=0)
        c = h.repeat_interleave(mul, dim=0)
        xt = self.train_diffusion.q_sample(x0, t, noise)
        out = self.net(xt, c, t)
        return self.train_diffusion.training_loss(out.to(x0.dtype), x0, xt, t, noise).reshape(n, mul).mean(dim=1)

    @torch.no_grad()
    def sample(self, h: Tensor, generator: torch.Generator, temperature: float = 1.0,
               steps: int | None = None, cfg_scale: float = 1.0, cfg_halves: bool | None = None) -> Tensor:
        """h (n, D) -> (n, C); in guided mode h holds the conditional rows then the unconditional
        rows (n = 2m) and the m guided samples come back. Guided mode is ``cfg_halves`` or, when
        that is None, ``cfg_scale != 1``. Pass ``cfg_halves=True`` whenever h holds both halves:
        a scheduled scale can be exactly 1 (IMPACT's schedule starts there) and the layout must
        not change with it.

        Guidance at noise level (MAR's forward_with_cfg): both halves denoise the SAME x_t (one
        initial noise, one trajectory), eps = eps_u + s (eps_c - eps_u), and the conditional
        half's variance output is used.
        """
        if h.dim() != 2 or h.shape[1] != self.cond_dim:
            raise ValueError(f"DiffusionHead: h must have shape (n, {self.cond_dim}), got {tuple(h.shape)}")
        diffusion = self.sampling_diffusion(steps or self.sampling_steps)
        guided = cfg_scale != 1.0 if cfg_halves is None else bool(cfg_halves)
        if guided and h.shape[0] % 2:
            raise ValueError("DiffusionHead.sample with cfg_scale != 1 needs an even number of rows "
                             "(conditional half, then unconditional half)")
        m = h.shape[0] // 2 if guided else h.shape[0]
        x = randn((m, self.token_dim), generator, h.device).to(h.dtype)

        def model_fn(xt: Tensor, t: Tensor) -> Tensor:
            # Every row is at the same step: embed the time once and let it broadcast (the time
            # MLP is about a seventh of the head's work per row).
            t = t[:1]
            if not guided:
                return self.net(xt, h, t).to(xt.dtype)
            out = self.net(torch.cat([xt, xt]), h, t).to(xt.dtype)
            eps, var = out.split(self.token_dim, dim=-1)
            eps_c, eps_u = eps.chunk(2)
            return torch.cat([eps_u + cfg_scale * (eps_c - eps_u), var[:m]], dim=-1)

        return diffusion.p_sample_loop(model_fn, x, generator, temperature, self.clip_x0)
