"""Paired bootstrap of the difference between two audio sets, and the clips a decision needs,
on synthetic per-clip scores whose answer is known."""
import math

import numpy as np
import pytest

from audiodear.eval.paired import clips_needed, mean_stat, paired_gain, show_needed, verdict

N = 100


def scores(shift: float, seed: int = 0):
    """Per-clip scores of two sets on the same clips: a shared clip effect (large) plus small noise;
    set a is better than b by ``shift`` (higher is better)."""
    rng = np.random.default_rng(seed)
    clip = rng.normal(0.0, 1.0, N)  # hard and easy captions: shared by both sets
    return clip + shift + rng.normal(0.0, 0.1, N), clip + rng.normal(0.0, 0.1, N)


def gain(a, b, higher=True):
    return paired_gain(mean_stat(a), mean_stat(b), N, higher_is_better=higher, n_boot=400, seed=1)


def test_a_clear_difference_is_reproduced_and_needs_no_more_clips():
    g = gain(*scores(0.2))
    assert verdict(g) == "paper" and g.low > 0
    assert clips_needed(g) <= N


def test_pairing_decides_what_separate_intervals_cannot():
    """The shared clip effect (sd 1) hides a 0.2 shift from two separate intervals, not from the paired one."""
    a, b = scores(0.2)
    sd_separate = math.sqrt(a.var(ddof=1) / N + b.var(ddof=1) / N)
    assert 0.2 < 1.96 * sd_separate  # the unpaired 95 % intervals overlap
    assert verdict(gain(a, b)) == "paper"


def test_no_difference_is_undecided_with_a_large_clip_count():
    g = gain(*scores(0.0, seed=3))
    assert verdict(g) == "undecided"
    assert clips_needed(g) > 4 * N
    assert show_needed(math.inf, N) == f"> {100 * N} (no measurable difference)"


def test_a_reversed_difference_is_contradicted():
    assert verdict(gain(*scores(-0.2))) == "other"


def test_lower_is_better_flips_the_sign():
    a, b = scores(-0.2)  # a lower: better for FD-like metrics
    g = gain(a, b, higher=False)
    assert g.gain == pytest.approx(b.mean() - a.mean()) and verdict(g) == "paper"


def test_the_estimate_scales_with_the_noise():
    """A small shift on noisy differences: undecided at n, and n' is where 1.96 sd/sqrt(n'/n) = |gain|."""
    rng = np.random.default_rng(5)
    b = rng.normal(0, 1, N)
    noise = rng.normal(0, 0.5, N)
    a = b + 0.05 + (noise - noise.mean()) / noise.std(ddof=1) * 0.5  # mean gain 0.05, its se 0.05
    g = gain(a, b)
    assert verdict(g) == "undecided"
    need = clips_needed(g)
    assert need == pytest.approx(N * (1.959964 * g.sd / abs(g.gain)) ** 2)
    assert need == pytest.approx(N * 1.96 ** 2, rel=0.25)  # ~4x the clips, since the gain is one se


def test_a_tie_is_reproduced_inside_the_band_and_contradicted_far_outside():
    a, b = scores(0.0, seed=7)
    g = gain(a, b)
    assert verdict(g, tie_band=0.1) == "paper"
    assert clips_needed(g, tie_band=0.1) <= N
    assert verdict(gain(*scores(0.5)), tie_band=0.1) == "other"
    # a real difference larger than the band can never become a tie
    assert clips_needed(gain(*scores(0.5)), tie_band=0.1) == math.inf
