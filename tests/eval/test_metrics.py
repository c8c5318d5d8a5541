"""The metric row of a generated set from feature files: every metric, provenance next to each
number, per-clip scores, refusal of mismatched backbones and incomplete pairing."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from audiodear.errors import InputError
from audiodear.eval.features import FeatureSet, save_features
from audiodear.eval.frechet import frechet_distance_features
from audiodear.eval.kad import kernel_audio_distance
from audiodear.eval.kl import kl_divergence
from audiodear.config import compose
from audiodear.eval.metrics import (COLUMNS, BootstrapSpec, real_halves, score_from_plan, score_generated_set,
                                     score_real_halves, write_metrics)
from audiodear.eval.pairing import PairingError

CLASSES = ["dog", "rain", "bell"]


def _meta(backbone, **extra):
    return {"kind": "audio", "backbone": backbone, "checkpoint": f"{backbone}.ckpt", "sample_rate": 16000,
            "resampler": "torchaudio (not applied)", "loading": "audioldm_eval", "source": "folder", **extra}


def _sets(n=30, seed=0, shift=0.0, ids=None):
    rng = np.random.default_rng(seed)
    ids = ids or [f"c{i:02d}" for i in range(n)]
    classifier = FeatureSet(ids, {"embedding": (rng.standard_normal((n, 6)) + shift).astype(np.float32),
                                  "logits": rng.standard_normal((n, 3)).astype(np.float32)},
                            _meta("embedded_classifier", classes=CLASSES))
    frames = FeatureSet(ids, {"frame_embedding": (rng.standard_normal((2 * n, 4)) + shift).astype(np.float32),
                              "frame_clip_index": np.repeat(np.arange(n), 2)}, _meta("embedded_vggish"))
    clap = FeatureSet(ids, {"embedding": rng.standard_normal((n, 5)).astype(np.float32)}, _meta("clap"))
    return {"classifier": classifier, "frames": frames, "clap": clap}


def test_full_row_with_provenance_and_per_clip_scores(tmp_path):
    gen, ref = _sets(seed=1, shift=0.5), _sets(seed=2)
    text = FeatureSet(ref["clap"].ids, {"embedding": np.random.default_rng(3).standard_normal((30, 5)).astype(np.float32)},
                      {**_meta("clap"), "kind": "text", "source": "testset.json"})
    kinds = {i: ["dog"] if k % 2 else ["rain", "bell"] for k, i in enumerate(ref["clap"].ids)}
    path = save_features(tmp_path / "gen_cls.safetensors", gen["classifier"])  # paths and sets both accepted
    report = score_generated_set({**gen, "classifier": path}, ref, captions=text, kinds=kinds,
                                 bootstrap=BootstrapSpec(n_boot=50, seed=1), label="toy")
    table = report.table.set_index("metric")
    assert list(report.table.columns) == COLUMNS
    assert set(table.index) == {"FD", "KAD", "KL", "KL_sigmoid", "IS", "IS_std", "recognition", "FAD", "KAD_frames",
                                "CLAP", "CLAP_ground_truth"}
    fd = frechet_distance_features(gen["classifier"].get("embedding"), ref["classifier"].get("embedding"))
    assert table.loc["FD", "value"] == pytest.approx(fd.value) and table.loc["FD", "value_check"] == pytest.approx(fd.value_eig)
    kl = kl_divergence(ref["classifier"].get("logits"), ref["classifier"].ids, gen["classifier"].get("logits"),
                       gen["classifier"].ids)
    assert table.loc["KL", "value"] == pytest.approx(kl.kl_softmax)
    assert table.loc["KAD", "value"] == pytest.approx(
        kernel_audio_distance(gen["classifier"].get("embedding"), ref["classifier"].get("embedding")), rel=1e-6)
    assert table.loc["KAD_frames", "value"] == pytest.approx(
        kernel_audio_distance(gen["frames"].get("frame_embedding"), ref["frames"].get("frame_embedding")), rel=1e-6)
    for metric in ("FD", "KAD", "FAD", "KAD_frames", "KL", "IS", "CLAP", "recognition"):
        row = table.loc[metric]
        assert row["ci_low"] <= row["ci_high"] and row["n"] == 30 and row["ci_level"] == 0.95
    assert table.loc["FD", "backbone"] == "embedded_classifier" and table.loc["FAD", "checkpoint"] == "embedded_vggish.ckpt"
    assert table.loc["CLAP", "resampler"].startswith("torchaudio") and "chance" in table.loc["recognition", "note"]
    assert list(report.per_clip.columns) == ["id", "kl_softmax", "kl_sigmoid", "recognised", "clap", "clap_ground_truth"]
    assert report.per_clip["kl_softmax"].mean() == pytest.approx(kl.kl_softmax, rel=1e-5)

    write_metrics(report, tmp_path / "m.csv", tmp_path / "m.json", tmp_path / "clips.csv")
    summary = json.loads((tmp_path / "m.json").read_text())
    assert summary["label"] == "toy" and summary["metrics"]["FD"]["n"] == 30
    assert summary["inputs"]["generated.classifier"].endswith("gen_cls.safetensors")
    assert len(pd.read_csv(tmp_path / "clips.csv")) == 30


def test_ids_restrict_both_sets_and_missing_ids_are_named():
    gen, ref = _sets(seed=1), _sets(seed=2)
    subset = ref["classifier"].ids[:12]
    report = score_generated_set({"classifier": gen["classifier"]}, {"classifier": ref["classifier"]}, ids=subset,
                                 bootstrap=BootstrapSpec(n_boot=10))
    assert (report.table["n"] == 12).all()
    with pytest.raises(PairingError, match="nope"):
        score_generated_set({"classifier": gen["classifier"]}, {"classifier": ref["classifier"]}, ids=["nope"])


def test_unpaired_generated_set_is_refused():
    gen = _sets(seed=1, ids=[f"x{i:02d}" for i in range(30)])
    with pytest.raises(PairingError, match="30 of 30 reference id"):
        score_generated_set({"classifier": gen["classifier"]}, {"classifier": _sets(seed=2)["classifier"]},
                            bootstrap=BootstrapSpec(n_boot=10))


def test_features_of_different_backbones_are_not_compared():
    gen, ref = _sets(seed=1), _sets(seed=2)
    other = FeatureSet(ref["frames"].ids, ref["frames"].tensors, _meta("vggish"))
    with pytest.raises(InputError, match="backbone 'embedded_vggish'.*reference 'vggish'"):
        score_generated_set({"frames": gen["frames"]}, {"frames": other}, bootstrap=BootstrapSpec(n_boot=10))
    with pytest.raises(InputError, match="unknown feature role"):
        score_generated_set({"cnn": gen["classifier"]}, {"cnn": ref["classifier"]})


def test_inception_score_uses_audioldm_eval_file_order():
    # audioldm_eval lists files sorted by name; IS's shuffle and splits follow that order
    from audiodear.eval.inception_score import inception_score

    ids = [f"c{i:02d}" for i in range(30)]
    logits = np.random.default_rng(4).standard_normal((30, 3)).astype(np.float32) * 3
    order = np.random.default_rng(5).permutation(30)
    shuffled = FeatureSet([ids[i] for i in order], {"embedding": logits[order], "logits": logits[order]},
                          _meta("embedded_classifier", files=[f"{ids[i]}.wav" for i in order]))
    ref = FeatureSet(ids, {"embedding": logits, "logits": logits}, _meta("embedded_classifier"))
    report = score_generated_set({"classifier": shuffled}, {"classifier": ref}, bootstrap=BootstrapSpec(n_boot=5))
    assert report.table.set_index("metric").loc["IS", "value"] == pytest.approx(inception_score(logits).mean, rel=1e-12)


def test_generation_identical_to_reference_scores_zero_with_a_paired_interval():
    ref = _sets(seed=2)
    order = np.random.default_rng(0).permutation(30)
    gen = {k: v.subset([v.ids[i] for i in order]) for k, v in ref.items() if k != "clap"}
    table = score_generated_set(gen, {k: ref[k] for k in gen}, bootstrap=BootstrapSpec(n_boot=20)).table
    table = table.set_index("metric")
    for metric in ("FD", "FAD"):
        assert abs(table.loc[metric, "value"]) < 1e-4
        assert abs(table.loc[metric, "ci_low"]) < 1e-4 and abs(table.loc[metric, "ci_high"]) < 1e-4
    assert abs(table.loc["KL", "value"]) < 1e-5


def test_real_halves_score_two_disjoint_halves_against_each_other():
    """The floor rows: FD/KAD and FAD/KAD_frames between two seeded, disjoint halves of the reference,
    equal to the distances computed directly on those halves; no paired or text metric."""
    ref = _sets(n=31, seed=3)
    ids = ref["classifier"].ids
    first, second = real_halves(ids, seed=0)
    assert len(first) == len(second) == 15 and not set(first) & set(second)
    assert first == sorted(first) and real_halves(ids, seed=0) == (first, second) != real_halves(ids, seed=1)
    report = score_real_halves({k: ref[k] for k in ("classifier", "frames")}, ids, bootstrap=BootstrapSpec(n_boot=20))
    table = report.table.set_index("metric")
    assert sorted(table.index) == ["FAD", "FD", "KAD", "KAD_frames"]
    emb = ref["classifier"].subset(first).get("embedding"), ref["classifier"].subset(second).get("embedding")
    assert table.loc["FD", "value"] == pytest.approx(frechet_distance_features(*emb).value, rel=1e-6)
    assert table.loc["FD", "value"] > 0 and (table.n == 15).all()
    assert all("disjoint halves of 15 and 15" in n for n in table.note)
    assert report.summary["halves"] == [first, second]
    with pytest.raises(InputError, match="at least 4"):
        score_real_halves(ref, ids[:3])


def test_plan_scoring_takes_its_bootstrap_and_recognises_events_only_with_labels():
    plan = compose("smoke")
    gen, ref = _sets(seed=1, shift=0.5), _sets(seed=2)
    ids = ref["clap"].ids
    text = FeatureSet(ids, {"embedding": np.random.default_rng(3).standard_normal((30, 5)).astype(np.float32)},
                      {**_meta("clap"), "kind": "text", "source": "testset.json"})
    rows = [{"id": i, "labels": {"kinds": ["dog"] if k % 2 else ["rain", "bell"]}} for k, i in enumerate(ids)]
    report = score_from_plan(plan, gen, ref, text, ids, rows, "teacher/main/main")
    b = plan.eval.bootstrap
    assert report.summary["bootstrap"] == {"n_boot": b.n_boot, "seed": b.seed, "level": b.level}
    assert report.summary["label"] == "teacher/main/main" and "recognition" in set(report.table.metric)
    same = score_generated_set(gen, ref, captions=text, ids=ids, kinds={r["id"]: r["labels"]["kinds"] for r in rows},
                               bootstrap=BootstrapSpec(b.n_boot, b.seed, b.level), label="teacher/main/main")
    pd.testing.assert_frame_equal(report.table, same.table)
    # a manifest in which one clip has no event labels: no recognition row
    unlabelled = score_from_plan(plan, gen, ref, text, ids, rows[:-1] + [{"id": ids[-1], "labels": {}}], "x")
    assert "recognition" not in set(unlabelled.table.metric) and "FD" in set(unlabelled.table.metric)
