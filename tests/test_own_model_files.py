"""The project's own model files (generators, embedded evaluation models, the small CLAP) load only
whole: a file missing a tensor is refused with its name, never completed at random."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from safetensors import safe_open
from safetensors.torch import save_file

from audiodear.errors import CheckpointError
from audiodear.eval.backbones import load_backbone
from audiodear.eval.backbones.embedded_io import save_embedded
from audiodear.eval.backbones.embedded_models import SmallCnn14, SmallCnn14Config
from audiodear.models.build import build_model, spec_from_preset
from audiodear.text.clap_small import ClapConfig, SmallClap, load_clap, save_clap
from audiodear.models.generator_file import load_weights, save_weights
from audiodear.models.generator_file import load_generator
from audiodear.utils.checkpoint_files import files_read


def _drop_first(path: Path, prefix: str) -> str:
    """Rewrite a safetensors file without its first tensor under ``prefix``; return that tensor's name."""
    with safe_open(str(path), framework="pt") as f:
        meta = f.metadata()
        tensors = {k: f.get_tensor(k) for k in f.keys()}
    name = sorted(k for k in tensors if k.startswith(prefix))[0]
    del tensors[name]
    save_file(tensors, str(path), metadata=meta)
    return name


def test_generator_file_missing_a_head_tensor_is_refused(tmp_path):
    spec = spec_from_preset("debug", token_dim=8, seq_len=12, cond_len=4, cond_dim=12, head_kind="diffusion")
    torch.manual_seed(0)
    model = build_model(spec)
    path = tmp_path / "model.safetensors"
    save_weights(path, model.state_dict(), {"spec": spec.to_dict(), "role": "teacher"})
    loaded, _ = load_generator(path)
    assert all(torch.equal(v, model.state_dict()[k]) for k, v in loaded.state_dict().items())
    assert str(path) in files_read()
    name = _drop_first(path, "head.")
    with pytest.raises(CheckpointError, match=rf"{path}: not a teacher of the recorded spec; 1 tensor\(s\) of the model "
                                              rf"are missing from the file: {name}"):
        load_generator(path)
    weights, _ = load_weights(path)
    assert name not in weights


def test_embedded_model_file_missing_a_tensor_is_refused(tmp_path):
    torch.manual_seed(0)
    path = save_embedded(SmallCnn14(SmallCnn14Config(classes=("dog", "rain"), widths=(4, 8))), tmp_path / "cls.safetensors",
                         "embedded_classifier")
    load_backbone("embedded_classifier", path)
    name = _drop_first(path, "")
    with pytest.raises(CheckpointError, match=rf"{path}: not an embedded embedded_classifier.*missing from the file: {name}"):
        load_backbone("embedded_classifier", path)


def test_small_clap_folder_missing_a_tensor_is_refused(tmp_path):
    torch.manual_seed(0)
    save_clap(SmallClap(ClapConfig(text_tower="scratch", channels=(4, 8), text_width=16, embed_dim=8)), tmp_path / "clap")
    load_clap(tmp_path / "clap")
    assert json.loads((tmp_path / "clap" / "clap.json").read_text())["config"]["embed_dim"] == 8
    name = _drop_first(tmp_path / "clap" / "model.safetensors", "")
    with pytest.raises(CheckpointError, match=rf"model.safetensors: not a small CLAP.*missing from the file: {name}"):
        load_clap(tmp_path / "clap")
