"""The one-step baselines' objectives, checked term by term against their definitions.
Convention: z_t = (1 - t) x + t eps, v = eps - x, t = 1 is noise."""
from __future__ import annotations

import pytest
import torch

from audiodear.models.heads import build_head

pytestmark = pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated:FutureWarning")
C, D = 3, 5


def head(kind: str, **cfg):
    torch.manual_seed(0)
    model = build_head(kind, C, D, width=32, depth=2, **cfg).double()
    with torch.no_grad():
        for p in model.parameters():
            p.add_(0.1 * torch.randn_like(p))
    return model


def data(n: int):
    g = torch.Generator().manual_seed(1)
    return torch.randn(n, D, generator=g, dtype=torch.float64), torch.randn(n, C, generator=g, dtype=torch.float64)


def test_flow_matching_regresses_the_velocity():
    model = head("flow_matching")
    h, x = data(4)
    draws = {k: v.double() for k, v in model.draw(4, torch.Generator().manual_seed(2), "cpu").items()}
    eps, t = draws["noise"], draws["t"]
    pred = model.net((1 - t)[:, None] * x + t[:, None] * eps, h, t)
    torch.testing.assert_close(model.loss(h, x, draws), ((pred - (eps - x)) ** 2).mean(-1))


def test_flow_matching_sample_is_one_euler_step():
    model = head("flow_matching")
    h, _ = data(4)
    eps = torch.randn(4, C, generator=torch.Generator().manual_seed(3)).double()
    expected = eps - model.net(eps, h, torch.ones(4, dtype=torch.float64))
    torch.testing.assert_close(model.sample(h, torch.Generator().manual_seed(3)), expected)


def test_shortcut_draws_split_into_flow_and_self_consistency():
    model = head("shortcut", bootstrap_fraction=0.25, levels=7)
    draws = model.draw(4000, torch.Generator().manual_seed(4), "cpu")
    share = (draws["u_branch"] < 0.25).float().mean().item()
    assert share == pytest.approx(0.25, abs=0.03)


def test_shortcut_self_consistency_target_is_two_half_steps():
    model = head("shortcut", bootstrap_fraction=1.0, levels=3)
    h, x = data(1)
    # u_level 0.5 -> level L = 1: big step 2d = 1/2, half step d = 1/4 at level 2;
    # u_t 0.9 -> t = 2d * (1 + floor(0.9 * 2)) = 1.
    draws = {"noise": torch.randn(1, C, dtype=torch.float64), "u_t": torch.tensor([0.9]),
             "u_level": torch.tensor([0.5]), "u_branch": torch.tensor([0.0])}
    eps = draws["noise"]
    z = eps  # t = 1
    one = torch.ones(1, dtype=torch.float64)
    s1 = model.net(z, h, one, 2 * one)
    s2 = model.net(z - 0.25 * s1, h, 0.75 * one, 2 * one)
    pred = model.net(z, h, one, one)
    torch.testing.assert_close(model.loss(h, x, draws), ((pred - (s1 + s2) / 2) ** 2).mean(-1))


def test_shortcut_bootstrap_steps_stay_inside_the_interval():
    model = head("shortcut", bootstrap_fraction=1.0, levels=7)
    seen = []
    model.net.register_forward_hook(lambda mod, args, out: seen.append((args[2].clone(), args[3].clone())))
    h, x = data(256)
    model.loss(h, x, model.draw(256, torch.Generator().manual_seed(5), "cpu"))
    (t1, k1), (t2, k2), (t, k) = seen  # two half steps, then the trained big step
    big, half = torch.pow(2.0, -k), torch.pow(2.0, -k1)
    assert torch.equal(k1, k + 1) and torch.equal(k2, k1) and (k <= 6).all()
    torch.testing.assert_close(half, big / 2)
    assert (t - big >= -1e-12).all() and (t <= 1).all()
    torch.testing.assert_close(t2, t - half)


def test_meanflow_jvp_is_the_total_time_derivative():
    model = head("meanflow")
    g = torch.Generator().manual_seed(6)
    h, z = data(5)
    r = 0.3 * torch.rand(5, generator=g, dtype=torch.float64)
    t, v = r + 0.4, torch.randn(5, C, generator=g, dtype=torch.float64)

    def u(z_, r_, t_):
        return model.average_velocity(z_, h, r_, t_)

    _, du_dt = torch.func.jvp(u, (z, r, t), (v, torch.zeros_like(r), torch.ones_like(t)))
    step = 1e-6
    finite = (u(z + step * v, r, t + step) - u(z - step * v, r, t - step)) / (2 * step)
    torch.testing.assert_close(du_dt, finite, rtol=1e-6, atol=1e-7)


def test_meanflow_at_r_equal_t_is_flow_matching_with_summed_error():
    model = head("meanflow", adaptive_p=0.0)
    h, x = data(4)
    draws = {k: v.double() for k, v in model.draw(4, torch.Generator().manual_seed(7), "cpu").items()}
    draws["u_equal"] = torch.ones(4, dtype=torch.float64)  # r = t for every token
    t = torch.sigmoid(-0.4 + draws["times"]).max(dim=1).values
    eps = draws["noise"]
    u = model.net((1 - t)[:, None] * x + t[:, None] * eps, h, t, torch.zeros_like(t))
    torch.testing.assert_close(model.loss(h, x, draws), ((u - (eps - x)) ** 2).sum(-1))


def test_meanflow_adaptive_weight_is_stop_gradient():
    plain, weighted = head("meanflow", adaptive_p=0.0), head("meanflow", adaptive_p=1.0, adaptive_c=0.01)
    h, x = data(3)
    draws = plain.draw(3, torch.Generator().manual_seed(8), "cpu")
    e = plain.loss(h, x, draws)
    torch.testing.assert_close(weighted.loss(h, x, draws), e / (e + 0.01))
    weighted.loss(h, x, draws).sum().backward()
    plain.loss(h, x, draws).backward(gradient=1 / (e.detach() + 0.01))
    for (name, a), b in zip(weighted.named_parameters(), plain.parameters()):
        torch.testing.assert_close(a.grad, b.grad, msg=name)


def test_meanflow_sample_is_one_average_velocity_step():
    model = head("meanflow")
    h, _ = data(4)
    eps = torch.randn(4, C, generator=torch.Generator().manual_seed(9)).double()
    ones = torch.ones(4, dtype=torch.float64)
    expected = eps - model.net(eps, h, ones, ones)  # times (t, t - r) = (1, 1)
    torch.testing.assert_close(model.sample(h, torch.Generator().manual_seed(9)), expected)
