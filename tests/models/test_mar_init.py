"""The MAR ImageNet initialisation: the designed tensors transfer, anything else is refused.

Checkpoints are written in the LTH14/mar release layout (audiodear.fixtures.mar_release) at small widths; the
counts are those of the layout, whatever the width: mar_base (12 + 12 blocks, a 6-block head) holds
364 tensors, of which 299 transfer into IMPACT-base and 65 do not (class embedding 1, diffusion
head 60, token projection 2, the two position tables over 64 + 256 positions 2).
"""
import logging

import pytest
import torch
from audiodear.fixtures.mar_release import save_mar_release
from omegaconf import OmegaConf

from audiodear.errors import CheckpointError, ConfigError
from audiodear.models.mar import BackboneConfig, MARBackbone
from audiodear.models.mar_checkpoint import NOT_TRANSFERRED, OURS_ONLY, load_mar_checkpoint
from audiodear.models.generator_file import load_weights
from audiodear.train.launch import train_from_plan
from audiodear.utils.checkpoint_files import files_read
from audiodear.utils.hashing import sha256_file
from tiny import COND_LEN, SEQ, tiny_plan, write_training_inputs

# mar_base's layout at width 64 (768 in the release) with a 32-wide head (1024).
MAR_B = dict(width=64, depth=12, head_depth=6, head_width=32)


def another_length(theirs: int, ours: int) -> str:
    return f"position table of another length ({theirs} positions in MAR, {ours} here)"


def impact_base(seq_len=256, cond_len=78, width=64, depth=12):
    """IMPACT-base's backbone geometry (paper scale: 256 audio tokens of 128 dims, 78 text tokens)."""
    torch.manual_seed(0)
    return MARBackbone(BackboneConfig(token_dim=128, seq_len=seq_len, cond_len=cond_len, cond_dim=96, width=width,
                                      encoder_depth=depth, decoder_depth=depth, heads=4))


@pytest.mark.parametrize("seq_len, transferred", [(256, 299), (64, 298)])
def test_mar_base_transfers_exactly_the_designed_tensors(tmp_path, seq_len, transferred):
    path = tmp_path / "checkpoint-last.pth"
    ema = save_mar_release(path, **MAR_B)
    backbone = impact_base(seq_len)
    before = {k: v.clone() for k, v in backbone.state_dict().items()}
    report = load_mar_checkpoint(backbone, path)

    expected_out = {NOT_TRANSFERRED["class_emb."]: 1, NOT_TRANSFERRED["diffloss."]: 60, NOT_TRANSFERRED["z_proj."]: 2,
                    another_length(64 + 256, 78 + seq_len): 2}
    if seq_len != 256:  # the diffusion position table has 256 positions in MAR
        expected_out[another_length(256, seq_len)] = 1
    assert report["transferred"] == transferred
    assert report["not_transferred"] == expected_out
    assert report["transferred"] + sum(expected_out.values()) == len(ema) == 364
    assert report["weights"] == "model_ema"
    fresh = {name for names in report["initialised_fresh"].values() for name in names}
    assert {"cond_proj.weight", "cond_proj.bias", "z_proj.weight", "z_proj.bias"} <= fresh
    assert report["initialised_fresh"][OURS_ONLY["cond_proj."]] == ["cond_proj.bias", "cond_proj.weight"]
    after = backbone.state_dict()
    for name, value in after.items():
        expected = before[name] if name in fresh else ema[name]
        assert torch.equal(value, expected), name
    assert len(after) - len(fresh) == transferred
    assert report["sha256"] == sha256_file(path) == files_read()[str(path)]


def _mar_large(path):
    # mar_large's layout (16 + 16 blocks, 8-block head) at width 96 where IMPACT-base has 64
    save_mar_release(path, width=96, depth=16, head_depth=8, head_width=32)


def _truncated(path):
    save_mar_release(path, drop=("decoder_blocks.11.", "decoder_norm."), **MAR_B)


def _cnn14(path):
    # a PANNs checkpoint: {"model": state_dict} with Cnn14's key names
    torch.save({"model": {"conv_block1.conv1.weight": torch.randn(64, 1, 3, 3),
                          "fc_audioset.weight": torch.randn(527, 2048)}}, str(path))


@pytest.mark.parametrize("write, reason", [
    (_mar_large, r"tensor\(s\) have another shape: decoder_blocks.0.attn.proj.bias \(96,\) in the file vs \(64,\)"
                 r".*tensor\(s\) in the file are not in the model: decoder_blocks.12"),
    (_truncated, r"14 tensor\(s\) of the model are missing from the file: decoder_blocks.11.attn.proj.bias"),
    (_cnn14, r"missing from the file: decoder_blocks.0.*not in the model: conv_block1.conv1.weight, fc_audioset"),
])
def test_other_checkpoints_are_refused_and_leave_the_backbone_untouched(tmp_path, write, reason):
    path = tmp_path / "checkpoint-last.pth"
    write(path)
    backbone = impact_base()
    before = {k: v.clone() for k, v in backbone.state_dict().items()}
    with pytest.raises(CheckpointError, match=rf"{path}: not an LTH14/mar checkpoint.*{reason}"):
        load_mar_checkpoint(backbone, path)
    assert all(torch.equal(v, before[k]) for k, v in backbone.state_dict().items())
    with pytest.raises(ConfigError, match="not found"):
        load_mar_checkpoint(backbone, tmp_path / "missing.pth")


def test_teacher_training_logs_and_stores_the_transfer(tmp_path, caplog):
    """A teacher job with ``model.init_from`` records the transfer in its log and its model file
    (from where the training rule copies it into provenance.json)."""
    lat, text = write_training_inputs(tmp_path / "in")
    plan = OmegaConf.to_container(tiny_plan(steps=2, batch_size=8, checkpoint_every=2, warmup_steps=1))
    assert plan["model"]["size"] == "debug"  # width 32, 1 + 1 blocks
    path = tmp_path / "checkpoint-last.pth"
    # the file's diffusion position table has the model's SEQ positions, so it transfers
    save_mar_release(path, width=32, depth=1, seq_len=SEQ, head_depth=2, head_width=16)
    plan["model"]["init_from"] = str(path)
    paths = {"latents": str(lat), "text": str(text), "model": str(tmp_path / "teacher" / "model.safetensors"),
             "loss_log": str(tmp_path / "loss.jsonl"), "workdir": str(tmp_path / "scratch")}
    with caplog.at_level(logging.INFO, logger="audiodear.train.entry"):
        record = train_from_plan(OmegaConf.create(plan), "teacher", None, paths)
    _, meta = load_weights(paths["model"])
    init = meta["init"]
    assert record["init"] == init and record["role"] == "teacher" and record["processes"] == 1  # for provenance.json
    # 2 blocks x 12 + fake_latent, z_proj_ln (2), encoder_norm (2), decoder_embed (2), mask_token,
    # decoder_norm (2), diffusion_pos_embed_learned
    assert init["transferred"] == 35 and init["sha256"] == sha256_file(path)
    assert init["not_transferred"][another_length(64 + SEQ, COND_LEN + SEQ)] == 2
    assert "35 tensors transferred" in caplog.text
