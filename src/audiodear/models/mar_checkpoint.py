"""Start the backbone from a MAR ImageNet checkpoint, as IMPACT does (it reports poor results without).

LTH14/mar releases ``checkpoint-last.pth``: a torch file holding ``model`` (and ``model_ema``)
state dicts, sometimes with the training ``args`` (an argparse Namespace). It is read with
``weights_only=True`` (Namespace allow-listed: a plain attribute container, no code runs).

Our backbone keeps MAR's parameter names. What is transferred is fixed by design, not by whatever
happens to match: every tensor of the backbone except those listed below must come from the file
with its shape, and the file may hold nothing else, so a checkpoint of another width or depth
(MAR-L for an IMPACT-base) or no MAR checkpoint at all is refused instead of leaving the backbone
random. Not transferred:

- MAR's ImageNet class embedding (we condition on text) and its diffusion head (IMPACT trains the
  head from scratch);
- the token projection ``z_proj``: it reads MAR's 16-d image tokens, ours are audio tokens;
- a position table of another length (MAR: 64 class-buffer + 256 image positions; ours: L
  conditioning + N audio positions); at paper scale, N = 256, the diffusion position table transfers;
- ``cond_proj``, which MAR does not have.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import torch

from ..errors import ConfigError
from ..utils.checkpoint_check import check_keys
from ..utils.checkpoint_files import record_files

# MAR tensors never transferred, by name prefix, and why.
NOT_TRANSFERRED = {
    "class_emb.": "ImageNet class embedding (the model is conditioned on text)",
    "diffloss.": "MAR's diffusion head (the head is trained from scratch)",
    "z_proj.": "projection of MAR's 16-d image tokens (ours reads audio tokens)",
}
OURS_ONLY = {"cond_proj.": "text-conditioning projection (not in MAR)"}
POSITION_TABLES = ("encoder_pos_embed_learned", "decoder_pos_embed_learned", "diffusion_pos_embed_learned")
WHAT = "an LTH14/mar checkpoint of this backbone's width and depth"


def read_mar_state(path: str | Path, use_ema: bool = True) -> tuple[dict[str, torch.Tensor], str]:
    """(state dict, where in the file it came from): the EMA weights when asked and present."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: MAR checkpoint not found (key 'model.init_from')")
    torch.serialization.add_safe_globals([argparse.Namespace])
    try:
        obj = torch.load(str(path), map_location="cpu", weights_only=True)
    except Exception as err:  # pickle errors come in several types
        raise ConfigError(f"{path}: not a MAR checkpoint readable without executing code ({err})") from None
    for key in (("model_ema", "model") if use_ema else ("model",)):
        if isinstance(obj, dict) and isinstance(obj.get(key), dict):
            return obj[key], key
    if isinstance(obj, dict) and obj and all(torch.is_tensor(v) for v in obj.values()):
        return obj, "state dict"
    raise ConfigError(f"{path}: no 'model' state dict inside")


def _reason(name: str, table: dict[str, str]) -> str | None:
    return next((why for prefix, why in table.items() if name.startswith(prefix)), None)


def transfer_plan(own: dict, mar: dict, path) -> tuple[list[str], dict[str, list[str]], dict[str, list[str]]]:
    """(names transferred, MAR tensors left out by reason, our tensors initialised fresh by reason);
    a ``CheckpointError`` when the file differs from the design."""
    transfer, left_out, fresh = [], {}, {}
    missing, mismatched = [], []
    for name, tensor in own.items():
        why = _reason(name, OURS_ONLY) or _reason(name, NOT_TRANSFERRED)
        theirs = mar.get(name)
        if why is None and theirs is not None and theirs.shape != tensor.shape and name in POSITION_TABLES \
                and theirs.shape[-1] == tensor.shape[-1]:
            why = f"position table of another length ({theirs.shape[1]} positions in MAR, {tensor.shape[1]} here)"
        if why is not None:
            fresh.setdefault(why, []).append(name)
            if theirs is not None:
                left_out.setdefault(why, []).append(name)
        elif theirs is None:
            missing.append(name)
        elif theirs.shape != tensor.shape:
            mismatched.append((name, tuple(theirs.shape), tuple(tensor.shape)))
        else:
            transfer.append(name)
    unexpected = []
    for name in mar:
        if name not in own:
            why = _reason(name, NOT_TRANSFERRED)
            if why is None:
                unexpected.append(name)
            else:
                left_out.setdefault(why, []).append(name)
    check_keys(path, WHAT, missing=missing, unexpected=unexpected, mismatched=mismatched)
    return transfer, left_out, fresh


def load_mar_checkpoint(backbone: torch.nn.Module, path: str | Path, use_ema: bool = True) -> dict:
    """Copy the designed set of MAR tensors into ``backbone``; return what was transferred and why the
    rest was not (for the training log and provenance)."""
    mar, source = read_mar_state(path, use_ema)
    own = backbone.state_dict()
    transfer, left_out, fresh = transfer_plan(own, mar, path)
    backbone.load_state_dict({name: mar[name].to(own[name].dtype) for name in transfer}, strict=False)
    digest = record_files(path)[str(path)]
    return {"checkpoint": str(path), "sha256": digest, "weights": source,
            "transferred": len(transfer), "not_transferred": {why: len(v) for why, v in left_out.items()},
            "initialised_fresh": {why: sorted(v) for why, v in fresh.items()}}
