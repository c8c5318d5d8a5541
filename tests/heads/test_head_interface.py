"""The Head contract for every kind: shapes, draw layout, determinism, factory errors, sizes."""
from __future__ import annotations

import pytest
import torch

from audiodear.errors import ConfigError
from audiodear.models.heads import HEADS, build_head

pytestmark = pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated:FutureWarning")

C, D = 6, 10
KINDS = [("diffusion", {}), ("energy", {"design": "b"}), ("energy", {"design": "a"}),
         ("energy", {"num_samples": 3, "noise_dim": 4}), ("flow_matching", {}), ("shortcut", {}),
         ("meanflow", {})]
IDS = ["diffusion", "energy-b", "energy-a", "energy-m3", "flow_matching", "shortcut", "meanflow"]


def small_head(kind: str, **cfg):
    torch.manual_seed(0)
    head = build_head(kind, C, D, width=32, depth=2, **cfg)
    # Leave MAR's zero initialisation so that outputs depend on every input.
    with torch.no_grad():
        for p in head.parameters():
            p.add_(0.05 * torch.randn_like(p))
    return head


def gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


@pytest.mark.parametrize("kind,cfg", KINDS, ids=IDS)
def test_shapes_and_draw_layout(kind, cfg):
    head = small_head(kind, **cfg)
    draws = head.draw(5, gen(1), "cpu")
    assert draws and all(v.shape[0] == 5 for v in draws.values())
    h, y = torch.randn(5, D), torch.randn(5, C)
    loss = head.loss(h, y, draws)
    assert loss.shape == (5,) and torch.isfinite(loss).all()
    assert head.sample(h, gen(2), **({"steps": 5} if kind == "diffusion" else {})).shape == (5, C)


@pytest.mark.parametrize("kind,cfg", KINDS, ids=IDS)
def test_loss_is_a_function_of_the_draws(kind, cfg):
    head = small_head(kind, **cfg)
    h, y = torch.randn(7, D), torch.randn(7, C)
    d1, d2 = head.draw(7, gen(3), "cpu"), head.draw(7, gen(3), "cpu")
    assert all(torch.equal(d1[k], d2[k]) for k in d1)
    assert torch.equal(head.loss(h, y, d1), head.loss(h, y, d2))
    assert not torch.equal(head.loss(h, y, d1), head.loss(h, y, head.draw(7, gen(4), "cpu")))


