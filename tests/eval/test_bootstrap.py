"""Bootstrap intervals: coverage of the estimate, reproducibility for a seed, frame bookkeeping."""
from __future__ import annotations

import numpy as np
import pytest

from audiodear.errors import ConfigError
from audiodear.eval.bootstrap import bootstrap_mean, bootstrap_sets, frames_of


def test_mean_interval_brackets_the_mean_and_narrows_with_level():
    values = np.random.default_rng(0).normal(2.0, 1.0, size=400)
    wide = bootstrap_mean(values, n_boot=500, seed=1, level=0.99)
    narrow = bootstrap_mean(values, n_boot=500, seed=1, level=0.5)
    assert wide.low < values.mean() < wide.high
    assert wide.high - wide.low > narrow.high - narrow.low
    # the standard error of the mean is 0.05: a 99 % interval spans about ±2.6 of them
    assert 0.15 < wide.high - wide.low < 0.4


def test_same_seed_same_interval_other_seed_other_interval():
    values = np.random.default_rng(0).normal(size=100)
    a, b = bootstrap_mean(values, n_boot=200, seed=3), bootstrap_mean(values, n_boot=200, seed=3)
    c = bootstrap_mean(values, n_boot=200, seed=4)
    assert (a.low, a.high) == (b.low, b.high) and (a.low, a.high) != (c.low, c.high)


def test_set_bootstrap_draws_each_set_with_its_own_size():
    sizes_seen = []

    def stat(i, j):
        sizes_seen.append((len(i), len(j), i.max() < 7, j.max() < 3))
        return float(len(i) - len(j))

    ci = bootstrap_sets(stat, [7, 3], n_boot=20, seed=0)
    assert set(sizes_seen) == {(7, 3, True, True)} and ci.low == ci.high == 4.0


def test_bad_settings_are_config_errors():
    with pytest.raises(ConfigError, match="n_boot"):
        bootstrap_mean([1.0, 2.0], n_boot=0)
    with pytest.raises(ConfigError, match="level"):
        bootstrap_mean([1.0, 2.0], level=1.5)


def test_frames_of_returns_every_frame_of_each_drawn_clip():
    clip_index = np.array([0, 0, 1, 2, 2, 2])
    rows = frames_of(clip_index, 3)
    np.testing.assert_array_equal(rows(np.array([2, 0, 2])), [3, 4, 5, 0, 1, 3, 4, 5])


def test_paired_draws_share_indices():
    draws = []
    ci = bootstrap_sets(lambda i, j: draws.append((i, j)) or 0.0, [5, 5], n_boot=3, seed=0, paired=True)
    assert all((i == j).all() for i, j in draws) and ci.low == ci.high == 0.0
    with pytest.raises(ConfigError, match="one size"):
        bootstrap_sets(lambda i, j: 0.0, [5, 4], paired=True)
