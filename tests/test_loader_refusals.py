"""Every checkpoint loader refuses a wrong file and names it: a checkpoint of another architecture, a
missing tensor, a tensor of another shape, a folder whose config declares another model.

The files are the fixture builder's (``audiodear.fixtures``, reduced width: the published classes
and layouts) with one thing changed. Cases tested elsewhere, not repeated here:
missing tensors (VAE without its decoder, test_vae; HiFi-GAN without its resblocks, test_vocoder;
T5 without its encoder blocks, test_flan_t5; CLAP without audio_projection and an unfused CLAP,
test_laion_clap; Cnn14, test_backbone_cnn14; VGGish's PCA file, test_backbone_vggish; an unfused
ClapModel under a fused config, test_backbone_hf_clap), wrong configs (an RGB VAE and another latent
geometry, test_vae; a 22.05 kHz hop-256 and an 80-mel HiFi-GAN, test_vocoder; a fused config over
unfused weights, test_backbone_hf_clap; a RoBERTa of another width, test_laion_clap), a 32 kHz Cnn14
(test_backbone_cnn14), and every MAR case (MAR-L, truncated, a non-MAR file: test_mar_init).
"""
from __future__ import annotations

import json
import re
import shutil

import pytest
import torch

from audiodear.errors import CheckpointError, ConfigError
from audiodear.fixtures import checkpoint_paths, make_fixtures


@pytest.fixture(scope="module")
def fx(tmp_path_factory):
    root = tmp_path_factory.mktemp("fixtures")
    make_fixtures(root, "reduced", only=["vae", "vocoder", "flan_t5", "laion_clap", "cnn14", "vggish", "hf_clap"],
                  log=lambda _: None)
    return {name: root / rel for name, rel in checkpoint_paths().items()}


def _copy(src, dest, *, config_from=None, weights_from=None, weights_name=None):
    """A copy of folder ``src``, with another folder's config.json or weights file dropped in."""
    shutil.copytree(src, dest)
    if config_from is not None:
        shutil.copy(config_from / "config.json", dest / "config.json")
    if weights_from is not None:
        shutil.copy(weights_from, dest / weights_name)
    return dest


def _set_config(folder, **fields):
    config = json.loads((folder / "config.json").read_text())
    (folder / "config.json").write_text(json.dumps({**config, **fields}))


def _refused(load, path, pattern, error=CheckpointError):
    with pytest.raises(error) as info:
        load()
    message = str(info.value)
    assert message.startswith(str(path)), message
    assert re.search(pattern, message), message


# --- AudioLDM VAE -----------------------------------------------------------------------------------

def test_vae_of_another_width_under_the_published_config(fx, tmp_path):
    from audiodear.audio.vae import load_vae
    from audiodear.fixtures.audio import write_vae
    wide = write_vae(tmp_path / "wide", "reduced", block_out_channels=[8, 16, 32])
    _copy(wide, tmp_path / "vae", config_from=fx["vae"])
    _refused(lambda: load_vae(tmp_path / "vae"), tmp_path / "vae" / "diffusion_pytorch_model.safetensors",
             r"not an AudioLDM-family VAE of the shapes its config.json gives; \d+ tensor\(s\) have another shape: "
             r"decoder\.conv_in\.bias \(32,\) in the file vs \(16,\) in the model")


def test_vae_folder_holding_a_vocoder(fx, tmp_path):
    from audiodear.audio.vae import load_vae
    folder = _copy(fx["vae"], tmp_path / "vae", weights_from=fx["vocoder"] / "model.safetensors",
                   weights_name="diffusion_pytorch_model.safetensors")
    _refused(lambda: load_vae(folder), folder / "diffusion_pytorch_model.safetensors",
             r"not an AudioLDM-family VAE; \d+ tensor\(s\) of the model are missing from the file: decoder\.conv_in"
             r".*not in the model: conv_post\.bias")


