"""Inception score on classifier logits, as audioldm_eval's ``calculate_isc``.

Softmax over all classes (although Cnn14 is a multi-label sigmoid model, the field uses softmax),
samples shuffled with ``np.random.RandomState(2020)``, 10 splits; per split
IS = exp(mean_x KL(p(y|x) ‖ p(y))), computed in float64; reported as mean and std over splits.
Generated set only.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ..errors import InputError

SEED = 2020
SPLITS = 10


@dataclass(frozen=True)
class ISResult:
    mean: float
    std: float
    split_scores: list[float]
    n: int


def inception_score(logits, *, splits: int = SPLITS, seed: int = SEED, shuffle: bool = True) -> ISResult:
    features = torch.as_tensor(np.asarray(logits))
    if features.dim() != 2:
        raise InputError(f"logits must be 2-D (clips, classes), got shape {tuple(features.shape)}")
    n = features.shape[0]
    if n < splits:
        raise InputError(f"inception score with {splits} splits needs at least {splits} clips, got {n}")
    if not torch.isfinite(features).all():
        raise InputError("logits hold NaN or infinite values")
    if shuffle:
        features = features[np.random.RandomState(seed).permutation(n), :]
    features = features.double()
    p = features.softmax(dim=1)
    log_p = features.log_softmax(dim=1)
    scores = []
    for i in range(splits):
        chunk = slice(i * n // splits, (i + 1) * n // splits)
        p_chunk, log_p_chunk = p[chunk], log_p[chunk]
        q = p_chunk.mean(dim=0, keepdim=True)
        scores.append((p_chunk * (log_p_chunk - q.log())).sum(dim=1).mean().exp().item())
    return ISResult(float(np.mean(scores)), float(np.std(scores)), [float(s) for s in scores], n)
