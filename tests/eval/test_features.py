"""Feature files (format, validation, atomic writes) and extraction from audio folders."""
from __future__ import annotations

import json

import numpy as np
import pytest
import soundfile as sf
import torch
from safetensors.torch import save_file

from audiodear.audio.io import write_wav
from audiodear.errors import AudioError
from audiodear.eval.backbones.embedded_io import EmbeddedClassifier, EmbeddedFrameEmbedder
from audiodear.eval.backbones.embedded_models import SmallCnn14, SmallCnn14Config, SmallVGGish, SmallVGGishConfig
from audiodear.eval.extract import extract_features, extract_roles, load_wave
from audiodear.eval.features import FeatureFileError, FeatureSet, load_features, save_features
from audiodear.eval.pairing import PairingError

META = {"kind": "audio", "backbone": "test", "checkpoint": "none", "sample_rate": 16000, "resampler": "none"}


def _set(n=4, frames=True):
    rng = np.random.default_rng(0)
    tensors = {"embedding": rng.standard_normal((n, 8)).astype(np.float32),
               "logits": rng.standard_normal((n, 3)).astype(np.float32)}
    if frames:
        tensors["frame_clip_index"] = np.repeat(np.arange(n), 2)
        tensors["frame_embedding"] = rng.standard_normal((2 * n, 5)).astype(np.float32)
    return FeatureSet([f"id{i}" for i in range(n)], tensors, META)


def test_round_trip_keeps_tensors_and_metadata(tmp_path):
    fs = _set()
    path = save_features(tmp_path / "f.safetensors", fs)
    back = load_features(path)
    assert back.ids == fs.ids and back.meta["backbone"] == "test" and back.meta["count"] == 4
    for k, v in fs.tensors.items():
        np.testing.assert_array_equal(back.tensors[k], v)
    assert [p.name for p in tmp_path.iterdir()] == ["f.safetensors"]  # no temporary file left behind


def test_subset_reorders_rows_and_frames():
    sub = _set().subset(["id2", "id0"])
    np.testing.assert_array_equal(sub.get("embedding"), _set().get("embedding")[[2, 0]])
    np.testing.assert_array_equal(sub.get("frame_clip_index"), [0, 0, 1, 1])
    np.testing.assert_array_equal(sub.get("frame_embedding"), _set().get("frame_embedding")[[4, 5, 0, 1]])
    with pytest.raises(PairingError, match="id9"):
        _set().subset(["id9"])


def test_inconsistent_files_are_refused_with_the_path(tmp_path):
    with pytest.raises(FeatureFileError, match="expected \\(3, D\\)"):
        FeatureSet(["a", "b", "c"], {"embedding": np.zeros((2, 4), np.float32)}, META)
    with pytest.raises(PairingError, match="duplicate"):
        FeatureSet(["a", "a"], {"embedding": np.zeros((2, 4), np.float32)}, META)
    bad = tmp_path / "bad.safetensors"
    meta = dict(META, ids=["a", "b"], count=3, format_version=1)
    save_file({"embedding": torch.zeros(2, 4)}, str(bad), metadata={"audiodear_features": json.dumps(meta)})
    with pytest.raises(FeatureFileError, match="bad.safetensors.*'count'"):
        load_features(bad)
    (tmp_path / "junk.safetensors").write_bytes(b"not a safetensors file")
    with pytest.raises(FeatureFileError, match="junk.safetensors: unreadable"):
        load_features(tmp_path / "junk.safetensors")
    with pytest.raises(FeatureFileError, match="not found"):
        load_features(tmp_path / "missing.safetensors")


def test_load_wave_applies_audioldm_eval_conventions(tmp_path):
    stereo = np.stack([np.full(8000, 0.3), np.full(8000, -0.9)], axis=1) + np.random.default_rng(0).normal(0, .01, (8000, 2))
    sf.write(tmp_path / "s.wav", stereo, 16000, subtype="FLOAT")
    wave, sr = load_wave(tmp_path / "s.wav", 16000)
    assert sr == 16000 and len(wave) == 32000  # zero-padded to 2 s
    assert abs(wave[:8000].mean()) < 1e-6 and abs(wave[:8000].std() - 0.01) < 2e-3  # first channel, DC removed
    assert np.all(wave[8000:] == 0)
    plain, _ = load_wave(tmp_path / "s.wav", 16000, "plain")
    assert len(plain) == 8000 and plain.mean() == pytest.approx(-0.3, abs=2e-3)  # channels averaged


def _audio_folder(tmp_path, n=5, seconds=2.56):
    folder = tmp_path / "gen"
    rng = np.random.default_rng(1)
    for i in range(n):
        write_wav(folder / f"clip{i}.wav", 0.1 * rng.standard_normal(int(seconds * 16000)), 16000)
    return folder