def test_vae_config_of_another_class(fx, tmp_path):
    from audiodear.audio.vae import load_vae
    folder = _copy(fx["vae"], tmp_path / "vae")
    _set_config(folder, _class_name="VQModel")
    _refused(lambda: load_vae(folder), folder / "config.json",
             r"not an AudioLDM-family VAE; _class_name is 'VQModel', the project needs 'AutoencoderKL'")
    # a transformers config (the vocoder's) has no _class_name at all
    other = _copy(fx["vae"], tmp_path / "vae_t", config_from=fx["vocoder"])
    _refused(lambda: load_vae(other), other / "config.json", r"_class_name is None, the project needs 'AutoencoderKL'")


# --- AudioLDM HiFi-GAN ------------------------------------------------------------------------------

def test_vocoder_of_another_mel_size_under_the_published_config(fx, tmp_path):
    from audiodear.audio.vocoder import load_hifigan
    from audiodear.fixtures.audio import write_hifigan
    other = write_hifigan(tmp_path / "v80", "reduced", model_in_dim=80)
    folder = _copy(other, tmp_path / "vocoder", config_from=fx["vocoder"])
    _refused(lambda: load_hifigan(folder), folder / "model.safetensors",
             r"of the shapes its config.json gives; 3 tensor\(s\) have another shape: conv_pre\.weight \(32, 80, 7\) "
             r"in the file vs \(32, 64, 7\) in the model")


def test_vocoder_folder_holding_a_vae(fx, tmp_path):
    from audiodear.audio.vocoder import load_hifigan
    folder = _copy(fx["vocoder"], tmp_path / "vocoder", weights_from=fx["vae"] / "diffusion_pytorch_model.safetensors",
                   weights_name="model.safetensors")
    _refused(lambda: load_hifigan(folder), folder / "model.safetensors",
             r"not a 16000 Hz, hop 160, 64-mel HiFi-GAN; \d+ tensor\(s\) of the model are missing from the file: "
             r"conv_post\.bias.*not in the model: decoder\.conv_in\.bias")


def test_vocoder_config_of_another_model(fx, tmp_path):
    from audiodear.audio.vocoder import load_hifigan
    folder = _copy(fx["vocoder"], tmp_path / "vocoder", config_from=fx["flan_t5"])
    _refused(lambda: load_hifigan(folder), folder / "config.json", r"model_type is 't5', the project needs 'hifigan' or 'speecht5_hifigan'")


# --- Flan-T5 ----------------------------------------------------------------------------------------

def test_t5_of_another_width_under_the_published_config(fx, tmp_path):
    from audiodear.fixtures.text import write_flan_t5
    from audiodear.text.flan_t5 import load_flan_t5
    wide = write_flan_t5(tmp_path / "wide", "reduced", d_model=48)
    folder = _copy(wide, tmp_path / "t5", config_from=fx["flan_t5"])
    _refused(lambda: load_flan_t5(folder), folder / "model.safetensors",
             r"not a T5 encoder of the shapes its config.json gives; 20 tensor\(s\) have another shape: "
             r"encoder\.block\.0\.layer\.0\.SelfAttention\.k\.weight \(32, 48\) in the file vs \(32, 32\)")


def test_t5_folder_holding_a_clap_model(fx, tmp_path):
    from audiodear.text.flan_t5 import load_flan_t5
    folder = _copy(fx["flan_t5"], tmp_path / "t5", weights_from=fx["hf_clap"] / "model.safetensors",
                   weights_name="model.safetensors")
    _refused(lambda: load_flan_t5(folder), folder / "model.safetensors",
             r"not a T5 encoder; \d+ tensor\(s\) of the model are missing from the file: encoder\.block\.0\."
             r".*not in the model: audio_model\.")


def test_t5_config_of_another_model(fx, tmp_path):
    from audiodear.text.flan_t5 import load_flan_t5
    folder = _copy(fx["flan_t5"], tmp_path / "t5", config_from=fx["hf_clap"])
    _refused(lambda: load_flan_t5(folder), folder / "config.json", r"model_type is 'clap', the project needs 't5'")


# --- LAION-CLAP (conditioning) ----------------------------------------------------------------------

def test_laion_clap_of_another_vocabulary(fx, tmp_path):
    from audiodear.fixtures.text import write_laion_clap
    from audiodear.text.laion_clap import load_clap
    path = write_laion_clap(tmp_path / "clap.pt", tmp_path / "roberta_other", "reduced", vocab_size=96)
    _refused(lambda: load_clap(path, fx["roberta"]), path,
             r"tensor\(s\) have another shape: text_branch\.embeddings\.word_embeddings\.weight \(96, 768\) in the file "
             r"vs \(64, 768\) in the model")


