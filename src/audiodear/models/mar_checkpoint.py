"""Start the backbone from a MAR ImageNet checkpoint, as IMPACT does (it reports poor results without).

LTH14/mar releases ``checkpoint-last.pth``: a torch file holding ``model`` (and ``model_ema``)
state dicts, sometimes with the training ``args`` (an argparse Namespace). It is read with
``weights_only=True`` (Namespace allow-listed: a plain attribute container, no code runs).

Our backbone keeps MAR's parameter names, so the transformer blocks, norms, ``decoder_embed``,
``mask_token``, ``fake_latent`` and — at paper scale, N = 256 — ``diffusion_pos_embed_learned``
load directly. What cannot match is skipped and reported: the token projection (MAR's tokens are
16-d, ours 128-d), the position tables over class buffer + image tokens (64 + 256 vs L + N), the
class embedding (we condition on text) and the diffusion head (IMPACT trains it from scratch).
"""
from __future__ import annotations

import argparse
from pathlib import Path

import torch

from ..errors import ConfigError


def read_mar_state(path: str | Path, use_ema: bool = True) -> dict[str, torch.Tensor]:
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
            return obj[key]
    if isinstance(obj, dict) and all(torch.is_tensor(v) for v in obj.values()):
        return obj
    raise ConfigError(f"{path}: no 'model' state dict inside")


def load_mar_checkpoint(backbone: torch.nn.Module, path: str | Path, use_ema: bool = True) -> dict:
    """Copy every MAR tensor whose name and shape match; return what was loaded and skipped."""
    state = read_mar_state(path, use_ema)
    own = backbone.state_dict()
    loaded, skipped = [], {}
    for name, tensor in state.items():
        if name not in own:
            skipped[name] = "no such parameter in the audio backbone"
        elif own[name].shape != tensor.shape:
            skipped[name] = f"shape {tuple(tensor.shape)} vs ours {tuple(own[name].shape)}"
        else:
            own[name] = tensor.to(own[name].dtype)
            loaded.append(name)
    backbone.load_state_dict(own)
    untouched = sorted(set(own) - set(loaded))
    return {"checkpoint": str(path), "loaded": len(loaded), "skipped": skipped, "initialised_fresh": untouched}
