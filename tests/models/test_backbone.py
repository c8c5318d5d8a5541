"""The MAR backbone: sizes, shapes, masking, conditioning (MAR checkpoint loading: test_mar_init.py)."""
import contextlib

import pytest
import torch

from audiodear.models.build import build_model, count_parameters, spec_from_preset
from audiodear.train.objectives import Batch, TeacherObjective, draw, head_loss
from tiny import COND_LEN, SEQ, TOKENS, tiny_data, tiny_model


@pytest.mark.parametrize("size,published", [("base", 193e6), ("large", 427e6)])
def test_paper_sizes_match_the_published_parameter_counts(size, published):
    """IMPACT-base/large with the 3 x 1024 diffusion head: 193M / 427M within 1 % (paper scale geometry)."""
    spec = spec_from_preset(size, token_dim=128, seq_len=256, cond_len=78, cond_dim=1024, head_kind="diffusion")
    with torch.device("meta"):
        model = build_model(spec)
    n = count_parameters(model)
    assert abs(n - published) / published < 0.01, f"{size}: {n / 1e6:.1f}M vs {published / 1e6:.0f}M"
    layers = spec.backbone["encoder_depth"] + spec.backbone["decoder_depth"]
    assert layers == {"base": 24, "large": 32}[size]


def test_backbone_shapes_and_condition_drop():
    model = tiny_model()
    _, tokens, text = tiny_data(4)
    cond = model.backbone.condition(text.sequence())
    assert cond.shape == (4, COND_LEN, model.backbone.cfg.width)
    mask = model.backbone.mask_from_order(torch.stack([torch.randperm(SEQ) for _ in range(4)]), 9)
    assert mask.sum(1).tolist() == [9] * 4
    h = model.backbone(tokens, mask, cond)
    assert h.shape == (4, SEQ, model.backbone.cfg.width)
    dropped = model.backbone(tokens, mask, cond, drop=torch.tensor([True, False, False, False]))
    null = model.backbone(tokens, mask, model.backbone.null_condition(4))
    torch.testing.assert_close(dropped[0], null[0])
    torch.testing.assert_close(dropped[1:], h[1:])


def test_mask_ratios_follow_mar_truncated_normal():
    model = tiny_model()
    import numpy as np
    rng = np.random.default_rng(0)
    ratios = [model.backbone.draw_mask_ratio(rng) for _ in range(2000)]
    assert min(ratios) >= 0.7 and max(ratios) <= 1.0
    assert 0.85 < sum(ratios) / len(ratios) < 0.9  # mean of N(1, 0.25) truncated to [0.7, 1] is about 0.87


def test_loss_only_on_masked_positions():
    model = tiny_model(perturb=True)  # off MAR's zero-initialised AdaLN, where dL/dh vanishes
    _, tokens, text = tiny_data(4)
    batch = Batch(tokens, text.sequence(), torch.arange(4))
    d = next(d for d in (draw(model, batch, 0, key, 0.0) for key in range(50)) if not d.mask.all())
    loss, h = head_loss(model, batch, d, contextlib.nullcontext)
    h.retain_grad()
    loss.backward()
    assert h.grad[~d.mask].abs().max() == 0
    assert h.grad[d.mask].abs().sum() > 0


def test_teacher_objective_is_deterministic():
    model = tiny_model()
    _, tokens, text = tiny_data(8)
    batch = Batch(tokens, text.sequence(), torch.arange(8))
    obj = TeacherObjective(seed=1, cond_drop_prob=0.1)
    import contextlib
    a, _ = obj(model, batch, 5, contextlib.nullcontext)
    b, _ = obj(model, batch, 5, contextlib.nullcontext)
    c, _ = obj(model, batch, 6, contextlib.nullcontext)
    assert a.item() == b.item() and a.item() != c.item()


def test_cpu_bf16_autocast_attends_in_fp32(monkeypatch):
    """bf16 autocast speeds the linears up; the attention kernel itself stays fp32 on a CPU
    (its bf16 backward is slower there), and the result matches fp32 to bf16 accuracy."""
    import torch.nn.functional as F

    from audiodear.models.transformer import Attention

    torch.manual_seed(0)
    attn = Attention(16, 2)
    x = torch.randn(2, 5, 16, requires_grad=True)
    reference = attn(x)
    seen, sdpa = [], F.scaled_dot_product_attention
    monkeypatch.setattr(F, "scaled_dot_product_attention", lambda q, *a, **k: seen.append(q.dtype) or sdpa(q, *a, **k))
    with torch.autocast("cpu", dtype=torch.bfloat16):
        out = attn(x)
    out.float().sum().backward()
    assert seen == [torch.float32] and x.grad is not None and torch.isfinite(x.grad).all()
    torch.testing.assert_close(out.float(), reference, rtol=0.05, atol=0.03)
