"""IDDPM-style Gaussian diffusion on flat token vectors, as MAR's diffusion loss uses it.

Cosine noise schedule (Nichol & Dhariwal, betas capped at 0.999), epsilon prediction with a learned
variance (``learned_range``: the model's second C channels v in [-1, 1] interpolate the log variance
between the clipped posterior variance and beta), training loss = MSE(eps) + VLB term, and ancestral
sampling on a respaced subset of steps. Respacing follows IDDPM's ``space_timesteps``: keep a subset
of the training steps and recompute each kept step's beta from the cumulative alphas, so the model
is still called with the ORIGINAL step index (``timestep_map``).

The VLB term, as in MAR: KL(q(x_{t-1}|x_t,x0) || p(x_{t-1}|x_t)) with the predicted mean detached
(the variance is learned by the VLB only), in bits per channel; at t = 0 the decoder NLL of a
Gaussian discretised into bins of width 2/255 with open edge bins beyond +-0.999 (IDDPM's image
likelihood). MAR keeps that image-style decoder term for its continuous tokens and so do we, to
train the same objective as the teacher; it touches 1 step in 1000.

All schedule constants are computed in float64 and applied in the input's dtype.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence

import numpy as np
import torch
from torch import Tensor

from .base import randn


def cosine_betas(num_steps: int, max_beta: float = 0.999) -> np.ndarray:
    def alpha_bar(s: float) -> float:
        return math.cos((s + 0.008) / 1.008 * math.pi / 2) ** 2

    return np.array([min(1 - alpha_bar((i + 1) / num_steps) / alpha_bar(i / num_steps), max_beta)
                     for i in range(num_steps)], dtype=np.float64)


def space_timesteps(num_steps: int, section_counts: int | Sequence[int]) -> list[int]:
    """IDDPM's respacing: split [0, num_steps) into equal sections and take evenly strided,
    rounded steps from each (``section_counts`` per section)."""
    counts = [section_counts] if isinstance(section_counts, int) else list(section_counts)
    size_per, extra = divmod(num_steps, len(counts))
    start, kept = 0, []
    for i, count in enumerate(counts):
        size = size_per + (1 if i < extra else 0)
        if not 1 <= count <= size:
            raise ValueError(f"cannot take {count} steps from a section of {size}")
        stride = (size - 1) / (count - 1) if count > 1 else 1
        position = 0.0
        for _ in range(count):
            kept.append(start + round(position))
            position += stride
        start += size
    return sorted(set(kept))


def normal_kl(mean1: Tensor, logvar1: Tensor, mean2: Tensor, logvar2: Tensor) -> Tensor:
    return 0.5 * (-1.0 + logvar2 - logvar1 + torch.exp(logvar1 - logvar2) + (mean1 - mean2) ** 2 * torch.exp(-logvar2))


def _approx_std_normal_cdf(x: Tensor) -> Tensor:
    return 0.5 * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x.pow(3))))


def discretized_gaussian_log_likelihood(x: Tensor, mean: Tensor, log_scale: Tensor) -> Tensor:
    centered = x - mean
    inv_std = torch.exp(-log_scale)
    cdf_plus = _approx_std_normal_cdf(inv_std * (centered + 1.0 / 255.0))
    cdf_min = _approx_std_normal_cdf(inv_std * (centered - 1.0 / 255.0))
    log_cdf_plus = torch.log(cdf_plus.clamp(min=1e-12))
    log_one_minus_cdf_min = torch.log((1.0 - cdf_min).clamp(min=1e-12))
    log_delta = torch.log((cdf_plus - cdf_min).clamp(min=1e-12))
    return torch.where(x < -0.999, log_cdf_plus, torch.where(x > 0.999, log_one_minus_cdf_min, log_delta))


class GaussianDiffusion:
    """A discrete diffusion over ``num_timesteps`` steps given by ``betas``; step i of this process
    is step ``timestep_map[i]`` of the process the model was trained on."""

    def __init__(self, betas: np.ndarray, timestep_map: Sequence[int] | None = None):
        betas = np.asarray(betas, dtype=np.float64)
        if betas.ndim != 1 or not ((betas > 0) & (betas <= 1)).all():
            raise ValueError("betas must be a 1-D array in (0, 1]")
        self.num_timesteps = len(betas)
        self.timestep_map = torch.tensor(list(timestep_map) if timestep_map is not None else range(len(betas)))
        self.betas = betas
        alphas_cumprod = np.cumprod(1.0 - betas)
        self.alphas_cumprod = alphas_cumprod
        prev = np.append(1.0, alphas_cumprod[:-1])
        posterior_variance = betas * (1.0 - prev) / (1.0 - alphas_cumprod)
        # The posterior variance is 0 at t = 0; IDDPM clips its log to the value at t = 1.
        posterior_log_var = np.log(np.append(posterior_variance[1], posterior_variance[1:])) \
            if len(betas) > 1 else np.log(betas)
        constants = {
            "sqrt_ac": np.sqrt(alphas_cumprod),
            "sqrt_1m_ac": np.sqrt(1.0 - alphas_cumprod),
            "sqrt_recip_ac": np.sqrt(1.0 / alphas_cumprod),
            "sqrt_recipm1_ac": np.sqrt(1.0 / alphas_cumprod - 1.0),
            "post_coef_x0": betas * np.sqrt(prev) / (1.0 - alphas_cumprod),
            "post_coef_xt": (1.0 - prev) * np.sqrt(1.0 - betas) / (1.0 - alphas_cumprod),
            "post_log_var": posterior_log_var,
            "log_betas": np.log(betas),
        }
        self._c = {k: torch.from_numpy(v) for k, v in constants.items()}
        self._on_device: dict[tuple[str, torch.device], Tensor] = {}

    @classmethod
    def cosine(cls, num_steps: int = 1000) -> "GaussianDiffusion":
        return cls(cosine_betas(num_steps))

    def respaced(self, keep: Iterable[int]) -> "GaussianDiffusion":
        """The process restricted to the kept steps, betas recomputed from the cumulative alphas."""
        keep = sorted(set(int(k) for k in keep))
        last, betas = 1.0, []
        for i in keep:
            betas.append(1.0 - self.alphas_cumprod[i] / last)
            last = self.alphas_cumprod[i]
        return GaussianDiffusion(np.array(betas), [int(self.timestep_map[i]) for i in keep])

    def _table(self, name: str, device: torch.device) -> Tensor:
        # One copy per device, so sampling does not re-upload the tables at every step.
        key = (name, device)
        if key not in self._on_device:
            table = self._c[name] if device.type != "mps" else self._c[name].float()  # MPS has no float64
            self._on_device[key] = table.to(device)
        return self._on_device[key]

    def _at(self, name: str, t: Tensor, like: Tensor) -> Tensor:
        # float64 lookup, then the caller's dtype (as IDDPM/MAR do), broadcast over channels.
        return self._table(name, t.device)[t].to(like.dtype).unsqueeze(-1)

    def q_sample(self, x0: Tensor, t: Tensor, noise: Tensor) -> Tensor:
        return self._at("sqrt_ac", t, x0) * x0 + self._at("sqrt_1m_ac", t, x0) * noise

    def q_posterior(self, x0: Tensor, xt: Tensor, t: Tensor) -> tuple[Tensor, Tensor]:
        """Mean and clipped log variance of q(x_{t-1} | x_t, x0)."""
        mean = self._at("post_coef_x0", t, xt) * x0 + self._at("post_coef_xt", t, xt) * xt
        return mean, self._at("post_log_var", t, xt).expand_as(xt)

    def p_mean_logvar(self, model_out: Tensor, xt: Tensor, t: Tensor,
                      clip_x0: float | None = None) -> tuple[Tensor, Tensor, Tensor]:
        """From the model's (eps, v) output: mean and log variance of p(x_{t-1}|x_t), and x0-hat.

        ``clip_x0`` bounds x0-hat (IDDPM's ``clip_denoised`` with a data-scale bound): at the noisiest
        steps of the cosine schedule 1/sqrt(alpha_bar) is about 2e4, so a small eps error becomes a
        huge x0-hat; a long-trained model (MAR) predicts eps there almost exactly, a short CPU run
        does not, and sampling then diverges without the bound.
        """
        eps, v = model_out.split(xt.shape[-1], dim=-1)
        frac = (v + 1) / 2
        log_var = frac * self._at("log_betas", t, xt) + (1 - frac) * self._at("post_log_var", t, xt)
        pred_x0 = self._at("sqrt_recip_ac", t, xt) * xt - self._at("sqrt_recipm1_ac", t, xt) * eps
        if clip_x0 is not None:
            pred_x0 = pred_x0.clamp(-clip_x0, clip_x0)
        mean, _ = self.q_posterior(pred_x0, xt, t)
        return mean, log_var, pred_x0

    def training_loss(self, model_out: Tensor, x0: Tensor, xt: Tensor, t: Tensor, noise: Tensor) -> Tensor:
        """Per-row MSE(eps) + VLB term (bits per channel), both averaged over channels."""
        eps, v = model_out.split(x0.shape[-1], dim=-1)
        mse = ((noise - eps) ** 2).mean(dim=-1)
        # The VLB trains the variance only: the mean it sees is built from a detached eps.
        mean, log_var, _ = self.p_mean_logvar(torch.cat([eps.detach(), v], dim=-1), xt, t)
        true_mean, true_log_var = self.q_posterior(x0, xt, t)
        kl = normal_kl(true_mean, true_log_var, mean, log_var).mean(dim=-1) / math.log(2.0)
        nll = -discretized_gaussian_log_likelihood(x0, mean, 0.5 * log_var).mean(dim=-1) / math.log(2.0)
        return mse + torch.where(t == 0, nll, kl)

    def p_step(self, model_out: Tensor, xt: Tensor, t: Tensor, noise: Tensor, temperature: float = 1.0,
               clip_x0: float | None = None) -> Tensor:
        """One ancestral step x_t -> x_{t-1}; the noise std is scaled by ``temperature`` (as MAR does)
        and no noise is added at the last step (t = 0)."""
        mean, log_var, _ = self.p_mean_logvar(model_out, xt, t, clip_x0)
        nonzero = (t != 0).to(xt.dtype).unsqueeze(-1)
        return mean + nonzero * torch.exp(0.5 * log_var) * noise * temperature

    @torch.no_grad()
    def p_sample_loop(self, model_fn: Callable[[Tensor, Tensor], Tensor], x: Tensor,
                      generator: torch.Generator, temperature: float = 1.0, clip_x0: float | None = None) -> Tensor:
        """Run every step from the noisiest; ``model_fn(x_t, original_step_index)`` gives (n, 2C)."""
        steps = self.timestep_map.to(x.device)
        for i in reversed(range(self.num_timesteps)):
            t = torch.full((x.shape[0],), i, dtype=torch.long, device=x.device)
            model_out = model_fn(x, steps[t])
            x = self.p_step(model_out, x, t, randn(x.shape, generator, x.device), temperature, clip_x0)
        return x
