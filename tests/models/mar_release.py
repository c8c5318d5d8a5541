"""Random checkpoints in the LTH14/mar release layout, small.

The tensor names and shapes follow LTH14/mar's ``models/mar.py`` (class MAR, timm ViT blocks with
qkv bias) and ``models/diffloss.py`` (SimpleMLPAdaLN), written out here rather than taken from our
backbone, so that a drift of our parameter names would show. mar_base: width 768, 12 + 12 blocks,
diffusion head 6 x 1024; mar_large: width 1024, 16 + 16 blocks, head 8 x 1024 (scaled down in tests).
"""
from __future__ import annotations

import argparse

import torch


def _block(prefix: str, d: int) -> dict[str, tuple[int, ...]]:
    return {f"{prefix}.norm1.weight": (d,), f"{prefix}.norm1.bias": (d,),
            f"{prefix}.attn.qkv.weight": (3 * d, d), f"{prefix}.attn.qkv.bias": (3 * d,),
            f"{prefix}.attn.proj.weight": (d, d), f"{prefix}.attn.proj.bias": (d,),
            f"{prefix}.norm2.weight": (d,), f"{prefix}.norm2.bias": (d,),
            f"{prefix}.mlp.fc1.weight": (4 * d, d), f"{prefix}.mlp.fc1.bias": (4 * d,),
            f"{prefix}.mlp.fc2.weight": (d, 4 * d), f"{prefix}.mlp.fc2.bias": (d,)}


def mar_shapes(width: int, depth: int, seq_len: int = 256, buffer: int = 64, token_dim: int = 16,
               head_depth: int = 6, head_width: int = 1024) -> dict[str, tuple[int, ...]]:
    d, w = width, head_width
    shapes = {"class_emb.weight": (1000, d), "fake_latent": (1, d), "z_proj.weight": (d, token_dim),
              "z_proj.bias": (d,), "z_proj_ln.weight": (d,), "z_proj_ln.bias": (d,),
              "encoder_pos_embed_learned": (1, seq_len + buffer, d)}
    for i in range(depth):
        shapes.update(_block(f"encoder_blocks.{i}", d))
    shapes.update({"encoder_norm.weight": (d,), "encoder_norm.bias": (d,), "decoder_embed.weight": (d, d),
                   "decoder_embed.bias": (d,), "mask_token": (1, 1, d),
                   "decoder_pos_embed_learned": (1, seq_len + buffer, d)})
    for i in range(depth):
        shapes.update(_block(f"decoder_blocks.{i}", d))
    shapes.update({"decoder_norm.weight": (d,), "decoder_norm.bias": (d,),
                   "diffusion_pos_embed_learned": (1, seq_len, d)})
    net = "diffloss.net"
    shapes.update({f"{net}.time_embed.mlp.0.weight": (w, 256), f"{net}.time_embed.mlp.0.bias": (w,),
                   f"{net}.time_embed.mlp.2.weight": (w, w), f"{net}.time_embed.mlp.2.bias": (w,),
                   f"{net}.cond_embed.weight": (w, d), f"{net}.cond_embed.bias": (w,),
                   f"{net}.input_proj.weight": (w, token_dim), f"{net}.input_proj.bias": (w,)})
    for i in range(head_depth):
        b = f"{net}.res_blocks.{i}"
        shapes.update({f"{b}.in_ln.weight": (w,), f"{b}.in_ln.bias": (w,), f"{b}.mlp.0.weight": (w, w),
                       f"{b}.mlp.0.bias": (w,), f"{b}.mlp.2.weight": (w, w), f"{b}.mlp.2.bias": (w,),
                       f"{b}.adaLN_modulation.1.weight": (3 * w, w), f"{b}.adaLN_modulation.1.bias": (3 * w,)})
    shapes.update({f"{net}.final_layer.linear.weight": (2 * token_dim, w),
                   f"{net}.final_layer.linear.bias": (2 * token_dim,),
                   f"{net}.final_layer.adaLN_modulation.1.weight": (2 * w, w),
                   f"{net}.final_layer.adaLN_modulation.1.bias": (2 * w,)})
    return shapes


def save_mar_release(path, seed: int = 0, drop: tuple[str, ...] = (), **geometry) -> dict[str, torch.Tensor]:
    """Write ``checkpoint-last.pth`` as the release does ({"model", "model_ema", "epoch", "args"});
    tensors whose names start with one of ``drop`` are left out. Returns the EMA state written."""
    g = torch.Generator().manual_seed(seed)
    ema = {k: torch.randn(s, generator=g) for k, s in mar_shapes(**geometry).items() if not k.startswith(drop)}
    torch.save({"model": {k: v * 0 for k, v in ema.items()}, "model_ema": ema, "epoch": 399,
                "args": argparse.Namespace(model="mar_base")}, str(path))
    return ema
