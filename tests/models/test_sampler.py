"""Iterative parallel decoding: schedule, CFG at both levels, determinism."""
import pytest
import torch

from audiodear.errors import ConfigError
from audiodear.sampling.mar_sampler import SamplingConfig, masked_after, sample_tokens
from tiny import SEQ, TOKENS, tiny_data, tiny_model


@pytest.mark.parametrize("iterations", [1, 2, 4, 7, SEQ])
def test_fills_all_tokens_in_exactly_t_iterations(iterations):
    remaining, produced = SEQ, []
    for step in range(iterations):
        left = masked_after(step, iterations, SEQ, remaining)
        produced.append(remaining - left)
        remaining = left
    assert remaining == 0 and len(produced) == iterations and min(produced) >= 1


def test_sampler_runs_backbone_once_per_iteration_and_fills_everything():
    model = tiny_model()
    _, _, text = tiny_data(3)
    calls = []
    hook = model.backbone.register_forward_hook(lambda m, a, out: calls.append(int(a[1].sum())))
    tokens = sample_tokens(model, text.sequence(), SamplingConfig(precision="fp32", iterations=5, cfg_level="none", diffusion_steps=5),
                           torch.Generator().manual_seed(0))
    hook.remove()
    assert len(calls) == 5 and calls[0] == 3 * SEQ  # first pass: everything masked
    assert tokens.shape == (3, SEQ, TOKENS) and torch.isfinite(tokens).all() and (tokens != 0).all(dim=-1).all()


@pytest.mark.parametrize("head", ["diffusion", "energy"])
def test_same_seed_same_tokens(head):
    model = tiny_model(head, perturb=True)
    _, _, text = tiny_data(3)
    cfg = SamplingConfig(precision="fp32", iterations=4, cfg_level="representation", cfg_scale=3.0, diffusion_steps=5)
    a = sample_tokens(model, text.sequence(), cfg, torch.Generator().manual_seed(7))
    b = sample_tokens(model, text.sequence(), cfg, torch.Generator().manual_seed(7))
    c = sample_tokens(model, text.sequence(), cfg, torch.Generator().manual_seed(8))
    assert torch.equal(a, b) and not torch.equal(a, c)


@pytest.mark.parametrize("level,head", [("noise", "diffusion"), ("representation", "diffusion"), ("representation", "energy")])
def test_cfg_scale_one_equals_conditional_sampling(level, head):
    model = tiny_model(head, perturb=True)
    _, _, text = tiny_data(3)
    base = dict(iterations=4, diffusion_steps=5, cfg_scale=1.0, cfg_schedule="constant")
    plain = sample_tokens(model, text.sequence(), SamplingConfig(precision="fp32", cfg_level="none", **base), torch.Generator().manual_seed(1))
    guided = sample_tokens(model, text.sequence(), SamplingConfig(precision="fp32", cfg_level=level, **base), torch.Generator().manual_seed(1))
    torch.testing.assert_close(guided, plain, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("head", ["diffusion", "energy"])
def test_bf16_sampling_is_deterministic_and_close_to_fp32(head):
    model = tiny_model(head, perturb=True)
    _, _, text = tiny_data(3)
    base = dict(iterations=4, cfg_level="representation", cfg_scale=3.0, diffusion_steps=5)
    fp32 = sample_tokens(model, text.sequence(), SamplingConfig(precision="fp32", **base), torch.Generator().manual_seed(7))
    bf16 = [sample_tokens(model, text.sequence(), SamplingConfig(precision="bf16", **base), torch.Generator().manual_seed(7))
            for _ in range(2)]
    assert bf16[0].dtype == torch.float32 and torch.equal(bf16[0], bf16[1])
    assert not torch.equal(bf16[0], fp32)  # autocast did change the arithmetic
    assert (bf16[0] - fp32).abs().mean() < 0.05 * fp32.abs().mean()


def test_guidance_changes_the_output():
    model = tiny_model(perturb=True)
    with torch.no_grad():
        model.backbone.fake_latent.add_(1.0)  # make the unconditional branch differ
    _, _, text = tiny_data(3)
    base = dict(iterations=4, diffusion_steps=5, cfg_schedule="constant")
    one = sample_tokens(model, text.sequence(), SamplingConfig(precision="fp32", cfg_level="representation", cfg_scale=1.0, **base),
                        torch.Generator().manual_seed(1))
    three = sample_tokens(model, text.sequence(), SamplingConfig(precision="fp32", cfg_level="representation", cfg_scale=3.0, **base),
                          torch.Generator().manual_seed(1))
    assert not torch.allclose(one, three)



@pytest.mark.parametrize("scale", [4.0, 1.5])
def test_representation_cfg_is_uncond_plus_w_times_cond_minus_uncond(scale):
    """The head receives h_u + w·(h_c − h_u), computed here by hand from the two backbone passes;
    swapping the conditional and unconditional branches gives h_c + w·(h_u − h_c) and fails."""
    model = tiny_model("energy", perturb=True).eval()
    with torch.no_grad():
        model.backbone.fake_latent.add_(1.0)  # make the unconditional branch differ
    _, _, text = tiny_data(3)
    received = []
    sample = model.head.sample
    model.head.sample = lambda h, *a, **kw: received.append(h.clone()) or sample(h, *a, **kw)
    cfg = SamplingConfig(precision="fp32", iterations=1, cfg_level="representation", cfg_scale=scale, cfg_schedule="constant")
    sample_tokens(model, text.sequence(), cfg, torch.Generator().manual_seed(0))
    with torch.no_grad():  # one iteration: every token is produced from the all-masked input
        b, mask = 3, torch.ones(3, SEQ, dtype=torch.bool)
        x = torch.zeros(b, SEQ, TOKENS)
        h_c = model.backbone(x, mask, model.backbone.condition(text.sequence()))
        h_u = model.backbone(x, mask, model.backbone.null_condition(b))
    expected = (h_u + scale * (h_c - h_u)).reshape(-1, h_c.shape[-1])
    assert len(received) == 1 and not torch.allclose(h_c, h_u, atol=1e-3)
    torch.testing.assert_close(received[0], expected, rtol=1e-5, atol=1e-5)

def test_bad_sampling_settings_are_refused():
    model = tiny_model("energy")
    _, _, text = tiny_data(2)
    with pytest.raises(ConfigError, match="iterations"):
        sample_tokens(model, text.sequence(), SamplingConfig(precision="fp32", iterations=SEQ + 1, cfg_level="none"), torch.Generator())
    with pytest.raises(ConfigError, match="noise"):
        sample_tokens(model, text.sequence(), SamplingConfig(precision="fp32", iterations=4, cfg_level="noise"), torch.Generator())
    with pytest.raises(ConfigError, match="precision 'fp16'"):
        sample_tokens(model, text.sequence(), SamplingConfig(iterations=4, cfg_level="none", precision="fp16"),
                      torch.Generator())
