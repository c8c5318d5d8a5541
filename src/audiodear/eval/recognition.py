"""Event recognition accuracy: does the embedded classifier hear the kinds the caption asked for?

For a clip whose caption names one event, it counts as recognised when the classifier's top-1
kind is that kind; for two events, when the top-2 kinds are exactly those two (order free). Chance
level for K kinds: 1/K for one event, 1/C(K, 2) for two; the overall chance is the mix of both in
the scored set. A generator that learned the text→sound mapping scores far above chance; one that
ignores the text scores near chance.
"""
from __future__ import annotations

from dataclasses import dataclass
from math import comb
from typing import Mapping, Sequence

import numpy as np

from ..errors import InputError
from .pairing import PairingError, check_unique


@dataclass(frozen=True)
class RecognitionResult:
    accuracy: float
    chance: float
    n: int
    n_single: int
    n_double: int
    accuracy_single: float
    accuracy_double: float
    ids: list[str]
    per_clip: np.ndarray  # 1.0 recognised, 0.0 not

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k not in ("ids", "per_clip")}


def kinds_by_id(rows: Sequence[Mapping]) -> dict[str, list[str]]:
    """{clip id: event kinds} from manifest rows (``labels.kinds``)."""
    out = {}
    for row in rows:
        labels = row.get("labels") or {}
        if not labels.get("kinds"):
            raise InputError(f"manifest row id={row.get('id')!r}: field 'labels.kinds' missing or empty")
        out[str(row["id"])] = list(labels["kinds"])
    return out


def recognised(logits_row: np.ndarray, kinds: Sequence[str], classes: Sequence[str]) -> bool:
    if len(kinds) not in (1, 2):
        raise InputError(f"recognition is defined for 1 or 2 events per clip, got {list(kinds)}")
    top = np.argsort(-np.asarray(logits_row), kind="stable")[: len(kinds)]
    return {classes[i] for i in top} == set(kinds)


def event_recognition_accuracy(logits, ids: Sequence[str], kinds: Mapping[str, Sequence[str]],
                               classes: Sequence[str]) -> RecognitionResult:
    """Share of clips (``ids``, rows of ``logits``) whose captioned ``kinds`` are recognised.

    ``kinds`` may cover more clips (e.g. the whole manifest); every scored id needs an entry.
    """
    logits = np.asarray(logits)
    if logits.ndim != 2 or logits.shape[1] != len(classes) or logits.shape[0] != len(ids):
        raise InputError(f"logits of shape {logits.shape} do not fit {len(ids)} clips x {len(classes)} classes")
    unknown = sorted({k for ks in kinds.values() for k in ks} - set(classes))
    if unknown:
        raise InputError(f"labels name kinds the classifier does not know: {unknown}")
    ids = [str(i) for i in ids]
    check_unique(ids, "recognition: generated clips")
    missing = [i for i in ids if i not in kinds]
    if missing:
        raise PairingError(f"recognition: {len(missing)} of {len(ids)} generated clip(s) have no labels, "
                           f"e.g. {missing[:5]}")
    paired = ids
    hits = np.array([recognised(logits[g], kinds[cid], classes) for g, cid in enumerate(ids)], dtype=float)
    n_events = np.array([len(kinds[cid]) for cid in paired])
    k = len(classes)
    single, double = n_events == 1, n_events == 2
    chance = (single.sum() / k + double.sum() / comb(k, 2)) / len(paired)

    def share(mask):
        return float(hits[mask].mean()) if mask.any() else float("nan")

    return RecognitionResult(float(hits.mean()), float(chance), len(paired), int(single.sum()), int(double.sum()),
                             share(single), share(double), paired, hits)
