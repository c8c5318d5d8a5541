"""Saving and loading the embedded evaluation networks, and their backbone interface.

A trained network is one safetensors file whose metadata (key ``audiodear_model``) holds the
backbone name and the architecture config, so it loads without any other file; the trainer also
writes a JSON report next to it for people and the DAG.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

import numpy as np
import torch
from safetensors import SafetensorError, safe_open
from safetensors.torch import load_file

from ...errors import ConfigError
from ...utils.atomic import write_tensors
from ...utils.checkpoint_check import load_state
from ...utils.checkpoint_files import record_files
from ...utils.device import resolve_device
from .base import check_rate, stack_equal_length
from .embedded_models import SmallCnn14, SmallCnn14Config, SmallVGGish, SmallVGGishConfig
from .vggish import waveform_to_examples

META_KEY = "audiodear_model"
KINDS = {"embedded_classifier": (SmallCnn14, SmallCnn14Config),
         "embedded_vggish": (SmallVGGish, SmallVGGishConfig)}


class _EmbeddedBackbone:
    """A trained embedded network behind the backbone interface (eval mode, its rate and classes)."""

    loading = "audioldm_eval"

    def __init__(self, model: SmallCnn14 | SmallVGGish, checkpoint: str, device: torch.device):
        self.model = model.to(device).eval()
        self.device = device
        self.checkpoint = checkpoint
        self.sample_rate = model.cfg.sample_rate
        self.classes = list(model.cfg.classes)


class EmbeddedClassifier(_EmbeddedBackbone):
    name = "embedded_classifier"

    @torch.no_grad()
    def embed(self, waves: Sequence[np.ndarray], sample_rate: int) -> dict[str, np.ndarray]:
        check_rate(self, sample_rate)
        out = self.model(stack_equal_length(waves, self.device))
        return {k: v.float().cpu().numpy() for k, v in out.items()}


class EmbeddedFrameEmbedder(_EmbeddedBackbone):
    name = "embedded_vggish"

    @torch.no_grad()
    def embed(self, waves: Sequence[np.ndarray], sample_rate: int) -> dict[str, np.ndarray]:
        check_rate(self, sample_rate)
        examples = [waveform_to_examples(w, sample_rate) for w in waves]
        index = np.concatenate([np.full(len(e), i, dtype=np.int64) for i, e in enumerate(examples)])
        frames = self.model.embed_frames(torch.cat(examples).to(self.device))
        return {"frame_embedding": frames.float().cpu().numpy(), "frame_clip_index": index}


WRAPPERS = {"embedded_classifier": EmbeddedClassifier, "embedded_vggish": EmbeddedFrameEmbedder}


def save_embedded(model: SmallCnn14 | SmallVGGish, path: str | Path, name: str) -> Path:
    if name not in KINDS:
        raise ConfigError(f"unknown embedded model {name!r}")
    meta = {"backbone": name, "config": model.cfg.as_dict()}
    state = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    write_tensors(path, state, {META_KEY: json.dumps(meta, sort_keys=True)})
    return Path(path)


def build_from_meta(meta: dict) -> SmallCnn14 | SmallVGGish:
    model_cls, cfg_cls = KINDS[meta["backbone"]]
    cfg = dict(meta["config"])
    cfg = {k: tuple(v) if isinstance(v, list) else v for k, v in cfg.items()}
    return model_cls(cfg_cls(**cfg))


def load_embedded(path: str | Path, device: str | torch.device | None = "cpu"):
    """An embedded classifier or frame embedder from its safetensors file, as a backbone."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: embedded model not found")
    try:
        with safe_open(str(path), framework="pt") as fh:
            meta = json.loads((fh.metadata() or {})[META_KEY])
        state = load_file(str(path))
    except (SafetensorError, OSError, KeyError, json.JSONDecodeError) as err:
        raise ConfigError(f"{path}: not an embedded evaluation model ({type(err).__name__}: {err})") from None
    if meta.get("backbone") not in KINDS:
        raise ConfigError(f"{path}: field 'backbone' is {meta.get('backbone')!r}")
    model = build_from_meta(meta)
    load_state(model, state, path, f"an embedded {meta['backbone']} of the recorded config")
    record_files(path)
    backbone = WRAPPERS[meta["backbone"]](model, path.name, torch.device(resolve_device(device)))
    backbone.checkpoint_path = str(path)
    return backbone
