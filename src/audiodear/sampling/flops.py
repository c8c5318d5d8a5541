"""Matrix-multiply FLOPs of generating one clip: what the model sizes, decoding iterations and head
steps predict for the teacher/student speed ratio on one piece of hardware.

The count is first-order: 2 FLOPs per multiply-add of every linear layer and of attention's two
matmuls; norms, activations, embeddings and the VAE decoder + vocoder (the same for every
generator) are left out. It follows ``sampling.mar_sampler`` step by step:

- each decoding iteration runs the backbone once, on two branches (conditional and the learned
  unconditional one) when guided; the encoder sees the L conditioning tokens and the audio tokens
  unmasked so far, the decoder all L + N positions;
- each audio token goes through the head once, when it is unmasked: ``diffusion_steps`` network
  calls on both guidance halves for a diffusion head with noise-level CFG, one call for a one-step
  head (representation-level CFG mixes the backbone outputs before the head).

A measured latency ratio well below the FLOP ratio means the smaller generator does not keep the
hardware busy (small matmuls, Python overhead), which is what latency at small sizes shows.
"""
from __future__ import annotations

from .mar_sampler import masked_after


def block_macs(positions: int, width: int, mlp_ratio: float) -> float:
    """One pre-norm transformer block over ``positions`` tokens: qkv + proj + MLP + attention."""
    linear = positions * (4 * width * width + 2 * mlp_ratio * width * width)
    attention = 2 * positions * positions * width  # q·kᵀ and attn·v
    return linear + attention


def head_macs(head_kind: str, token_dim: int, cond_dim: int, width: int, depth: int,
              noise_dim: int | None = None) -> float:
    """One call of the AdaLN MLP head (``models.heads.adaln_mlp``) on one token."""
    times = {"diffusion": 1, "flow_matching": 1, "shortcut": 2, "meanflow": 2}.get(head_kind, 0)
    in_dim = (noise_dim or token_dim) if head_kind == "energy" else token_dim
    out_dim = 2 * token_dim if head_kind == "diffusion" else token_dim  # eps + learned variance
    macs = cond_dim * width + in_dim * width  # condition embedding, input projection
    macs += times * (256 * width + width * width)  # sinusoidal features -> Linear-SiLU-Linear
    macs += depth * (2 * width * width + 3 * width * width)  # MLP + AdaLN shift/scale/gate
    macs += 2 * width * width + width * out_dim  # final AdaLN and output layer
    return macs


def generation_flops(spec: dict, iterations: int, cfg_level: str, head_steps: int) -> float:
    """FLOPs to generate the tokens of one clip with a model spec (``ModelSpec.to_dict()``)."""
    bb, head = spec["backbone"], spec.get("head", {})
    n, cond_len, width = bb["seq_len"], bb["cond_len"], bb["width"]
    ratio = bb.get("mlp_ratio", 4.0)
    branches = 1 if cfg_level == "none" else 2
    macs, remaining = 0.0, n
    for step in range(iterations):
        enc_positions = cond_len + (n - remaining)
        macs += branches * (bb["encoder_depth"] * block_macs(enc_positions, width, ratio)
                            + bb["decoder_depth"] * block_macs(cond_len + n, width, ratio))
        remaining = masked_after(step, iterations, n, remaining)
    calls = head_steps * (2 if cfg_level == "noise" else 1)
    macs += n * calls * head_macs(spec["head_kind"], bb["token_dim"], width, head.get("width", 1024),
                                  head.get("depth", 3), head.get("noise_dim"))
    return 2.0 * macs


def flop_ratio(slow: tuple[dict, int, str, int], fast: tuple[dict, int, str, int]) -> float:
    """How many times fewer FLOPs ``fast`` needs than ``slow``; each is (spec, iterations, cfg_level, head_steps)."""
    return generation_flops(*slow) / generation_flops(*fast)
