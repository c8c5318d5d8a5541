"""Flan-T5 encoder: published size, offline folder round trip, padding, tokenizer traps.

Published size: google/flan-t5-large's config (d_model 1024, d_ff 2816, 24 layers, 16 heads, d_kv
64, vocab 32128, gated-gelu). Its encoder with the shared token embedding has 341,231,104
parameters. The same figure is reported as the frozen backbone of MOMENT-1-large, whose
transformer_backbone is google/flan-t5-large; and the full encoder-decoder from the same config
(750,251,008 with the untied LM head) plus one more 32128 x 1024 embedding copy is the 783,150,080
reported for T5-large v1.1 (the "783M" of the flan-t5-large model card).
"""
import pytest
import torch

from audiodear.errors import CheckpointError, ConfigError, ManifestError
from audiodear.text.flan_t5 import FlanT5Encoder, load_flan_t5

FLAN_T5_LARGE_ENCODER_PARAMS = 341_231_104
T5_VOCAB_SIZE = 54   # the fixed test vocabulary (conftest.t5_style_tokenizer); pinned
CAPTIONS = ["a dog barks while rain falls", "engine hums"]


def flan_t5_large_config(**overrides):
    from audiodear.fixtures.text import flan_t5_config
    return flan_t5_config("full", **overrides)


def tiny_config(tokenizer):
    return flan_t5_large_config(d_model=32, d_ff=48, num_layers=2, num_decoder_layers=2, num_heads=4, d_kv=8,
                                vocab_size=T5_VOCAB_SIZE, pad_token_id=tokenizer.pad_token_id,
                                eos_token_id=tokenizer.eos_token_id, decoder_start_token_id=tokenizer.pad_token_id)


def test_flan_t5_large_encoder_has_the_published_size():
    from transformers import T5EncoderModel, T5ForConditionalGeneration
    with torch.device("meta"):
        encoder = T5EncoderModel(flan_t5_large_config())
        full = T5ForConditionalGeneration(flan_t5_large_config())
    assert sum(p.numel() for p in encoder.parameters()) == FLAN_T5_LARGE_ENCODER_PARAMS
    assert sum(p.numel() for p in full.parameters()) + 32128 * 1024 == 783_150_080


def test_tiny_encoder_folder_loads_back_with_identical_outputs(tmp_path, t5_style_tokenizer):
    from transformers import T5EncoderModel
    assert len(t5_style_tokenizer) == T5_VOCAB_SIZE
    torch.manual_seed(0)
    model = T5EncoderModel(tiny_config(t5_style_tokenizer)).eval()
    model.save_pretrained(str(tmp_path / "t5"))
    t5_style_tokenizer.save_pretrained(str(tmp_path / "t5"))
    loaded = load_flan_t5(tmp_path / "t5")
    assert len(loaded.tokenizer) == T5_VOCAB_SIZE
    h_ref, m_ref = FlanT5Encoder(model, t5_style_tokenizer)(CAPTIONS)
    hidden, mask = loaded(CAPTIONS)
    assert hidden.shape == (2, 77, 32) and mask.shape == (2, 77)
    assert torch.equal(hidden, h_ref) and torch.equal(mask, m_ref)
    # "engine hums" -> 2 pieces + </s>; everything after is padding and exactly zero
    assert mask[1].sum() == 3 and mask[1, :3].all()
    assert hidden[1, 3:].abs().sum() == 0 and hidden[1, :3].abs().sum() > 0


def test_full_t5_folder_loads_only_the_encoder(tmp_path, t5_style_tokenizer):
    # Users hand in the whole google/flan-t5-large folder (encoder + decoder weights).
    from transformers import T5ForConditionalGeneration
    torch.manual_seed(1)
    full = T5ForConditionalGeneration(tiny_config(t5_style_tokenizer)).eval()
    full.save_pretrained(str(tmp_path / "full"))
    t5_style_tokenizer.save_pretrained(str(tmp_path / "full"))
    encoder = load_flan_t5(tmp_path / "full")
    hidden, mask = encoder(CAPTIONS)
    batch = t5_style_tokenizer(CAPTIONS, padding="max_length", max_length=77, return_tensors="pt")
    with torch.no_grad():
        ref = full.encoder(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).last_hidden_state
    assert torch.allclose(hidden, ref * batch["attention_mask"][..., None], atol=1e-6)


def test_long_captions_are_truncated_to_77_tokens(t5_style_tokenizer):
    from transformers import T5EncoderModel
    torch.manual_seed(0)
    encoder = FlanT5Encoder(T5EncoderModel(tiny_config(t5_style_tokenizer)), t5_style_tokenizer)
    hidden, mask = encoder([" ".join(["dog"] * 200)])
    assert hidden.shape == (1, 77, 32) and mask.all()


def test_broken_tokenizer_and_bad_captions_are_refused(tmp_path, t5_style_tokenizer):
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast, T5EncoderModel
    empty = Tokenizer(models.WordLevel(vocab={"<pad>": 0, "</s>": 1, "<unk>": 2}, unk_token="<unk>"))
    empty.pre_tokenizer = pre_tokenizers.Whitespace()
    broken = PreTrainedTokenizerFast(tokenizer_object=empty, pad_token="<pad>", eos_token="</s>", unk_token="<unk>")
    T5EncoderModel(tiny_config(t5_style_tokenizer)).save_pretrained(str(tmp_path / "t5"))
    broken.save_pretrained(str(tmp_path / "t5"))
    with pytest.raises(ConfigError, match="tokenizer"):
        load_flan_t5(tmp_path / "t5")
    with pytest.raises(ConfigError, match="config.json"):
        load_flan_t5(tmp_path / "missing")
    encoder = FlanT5Encoder(T5EncoderModel(tiny_config(t5_style_tokenizer)), t5_style_tokenizer)
    with pytest.raises(ManifestError, match="caption 1"):
        encoder(["a dog", ""])
    with pytest.raises(ManifestError, match="list"):
        encoder("a dog")


def test_weights_without_the_encoder_blocks_are_refused(tmp_path, t5_style_tokenizer):
    """transformers would initialise the missing blocks at random and only log a report."""
    from safetensors.torch import load_file, save_file
    from transformers import T5EncoderModel
    T5EncoderModel(tiny_config(t5_style_tokenizer)).save_pretrained(str(tmp_path / "t5"))
    t5_style_tokenizer.save_pretrained(str(tmp_path / "t5"))
    weights = tmp_path / "t5" / "model.safetensors"
    state = load_file(str(weights))
    save_file({k: v for k, v in state.items() if not k.startswith("encoder.block.")}, str(weights),
              metadata={"format": "pt"})
    with pytest.raises(CheckpointError, match=rf"{weights}: not a T5 encoder; \d+ tensor\(s\) of the model are missing "
                                              r"from the file: encoder\.block\.0\."):
        load_flan_t5(tmp_path / "t5")
