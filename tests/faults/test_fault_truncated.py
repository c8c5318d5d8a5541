"""A file a crash left truncated (checkpoint, model file, latent shard, feature file) is rebuilt or
refused with an error naming it, never read in part."""
import json

import numpy as np
import pytest
import soundfile as sf
import torch

from audiodear.audio.latents import extract_latents, load_latents
from audiodear.audio.mel import MelConfig
from audiodear.audio.vae import LatentCodec, build_vae
from audiodear.errors import CheckpointError, ManifestError
from audiodear.eval.features import FeatureFileError, FeatureSet, load_features, save_features
from audiodear.models.generator_file import load_weights, save_weights
from audiodear.train.loop import CHECKPOINT
from tiny_training import run


def _truncate(path, keep=0.5):
    raw = path.read_bytes()
    path.write_bytes(raw[: int(len(raw) * keep)])


def test_truncated_training_checkpoint_is_set_aside_and_rebuilt(tmp_path):
    first, _ = run(tmp_path, 8)
    ckpt = tmp_path / "work" / CHECKPOINT
    _truncate(ckpt)
    again, summary = run(tmp_path, 8)
    assert summary["resumed_from"] == 0  # started over: the truncated file was not read
    assert (tmp_path / "work" / "ckpt-unreadable.safetensors").is_file()
    for (k, v), w in zip(again.state_dict().items(), first.state_dict().values()):
        assert torch.equal(v, w), k
    assert [json.loads(x)["step"] for x in (tmp_path / "loss.jsonl").read_text().splitlines()] == list(range(1, 9))


def test_truncated_model_file_is_refused(tmp_path):
    path = tmp_path / "model.safetensors"
    save_weights(path, {"w": torch.randn(64, 64)}, {"role": "teacher"})
    _truncate(path, 0.9)
    with pytest.raises(CheckpointError, match=r"model\.safetensors: unreadable model file"):
        load_weights(path)


@pytest.fixture(scope="module")
def tiny_codec():
    torch.manual_seed(0)
    vae = build_vae({"block_out_channels": [4, 4], "layers_per_block": 1, "latent_channels": 2, "norm_num_groups": 2})
    return LatentCodec(vae)


def _clips(root, n=4):
    rows = []
    for i in range(n):
        sf.write(str(root / f"c{i}.wav"), np.random.default_rng(i).uniform(-0.3, 0.3, 5120).astype(np.float32), 16000)
        rows.append({"id": f"c{i}", "path": f"c{i}.wav"})
    return rows


def _extract(rows, root, codec, out, scratch):
    clips = {r["id"]: root / r["path"] for r in rows}
    return extract_latents(clips, codec, MelConfig(), 0.32, 2, out, scratch, shard_size=2)


def test_truncated_latent_shard_in_scratch_is_redone(tmp_path, tiny_codec):
    rows = _clips(tmp_path)
    _extract(rows, tmp_path, tiny_codec, tmp_path / "clean", tmp_path / "s1")
    scratch = tmp_path / "s2"
    scratch.mkdir()
    # A crash left a cut-off copy of shard 0 where a restarted extraction looks for finished shards.
    (scratch / "shard-00000.safetensors").write_bytes((tmp_path / "clean/shard-00000.safetensors").read_bytes()[:300])
    _extract(rows, tmp_path, tiny_codec, tmp_path / "again", scratch)
    ids, clean, _ = load_latents(tmp_path / "clean")
    ids2, again, _ = load_latents(tmp_path / "again")
    assert ids == ids2 and torch.equal(clean, again)


def test_truncated_latent_shard_in_output_is_refused(tmp_path, tiny_codec):
    rows = _clips(tmp_path)
    _extract(rows, tmp_path, tiny_codec, tmp_path / "out", tmp_path / "s")
    _truncate(tmp_path / "out/shard-00001.safetensors")
    with pytest.raises(ManifestError, match=r"out/shard-00001\.safetensors: unreadable latent shard"):
        load_latents(tmp_path / "out")


def test_truncated_feature_file_is_refused(tmp_path):
    fs = FeatureSet(["a", "b", "c"], {"embedding": np.ones((3, 256), np.float32)},
                    {"kind": "audio", "backbone": "x", "checkpoint": "-", "sample_rate": 16000, "resampler": "none"})
    path = save_features(tmp_path / "f.safetensors", fs)
    assert load_features(path).ids == ["a", "b", "c"]
    _truncate(path, 0.95)
    with pytest.raises(FeatureFileError, match=r"f\.safetensors: unreadable feature file"):
        load_features(path)
