"""Is one audio set better than another beyond noise, and how many test clips would tell?

Two audio sets generated from the same test captions share clip ids, so their difference on a
metric is bootstrapped *paired*: each draw resamples the test items, and every drawn item brings
its clip from both sets (and its reference clip, for FD/FAD). Clip-to-clip variation that both
sets share (an easy caption, a hard one) then cancels in the difference, which makes the paired
interval narrower than comparing two separate intervals (an overlap check is conservative).

For a comparison "a is better than b on metric m", the *gain* g is a − b when higher is better
and b − a when lower is better, so g > 0 always means a wins:

- ``paper``: the 95 % percentile interval of g lies above 0;
- ``other``: it lies below 0;
- ``undecided``: it contains 0.

For a comparison the paper reports as a tie (|a − b| within a tolerance t, e.g. KL 1.06 vs 1.06),
the question is equivalence: ``paper`` when the interval lies inside [−t, t], ``other`` when it
lies wholly outside, ``undecided`` otherwise.

Clips needed: the bootstrap sd of g at n clips shrinks as 1/√n, so the interval
g ± 1.96·sd·√(n/n') excludes 0 from n' = n·(1.96·sd/|g|)² clips on (for a tie: fits inside the
band from n' = n·(1.96·sd/(t − |g|))²). The point estimate g (the full test set's difference)
stands for the true difference; when it is ~0 (or, for a tie, outside the band) no number of
clips would decide it and n' is infinite. It is an estimate for the reader ("would 4x the clips
settle this?"), not a guarantee: the sd itself is estimated from n clips.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..errors import ConfigError

Z95 = 1.959963984540054
VERDICTS = ("paper", "other", "undecided")


@dataclass(frozen=True)
class PairedGain:
    """The gain of a over b (positive: a wins) on one metric, with its paired bootstrap interval."""

    gain: float  # on the full test set
    low: float
    high: float
    sd: float  # sd of the bootstrap gains
    n: int  # paired test clips (or timing pairs)
    level: float


def bootstrap_values(stat: Callable[[np.ndarray], float], n: int, *, n_boot: int = 1000,
                     seed: int = 0) -> np.ndarray:
    """``stat`` on each of ``n_boot`` draws of n items with replacement. The draws depend on n and
    the seed alone, so two sets' values from the same (n, seed) are paired draw by draw, and one
    set's values can be reused in every comparison it enters (FD at paper scale is costly)."""
    if n_boot < 2 or n < 1:
        raise ConfigError(f"paired bootstrap: need n_boot >= 2 and n >= 1, got {n_boot}, {n}")
    rng = np.random.default_rng(seed)
    return np.array([stat(rng.integers(0, n, size=n)) for _ in range(n_boot)], dtype=np.float64)


def gain_from_values(full_a: float, full_b: float, draws_a: np.ndarray, draws_b: np.ndarray, n: int, *,
                     higher_is_better: bool, level: float = 0.95) -> PairedGain:
    """The gain of a over b from both sets' full-set values and their paired bootstrap values."""
    if not 0.0 < level < 1.0:
        raise ConfigError(f"paired bootstrap: level must lie in (0, 1), got {level}")
    sign = 1.0 if higher_is_better else -1.0
    draws = sign * (np.asarray(draws_a) - np.asarray(draws_b))
    alpha = (1.0 - level) / 2.0
    low, high = np.quantile(draws, [alpha, 1.0 - alpha])
    return PairedGain(float(sign * (full_a - full_b)), float(low), float(high), float(draws.std(ddof=1)), n, level)


def paired_gain(stat_a: Callable[[np.ndarray], float], stat_b: Callable[[np.ndarray], float], n: int, *,
                higher_is_better: bool, n_boot: int = 1000, seed: int = 0, level: float = 0.95) -> PairedGain:
    """Bootstrap the gain of a over b; ``stat_x(idx)`` is set x's metric on the test items ``idx``
    (the same draw for both sets: their rows must be aligned by clip id)."""
    everything = np.arange(n)
    return gain_from_values(stat_a(everything), stat_b(everything),
                            bootstrap_values(stat_a, n, n_boot=n_boot, seed=seed),
                            bootstrap_values(stat_b, n, n_boot=n_boot, seed=seed), n,
                            higher_is_better=higher_is_better, level=level)


def mean_stat(per_item: np.ndarray) -> Callable[[np.ndarray], float]:
    """The statistic of a per-clip metric (KL, CLAP score, a log latency): the mean over the drawn items."""
    values = np.asarray(per_item, dtype=np.float64)
    return lambda idx: float(values[idx].mean())


def verdict(g: PairedGain, tie_band: float | None = None) -> str:
    """'paper', 'other' or 'undecided' (module doc); ``tie_band``: t when the paper reports a tie."""
    if tie_band is None:
        return "paper" if g.low > 0 else "other" if g.high < 0 else "undecided"
    if -tie_band <= g.low and g.high <= tie_band:
        return "paper"
    return "other" if g.low > tie_band or g.high < -tie_band else "undecided"


def clips_needed(g: PairedGain, tie_band: float | None = None) -> float:
    """n' at which the interval would decide (module doc); inf when no number of clips would."""
    margin = abs(g.gain) if tie_band is None else tie_band - abs(g.gain)
    if g.sd == 0.0:
        return float(g.n) if margin > 0 else math.inf
    if margin <= 1e-9 * g.sd:
        return math.inf
    return g.n * (Z95 * g.sd / margin) ** 2


def show_needed(n_needed: float, n: int, cap: float = 100.0) -> str:
    """'~380' or '> 9600 (no measurable difference)' when beyond ``cap`` times the test set."""
    if not math.isfinite(n_needed) or n_needed > cap * n:
        return f"> {int(cap * n)} (no measurable difference)"
    return f"~{int(math.ceil(n_needed))}"
