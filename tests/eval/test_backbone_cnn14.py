"""Cnn14-16k: full-size random weights saved in the published checkpoint layout, loaded through our
loader, and compared with audioldm_eval's own Cnn14 class loading the same file."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from audiodear.errors import CheckpointError, ConfigError
from audiodear.eval.backbones import load_backbone
from audiodear.eval.backbones.cnn14 import Cnn14, save_cnn14


@pytest.fixture(scope="module")
def random_cnn14():
    torch.manual_seed(0)
    return Cnn14().eval()


@pytest.fixture(scope="module")
def published_checkpoint(tmp_path_factory, random_cnn14):
    """A random Cnn14-16k written like Cnn14_16k_mAP=0.438.pth: {"model", "iteration", "sampler"},
    the sampler state holding numpy arrays (which a plain weights_only load rejects)."""
    model = random_cnn14
    with torch.no_grad():  # non-trivial BN statistics so that they matter in the comparison
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.normal_(0.0, 0.1)
                m.running_var.uniform_(0.5, 2.0)
    folder = tmp_path_factory.mktemp("ckpt")
    path = folder / "Cnn14_16k_mAP=0.438.pth"
    save_cnn14(model, path, iteration=0,
               sampler={"indexes_per_class": [np.arange(5, dtype=np.int64)], "queue": np.int64(3)})
    return path


def test_state_dict_keys_are_the_published_ones(random_cnn14):
    keys = set(random_cnn14.state_dict())
    for key in ("spectrogram_extractor.stft.conv_real.weight", "logmel_extractor.melW", "bn0.running_var",
                "conv_block1.conv1.weight", "conv_block6.bn2.weight", "fc1.bias", "fc_audioset.weight"):
        assert key in keys
    assert random_cnn14.fc_audioset.out_features == 527


def test_loader_matches_audioldm_eval_cnn14(published_checkpoint, audioldm_panns, monkeypatch):
    backbone = load_backbone("cnn14_16k", published_checkpoint)
    assert backbone.checkpoint == "Cnn14_16k_mAP=0.438.pth" and backbone.sample_rate == 16000
    wave = (0.1 * np.random.default_rng(0).standard_normal((2, 32000))).astype(np.float32)
    ours = backbone.embed(list(wave), 16000)
    assert ours["embedding"].shape == (2, 2048) and ours["logits"].shape == (2, 527)
    assert (ours["embedding"] >= 0).all()  # ReLU(fc1), audioldm_eval's "2048"

    # audioldm_eval's Cnn14 reads ckpt/Cnn14_16k_mAP=0.438.pth relative to the working directory and
    # would wget the checkpoints unless ckpt/Cnn14_mAP=0.431.pth exists: give it both, offline.
    monkeypatch.chdir(published_checkpoint.parent.parent)
    (published_checkpoint.parent.parent / "ckpt").mkdir(exist_ok=True)
    (published_checkpoint.parent.parent / "ckpt" / "Cnn14_mAP=0.431.pth").touch()
    theirs_path = published_checkpoint.parent.parent / "ckpt" / "Cnn14_16k_mAP=0.438.pth"
    # their torch.load uses the default weights_only=True: give it the model dict alone
    torch.save({"model": backbone.model.state_dict()}, theirs_path)
    theirs = audioldm_panns.Cnn14(features_list=["2048", "logits"], sample_rate=16000, window_size=512, hop_size=160,
                                  mel_bins=64, fmin=50, fmax=8000, classes_num=527).eval()
    with torch.no_grad():
        out = theirs(torch.from_numpy(wave))
    np.testing.assert_allclose(ours["embedding"], out["2048"].numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ours["logits"], out["logits"].numpy(), rtol=1e-5, atol=1e-6)


def test_bad_checkpoints_are_config_errors(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_backbone("cnn14_16k", tmp_path / "missing.pth")
    torch.save({"weights": {}}, tmp_path / "nodict.pth")
    with pytest.raises(ConfigError, match="key 'model'"):
        load_backbone("cnn14_16k", tmp_path / "nodict.pth")
    torch.save({"model": {"fc1.weight": torch.zeros(2, 2)}}, tmp_path / "wrong.pth")
    with pytest.raises(CheckpointError, match="wrong.pth: not a Cnn14-16k.*missing from the file: bn0.bias"):
        load_backbone("cnn14_16k", tmp_path / "wrong.pth")
    (tmp_path / "junk.pth").write_bytes(b"junk")
    with pytest.raises(ConfigError, match="junk.pth: not a readable"):
        load_backbone("cnn14_16k", tmp_path / "junk.pth")


def test_a_32khz_cnn14_is_refused(tmp_path):
    """Cnn14_mAP=0.431.pth (32 kHz, window 1024) has the same keys; its STFT kernels and mel matrix differ."""
    path = tmp_path / "Cnn14_mAP=0.431.pth"
    save_cnn14(Cnn14(sample_rate=32000, window_size=1024, hop_size=320, mel_bins=64, fmin=50.0, fmax=14000.0), path)
    with pytest.raises(CheckpointError, match=rf"{path}: not a Cnn14-16k checkpoint.*3 tensor\(s\) have another shape: "
                                              r"logmel_extractor\.melW \(513, 64\) in the file vs \(257, 64\)"):
        load_backbone("cnn14_16k", path)


def test_the_checkpoint_read_is_recorded(published_checkpoint):
    from audiodear.utils.checkpoint_files import files_read
    from audiodear.utils.hashing import sha256_file
    load_backbone("cnn14_16k", published_checkpoint)
    assert files_read()[str(published_checkpoint)] == sha256_file(published_checkpoint)
