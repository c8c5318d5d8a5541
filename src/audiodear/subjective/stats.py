"""Mean opinion scores per system with std, standard error and 95 % confidence interval.

Method (the one AudioDEAR's Table 9 implies: it reports std, s.e. and CI per system with small
half-widths, i.e. over the pooled ratings): for each system and scale, the n individual ratings of
the included raters give

    mean, std (ddof = 1), se = std / sqrt(n), ci95 = t(0.975, n - 1) * se.

This treats ratings as independent, which ignores that one rater or one clip contributes several;
so the table also carries ``*_ci95_clips``, the t interval over the per-clip means (k clips,
k - 1 degrees of freedom), a more conservative interval for the same mean under a balanced design.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats as st

SCALES = ("rel", "ovl")
LEVEL = 0.95


def summarise(values) -> dict:
    """mean, std, se, ci95 (half-width of the t interval) and n of a sample of ratings."""
    x = np.asarray(values, dtype=np.float64)
    n = int(x.size)
    if n == 0:
        return {"mean": math.nan, "std": math.nan, "se": math.nan, "ci95": math.nan, "n": 0}
    mean = float(x.mean())
    if n == 1:
        return {"mean": mean, "std": math.nan, "se": math.nan, "ci95": math.nan, "n": 1}
    std = float(x.std(ddof=1))
    se = std / math.sqrt(n)
    return {"mean": mean, "std": std, "se": se, "ci95": float(st.t.ppf(0.5 + LEVEL / 2, n - 1)) * se, "n": n}


def t_interval(values) -> tuple[float, float]:
    """(low, high) of the 95 % t interval of the mean; the figure's error bars use it."""
    s = summarise(values)
    half = s["ci95"] if np.isfinite(s["ci95"]) else 0.0
    return s["mean"] - half, s["mean"] + half


def mos_table(ratings: pd.DataFrame, systems: list[str]) -> pd.DataFrame:
    """One row per system (in the given order), also for systems nobody rated (n = 0)."""
    rows = []
    for system in systems:
        part = ratings[ratings.system == system]
        row = {"system": system, "n_ratings": len(part), "n_raters": part.rater_id.nunique(),
               "n_clips": part.clip_id.nunique()}
        for scale in SCALES:
            s = summarise(part[scale])
            row.update({f"{scale}_{k}": s[k] for k in ("mean", "std", "se", "ci95")})
            clip_means = part.groupby("clip_id")[scale].mean()
            row[f"{scale}_ci95_clips"] = summarise(clip_means)["ci95"]
        rows.append(row)
    return pd.DataFrame(rows)
