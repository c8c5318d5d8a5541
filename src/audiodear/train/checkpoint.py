"""Training checkpoints in safetensors: weights, EMA, optimizer state, RNG state and the step.

No pickle anywhere: tensors go into the safetensors file, the rest (step, optimizer
hyper-parameters, configuration hash) into its JSON metadata. Files are written atomically, so a
run killed mid-save keeps its previous checkpoint.
"""
from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors import SafetensorError, safe_open

from ..errors import CheckpointError
from ..utils.atomic import write_tensors
from ..utils.checkpoint_check import check_keys, load_state

FORMAT = "audiodear-train-v1"


def _flatten_optimizer(state: dict) -> tuple[dict, dict]:
    tensors, scalars = {}, {}
    for idx, per_param in state["state"].items():
        for name, value in per_param.items():
            key = f"optim.{idx}.{name}"
            if torch.is_tensor(value):
                tensors[key] = value.detach().cpu().contiguous()
            else:
                scalars[key] = value
    return tensors, {"param_groups": state["param_groups"], "scalars": scalars}


def _unflatten_optimizer(tensors: dict, meta: dict) -> dict:
    state: dict = {}
    for key, value in list(tensors.items()) + list(meta["scalars"].items()):
        _, idx, name = key.split(".", 2)
        state.setdefault(int(idx), {})[name] = value
    return {"state": state, "param_groups": meta["param_groups"]}


def save_checkpoint(path: str | Path, *, model: torch.nn.Module, ema: dict | None, optimizer, step: int,
                    config_hash: str) -> None:
    tensors = {f"model.{k}": v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    if ema is not None:
        tensors.update({f"ema.{k}": v.detach().cpu().contiguous() for k, v in ema.items()})
    opt_tensors, opt_meta = _flatten_optimizer(optimizer.state_dict())
    tensors.update(opt_tensors)
    tensors["rng.torch"] = torch.get_rng_state()
    if torch.cuda.is_available():
        for i, s in enumerate(torch.cuda.get_rng_state_all()):
            tensors[f"rng.cuda.{i}"] = s
    meta = {"format": FORMAT, "step": str(step), "config_hash": config_hash, "optimizer": json.dumps(opt_meta)}
    write_tensors(path, tensors, meta)


def checkpoint_hash(path: str | Path) -> str:
    """The configuration hash a checkpoint was written for; CheckpointError if the file is unreadable
    (truncated by a crash, say: safetensors checks that the data covers every tensor the header lists)."""
    try:
        with safe_open(str(path), framework="pt") as f:
            return (f.metadata() or {}).get("config_hash", "")
    except (SafetensorError, OSError) as err:
        raise CheckpointError(f"{path}: unreadable training checkpoint ({err})") from None


def load_checkpoint(path: str | Path, *, model: torch.nn.Module, ema: dict | None, optimizer,
                    config_hash: str | None = None) -> int:
    """Restore everything in place; return the step to continue from."""
    with safe_open(str(path), framework="pt") as f:
        meta = f.metadata()
        tensors = {k: f.get_tensor(k) for k in f.keys()}
    if meta.get("format") != FORMAT:
        raise ValueError(f"{path}: not an audiodear training checkpoint")
    if config_hash is not None and meta["config_hash"] != config_hash:
        raise ValueError(f"{path}: checkpoint was written by another configuration; delete it to start over")
    load_state(model, {k[6:]: v for k, v in tensors.items() if k.startswith("model.")}, path, "a checkpoint of this model")
    if ema is not None:
        check_keys(path, "a checkpoint of this model's EMA", missing=[k for k in ema if f"ema.{k}" not in tensors])
        for k in ema:
            ema[k].copy_(tensors[f"ema.{k}"])
    opt = {k: v for k, v in tensors.items() if k.startswith("optim.")}
    optimizer.load_state_dict(_unflatten_optimizer(opt, json.loads(meta["optimizer"])))
    torch.set_rng_state(tensors["rng.torch"])
    if torch.cuda.is_available():
        cuda = [tensors[k] for k in sorted(t for t in tensors if t.startswith("rng.cuda."))]
        if cuda:
            torch.cuda.set_rng_state_all(cuda)
    return int(meta["step"])
