"""A tiny generator and data set shared by the model, sampler and training tests."""
from __future__ import annotations

import torch

from audiodear.models.build import build_model, spec_from_preset
from audiodear.text.conditioning import TextCache

TOKENS, SEQ, COND_LEN, COND_DIM = 8, 12, 4, 12


def tiny_spec(head_kind: str = "diffusion", **head):
    head = {"diffusion_batch_mul": 2, **head} if head_kind == "diffusion" else head
    return spec_from_preset("debug", token_dim=TOKENS, seq_len=SEQ, cond_len=COND_LEN, cond_dim=COND_DIM,
                            head_kind=head_kind, head=head, attn_dropout=0.0, proj_dropout=0.0)


def tiny_model(head_kind: str = "diffusion", seed: int = 0, perturb: bool = False, **head):
    """``perturb`` moves the head off MAR's zero-initialised output layers, as training would."""
    torch.manual_seed(seed)
    model = build_model(tiny_spec(head_kind, **head))
    if perturb:
        with torch.no_grad():
            for p in model.head.parameters():
                p.add_(0.1 * torch.randn_like(p))
    return model


def tiny_data(n: int = 16, seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    tokens = torch.randn(n, SEQ, TOKENS, generator=g)
    ids = [f"clip{i:03d}" for i in range(n)]
    text = TextCache(ids, torch.randn(n, COND_LEN - 1, COND_DIM, generator=g), torch.randn(n, 4, generator=g),
                     torch.randn(n, 4, generator=g), torch.arange(n) % 5 != 0, [f"caption {i}" for i in range(n)])
    return ids, tokens, text


def write_training_inputs(folder, n: int = 16, seed: int = 0):
    """Latent and text files in the formats the DAG's extraction stages write."""
    import json
    from pathlib import Path

    from safetensors.torch import save_file

    folder = Path(folder)
    ids, tokens, text = tiny_data(n, seed)
    lat = folder / "latents"
    lat.mkdir(parents=True, exist_ok=True)
    save_file({i: t.contiguous() for i, t in zip(ids, tokens)}, str(lat / "shard-00000.safetensors"),
              metadata={"latent_shape": json.dumps([2, 12, 4]), "patch": "2"})
    (lat / "index.json").write_text(json.dumps({"shards": ["shard-00000.safetensors"], "ids": ids,
                                                "latent_shape": [2, 12, 4], "patch": 2, "clips": n}))
    text.save(folder / "text.safetensors", {})
    return lat, folder / "text.safetensors"


def tiny_plan(**train):
    """A composed plan for the smallest model, with training overrides."""
    from audiodear.config import compose

    over = [f"train.{k}={v}" for k, v in train.items()]
    return compose("smoke", ["model.attn_dropout=0.0", "model.proj_dropout=0.0", *over])
