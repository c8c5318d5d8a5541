"""Kernel audio distance against a direct double loop: per clip, per frame, under bootstrap weights."""
from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from audiodear.errors import InputError
from audiodear.eval.kad import clip_kernels, counts, kernel_audio_distance, median_bandwidth


def naive_kad(x, y, sigma=None) -> float:
    """100 · unbiased MMD² written out pair by pair; σ = median pairwise reference distance."""
    if sigma is None:
        sigma = float(np.median([math.dist(a, b) for a, b in itertools.combinations(y, 2)]))
    k = lambda a, b: math.exp(-math.dist(a, b) ** 2 / (2 * sigma ** 2))  # noqa: E731
    n, m = len(x), len(y)
    xx = sum(k(x[i], x[j]) for i in range(n) for j in range(n) if i != j) / (n * (n - 1))
    yy = sum(k(y[i], y[j]) for i in range(m) for j in range(m) if i != j) / (m * (m - 1))
    xy = sum(k(x[i], y[j]) for i in range(n) for j in range(m)) / (n * m)
    return 100 * (xx + yy - 2 * xy)


def _data(n, m, dim=3, shift=0.6, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, dim)) + shift, rng.standard_normal((m, dim))


def test_per_clip_embeddings_match_the_double_loop():
    x, y = _data(7, 9)
    assert kernel_audio_distance(x, y) == pytest.approx(naive_kad(x, y), rel=1e-10)
    sigma = float(np.median([math.dist(a, b) for a, b in itertools.combinations(y, 2)]))
    assert median_bandwidth(y) == pytest.approx(sigma, rel=1e-12)


def test_frame_embeddings_pool_all_frames():
    """Grouping frames by clip changes nothing in the value: every frame is one sample."""
    x, y = _data(11, 8, seed=1)
    cx, cy = np.array([0, 0, 1, 2, 2, 2, 3, 3, 4, 4, 4]), np.array([0, 1, 1, 2, 2, 3, 3, 3])
    assert kernel_audio_distance(x, y, cx, cy) == pytest.approx(naive_kad(x, y), rel=1e-10)


def test_bootstrap_weights_equal_the_drawn_sets_written_out():
    """A draw that takes a clip twice counts its frames twice, as distinct samples, at the σ of the
    full reference set."""
    x, y = _data(9, 10, seed=2)
    cx, cy = np.repeat(np.arange(3), 3), np.repeat(np.arange(5), 2)
    kernels = clip_kernels(x, y, cx, cy)
    draw_x, draw_y = np.array([0, 0, 2]), np.array([1, 4, 4, 4, 3])
    wx, wy = counts(draw_x, 3), counts(draw_y, 5)
    xs = np.concatenate([x[cx == c] for c in draw_x])
    ys = np.concatenate([y[cy == c] for c in draw_y])
    assert kernels.kad(wx, wy) == pytest.approx(naive_kad(xs, ys, sigma=kernels.sigma), rel=1e-10)


def test_separates_shifted_sets_and_is_near_zero_for_one_distribution():
    same = kernel_audio_distance(*_data(300, 300, shift=0.0, seed=3))
    shifted = kernel_audio_distance(*_data(300, 300, shift=0.5, seed=3))
    assert abs(same) < 0.5 and shifted > 5.0


def test_refuses_degenerate_input():
    with pytest.raises(InputError, match="identical"):
        kernel_audio_distance(np.zeros((4, 2)), np.ones((5, 2)))
    with pytest.raises(InputError, match="one width"):
        kernel_audio_distance(np.zeros((4, 2)), np.zeros((5, 3)))


def test_a_set_against_itself_gives_the_closed_form_offset():
    """Not 0: the unbiased estimator assumes independent sets (the docstring's -(200/n)(1 - k))."""
    x = _data(12, 12, seed=4)[1]
    kernels = clip_kernels(x, x)
    n = len(x)
    mean_k = (kernels.xx.sum() - n) / (n * (n - 1))
    assert kernels.kad() == pytest.approx(-(200 / n) * (1 - mean_k), rel=1e-10)
