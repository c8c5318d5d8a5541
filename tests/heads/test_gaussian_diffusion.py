"""Our IDDPM diffusion against a peer implementation: diffusers' DDPMScheduler.

Respacing: IDDPM's ``space_timesteps(1000, 100)`` keeps round(i * 999/99) = {0, 10, 20, ..., 999},
which is diffusers' ``timestep_spacing="linspace"``; diffusers' default "leading" keeps
{0, 10, ..., 990} and "trailing" {9, 19, ..., 999}, so the comparison uses "linspace". diffusers
recomputes each kept step's beta as 1 - abar_t / abar_prev, exactly IDDPM's respaced betas.
"""
from __future__ import annotations

import os

import numpy as np
import pytest
import torch

os.environ.setdefault("HF_HUB_OFFLINE", "1")
diffusers = pytest.importorskip("diffusers")

from audiodear.models.heads.gaussian_diffusion import (  # noqa: E402
    GaussianDiffusion,
    cosine_betas,
    space_timesteps,
)

C, N = 16, 6


def scheduler(spacing: str = "linspace"):
    s = diffusers.DDPMScheduler(num_train_timesteps=1000, beta_schedule="squaredcos_cap_v2",
                                variance_type="learned_range", clip_sample=False, timestep_spacing=spacing)
    s.set_timesteps(100)
    return s


def test_cosine_schedule_matches_diffusers():
    ours = GaussianDiffusion.cosine(1000).alphas_cumprod
    theirs = scheduler().alphas_cumprod.double().numpy()  # diffusers keeps float32
    np.testing.assert_allclose(ours, theirs, atol=1e-6)
    assert cosine_betas(1000).max() == pytest.approx(0.999)


def test_respacing_is_diffusers_linspace_not_leading():
    keep = space_timesteps(1000, 100)
    assert keep == sorted(scheduler("linspace").timesteps.tolist())
    assert keep[:3] == [0, 10, 20] and keep[-1] == 999 and len(keep) == 100
    assert keep != sorted(scheduler("leading").timesteps.tolist())


def test_respaced_betas_are_recomputed_from_alphas_cumprod():
    base = GaussianDiffusion.cosine(1000)
    sub = base.respaced(space_timesteps(1000, 100))
    np.testing.assert_allclose(sub.alphas_cumprod, base.alphas_cumprod[sub.timestep_map.numpy()], rtol=1e-9)


def _compare_every_step(s, dtype) -> list[float]:
    ours = GaussianDiffusion.cosine(1000).respaced(space_timesteps(1000, 100))
    torch.manual_seed(0)
    errors = []
    for j, t in enumerate(s.timesteps.tolist()):
        i = len(s.timesteps) - 1 - j  # index in our respaced process
        assert int(ours.timestep_map[i]) == t
        out = torch.cat([torch.randn(N, C), torch.rand(N, C) * 2 - 1], dim=1).to(dtype)
        x = torch.randn(N, C).to(dtype)
        ref = s.step(out, t, x, generator=torch.Generator().manual_seed(j)).prev_sample
        # diffusers draws its step noise as randn(shape, generator) after splitting the output.
        noise = torch.randn((N, C), generator=torch.Generator().manual_seed(j), dtype=dtype)
        step = ours.p_step(out, x, torch.full((N,), i), noise, temperature=1.0)
        errors.append(((step - ref).abs() / (1 + ref.abs())).max().item())
    return errors


def test_reverse_step_math_equals_diffusers_in_float64():
    """Same cumulative alphas, float64: the two step formulas must agree to rounding."""
    s = scheduler()
    s.alphas_cumprod = torch.from_numpy(GaussianDiffusion.cosine(1000).alphas_cumprod)
    assert max(_compare_every_step(s, torch.float64)) < 1e-10


def test_reverse_step_equals_stock_diffusers_in_float32():
    """The stock float32 scheduler: within 1e-5 (relative to 1 + |x|) at every step but the last
    noisy one (into t = 0), where diffusers forms 1 - abar_0 ~ 4e-5 in float32 (cancellation) and
    we use float64 constants; there 1e-4."""
    errors = _compare_every_step(scheduler(), torch.float32)
    assert max(errors[:98]) < 1e-5 and errors[99] < 1e-5
    assert errors[98] < 1e-4


def test_temperature_scales_the_step_noise_only():
    d = GaussianDiffusion.cosine(1000)
    out, x, noise = torch.randn(N, 2 * C).clamp(-1, 1), torch.randn(N, C), torch.randn(N, C)
    t = torch.full((N,), 500)
    mean = d.p_step(out, x, t, noise, temperature=0.0)
    torch.testing.assert_close(d.p_step(out, x, t, noise, temperature=0.5) - mean,
                               0.5 * (d.p_step(out, x, t, noise, temperature=1.0) - mean))
    t0 = torch.zeros(N, dtype=torch.long)
    torch.testing.assert_close(d.p_step(out, x, t0, noise), d.p_step(out, x, t0, 0 * noise))


def test_training_loss_is_mse_plus_vlb_with_mar_decoder_term():
    d = GaussianDiffusion.cosine(1000)
    x0, noise = torch.randn(N, C), torch.randn(N, C)
    for step in (0, 1, 700):
        t = torch.full((N,), step)
        xt = d.q_sample(x0, t, noise)
        # A perfect eps and the posterior-variance end of the range: the MSE and the KL vanish
        # (t > 0); at t = 0 only the decoder NLL of a nearly exact mean remains.
        out = torch.cat([noise, -torch.ones(N, C)], dim=1)
        loss = d.training_loss(out, x0, xt, t, noise)
        if step > 0:
            assert loss.abs().max() < 1e-4
        else:
            assert (loss > 0).all() and torch.isfinite(loss).all()


def test_vlb_trains_only_the_variance():
    d = GaussianDiffusion.cosine(1000)
    x0, noise = torch.randn(N, C), torch.randn(N, C)
    t = torch.full((N,), 300)
    xt = d.q_sample(x0, t, noise)
    out = torch.randn(N, 2 * C).clamp(-1, 1).requires_grad_()
    d.training_loss(out, x0, xt, t, noise).sum().backward()
    eps_grad = out.grad[:, :C]
    torch.testing.assert_close(eps_grad, 2 * (out[:, :C] - noise).detach() / C)  # the MSE's gradient alone
