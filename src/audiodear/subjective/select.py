"""Which clips are rated, under which blinded ids, and the attention checks.

Design: the same clip ids are rated in every system (a within-clip design), so differences between
systems are not differences between captions. The clips are drawn once, stratified over caption
kinds, from the clips every system (the reference included) has.

Every random choice draws from its own stream of ``numpy.random.SeedSequence([seed, stream])``,
so changing the number of attention checks does not change which clips are picked.
"""
from __future__ import annotations

from collections import Counter

import numpy as np

from ..errors import InputError

STREAM_CLIPS, STREAM_IDS, STREAM_CHECKS = 1, 2, 3
UNSPECIFIED = "unspecified"
# Requested ratings of an attention check: away from the middle, and REL != OVL, so that a rater
# who always gives the same answer, or the scale's middle, fails.
CHECK_VALUES = (1, 2, 4, 5)


def rng_for(seed: int, stream: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([int(seed), stream]))


def caption_kinds(rows: list[dict], how: str) -> dict[str, str]:
    """Caption kind per clip id from manifest labels: number of events or the first event's kind.

    Clips without labels (real corpora) get no kind and fall into one 'unspecified' stratum.
    """
    if how == "none":
        return {}
    kinds = {}
    for row in rows:
        events = ((row.get("labels") or {}).get("kinds")) or []
        if not events:
            continue
        kinds[row["id"]] = f"{len(events)} event{'s' if len(events) > 1 else ''}" if how == "n_events" else events[0]
    return kinds


def allocate(counts: dict[str, int], n: int, rng: np.random.Generator) -> dict[str, int]:
    """Proportional allocation of ``n`` draws over strata (largest remainder; ties broken by ``rng``)."""
    total = sum(counts.values())
    strata = sorted(counts)
    exact = {s: n * counts[s] / total for s in strata}
    quota = {s: int(np.floor(exact[s])) for s in strata}
    tiebreak = dict(zip(strata, rng.permutation(len(strata))))
    by_remainder = sorted(strata, key=lambda s: (-(exact[s] - quota[s]), tiebreak[s]))
    for s in by_remainder[: n - sum(quota.values())]:
        quota[s] += 1
    return quota


def stratified_sample(ids: list[str], kinds: dict[str, str], n: int, seed: int) -> list[str]:
    """``n`` clip ids (all of them if fewer), proportionally over caption kinds; returned sorted."""
    ids = sorted(set(ids))
    if n >= len(ids):
        return ids
    rng = rng_for(seed, STREAM_CLIPS)
    groups: dict[str, list[str]] = {}
    for clip in ids:
        groups.setdefault(kinds.get(clip, UNSPECIFIED), []).append(clip)
    quota = allocate({k: len(v) for k, v in groups.items()}, n, rng)
    chosen = []
    for kind in sorted(groups):
        members = groups[kind]
        picks = rng.choice(len(members), size=quota[kind], replace=False)
        chosen += [members[i] for i in sorted(picks)]
    return sorted(chosen)


def common_clips(sources: dict[str, dict[str, object]], captions: dict[str, str]) -> tuple[list[str], dict[str, int]]:
    """Clip ids that have a caption and audio in every system; plus, per system, how many it lacks."""
    ids = set(captions)
    for clips in sources.values():
        ids &= set(clips)
    if not ids:
        raise InputError(f"no clip id has a caption and audio in every system "
                         f"({', '.join(f'{k}: {len(v)} clips' for k, v in sources.items())}; "
                         f"{len(captions)} captions)")
    lacking = {name: len(set(captions) - set(clips)) for name, clips in sources.items()}
    return sorted(ids), lacking


def blinded_ids(count: int, seed: int) -> list[str]:
    """``count`` distinct random ids ('t' + 10 hex digits); they carry nothing about the trial."""
    rng = rng_for(seed, STREAM_IDS)
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < count:
        token = f"t{int(rng.integers(0, 2**40)):010x}"
        if token not in seen:
            seen.add(token)
            out.append(token)
    return out


def attention_checks(count: int, clip_ids: list[str], seed: int) -> list[dict]:
    """Instruction trials: the caption says which ratings to give; pass = both given exactly."""
    rng = rng_for(seed, STREAM_CHECKS)
    checks = []
    for i in range(count):
        rel, ovl = (int(v) for v in rng.choice(CHECK_VALUES, size=2, replace=False))
        clip = clip_ids[int(rng.integers(len(clip_ids)))]
        caption = (f"Attention check: whatever you hear, please rate \"match to the text\" {rel} "
                   f"and \"overall quality\" {ovl} for this sound.")
        checks.append({"index": i, "source_clip": clip, "caption": caption,
                       "expected": {"rel": rel, "ovl": ovl}})
    return checks


def strata_counts(ids: list[str], kinds: dict[str, str]) -> dict[str, int]:
    return dict(sorted(Counter(kinds.get(i, UNSPECIFIED) for i in ids).items()))
