"""LAION-CLAP (HTSAT-tiny + RoBERTa, fusion): published size, offline load of the published format.

Published size: laion/clap-htsat-fused (transformers' ClapModel of the same HTSAT-tiny + roberta-base
fusion CLAP) has 153,507,530 parameters: 614 MB of float32 in its model.safetensors. laion-clap's
CLAP holds 158,348,809: the same network plus modules the embeddings never use or never train:
the fixed STFT/mel filter weights of torchlibrosa (1,083,456), HTSAT's AudioSet classifier
(tscam_conv + head, 2,707,199) and the two MLPs that only the training loss uses (1,050,624).
"""
import copy

import numpy as np
import pytest
import torch

from audiodear.errors import AudioError, CheckpointError, ConfigError
from audiodear.text.laion_clap import ClapEncoder, build_clap, load_clap, save_clap_checkpoint

LAION_CLAP_FUSION_PARAMS = 158_348_809
HF_CLAP_HTSAT_FUSED_PARAMS = 153_507_530
ROBERTA_VOCAB_SIZE = 28   # the fixed test vocabulary (conftest.roberta_style_tokenizer); pinned


def roberta_base_config(**overrides):
    """roberta-base's published config.json values (``audiodear.fixtures.published.ROBERTA_BASE``)."""
    from audiodear.fixtures.text import roberta_config
    return roberta_config("full", **overrides)


def test_published_architecture_has_the_published_size():
    from transformers import ClapConfig, ClapModel

    from audiodear.fixtures.evaluation import clap_config
    model, _ = build_clap(roberta_base_config(), text_device="meta")
    total = sum(p.numel() for p in model.parameters())
    assert total == LAION_CLAP_FUSION_PARAMS
    branch = model.audio_branch
    unused = (sum(p.numel() for m in (branch.spectrogram_extractor, branch.logmel_extractor) for p in m.parameters())
              + sum(p.numel() for m in (branch.tscam_conv, branch.head) for p in m.parameters())
              + sum(p.numel() for m in (model.audio_transform, model.text_transform) for p in m.parameters()))
    assert total - unused == HF_CLAP_HTSAT_FUSED_PARAMS
    with torch.device("meta"):
        hf = ClapModel(ClapConfig(audio_config={"enable_fusion": True}, text_config={"vocab_size": 50265}))
        published = ClapModel(clap_config("full"))  # the fixture builder's clap-htsat-fused config
    assert sum(p.numel() for p in published.parameters()) == HF_CLAP_HTSAT_FUSED_PARAMS
    assert sum(p.numel() for p in hf.parameters()) == HF_CLAP_HTSAT_FUSED_PARAMS
    assert round(HF_CLAP_HTSAT_FUSED_PARAMS * 4 / 1e6) == 614


@pytest.fixture(scope="module")
def tiny_clap(tmp_path_factory, roberta_style_tokenizer):
    """A random CLAP of the published family with a one-layer RoBERTa, written in the published layout."""
    root = tmp_path_factory.mktemp("clap")
    config = roberta_base_config(vocab_size=ROBERTA_VOCAB_SIZE, num_hidden_layers=1, intermediate_size=64,
                                 max_position_embeddings=80)
    config.save_pretrained(str(root / "roberta"))
    roberta_style_tokenizer.save_pretrained(str(root / "roberta"))
    torch.manual_seed(0)
    model, cfg = build_clap(config)
    # the published file: DataParallel "module." prefixes, the old position_ids buffer, training extras
    state = {"module." + k: v for k, v in model.state_dict().items()}
    state["module.text_branch.embeddings.position_ids"] = torch.arange(80)[None]
    torch.save({"epoch": 45, "name": "tiny", "state_dict": state}, str(root / "tiny-fusion.pt"))
    return root, ClapEncoder(model, cfg, roberta_style_tokenizer)


def waves_16k():
    rng = np.random.default_rng(0)
    short = (0.3 * rng.standard_normal(int(2.56 * 16000))).astype(np.float32)           # repeat-padded
    long = (0.3 * np.sin(2 * np.pi * 440 * np.arange(int(10.24 * 16000)) / 16000)).astype(np.float32)  # fused
    return [short, long]


