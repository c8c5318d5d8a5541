"""Pairing clips of two sets by id; incomplete pairing is an error, never a sentinel value.

audioldm_eval pairs generated and reference files by basename and, when fewer than 99 % match,
silently reports KL = -1. Here every paired metric refuses to run unless both sides hold exactly
the same ids, and the error names the ids that have no partner.
"""
from __future__ import annotations

from collections import Counter
from typing import Sequence

import numpy as np

from ..errors import InputError

SHOW = 5  # ids listed in an error message per side


class PairingError(InputError):
    """Two clip sets cannot be paired by id (ids missing on one side, or duplicated)."""


def check_unique(ids: Sequence[str], what: str) -> None:
    dupes = [i for i, n in Counter(ids).items() if n > 1]
    if dupes:
        raise PairingError(f"{what}: {len(dupes)} duplicate id(s), e.g. {sorted(dupes)[:SHOW]}")


def pair_by_id(reference_ids: Sequence[str], generated_ids: Sequence[str],
               what: str = "pairing") -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Indices (ref_idx, gen_idx) that align both sets, in reference order, and the paired ids.

    Raises PairingError naming unmatched ids (some of them, with counts) in either direction.
    """
    reference_ids, generated_ids = [str(i) for i in reference_ids], [str(i) for i in generated_ids]
    check_unique(reference_ids, f"{what}: reference set")
    check_unique(generated_ids, f"{what}: generated set")
    gen_pos = {cid: k for k, cid in enumerate(generated_ids)}
    ref_set = set(reference_ids)
    no_gen = [i for i in reference_ids if i not in gen_pos]
    no_ref = [i for i in generated_ids if i not in ref_set]
    if no_gen or no_ref:
        parts = []
        if no_gen:
            parts.append(f"{len(no_gen)} of {len(reference_ids)} reference id(s) have no generated clip, "
                         f"e.g. {no_gen[:SHOW]}")
        if no_ref:
            parts.append(f"{len(no_ref)} of {len(generated_ids)} generated id(s) have no reference clip, "
                         f"e.g. {no_ref[:SHOW]}")
        raise PairingError(f"{what}: incomplete pairing by clip id: " + "; ".join(parts))
    ref_idx = np.arange(len(reference_ids))
    gen_idx = np.array([gen_pos[i] for i in reference_ids], dtype=np.int64)
    return ref_idx, gen_idx, list(reference_ids)