def test_laion_clap_path_holding_another_network(fx):
    from audiodear.text.laion_clap import load_clap
    _refused(lambda: load_clap(fx["vggish"], fx["roberta"]), fx["vggish"],
             r"not a HTSAT-tiny / roberta CLAP \(fusion=True\); \d+ tensor\(s\) of the model are missing from the file: "
             r"audio_branch\..*not in the model: embeddings\.0\.bias")


def test_roberta_folder_with_the_config_of_another_model(fx, tmp_path):
    from audiodear.text.laion_clap import load_clap
    folder = _copy(fx["roberta"], tmp_path / "roberta", config_from=fx["flan_t5"])
    _refused(lambda: load_clap(fx["laion_clap"], folder), folder / "config.json",
             r"not a roberta-base folder; model_type is 't5', the project needs 'roberta'")


# --- Cnn14, VGGish ----------------------------------------------------------------------------------

def test_cnn14_path_holding_vggish(fx, tmp_path):
    from audiodear.eval.backbones import load_backbone
    path = tmp_path / "Cnn14_16k_mAP=0.438.pth"
    torch.save({"model": torch.load(fx["vggish"], weights_only=True)}, path)
    _refused(lambda: load_backbone("cnn14_16k", path), path,
             r"not a Cnn14-16k checkpoint.*missing from the file: bn0\.bias.*not in the model: embeddings\.0\.bias")


def test_vggish_of_another_embedding_size(fx, tmp_path):
    from audiodear.eval.backbones import load_backbone
    state = torch.load(fx["vggish"], weights_only=True)
    state["embeddings.4.weight"], state["embeddings.4.bias"] = torch.zeros(256, 4096), torch.zeros(256)
    path = tmp_path / "vggish-10086976.pth"
    torch.save(state, path)
    _refused(lambda: load_backbone("vggish", path), path,
             r"not torchvggish's VGGish state dict; 2 tensor\(s\) have another shape: embeddings\.4\.bias \(256,\) in "
             r"the file vs \(128,\) in the model")


def test_vggish_path_holding_cnn14(fx):
    from audiodear.eval.backbones import load_backbone
    _refused(lambda: load_backbone("vggish", fx["cnn14"]), fx["cnn14"],
             r"expected torchvggish's VGGish state dict", error=ConfigError)


# --- evaluation CLAP (transformers ClapModel) -------------------------------------------------------

def test_clap_model_of_another_text_width_under_the_published_config(fx, tmp_path):
    from audiodear.eval.backbones import load_backbone
    from audiodear.fixtures.evaluation import write_hf_clap
    wide = write_hf_clap(tmp_path / "wide", "reduced", text={"hidden_size": 48})
    folder = _copy(wide, tmp_path / "clap", config_from=fx["hf_clap"])
    _refused(lambda: load_backbone("hf_clap", folder), folder / "model.safetensors",
             r"not a ClapModel \(fusion=True\) of the shapes its config.json gives; \d+ tensor\(s\) have another shape: "
             r"text_model\.embeddings\.LayerNorm\.bias \(48,\) in the file vs \(32,\)")


def test_clap_folder_holding_t5(fx, tmp_path):
    from audiodear.eval.backbones import load_backbone
    folder = _copy(fx["hf_clap"], tmp_path / "clap", weights_from=fx["flan_t5"] / "model.safetensors",
                   weights_name="model.safetensors")
    _refused(lambda: load_backbone("hf_clap", folder), folder / "model.safetensors",
             r"not a ClapModel \(fusion=True\); \d+ tensor\(s\) of the model are missing from the file: audio_model\."
             r".*not in the model: encoder\.block\.0\.")


def test_clap_config_of_another_model(fx, tmp_path):
    from audiodear.eval.backbones import load_backbone
    folder = _copy(fx["hf_clap"], tmp_path / "clap", config_from=fx["flan_t5"])
    _refused(lambda: load_backbone("hf_clap", folder), folder / "config.json",
             r"not a ClapModel \(fusion=True\); model_type is 't5', the project needs 'clap'")
