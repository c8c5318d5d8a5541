"""The claims check: each claim the papers make, and whether our run reproduces its direction.

A claim compares audio sets on metrics (lower is better for FD, FAD, KL and latency; higher for IS,
CLAP and recognition). "reproduced" means every comparison the claim makes goes the paper's way;
"partly" that some do; "not reproduced" that none do; "not measured" that this experiment lacks an
audio set the claim needs. The numbers behind each verdict are printed beside it.

A direction alone can be noise: "beyond noise" counts the comparisons whose two 95 % bootstrap
intervals do not overlap (a conservative test), and how many of those go the paper's way.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd

from .tables import better

QUALITY = ("FD", "FAD", "KL", "IS", "CLAP")


@dataclass
class Evidence:
    values: dict  # (audio, metric) -> value
    intervals: dict = field(default_factory=dict)  # (audio, metric) -> (low, high), 95 % bootstrap
    separated: list = field(default_factory=list)  # per comparison of the claim being checked

    def get(self, audio: str, metric: str) -> float:
        return self.values.get((audio, metric), np.nan)

    def separate(self, a: str, b: str, metric: str) -> bool:
        """Whether the intervals of a and b on ``metric`` do not overlap."""
        ia, ib = self.intervals.get((a, metric)), self.intervals.get((b, metric))
        if ia is None or ib is None or not np.all(np.isfinite([*ia, *ib])):
            return False
        return ia[1] < ib[0] or ib[1] < ia[0]


@dataclass
class Claim:
    id: str
    text: str
    source: str
    check: Callable[[Evidence], tuple[list[bool], list[str]]]


def _cmp(ev: Evidence, a: str, b: str, metrics=QUALITY) -> tuple[list[bool], list[str]]:
    """a beats b on each metric?"""
    oks, shown = [], []
    for m in metrics:
        x, y = ev.get(a, m), ev.get(b, m)
        if np.isfinite(x) and np.isfinite(y):
            oks.append(better(m, x, y))
            ev.separated.append(ev.separate(a, b, m))
            shown.append(f"{m} {x:.3g} vs {y:.3g}")
    return oks, shown


def _join(*parts):
    """Concatenate the (oks, shown) of several comparisons, in order."""
    return tuple(sum(x, []) for x in zip(*parts))


def _chain(ev: Evidence, order: list[str], metrics=QUALITY):
    oks, shown = [], []
    for a, b in zip(order, order[1:]):
        o, s = _cmp(ev, a, b, metrics)
        oks += o
        shown += [f"{_name(a)} vs {_name(b)}: {x}" for x in s]
    return oks, shown


def _name(audio: str) -> str:
    """A short label for an audio set: its variant, or its setting when the variant is 'main'."""
    _, variant, setting = audio.split("/")
    return setting if variant == "main" else variant


def _peak_inside(ev: Evidence, audios: list[str], metric: str = "CLAP"):
    """Quality rises with the scale up to a point: the best value is neither at the first scale nor
    missing, i.e. guidance helps; 'up to a point' holds when the best is not the last scale."""
    vals = [ev.get(a, metric) for a in audios]
    if not all(np.isfinite(vals)):
        return [], []
    best = int(np.argmax(vals) if metric not in ("FD", "FAD", "KL") else np.argmin(vals))
    return [best > 0, best < len(vals) - 1], [f"{metric} over scales: " + ", ".join(f"{v:.3g}" for v in vals)]


def _speed(ev: Evidence, teacher: str, student: str, factor: float = 2.0):
    t, s = ev.get(teacher, "latency_s"), ev.get(student, "latency_s")
    if not (np.isfinite(t) and np.isfinite(s)):
        return [], []
    return [t / s >= factor], [f"latency {t:.3g} s vs {s:.3g} s per batch of 8: {t / s:.2f}x"]


T, S = "teacher/main", "student"
CLAIMS = [
    Claim("distillation_helps", "Representation distillation improves every metric (lambda=1000 vs 0)",
          "AudioDEAR Tables 1-2", lambda ev: _cmp(ev, f"{S}/main/main", f"{S}/lambda0/main")),
    Claim("lambda_too_large_hurts", "Too large a distillation weight hurts (lambda=1000 beats 5000)",
          "AudioDEAR Table 2", lambda ev: _cmp(ev, f"{S}/main/main", f"{S}/lambda5000/main")),
    Claim("energy_beats_one_step", "Energy scoring beats flow matching, shortcut and MeanFlow in one step",
          "AudioDEAR Table 4",
          lambda ev: _join(*[_cmp(ev, f"{S}/lambda0/main", f"{S}/{o}/main")
                             for o in ("flow_matching", "shortcut", "meanflow")])),
    Claim("m4_trades_clap_for_fd", "m = 4 lowers FD but also CLAP compared with m = 2",
          "AudioDEAR Table 5",
          lambda ev: _join(_cmp(ev, f"{S}/m4/main", f"{S}/main/main", ("FD",)),  # m4 vs m2
                           _cmp(ev, f"{S}/main/main", f"{S}/m4/main", ("CLAP",)))),  # m2 vs m4
    Claim("text_embeddings_order", "T5+CLAP > T5 only > CLAP only",
          "AudioDEAR Table 6", lambda ev: _chain(ev, [f"{S}/main/main", f"{S}/text_t5/main", f"{S}/text_clap/main"])),
    Claim("design_b_beats_a", "Head design (b) (noise main input) beats (a)",
          "AudioDEAR Table 7", lambda ev: _cmp(ev, f"{S}/main/main", f"{S}/design_a/main")),
    Claim("freeze_worse", "Fine-tuning the whole student beats training only the head on a frozen backbone",
          "AudioDEAR Table 3 [R]", lambda ev: _cmp(ev, f"{S}/main/main", f"{S}/freeze/main")),
    Claim("repr_cfg_up_to_a_point", "Representation-level CFG improves with scale up to a point (student)",
          "AudioDEAR Table 8",
          lambda ev: _peak_inside(ev, [f"{S}/main/{s}" for s in ("repr1.0", "repr1.5", "repr2.0", "repr3.0", "main", "repr5.0")])),
    Claim("teacher_repr_cfg_helps", "On the teacher, representation-level CFG improves on no CFG as the scale grows",
          "AudioDEAR seed Table 8",
          lambda ev: _chain(ev, [f"{T}/repr2.0", f"{T}/repr1.5", f"{T}/repr1.1", f"{T}/noise1"], ("FD", "CLAP"))),
    Claim("noise_cfg_helps", "Noise-level CFG (5.0) beats no CFG on the teacher",
          "IMPACT Table 7 / seed Table 8", lambda ev: _cmp(ev, f"{T}/main", f"{T}/noise1")),
    Claim("iterations_help", "More decoding iterations improve the teacher (4 < 8 < 16)",
          "IMPACT Fig. 2", lambda ev: _chain(ev, [f"{T}/main", f"{T}/iter8", f"{T}/iter4"], ("FAD", "KL", "FD"))),
    Claim("student_faster", "The student is several times faster than the teacher at equal size (>= 2x)",
          "AudioDEAR Table 1 (8.5x)", lambda ev: _speed(ev, f"{T}/main", f"{S}/main/main")),
    Claim("teacher_beats_student", "The multi-step teacher still beats the one-step student on quality",
          "AudioDEAR Table 1", lambda ev: _cmp(ev, f"{T}/main", f"{S}/main/main")),
]


def _beyond_noise(oks: list[bool], separated: list[bool]) -> str:
    if len(separated) != len(oks) or not oks:
        return "–"  # not a pairwise comparison (a peak over scales, a speed ratio)
    way = sum(o and s for o, s in zip(oks, separated))
    against = sum((not o) and s for o, s in zip(oks, separated))
    return f"{way + against} of {len(oks)} ({way} the paper's way)"


def check_claims(values: dict, intervals: dict | None = None) -> pd.DataFrame:
    """``values``: (audio, metric) -> value; ``intervals``: (audio, metric) -> (low, high)."""
    ev = Evidence(values, intervals or {})
    rows = []
    for c in CLAIMS:
        ev.separated = []
        oks, shown = c.check(ev)
        if not oks:
            verdict = "not measured"
        elif all(oks):
            verdict = "reproduced"
        elif any(oks):
            verdict = f"partly ({sum(oks)}/{len(oks)})"
        else:
            verdict = "not reproduced"
        rows.append({"claim": c.text, "source": c.source, "verdict": verdict,
                     "beyond noise": _beyond_noise(oks, ev.separated), "evidence": "; ".join(shown), "id": c.id})
    return pd.DataFrame(rows)