def test_extract_classifier_and_frame_features(tmp_path):
    torch.manual_seed(0)
    classes = ("a", "b", "c")
    cls = EmbeddedClassifier(SmallCnn14(SmallCnn14Config(classes=classes, embedding_dim=16)), "rand", torch.device("cpu"))
    frm = EmbeddedFrameEmbedder(SmallVGGish(SmallVGGishConfig(classes=classes, embedding_dim=16)), "rand",
                                torch.device("cpu"))
    folder = _audio_folder(tmp_path)
    # a 48 kHz stereo clip among them is resampled with the recorded resampler
    sf.write(folder / "clip9.wav", 0.1 * np.random.default_rng(2).standard_normal((48000 * 3, 2)), 48000)
    ids = ["clip3", "clip0", "clip9"]
    fs = extract_features(cls, folder, ids, tmp_path / "cls.safetensors", batch_size=2, progress=False)
    assert fs.ids == ids and fs.get("embedding").shape == (3, 16) and fs.get("logits").shape == (3, 3)
    assert fs.meta["source_sample_rates"] == [16000, 48000] and fs.meta["resampled"]
    assert "torchaudio" in fs.meta["resampler"] and fs.meta["classes"] == list(classes)
    alone = extract_features(cls, folder, ["clip0"], progress=False)
    np.testing.assert_allclose(alone.get("logits")[0], fs.get("logits")[1], rtol=1e-5, atol=1e-6)
    frames = extract_features(frm, folder, ids, tmp_path / "frm.safetensors", batch_size=2, progress=False)
    # 2.56 s -> 2 VGGish examples of 0.96 s; 3 s -> 3
    np.testing.assert_array_equal(frames.get("frame_clip_index"), [0, 0, 1, 1, 2, 2, 2])
    assert load_features(tmp_path / "frm.safetensors").get("frame_embedding").shape == (7, 16)


def test_missing_or_unreadable_generated_file_names_the_file(tmp_path):
    cls = EmbeddedClassifier(SmallCnn14(SmallCnn14Config(classes=("a",))), "rand", torch.device("cpu"))
    folder = _audio_folder(tmp_path, n=2)
    with pytest.raises(AudioError, match="clip7.wav: audio file not found"):
        extract_features(cls, folder, ["clip0", "clip7"], progress=False)
    (folder / "clip1.wav").write_bytes(b"RIFF broken")
    with pytest.raises(AudioError, match="clip1.wav: unreadable"):
        extract_features(cls, folder, progress=False)


def test_checkpoint_digest_covers_the_weights_only(tmp_path, monkeypatch):
    """A backbone without a recorded checkpoint file has no digest (not one of the working
    directory), and the digest of a weights file does not depend on the folder around it."""
    from types import SimpleNamespace

    from audiodear.eval.extract import checkpoint_digest

    monkeypatch.chdir(tmp_path)
    (tmp_path / "params.yaml").write_text("a: 1\n")
    assert checkpoint_digest(SimpleNamespace()) == ""
    assert checkpoint_digest(SimpleNamespace(checkpoint_path=None)) == ""
    weights = tmp_path / "model.safetensors"
    save_file({"w": torch.ones(3)}, str(weights))
    before = checkpoint_digest(SimpleNamespace(checkpoint_path=str(weights)))
    (tmp_path / "provenance.json").write_text("{}")
    assert checkpoint_digest(SimpleNamespace(checkpoint_path=str(weights))) == before != ""


def test_extract_roles_runs_the_plans_backbones_one_file_per_role(tmp_path):
    from audiodear.config import compose
    from audiodear.eval.backbones.embedded_io import save_embedded
    from audiodear.text.clap_small import ClapConfig, SmallClap, save_clap

    plan = compose("smoke")  # classifier: embedded_classifier, frames: embedded_vggish, clap: small_clap
    torch.manual_seed(0)
    classes = ("a", "b", "c")
    checkpoints = {
        "classifier": save_embedded(SmallCnn14(SmallCnn14Config(classes=classes, widths=(4, 8), embedding_dim=8)),
                                    tmp_path / "cls.safetensors", "embedded_classifier"),
        "frames": save_embedded(SmallVGGish(SmallVGGishConfig(classes=classes, widths=(4, 8), hidden_dim=16,
                                                              embedding_dim=8)), tmp_path / "frm.safetensors",
                                "embedded_vggish"),
        "clap": tmp_path / "clap"}
    save_clap(SmallClap(ClapConfig(text_tower="scratch", channels=(4, 8), text_width=16, embed_dim=8)), tmp_path / "clap")
    folder, ids = _audio_folder(tmp_path, n=3), ["clip2", "clip0"]
    outs = {role: tmp_path / "features" / f"{role}.safetensors" for role in checkpoints}
    sets = extract_roles(plan, checkpoints, folder, ids, outs, "teacher/main/main")
    assert list(sets) == ["classifier", "frames", "clap"]
    assert [sets[r].meta["backbone"] for r in ("classifier", "frames")] == ["embedded_classifier", "embedded_vggish"]
    for role, fs in sets.items():
        assert fs.ids == ids and fs.meta["source"] == "teacher/main/main"
        assert load_features(outs[role]).ids == ids  # written where the rule says
    assert sets["classifier"].get("logits").shape == (2, 3) and sets["clap"].get("embedding").shape == (2, 8)
    np.testing.assert_array_equal(sets["frames"].get("frame_clip_index"), [0, 0, 1, 1])
