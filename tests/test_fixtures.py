"""The fixture builder (``audiodear make-fixtures``): every checkpoint of the paper preset, written in
its published format, loads through the project's loader; at full width the architectures have the
published sizes (counted on the meta device here; written and run end to end by the paper-path test,
tests/paper_scale)."""
from __future__ import annotations

import pytest
import torch

from audiodear.cli import main
from audiodear.fixtures import checkpoint_paths

# Published parameter counts (each pinned by its loader's tests from the published file sizes).
AUDIOLDM_VAE, AUDIOLDM_HIFIGAN, FLAN_T5_LARGE_ENCODER = 55_376_873, 55_264_897, 341_231_104
CLAP_HTSAT_FUSED, LAION_CLAP_FUSION, MAR_BASE_TENSORS = 153_507_530, 158_348_809, 364


def _count(module) -> int:
    return sum(p.numel() for p in module.parameters())


def test_full_width_builders_have_the_published_sizes():
    from diffusers.models.autoencoders.autoencoder_kl import AutoencoderKL
    from transformers import ClapModel, SpeechT5HifiGan, SpeechT5HifiGanConfig, T5EncoderModel

    from audiodear.fixtures.audio import hifigan_config, vae_config
    from audiodear.fixtures.evaluation import clap_config
    from audiodear.fixtures.mar_release import mar_shapes
    from audiodear.fixtures.published import MAR_BASE
    from audiodear.fixtures.text import flan_t5_config, roberta_config
    from audiodear.text.laion_clap import build_clap

    with torch.device("meta"):
        assert _count(AutoencoderKL(**vae_config("full"))) == AUDIOLDM_VAE
        assert _count(SpeechT5HifiGan(SpeechT5HifiGanConfig(**hifigan_config("full")))) == AUDIOLDM_HIFIGAN
        t5 = flan_t5_config("full")
        assert (t5.d_model, t5.num_layers) == (1024, 24)
        assert _count(T5EncoderModel(t5)) == FLAN_T5_LARGE_ENCODER
        assert _count(ClapModel(clap_config("full"))) == CLAP_HTSAT_FUSED
    assert _count(build_clap(roberta_config("full"), text_device="meta")[0]) == LAION_CLAP_FUSION
    shapes = mar_shapes(**MAR_BASE)
    assert len(shapes) == MAR_BASE_TENSORS and shapes["encoder_pos_embed_learned"] == (1, 320, 768)


def test_reduced_fixtures_load_through_every_loader(tmp_path, capsys):
    from audiodear.audio.vae import LatentCodec, load_vae
    from audiodear.audio.vocoder import load_hifigan
    from audiodear.eval.backbones import load_backbone
    from audiodear.models.mar_checkpoint import read_mar_state
    from audiodear.text.flan_t5 import load_flan_t5
    from audiodear.text.laion_clap import load_clap

    assert main(["make-fixtures", str(tmp_path), "--width", "reduced"]) == 0
    path = {name: tmp_path / rel for name, rel in checkpoint_paths().items()}
    assert all(p.exists() for p in path.values())
    assert "wrote data/checkpoints/audioldm-s-full-v2/vae" in capsys.readouterr().out

    codec = LatentCodec(load_vae(path["vae"]))
    assert codec.latent_shape(1024, 64) == (8, 256, 16)
    vocoder = load_hifigan(path["vocoder"])
    assert (vocoder.sample_rate, vocoder.hop_length, vocoder.n_mels) == (16000, 160, 64)
    hidden, mask = load_flan_t5(path["flan_t5"])(["a dog barks while rain falls"])
    assert hidden.shape[:2] == (1, 77) and mask.sum() == 7
    assert load_clap(path["laion_clap"], path["roberta"]).embed_text(["engine hums"]).shape == (1, 512)
    assert load_backbone("hf_clap", path["hf_clap"]).embed_text(["engine hums"]).shape[0] == 1
    for kind, name in (("cnn14_16k", "cnn14"), ("vggish", "vggish")):
        load_backbone(kind, path[name])
    state, where = read_mar_state(path["mar"])
    assert len(state) == MAR_BASE_TENSORS and where == "model_ema"


def test_bad_requests_are_refused(tmp_path):
    from audiodear.fixtures import make_fixtures

    with pytest.raises(ValueError, match="width"):
        make_fixtures(tmp_path, "half")
    with pytest.raises(ValueError, match="unknown checkpoint"):
        make_fixtures(tmp_path, "reduced", only=["unet"])