def test_published_format_loads_offline_with_identical_embeddings(tiny_clap):
    root, reference = tiny_clap
    assert len(reference.tokenizer) == ROBERTA_VOCAB_SIZE
    loaded = load_clap(root / "tiny-fusion.pt", root / "roberta")
    captions = ["a dog barks while rain falls", "engine hums"]
    text = loaded.embed_text(captions)
    assert text.shape == (2, 512)
    assert torch.allclose(text.norm(dim=-1), torch.ones(2), atol=1e-5)
    assert torch.equal(text, reference.embed_text(captions))
    audio = loaded.embed_audio(waves_16k())
    assert audio.shape == (2, 512)
    assert torch.allclose(audio.norm(dim=-1), torch.ones(2), atol=1e-5)
    assert torch.equal(audio, reference.embed_audio(waves_16k()))
    assert not torch.allclose(audio[0], audio[1])


def test_audio_embeddings_are_deterministic_for_long_clips(tiny_clap):
    _, encoder = tiny_clap
    long = waves_16k()[1:]
    first = encoder.embed_audio(long)
    np.random.seed(123)   # the caller's numpy state must not matter, and is left as it was
    state = np.random.get_state()[1].copy()
    assert torch.equal(first, encoder.embed_audio(long))
    assert np.array_equal(np.random.get_state()[1], state)


def test_own_checkpoint_writer_round_trips(tiny_clap, tmp_path):
    root, reference = tiny_clap
    save_clap_checkpoint(reference.model, tmp_path / "clap.pt")
    loaded = load_clap(tmp_path / "clap.pt", root / "roberta")
    assert torch.equal(loaded.embed_text(["rain on the roof"]), reference.embed_text(["rain on the roof"]))


def test_mismatched_or_broken_inputs_are_refused(tiny_clap, tmp_path):
    root, reference = tiny_clap
    state = {k: v for k, v in reference.model.state_dict().items() if not k.startswith("audio_projection")}
    torch.save({"state_dict": state}, str(tmp_path / "partial.pt"))
    with pytest.raises(ConfigError, match="missing"):
        load_clap(tmp_path / "partial.pt", root / "roberta")
    with pytest.raises(ConfigError, match="not found"):
        load_clap(tmp_path / "absent.pt", root / "roberta")
    # a RoBERTa folder without tokenizer files: transformers silently gives a 5-token tokenizer
    (tmp_path / "no_tokenizer").mkdir()
    (tmp_path / "no_tokenizer" / "config.json").write_text((root / "roberta" / "config.json").read_text())
    with pytest.raises(ConfigError, match="tokenizer"):
        load_clap(root / "tiny-fusion.pt", tmp_path / "no_tokenizer")
    with pytest.raises(AudioError, match="waveform 1"):
        reference.embed_audio([np.zeros(16000, np.float32), np.array([np.nan], np.float32)])
    with pytest.raises(ConfigError, match="768"):
        build_clap(roberta_base_config(hidden_size=64))


def test_an_unfused_checkpoint_is_refused_by_the_fused_loader(tiny_clap, tmp_path):
    from transformers import RobertaConfig
    root, _ = tiny_clap
    config = RobertaConfig.from_pretrained(str(root / "roberta"))
    torch.manual_seed(1)
    unfused, _ = build_clap(config, fusion=False)
    save_clap_checkpoint(unfused, tmp_path / "630k-audioset-best.pt")
    with pytest.raises(CheckpointError, match=rf"{tmp_path / '630k-audioset-best.pt'}: not a HTSAT-tiny / roberta CLAP "
                                              r"\(fusion=True\); \d+ tensor\(s\) of the model are missing from the file: "
                                              r"audio_branch\.patch_embed\.fusion_model\."):
        load_clap(tmp_path / "630k-audioset-best.pt", root / "roberta")


def test_the_checkpoint_read_is_recorded_with_its_sha256(tiny_clap):
    from audiodear.utils.checkpoint_files import files_read
    from audiodear.utils.hashing import sha256_file
    root, _ = tiny_clap
    load_clap(root / "tiny-fusion.pt", root / "roberta")
    assert files_read()[str(root / "tiny-fusion.pt")] == sha256_file(root / "tiny-fusion.pt")
    assert str(root / "roberta" / "config.json") in files_read()
