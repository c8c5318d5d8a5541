"""A trained generator's model file: its weights (EMA) and the JSON that rebuilds it.

The file is safetensors, no pickle: the tensors, plus metadata with the model spec, role, variant,
text set, latent geometry and the training summary. Generation, latency and student training
(which starts from the teacher) read generators through ``load_generator``.
"""
from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors import SafetensorError, safe_open

from ..errors import CheckpointError
from ..utils.atomic import write_tensors
from ..utils.checkpoint_check import load_state
from ..utils.checkpoint_files import record_files
from .build import ModelSpec, build_model


def save_weights(path: str | Path, weights: dict[str, torch.Tensor], meta: dict) -> None:
    """A final model file: weights plus the JSON needed to rebuild the model."""
    write_tensors(path, {k: v.detach().cpu().contiguous() for k, v in weights.items()},
                  {k: json.dumps(v) for k, v in meta.items()})


def weights_meta(path: str | Path) -> dict:
    """The JSON metadata of a final model file, without reading its tensors."""
    try:
        with safe_open(str(path), framework="pt") as f:
            return {k: json.loads(v) for k, v in (f.metadata() or {}).items()}
    except (SafetensorError, OSError) as err:
        raise CheckpointError(f"{path}: unreadable model file ({err})") from None


def load_weights(path: str | Path) -> tuple[dict[str, torch.Tensor], dict]:
    """Weights and metadata of a final model file; a truncated file is refused (CheckpointError)."""
    try:
        with safe_open(str(path), framework="pt") as f:
            meta = {k: json.loads(v) for k, v in (f.metadata() or {}).items()}
            return {k: f.get_tensor(k) for k in f.keys()}, meta
    except (SafetensorError, OSError) as err:
        raise CheckpointError(f"{path}: unreadable model file ({err})") from None


def load_generator(path: str | Path, device: str = "cpu"):
    """A trained generator (teacher or student) from its model file, in eval mode."""
    weights, meta = load_weights(path)
    model = build_model(ModelSpec(**meta["spec"]))
    load_state(model, weights, path, f"a {meta.get('role', 'generator')} of the recorded spec")
    record_files(path)
    return model.to(device).eval(), meta
