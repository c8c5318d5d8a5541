"""Our metrics against audioldm_eval 0.0.3's own functions, fed IDENTICAL features.

Compared (files loaded from site-packages/audioldm_eval):
- metrics/fid.py   ``calculate_fid(featuresdict_1, featuresdict_2, "2048")``      vs ``frechet_distance_features``
- metrics/fad.py   ``FrechetAudioDistance.calculate_embd_statistics`` and
                   ``FrechetAudioDistance.calculate_frechet_distance`` (called unbound: they do not use
                   ``self``, and the constructor would download VGGish)           vs ``gaussian_stats`` + ``frechet_distance``
- metrics/kl.py    ``calculate_kl(gen_dict, ref_dict, "logits", same_name=True)``  vs ``kl_divergence`` (softmax and sigmoid)
                   with dicts {"logits": tensor, "file_path_": [...]} as its ``get_featuresdict`` builds them
                   (generated = featuresdict_1, reference = featuresdict_2, as in ``calculate_metrics``)
- metrics/isc.py   ``calculate_isc({"logits": t}, "logits", 2020, True, 10)``       vs ``inception_score``
Agreement is asserted to 1e-6 relative.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch

from audiodear.eval.frechet import frechet_distance, frechet_distance_features, gaussian_stats
from audiodear.eval.inception_score import inception_score
from audiodear.eval.kl import kl_divergence

RTOL = 1e-6
# audioldm_eval still passes scipy's deprecated ``disp`` argument to sqrtm
pytestmark = pytest.mark.filterwarnings("ignore:The `disp` argument is deprecated:DeprecationWarning")


def _embeddings(n, d, seed, shift=0.0):
    rng = np.random.default_rng(seed)
    mix = rng.standard_normal((d, d)) / np.sqrt(d)
    return (np.maximum(rng.standard_normal((n, d)) @ mix + shift, 0.0)).astype(np.float32)  # ReLU-like, as Cnn14's


@pytest.mark.parametrize("n,d", [(300, 64), (60, 128)])  # the second: fewer clips than dims (singular covariances)
def test_fd_matches_calculate_fid(audioldm_metric, n, d):
    fid = audioldm_metric("fid")
    gen, ref = _embeddings(n, d, 1, 0.1), _embeddings(n + 7, d, 2)
    theirs = fid.calculate_fid({"2048": torch.from_numpy(gen)}, {"2048": torch.from_numpy(ref)}, "2048")
    ours = frechet_distance_features(gen, ref)
    assert ours.value == pytest.approx(theirs["frechet_distance"], rel=RTOL)


def test_fad_statistics_and_distance_match_fad_py(audioldm_metric):
    fad = audioldm_metric("fad")
    gen = np.random.default_rng(3).standard_normal((500, 128)).astype(np.float32)
    ref = (np.random.default_rng(4).standard_normal((450, 128)) * 1.1 + 0.05).astype(np.float32)
    cls = fad.FrechetAudioDistance
    mu_g, s_g = cls.calculate_embd_statistics(None, gen)
    mu_r, s_r = cls.calculate_embd_statistics(None, ref)
    our_mu, our_s = gaussian_stats(gen)
    np.testing.assert_array_equal(our_mu, mu_g)
    np.testing.assert_array_equal(our_s, s_g)
    theirs = cls.calculate_frechet_distance(None, mu_g, s_g, mu_r, s_r)
    assert frechet_distance(mu_g, s_g, mu_r, s_r).value == pytest.approx(float(theirs), rel=RTOL)


def test_kl_matches_calculate_kl(audioldm_metric):
    kl = audioldm_metric("kl")
    rng = np.random.default_rng(5)
    ids = [f"clip{i:03d}" for i in range(40)]
    ref = rng.standard_normal((40, 527)).astype(np.float32) * 3
    gen = (ref + rng.standard_normal((40, 527)).astype(np.float32) * 2).astype(np.float32)
    order = rng.permutation(40)  # the generated folder lists the clips in another order
    gen_ids, gen_logits = [ids[i] for i in order], gen[order]
    theirs, _, _ = kl.calculate_kl(
        {"logits": torch.from_numpy(gen_logits), "file_path_": [f"/gen/{i}.wav" for i in gen_ids]},
        {"logits": torch.from_numpy(ref), "file_path_": [f"/ref/{i}.wav" for i in ids]},
        "logits", same_name=True)
    ours = kl_divergence(ref, ids, gen_logits, gen_ids)
    assert ours.kl_softmax == pytest.approx(theirs["kullback_leibler_divergence_softmax"], rel=RTOL)
    assert ours.kl_sigmoid == pytest.approx(theirs["kullback_leibler_divergence_sigmoid"], rel=RTOL)
    assert ours.per_clip_softmax.mean() == pytest.approx(ours.kl_softmax, rel=1e-5)


@pytest.mark.parametrize("n", [10, 97, 300])
def test_is_matches_calculate_isc(audioldm_metric, n):
    isc = audioldm_metric("isc")
    logits = (np.random.default_rng(n).standard_normal((n, 527)) * 4).astype(np.float32)
    theirs = isc.calculate_isc({"logits": torch.from_numpy(logits)}, "logits", rng_seed=2020,
                               samples_shuffle=True, splits=10)
    ours = inception_score(logits)
    assert ours.mean == pytest.approx(theirs["inception_score_mean"], rel=RTOL)
    assert ours.std == pytest.approx(theirs["inception_score_std"], rel=RTOL, abs=1e-12)
