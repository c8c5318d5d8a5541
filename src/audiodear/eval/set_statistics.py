"""An audio set's metrics as functions of the drawn test items, for paired bootstraps across sets.

``score`` writes, per audio set, its feature files (``features/<set>/{classifier,frames}``) and its
per-clip scores (``metrics/<set>/per_clip.csv``). Here they are read back and aligned by clip id
so that two sets (and the reference, for FD and FAD) can be resampled with one draw:

- per-clip metrics (KL, CLAP score, recognition): the mean of the drawn clips' scores;
- set-level metrics (FD, FAD, IS): recomputed on the drawn clips, as ``eval.metrics`` does for a
  set's own interval (FAD: a drawn clip brings all its frames; IS: softmax over the drawn logits).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from ..errors import InputError
from .bootstrap import frames_of
from .features import load_features
from .frechet import frechet_distance_fast
from .inception_score import inception_score
from .paired import bootstrap_values, gain_from_values, mean_stat

PER_CLIP = {"KL": "kl_softmax", "CLAP": "clap", "recognition": "recognised"}  # metric -> per_clip.csv column
SET_LEVEL = {"FD": "classifier", "FAD": "frames", "IS": "classifier"}  # metric -> feature role
HIGHER_IS_BETTER = {"IS", "CLAP", "recognition"}  # FD, FAD, KL and latency: lower is better


@dataclass
class AudioSetScores:
    """What one audio set (or the reference) brings to a paired comparison."""

    ids: list[str]
    features: dict  # role -> FeatureSet ("classifier", "frames"); absent roles are not compared
    per_clip: pd.DataFrame  # indexed by clip id, columns of PER_CLIP

    @classmethod
    def load(cls, features_dir: str | Path, per_clip_csv: str | Path | None) -> "AudioSetScores":
        features = {role: load_features(Path(features_dir) / f"{role}.safetensors")
                    for role in ("classifier", "frames") if (Path(features_dir) / f"{role}.safetensors").is_file()}
        per_clip = pd.DataFrame()
        if per_clip_csv is not None and Path(per_clip_csv).is_file():
            per_clip = pd.read_csv(per_clip_csv, dtype={"id": str}).set_index("id")
        ids = next(iter(features.values())).ids if features else [str(i) for i in per_clip.index]
        return cls(list(ids), features, per_clip)

    def has(self, metric: str) -> bool:
        if metric in PER_CLIP:
            return PER_CLIP[metric] in self.per_clip.columns
        return SET_LEVEL.get(metric) in self.features


def statistic(metric: str, scores: AudioSetScores, reference: AudioSetScores | None,
              ids: list[str]) -> Callable[[np.ndarray], float]:
    """``stat(idx)``: the set's ``metric`` on the clips ``ids[idx]`` (rows aligned on ``ids``)."""
    if metric in PER_CLIP:
        return mean_stat(scores.per_clip.loc[ids, PER_CLIP[metric]].to_numpy(dtype=np.float64))
    if metric not in SET_LEVEL:
        raise InputError(f"no per-clip or set-level statistic for metric {metric!r}")
    gen = scores.features[SET_LEVEL[metric]].subset(ids)
    if metric == "IS":
        logits = gen.get("logits")
        return lambda idx: inception_score(logits[idx]).mean
    if reference is None:
        raise InputError(f"{metric} needs the reference set's features")
    ref = reference.features[SET_LEVEL[metric]].subset(ids)
    if metric == "FD":
        xg, xr = gen.get("embedding"), ref.get("embedding")
        return lambda idx: frechet_distance_fast(xg[idx], xr[idx])
    fg, fr = gen.get("frame_embedding"), ref.get("frame_embedding")
    rows_g, rows_r = frames_of(gen.get("frame_clip_index"), len(ids)), frames_of(ref.get("frame_clip_index"), len(ids))
    return lambda idx: frechet_distance_fast(fg[rows_g(idx)], fr[rows_r(idx)])


class ClipEvidence:
    """The audio sets of an experiment, paired on the clip ids two sets (and the reference) share."""

    def __init__(self, sets: dict[str, AudioSetScores], reference: AudioSetScores | None = None):
        self.sets, self.reference = sets, reference
        self._values: dict = {}  # (set, metric, ids, n_boot, seed) -> (full-set value, bootstrap values)

    def gain(self, a: str, b: str, metric: str, *, n_boot: int = 1000, seed: int = 0, level: float = 0.95):
        """(gain of a over b, a's value, b's value) on the clips both share; None when not measured.

        A set's bootstrap values are computed once per metric and reused in every comparison it
        enters: the draws depend only on the clips and the seed, so the pairing holds."""
        pair = self.pair(a, b, metric)
        if pair is None:
            return None
        n, ids = pair[2], tuple(self._shared_ids(a, b, metric))
        found = []
        for audio, stat in ((a, pair[0]), (b, pair[1])):
            key = (audio, metric, ids, n_boot, seed)
            if key not in self._values:
                self._values[key] = (stat(np.arange(n)), bootstrap_values(stat, n, n_boot=n_boot, seed=seed))
            found.append(self._values[key])
        (va, da), (vb, db) = found
        g = gain_from_values(va, vb, da, db, n, higher_is_better=metric in HIGHER_IS_BETTER, level=level)
        return g, va, vb

    def _shared_ids(self, a: str, b: str, metric: str) -> list[str]:
        shared = set(self.sets[a].ids) & set(self.sets[b].ids)
        if metric in ("FD", "FAD"):
            shared &= set(self.reference.ids)
        return sorted(shared)  # audioldm_eval's listing order (file names sorted), which IS's splits follow

    def pair(self, a: str, b: str, metric: str):
        """(stat_a, stat_b, n) on the shared clips, or None when a set lacks the metric."""
        if a not in self.sets or b not in self.sets or not (self.sets[a].has(metric) and self.sets[b].has(metric)):
            return None
        if metric in ("FD", "FAD") and (self.reference is None or not self.reference.has(metric)):
            return None
        ids = self._shared_ids(a, b, metric)
        if len(ids) < 2:
            return None
        return (statistic(metric, self.sets[a], self.reference, ids),
                statistic(metric, self.sets[b], self.reference, ids), len(ids))
