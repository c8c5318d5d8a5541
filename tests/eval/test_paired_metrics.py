"""KL, IS, CLAP score and recognition: closed-form values and refusal of incomplete pairing."""
from __future__ import annotations

import numpy as np
import pytest

from audiodear.errors import InputError
from audiodear.eval.clap_score import clap_score
from audiodear.eval.inception_score import inception_score
from audiodear.eval.kl import kl_divergence
from audiodear.eval.pairing import PairingError
from audiodear.eval.recognition import event_recognition_accuracy, kinds_by_id


def test_kl_of_identical_sets_is_zero_up_to_the_log_epsilon():
    logits = np.random.default_rng(0).standard_normal((20, 527)).astype(np.float32)
    ids = [f"c{i}" for i in range(20)]
    res = kl_divergence(logits, ids, logits, ids)
    # Σ p·log(p / (p + 1e-6)) ≈ −1e-6 per class
    assert abs(res.kl_softmax) < 527 * 1e-6 + 1e-6
    assert res.n == 20 and res.per_clip_softmax.shape == (20,)


def test_kl_is_positive_and_pairs_by_id_not_order():
    rng = np.random.default_rng(1)
    ref = rng.standard_normal((10, 8)).astype(np.float32)
    gen = rng.standard_normal((10, 8)).astype(np.float32)
    ids = [f"c{i}" for i in range(10)]
    res = kl_divergence(ref, ids, gen, ids)
    order = rng.permutation(10)
    shuffled = kl_divergence(ref, ids, gen[order], [ids[i] for i in order])
    assert res.kl_softmax > 0
    assert shuffled.kl_softmax == pytest.approx(res.kl_softmax, rel=1e-6)
    np.testing.assert_allclose(shuffled.per_clip_softmax, res.per_clip_softmax, rtol=1e-6)


def test_unpaired_kl_raises_naming_the_ids():
    logits = np.zeros((3, 4), dtype=np.float32)
    with pytest.raises(PairingError) as err:
        kl_divergence(logits, ["a", "b", "c"], logits, ["a", "b", "zz"])
    msg = str(err.value)
    assert "'c'" in msg and "'zz'" in msg and "1 of 3 reference" in msg and "1 of 3 generated" in msg
    assert isinstance(err.value, InputError)
    with pytest.raises(PairingError, match="duplicate"):
        kl_divergence(logits, ["a", "a", "c"], logits, ["a", "b", "c"])


def test_inception_score_of_uniform_logits_is_one():
    res = inception_score(np.zeros((50, 527), dtype=np.float32))
    assert res.mean == pytest.approx(1.0) and res.std == pytest.approx(0.0, abs=1e-12)


def test_inception_score_of_confident_distinct_predictions():
    # one confident class per clip, classes cycling 0..9: without the shuffle every split of 10 clips
    # holds each class once, so p(y) is uniform and IS = exp(log 10) = 10
    logits = np.full((100, 10), -50.0, dtype=np.float32)
    logits[np.arange(100), np.arange(100) % 10] = 50.0
    res = inception_score(logits, shuffle=False)
    assert res.mean == pytest.approx(10.0, rel=1e-9)
    with pytest.raises(InputError, match="at least 10"):
        inception_score(logits[:9])


def test_clap_score_pairs_by_id_and_keeps_per_clip_scores():
    text = np.array([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]])
    audio = np.array([[0.0, 3.0], [1.0, 0.0], [1.0, -1.0]])  # ids b, a, c
    res = clap_score(text, ["a", "b", "c"], audio, ["b", "a", "c"])
    np.testing.assert_allclose(res.per_clip, [1.0, 1.0, 0.0], atol=1e-12)
    assert res.mean == pytest.approx(2.0 / 3.0) and res.ids == ["a", "b", "c"]
    with pytest.raises(PairingError, match="'c'"):
        clap_score(text, ["a", "b", "c"], audio[:2], ["b", "a"])


def test_recognition_top1_and_top2_with_chance():
    classes = ["dog", "rain", "bell", "drum"]
    logits = np.array([[5, 1, 0, 0],  # dog: right
                       [0, 1, 5, 0],  # dog: wrong (bell)
                       [4, 0, 5, 1],  # dog + bell: right (order free)
                       [4, 5, 0, 1]])  # dog + bell: wrong (dog + rain)
    kinds = {"a": ["dog"], "b": ["dog"], "c": ["bell", "dog"], "d": ["dog", "bell"], "unused": ["rain"]}
    res = event_recognition_accuracy(logits, ["a", "b", "c", "d"], kinds, classes)
    assert res.accuracy == pytest.approx(0.5)
    assert res.accuracy_single == pytest.approx(0.5) and res.accuracy_double == pytest.approx(0.5)
    assert res.chance == pytest.approx((2 / 4 + 2 / 6) / 4)
    with pytest.raises(PairingError, match="'e'"):
        event_recognition_accuracy(logits, ["a", "b", "c", "e"], kinds, classes)


def test_kinds_by_id_needs_labels():
    assert kinds_by_id([{"id": "x", "labels": {"kinds": ["dog"]}}]) == {"x": ["dog"]}
    with pytest.raises(InputError, match="id='y'"):
        kinds_by_id([{"id": "y", "labels": {}}])