@pytest.mark.parametrize("kind,cfg", KINDS, ids=IDS)
def test_per_sample_draws_concatenate(kind, cfg):
    """The loop draws per sample and concatenates: the concatenated loss must equal the
    per-sample losses side by side, and the gradient of the summed loss must match too."""
    head = small_head(kind, **cfg)
    sizes = (3, 5)
    h, y = torch.randn(sum(sizes), D), torch.randn(sum(sizes), C)
    parts = [head.draw(n, gen(10 + i), "cpu") for i, n in enumerate(sizes)]
    joined = {k: torch.cat([p[k] for p in parts]) for k in parts[0]}
    full = head.loss(h, y, joined)
    separate = torch.cat([head.loss(hp, yp, p) for hp, yp, p in zip(h.split(sizes), y.split(sizes), parts)])
    torch.testing.assert_close(full, separate, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("kind,cfg", KINDS, ids=IDS)
def test_gradients_reach_every_parameter(kind, cfg):
    head = small_head(kind, **cfg)
    h, y = torch.randn(64, D), torch.randn(64, C)
    head.loss(h, y, head.draw(64, gen(5), "cpu")).mean().backward()
    for name, p in head.named_parameters():
        assert p.grad is not None and torch.isfinite(p.grad).all(), name
        assert p.grad.abs().sum() > 0, name


@pytest.mark.parametrize("kind,cfg", KINDS, ids=IDS)
def test_sampling_is_deterministic_for_a_seed(kind, cfg):
    head = small_head(kind, **cfg)
    h = torch.randn(4, D)
    kw = {"steps": 4} if kind == "diffusion" else {}
    a, b = head.sample(h, gen(7), **kw), head.sample(h, gen(7), **kw)
    assert torch.equal(a, b)
    assert not torch.equal(a, head.sample(h, gen(8), **kw))


def test_energy_sampling_is_one_forward_pass():
    head = small_head("energy")
    calls = []
    head.net.register_forward_hook(lambda *_: calls.append(1))
    head.sample(torch.randn(9, D), gen(0))
    assert len(calls) == 1
    head.loss(torch.randn(9, D), torch.randn(9, C), head.draw(9, gen(1), "cpu"))
    assert len(calls) == 2  # the m samples of all tokens share one batched pass


@pytest.mark.parametrize("design", ["a", "b"])
def test_energy_loss_equals_the_loss_of_separately_generated_samples(design):
    """Design b modulates once per token for its m samples; the loss must equal the one computed
    from m ordinary forward passes (and design a, which repeats h, likewise)."""
    from audiodear.losses.energy_score import energy_score_loss

    head = small_head("energy", design=design, num_samples=3)
    h, target = torch.randn(5, D), torch.randn(5, C)
    draws = head.draw(5, gen(2), "cpu")
    with torch.no_grad():
        samples = torch.stack([head.generate(h, draws["noise"][:, j]) for j in range(3)], dim=1)
        torch.testing.assert_close(head.loss(h, target, draws), energy_score_loss(samples, target, head.alpha),
                                   rtol=1e-5, atol=1e-6)


def test_adaln_mlp_shares_one_condition_across_an_extra_dimension():
    net = small_head("energy").net
    x, c = torch.randn(4, 3, C), torch.randn(4, D)
    with torch.no_grad():
        shared = net(x, c)
        repeated = net(x.reshape(12, C), c.repeat_interleave(3, dim=0)).reshape(4, 3, C)
    torch.testing.assert_close(shared, repeated, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="shared-condition"):
        net(torch.randn(4, 3, 2, C), c)
    with pytest.raises(ValueError, match="shared-condition"):
        net(torch.randn(5, C), c)


def test_energy_designs_swap_the_inputs():
    b, a = small_head("energy", design="b"), small_head("energy", design="a")
    assert b.net.input_proj.in_features == C and b.net.cond_embed.in_features == D
    assert a.net.input_proj.in_features == D and a.net.cond_embed.in_features == C


def test_temperature_zero_gives_the_noise_free_output():
    head = small_head("energy")
    h = torch.randn(3, D)
    torch.testing.assert_close(head.sample(h, gen(1), temperature=0.0), head.generate(h, torch.zeros(3, C)))


def test_mar_parameter_names():
    names = set(dict(build_head("diffusion", C, D, width=16, depth=2).net.named_parameters()))
    for expected in ("input_proj.weight", "time_embed.mlp.0.weight", "time_embed.mlp.2.bias", "cond_embed.weight",
                     "res_blocks.1.in_ln.weight", "res_blocks.0.mlp.2.weight", "res_blocks.0.adaLN_modulation.1.weight",
                     "final_layer.linear.weight", "final_layer.adaLN_modulation.1.bias"):
        assert expected in names
    assert "final_layer.norm_final.weight" not in names  # LayerNorm without affine


def test_mar_initialisation_outputs_zero():
    head = build_head("diffusion", C, D, width=16, depth=2)
    x = head.net(torch.randn(3, C), torch.randn(3, D), torch.tensor([1, 500, 999]))
    assert torch.equal(x, torch.zeros(3, 2 * C))


def test_paper_size_parameter_counts():
    """Depth 3 x width 1024, D = 768, C = 128 (the diffusion head outputs 2C for the learned variance)."""
    counts = {kind: sum(p.numel() for p in build_head(kind, 128, 768).parameters()) for kind in HEADS}
    assert counts == {"diffusion": 20_344_064, "energy": 18_900_096, "flow_matching": 20_212_864,
                      "shortcut": 21_525_632, "meanflow": 21_525_632}


@pytest.mark.parametrize("kind,cfg,needle", [
    ("unet", {}, "kind='unet'"),
    ("energy", {"design": "c"}, "design='c'"),
    ("energy", {"num_samples": 1}, "num_samples=1"),
    ("energy", {"alpha": 2.0}, "alpha=2.0"),
    ("energy", {"widht": 8}, "'widht'"),
    ("diffusion", {"depth": 0}, "depth=0"),
    ("diffusion", {"sampling_steps": 2000}, "sampling_steps=2000"),
    ("shortcut", {"bootstrap_fraction": 1.5}, "bootstrap_fraction=1.5"),
    ("meanflow", {"design": "b"}, "'design'"),
])
def test_factory_names_the_bad_key(kind, cfg, needle):
    with pytest.raises(ConfigError, match=needle.replace("(", r"\(")):
        build_head(kind, C, D, **cfg)


def test_one_step_heads_reject_sampler_options():
    with pytest.raises(ConfigError, match="steps"):
        small_head("energy").sample(torch.randn(2, D), gen(0), steps=100)


def test_bad_shapes_are_reported():
    head = small_head("energy")
    with pytest.raises(ValueError, match="target"):
        head.loss(torch.randn(4, D), torch.randn(4, C + 1), head.draw(4, gen(0), "cpu"))
