"""FLOPs the model sizes, iterations and head steps predict for generating one clip."""
import pytest

from audiodear.models.build import spec_from_preset
from audiodear.sampling.flops import block_macs, flop_ratio, generation_flops, head_macs


def spec(size, head_kind, seq_len=256, cond_len=78):
    return spec_from_preset(size, token_dim=128, seq_len=seq_len, cond_len=cond_len, cond_dim=1024,
                            head_kind=head_kind).to_dict()


def test_one_iteration_unguided_counts_every_matmul_by_hand():
    """1 iteration, no CFG, one head call per token: encoder on L positions (nothing unmasked yet),
    decoder on L + N, N head calls."""
    s = spec("debug", "energy", seq_len=4, cond_len=3)  # width 32, 1 + 1 layers, head 2 x 32
    block = lambda p: p * (4 * 32 * 32 + 8 * 32 * 32) + 2 * p * p * 32
    head = 32 * 32 + 128 * 32 + 2 * 5 * 32 * 32 + 2 * 32 * 32 + 32 * 128
    assert block_macs(3, 32, 4.0) == block(3)
    assert head_macs("energy", 128, 32, 32, 2) == head
    assert generation_flops(s, 1, "none", 1) == 2 * (block(3) + block(7) + 4 * head)


def test_guidance_doubles_the_backbone_and_noise_level_cfg_the_head():
    s = spec("embedded", "diffusion", seq_len=64, cond_len=33)
    plain, repr_, noise = (generation_flops(s, 16, level, 100) for level in ("none", "representation", "noise"))
    head = 64 * 100 * 2 * head_macs("diffusion", 128, 128, 192, 2)
    assert noise - repr_ == pytest.approx(head)
    assert repr_ > plain


def test_at_the_paper_sizes_the_backbone_dominates_the_flops():
    """IMPACT-base at 64 iterations with a 100-step diffusion head vs the same backbone with a
    one-step energy head: 64 x 2 backbone passes over 334 positions outweigh 256 x 200 head calls,
    so FLOPs predict only ~1.2x; the paper's 8.5x must come from the head's sequential steps."""
    teacher, student = spec("base", "diffusion"), spec("base", "energy")
    ratio = flop_ratio((teacher, 64, "noise", 100), (student, 64, "representation", 1))
    assert 1.1 < ratio < 1.3
    # at the embedded size (64 tokens, width 128, head 192) the head weighs more
    small = flop_ratio((spec("embedded", "diffusion", 64, 33), 16, "noise", 100),
                       (spec("embedded", "energy", 64, 33), 16, "representation", 1))
    assert small > 3 * ratio
    # fewer head steps, a smaller predicted gap; the same generator, none
    assert flop_ratio((teacher, 64, "noise", 50), (student, 64, "representation", 1)) < ratio
    assert flop_ratio((student, 64, "representation", 1), (student, 64, "representation", 1)) == 1.0
