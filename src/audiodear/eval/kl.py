"""KL divergence between the classifier's label distributions of paired clips (audioldm_eval's KL).

For each clip id, with p = softmax(reference logits) and q = softmax(generated logits):

    KL_i = Σ_c p_c · (log p_c − log(q_c + 1e-6))          (KL(reference ‖ generated), summed over classes)

and the reported KL is the mean over paired clips. audioldm_eval computes this as
``F.kl_div(log(softmax(gen) + 1e-6), softmax(ref), reduction="sum") / N`` on float32 logits; the
same torch ops in the same dtype are used here, so the numbers agree to the last digits.

The "sigmoid" variant applies the same expression to per-class sigmoids. It only sums the
positive-class terms p·log(p/q), so it is not a proper Bernoulli KL; it is reported under its
audioldm_eval name for comparison only.

Pairing is by clip id and must be complete in both directions; otherwise ``PairingError``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import torch
import torch.nn.functional as F

from ..errors import InputError
from .pairing import pair_by_id

KL_EPS = 1e-6  # audioldm_eval's EPS inside the log of the generated distribution


@dataclass(frozen=True)
class KLResult:
    kl_softmax: float  # audioldm_eval "kullback_leibler_divergence_softmax" — the KL papers report
    kl_sigmoid: float  # audioldm_eval "kullback_leibler_divergence_sigmoid" (positive-class terms only)
    ids: list[str]  # paired clip ids, reference order
    per_clip_softmax: np.ndarray  # KL_i, float64
    per_clip_sigmoid: np.ndarray

    @property
    def n(self) -> int:
        return len(self.ids)


def _as_logits(x, what: str) -> torch.Tensor:
    t = torch.as_tensor(np.asarray(x))
    if t.dim() != 2:
        raise InputError(f"{what}: logits must be 2-D (clips, classes), got shape {tuple(t.shape)}")
    if not torch.isfinite(t).all():
        raise InputError(f"{what}: logits hold NaN or infinite values")
    return t


def _kl_terms(gen_prob: torch.Tensor, ref_prob: torch.Tensor) -> torch.Tensor:
    # pointwise p·(log p − log(q + ε)), 0 where p = 0, exactly F.kl_div's definition
    return F.kl_div((gen_prob + KL_EPS).log(), ref_prob, reduction="none")


def kl_divergence(reference_logits, reference_ids: Sequence[str], generated_logits,
                  generated_ids: Sequence[str]) -> KLResult:
    """KL(reference ‖ generated) per paired clip and its mean; softmax and sigmoid variants."""
    ref = _as_logits(reference_logits, "reference")
    gen = _as_logits(generated_logits, "generated")
    if ref.shape[1] != gen.shape[1]:
        raise InputError(f"reference has {ref.shape[1]} classes, generated {gen.shape[1]}")
    if ref.shape[0] != len(reference_ids) or gen.shape[0] != len(generated_ids):
        raise InputError("logits and id lists differ in length")
    ref_idx, gen_idx, ids = pair_by_id(reference_ids, generated_ids, "KL")
    ref = ref[torch.from_numpy(ref_idx)]
    gen = gen[torch.from_numpy(gen_idx)]
    n = len(ids)
    soft = F.kl_div((gen.softmax(dim=1) + KL_EPS).log(), ref.softmax(dim=1), reduction="sum") / n
    sig = F.kl_div((gen.sigmoid() + KL_EPS).log(), ref.sigmoid(), reduction="sum") / n
    per_soft = _kl_terms(gen.softmax(dim=1), ref.softmax(dim=1)).double().sum(dim=1).numpy()
    per_sig = _kl_terms(gen.sigmoid(), ref.sigmoid()).double().sum(dim=1).numpy()
    return KLResult(float(soft), float(sig), ids, per_soft, per_sig)
