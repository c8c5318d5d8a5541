"""The claims check: for each claim of the papers (``report.claim_plan``), is it reproduced,
contradicted or undecided by our run, beyond noise?

Every comparison "A is better than B on metric m" is a paired bootstrap over the test clips A and
B share (``eval.paired``, ``eval.set_statistics``): the 95 % interval of A's gain over B lies above
zero (the paper's way), below zero (the other way), or contains zero (undecided). A comparison the
source reports as a tie asks the reverse: does the interval fit inside the claim's tie band?

How a claim with several comparisons is decided: only the comparisons on the claim's pre-declared
``primary`` metric(s) count (FD for most claims: the paper's headline metric, reported in every
table we have numbers for; a trade-off claim declares both sides). The claim is

- **reproduced** when every primary comparison goes the paper's way beyond noise,
- **contradicted** when any primary comparison goes the other way beyond noise,
- **undecided** otherwise; the table then gives the test clips a paired bootstrap says would
  decide it (the largest n' of its undecided primary comparisons, ``eval.paired.clips_needed``).

The other metrics the source reports are shown as a tally (how many comparisons go the paper's way
or the other way beyond noise); they do not change the verdict, so a claim is not decided by the
luckiest of many metrics.

The speed claim is decided the same way on latency: each measured batch size (and repeat) times
both systems, a timing pair; the paired bootstrap is over the pairs' log latencies, and fewer than
``MIN_TIMING_PAIRS`` pairs leave it undecided (a bootstrap over two pairs has three distinct draws). Beside the
measured ratio at batch 8 the table gives the ratio the FLOPs predict on the same hardware
(``sampling.flops``) and the paper's.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..eval.paired import PairedGain, clips_needed, mean_stat, paired_gain, show_needed, verdict
from ..eval.set_statistics import AudioSetScores, ClipEvidence
from .claim_plan import Claim, resolve_claims

MIN_TIMING_PAIRS = 5  # the speed claim is decided on at least this many (batch size, repeat) pairs
WORDS = {"paper": "reproduced", "other": "contradicted", "undecided": "undecided"}
NOTES = [
    "reproduced / contradicted: every / any comparison on the claim's primary metric goes the paper's way / "
    "the other way beyond noise (the 95 % interval of a paired bootstrap over the test clips both sets share "
    "excludes zero); otherwise undecided",
    "a metric the paper reports as a tie (e.g. KL 1.06 vs 1.06) is reproduced when the interval of the "
    "difference lies inside +-tolerance of the second set's value, contradicted when wholly outside it",
    "clips needed: for an undecided claim, the test clips at which its undecided primary comparisons would "
    "decide, n' = n (1.96 sd / |difference|)^2 from the bootstrap sd at n clips ('> 100n': no measurable "
    "difference); for the speed claim, timing pairs (batch sizes x repeats; at least 5 decide)",
    "evidence: each primary comparison as 'better vs other: values, gain [95 % paired interval]', the gain "
    "signed so that positive is the paper's way",
    "other metrics: the remaining metrics the source reports, counted but not deciding",
    "lower is better for FD, FAD, KL and latency; higher for IS and CLAP",
]


def _short(audio: str) -> str:
    """A short label for an audio set: its variant, or its setting when the variant is 'main'."""
    system, variant, setting = audio.split("/")
    if system == "teacher":
        return f"teacher {setting}"
    return setting if variant == "main" and setting != "main" else variant


def _gain(ev: ClipEvidence, a: str, b: str, metric: str, boot: dict):
    """(gain of a over b, a's value, b's value) on the clips both share; None when not measured."""
    return ev.gain(a, b, metric, **boot)


def _describe(metric: str, a: str, b: str, g: PairedGain, value_a: float, value_b: float) -> str:
    return (f"{metric} {_short(a)} vs {_short(b)}: {value_a:.3g} vs {value_b:.3g}, "
            f"gain {g.gain:+.3g} [{g.low:+.3g}, {g.high:+.3g}]")


def _decide(results: list[tuple[str, float, int]]) -> tuple[str, str]:
    """(verdict, clips needed) from the primary comparisons' (verdict, n', n)."""
    verdicts = [v for v, _, _ in results]
    if "other" in verdicts:
        return "contradicted", "–"
    if all(v == "paper" for v in verdicts):
        return "reproduced", "–"
    open_ = [(need, n) for v, need, n in results if v == "undecided"]
    need, n = max(open_, key=lambda x: x[0])
    return "undecided", show_needed(need, n)


def _tally(results: list[str]) -> str:
    if not results:
        return "–"
    way, against = results.count("paper"), results.count("other")
    return f"{way} of {len(results)} the paper's way beyond noise, {against} the other way"


def check_quality(claim: Claim, ev: ClipEvidence, boot: dict) -> dict:
    primary, others, shown = [], [], []
    for c in claim.comparisons:
        for metric in c.metrics:
            found = _gain(ev, c.better, c.than, metric, boot)
            if found is None:
                continue
            g, va, vb = found
            band = claim.tolerance * abs(vb) if metric in claim.ties else None
            v = verdict(g, band)
            if metric in claim.primary:
                primary.append((v, clips_needed(g, band), g.n))
                shown.append(_describe(metric, c.better, c.than, g, va, vb)
                             + (f" (tie band +-{band:.3g})" if band is not None else ""))
            else:
                others.append(v)
                if band is not None:  # a tie is worth showing even when it does not decide
                    shown.append(f"{metric} tie within +-{band:.3g}: {WORDS[v]} ({va:.3g} vs {vb:.3g})")
    if not primary:
        return {"verdict": "not measured", "clips needed": "–", "evidence": "", "other metrics": _tally(others)}
    word, need = _decide(primary)
    return {"verdict": word, "clips needed": need, "evidence": "; ".join(shown), "other metrics": _tally(others)}


def _runs(row) -> list[float]:
    runs = getattr(row, "latency_runs_s", None)
    if isinstance(runs, str) and runs:
        return [float(x) for x in runs.split(";")]
    return [float(row.latency_s)]


def timing_pairs(latency: pd.DataFrame, fast: str, slow: str) -> tuple[np.ndarray, np.ndarray]:
    """Log latencies of the two systems, paired by (batch size, repeat) over the batch sweep."""
    part = latency[latency.sweep == "batch"]
    runs = {(r.system, int(r.batch_size)): _runs(r) for r in part.itertuples()}
    log_fast, log_slow = [], []
    for (system, batch), times in sorted(runs.items()):
        if system == fast and (slow, batch) in runs:
            for t_fast, t_slow in zip(times, runs[slow, batch]):
                log_fast.append(np.log(t_fast))
                log_slow.append(np.log(t_slow))
    return np.array(log_fast), np.array(log_slow)


def check_speed(claim: Claim, latency: pd.DataFrame | None, systems: dict, boot: dict, batch: int = 8) -> dict:
    """``systems``: latency-table name -> audio set (``report.latency_systems``)."""
    c = claim.comparisons[0]
    by_audio = {audio: name for name, audio in systems.items()}
    fast, slow = by_audio.get(c.better), by_audio.get(c.than)
    empty = {"verdict": "not measured", "clips needed": "–", "evidence": "", "other metrics": "–"}
    if latency is None or latency.empty or fast is None or slow is None:
        return empty
    log_fast, log_slow = timing_pairs(latency, fast, slow)
    if len(log_fast) < 2:
        return empty
    g = paired_gain(mean_stat(log_fast), mean_stat(log_slow), len(log_fast), higher_is_better=False, **boot)
    # a bootstrap over a handful of pairs has a handful of distinct draws: its interval means nothing
    v = verdict(g) if g.n >= MIN_TIMING_PAIRS else "undecided"
    at = latency[(latency.sweep == "batch") & (latency.batch_size == batch)].set_index("system")
    parts = [f"log-latency gain {g.gain:+.3g} [{g.low:+.3g}, {g.high:+.3g}] over {g.n} timing pairs "
             f"(geometric-mean speed-up {np.exp(g.gain):.2f}x)"]
    if {fast, slow} <= set(at.index):
        parts.append(f"batch {batch}: measured {at.latency_s[slow] / at.latency_s[fast]:.2f}x "
                     f"({at.latency_s[slow]:.3g} s vs {at.latency_s[fast]:.3g} s; token generation alone "
                     f"{at.tokens_s[slow] / at.tokens_s[fast]:.2f}x)")
        if "gen_flops" in at.columns and at.gen_flops[fast] > 0:
            parts.append(f"FLOP-predicted {at.gen_flops[slow] / at.gen_flops[fast]:.1f}x on the same hardware "
                         "(token generation)")
    if claim.paper_ratio:
        parts.append(f"paper {claim.paper_ratio:g}x (V100)")
    need = "–"
    if v == "undecided":
        need = show_needed(max(clips_needed(g), MIN_TIMING_PAIRS), g.n) + " timing pairs"
    return {"verdict": WORDS[v], "clips needed": need, "evidence": "; ".join(parts), "other metrics": "–"}


def check_claims(claims: list[Claim], evidence: ClipEvidence, latency: pd.DataFrame | None = None,
                 latency_systems: dict | None = None, n_boot: int = 1000, seed: int = 0,
                 level: float = 0.95) -> pd.DataFrame:
    """One row per claim, central claims first."""
    boot = {"n_boot": n_boot, "seed": seed, "level": level}
    rows = []
    for claim in sorted(claims, key=lambda c: not c.central):
        if claim.kind == "speed":
            found = check_speed(claim, latency, latency_systems or {}, boot)
        else:
            found = check_quality(claim, evidence, boot)
        rows.append({"claim": claim.text, "central": "yes" if claim.central else "", "source": claim.source,
                     "primary": ", ".join(claim.primary), **found, "id": claim.id})
    return pd.DataFrame(rows, columns=["claim", "central", "source", "primary", "verdict", "clips needed",
                                       "evidence", "other metrics", "id"])


def claims_from_plan(plan, audiosets: list[str], feature_dirs: list[str], per_clip: list[str],
                     reference_dir: str, latency: pd.DataFrame) -> pd.DataFrame:
    """The claims table of a run: every claim the plan names, checked on the scored sets.

    ``feature_dirs`` and ``per_clip`` follow ``audiosets`` (each set's feature folder and its
    ``per_clip.csv``); the bootstrap is the plan's ``eval.bootstrap``.
    """
    sets = {a: AudioSetScores.load(d, p) for a, d, p in zip(audiosets, feature_dirs, per_clip, strict=True)}
    evidence = ClipEvidence(sets, AudioSetScores.load(reference_dir, None))
    b = plan.eval.bootstrap
    return check_claims(resolve_claims(plan), evidence, latency, dict(plan.report.latency_systems),
                        n_boot=b.n_boot, seed=b.seed, level=b.level)
