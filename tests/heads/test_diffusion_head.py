"""The teacher head: repeats in the loss, noise-level CFG, respaced sampling."""
from __future__ import annotations

import torch

from audiodear.models.heads import build_head
from audiodear.models.heads.base import randn

C, D = 6, 10


def head(**cfg):
    torch.manual_seed(0)
    h = build_head("diffusion", C, D, width=32, depth=2, **cfg)
    with torch.no_grad():
        for p in h.parameters():
            p.add_(0.05 * torch.randn_like(p))
    return h


def gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def test_draw_layout_repeats_each_token_contiguously():
    model = head(diffusion_batch_mul=4)
    draws = model.draw(3, gen(0), "cpu")
    assert draws["t"].shape == (3, 4) and draws["noise"].shape == (3, 4, C)
    assert draws["t"].min() >= 0 and draws["t"].max() < 1000


def test_loss_averages_the_repeats_of_each_token():
    model = head(diffusion_batch_mul=3)
    h, y = torch.randn(2, D), torch.randn(2, C)
    draws = model.draw(2, gen(1), "cpu")
    by_repeat = []
    for r in range(3):
        single = {"t": draws["t"][:, r:r + 1], "noise": draws["noise"][:, r:r + 1]}
        model.diffusion_batch_mul = 1
        by_repeat.append(model.loss(h, y, single))
    model.diffusion_batch_mul = 3
    torch.testing.assert_close(model.loss(h, y, draws), torch.stack(by_repeat, 1).mean(1))


def test_cfg_scale_one_equals_conditional_sampling():
    model = head()
    h_c, h_u = torch.randn(4, D), torch.randn(4, D)
    conditional = model.sample(h_c, gen(3), steps=10)
    guided = model.sample(torch.cat([h_c, h_u]), gen(3), steps=10, cfg_scale=1.0, cfg_halves=True)
    torch.testing.assert_close(guided, conditional, rtol=1e-5, atol=1e-5)


def test_cfg_follows_the_guided_eps_and_the_conditional_variance():
    """Replays sampling by hand: shared initial noise, eps_u + s (eps_c - eps_u), cond variance."""
    model, s, m, steps = head(), 3.0, 4, 3
    h_c, h_u = torch.randn(m, D), torch.randn(m, D)
    got = model.sample(torch.cat([h_c, h_u]), gen(4), steps=steps, cfg_scale=s, temperature=0.7)
    diffusion, g = model.sampling_diffusion(steps), gen(4)
    x = randn((m, C), g, "cpu")
    with torch.no_grad():
        for i in reversed(range(steps)):
            t = torch.full((m,), i)
            orig = diffusion.timestep_map[t]
            out_c, out_u = model.net(x, h_c, orig), model.net(x, h_u, orig)
            eps = out_u[:, :C] + s * (out_c[:, :C] - out_u[:, :C])
            x = diffusion.p_step(torch.cat([eps, out_c[:, C:]], 1), x, t, randn((m, C), g, "cpu"), 0.7)
    # The sampler embeds the (shared) time once per step, the replay once per row: the same values
    # up to float rounding, which the x0 -> x_t steps amplify to ~1e-5 relative.
    torch.testing.assert_close(got, x, rtol=1e-4, atol=1e-5)
    assert got.shape == (m, C)


def test_scale_other_than_one_implies_halves():
    model = head()
    assert model.sample(torch.randn(6, D), gen(0), steps=2, cfg_scale=2.0).shape == (3, C)


def test_sampling_uses_the_respaced_process_and_the_model_sees_original_steps():
    model = head(sampling_steps=7)
    seen = []
    model.net.register_forward_hook(lambda mod, args, out: seen.append(int(args[2][0])))
    model.sample(torch.randn(2, D), gen(0))
    assert len(seen) == 7 and seen[0] == 999 and seen[-1] == 0 and seen == sorted(seen, reverse=True)
