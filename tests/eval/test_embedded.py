"""The embedded evaluation networks: training on a tiny procedural corpus, determinism for a seed,
loading as backbones and extracting features of the right shapes."""
from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from safetensors.torch import load_file

from audiodear.data.corpus.events import KIND_NAMES
from audiodear.errors import ConfigError
from audiodear.eval.backbones import load_backbone
from audiodear.eval.extract import extract_features
from audiodear.eval.recognition import event_recognition_accuracy, kinds_by_id
from audiodear.config.schema import EvalTrain
from audiodear.eval.train_embedded import train_embedded_classifier, train_embedded_vggish

CFG = EvalTrain(epochs=2, batch_size=16, seed=3, embedding_dim=32)


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    # tiny batches: OpenMP thread hand-offs cost more than they gain on a busy 2-core machine
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def trained(tiny_corpus, tmp_path_factory, one_thread):
    out = tmp_path_factory.mktemp("embedded")
    reports = {
        "classifier": train_embedded_classifier(tiny_corpus["manifest"], tiny_corpus["root"], out / "cls.safetensors", CFG),
        "vggish": train_embedded_vggish(tiny_corpus["manifest"], tiny_corpus["root"], out / "vgg.safetensors", CFG),
    }
    return out, reports


def test_training_writes_weights_and_a_report(trained):
    out, reports = trained
    for name, stem in (("classifier", "cls"), ("vggish", "vgg")):
        report = json.loads((out / f"{stem}.json").read_text())
        assert report["n_train"] == 96 and report["n_valid"] == 28 and len(report["history"]) == 2
        assert 0.0 <= report["valid_accuracy"] <= 1.0 and report["chance"] < 0.1
        assert report["train_config"]["seed"] == 3 and reports[name]["weights"] == f"{stem}.safetensors"


@pytest.mark.parametrize("trainer,stem", [(train_embedded_classifier, "cls"), (train_embedded_vggish, "vgg")])
def test_training_is_deterministic_for_a_seed(trained, tiny_corpus, tmp_path, trainer, stem):
    again = tmp_path / f"{stem}.safetensors"
    trainer(tiny_corpus["manifest"], tiny_corpus["root"], again, CFG)
    first, second = load_file(str(trained[0] / f"{stem}.safetensors")), load_file(str(again))
    assert first.keys() == second.keys()
    for key in first:
        assert (first[key] == second[key]).all(), key


def test_trained_models_extract_features(trained, tiny_corpus):
    out, _ = trained
    test_ids = [r["id"] for r in tiny_corpus["rows"] if r["split"] == "test"]
    folder = tiny_corpus["root"] / "test"
    cls = load_backbone("embedded_classifier", out / "cls.safetensors")
    fs = extract_features(cls, folder, test_ids, batch_size=8, progress=False)
    assert fs.get("embedding").shape == (16, 32) and fs.get("logits").shape == (16, len(KIND_NAMES))
    assert fs.meta["classes"] == list(KIND_NAMES) and len(fs.meta["checkpoint_sha256"]) == 64
    rec = event_recognition_accuracy(fs.get("logits"), fs.ids, kinds_by_id(tiny_corpus["rows"]), KIND_NAMES)
    assert rec.n == 16 and 0.0 <= rec.accuracy <= 1.0
    frames = extract_features(load_backbone("embedded_vggish", out / "vgg.safetensors"), folder, test_ids,
                              progress=False)
    assert frames.get("frame_embedding").shape == (32, 32)  # 2.56 s -> two 0.96 s frames per clip
    np.testing.assert_array_equal(frames.get("frame_clip_index"), np.repeat(np.arange(16), 2))
    with pytest.raises(ConfigError, match="holds a 'embedded_vggish' model"):
        load_backbone("embedded_classifier", out / "vgg.safetensors")


def test_bad_training_config_is_refused():
    """The schema's bounds, checked when the plan is composed (before any job runs)."""
    from audiodear.config import compose

    with pytest.raises(ConfigError, match="key 'eval.train.epochs'"):
        compose("smoke", ["eval.train.epochs=0"])
