"""Percentile bootstrap confidence intervals for set-level and per-clip metrics.

Set-level metrics (FD, FAD, IS) are recomputed on clips drawn with replacement; for FAD a drawn
clip brings all its frames. When the generated and reference sets hold the same clip ids, the
draw is paired (the test items are resampled, each bringing its generated and its reference clip);
otherwise each set is drawn on its own. Per-clip metrics (KL, CLAP score) are means, so their
per-clip scores are resampled. FD and IS are biased in small samples and duplicates in a draw
shrink the effective sample, so their percentile intervals need not be centred on the estimate. Draws come from ``np.random.default_rng(seed)``,
so an interval is reproducible for a seed.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from ..errors import ConfigError


@dataclass(frozen=True)
class BootstrapCI:
    low: float
    high: float
    level: float
    n_boot: int
    seed: int

    def as_dict(self) -> dict:
        return {"ci_low": self.low, "ci_high": self.high, "ci_level": self.level,
                "n_boot": self.n_boot, "boot_seed": self.seed}


def _check(n_boot: int, level: float) -> None:
    if n_boot < 1:
        raise ConfigError(f"bootstrap: field 'n_boot' must be >= 1, got {n_boot}")
    if not 0.0 < level < 1.0:
        raise ConfigError(f"bootstrap: field 'level' must lie in (0, 1), got {level}")


def percentile_ci(samples: Sequence[float], level: float, n_boot: int, seed: int) -> BootstrapCI:
    samples = np.asarray(samples, dtype=np.float64)
    alpha = (1.0 - level) / 2.0
    low, high = np.quantile(samples, [alpha, 1.0 - alpha])
    return BootstrapCI(float(low), float(high), level, n_boot, seed)


def bootstrap_sets(stat: Callable[..., float], sizes: Sequence[int], *, n_boot: int = 1000,
                   seed: int = 0, level: float = 0.95, paired: bool = False) -> BootstrapCI:
    """CI of ``stat(idx_1, idx_2, ...)`` where each idx_k draws ``sizes[k]`` clips with replacement
    (one shared draw for all sets when ``paired``; their rows must then be aligned)."""
    _check(n_boot, level)
    if paired and len(set(sizes)) != 1:
        raise ConfigError(f"bootstrap: a paired draw needs sets of one size, got {list(sizes)}")
    rng = np.random.default_rng(seed)
    samples = []
    for _ in range(n_boot):
        if paired:
            idx = rng.integers(0, sizes[0], size=sizes[0])
            samples.append(stat(*([idx] * len(sizes))))
        else:
            samples.append(stat(*(rng.integers(0, n, size=n) for n in sizes)))
    return percentile_ci(samples, level, n_boot, seed)


def bootstrap_mean(per_clip: Sequence[float], *, n_boot: int = 1000, seed: int = 0,
                   level: float = 0.95) -> BootstrapCI:
    """CI of the mean of per-clip scores."""
    _check(n_boot, level)
    values = np.asarray(per_clip, dtype=np.float64)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(values), size=(n_boot, len(values)))
    return percentile_ci(values[idx].mean(axis=1), level, n_boot, seed)


def frames_of(clip_index: np.ndarray, n_clips: int) -> Callable[[np.ndarray], np.ndarray]:
    """For frame-level embeddings: map drawn clip indices to the rows of all their frames."""
    order = np.argsort(clip_index, kind="stable")
    starts = np.searchsorted(clip_index[order], np.arange(n_clips + 1))

    def rows(clips: np.ndarray) -> np.ndarray:
        parts = [order[starts[c]:starts[c + 1]] for c in clips]
        return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)

    return rows
