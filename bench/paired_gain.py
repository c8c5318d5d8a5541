"""Is one audio set better than another beyond noise? The claims table's paired bootstrap, for any
two scored folders: a DAG audio set's features or a ``bench/generator_quality.py`` probe's OUT.

Each folder holds the evaluation features ``score`` writes (``classifier.safetensors``, and
``frames.safetensors`` for FAD); FD and FAD are taken against the run's reference features. The
bootstrap is the plan's ``eval.bootstrap``, so a pair the claims table compares gets its interval.

    cd <root of a finished run> && python bench/paired_gain.py A B [A B ...] [--experiment medium] \
        [--results results] [--metric FD]

Prints one line per pair: both values, the gain of A over B (positive: A is better) with its
interval, and the test clips a decision would need.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from audiodear.config import compose
from audiodear.eval.paired import clips_needed
from audiodear.eval.set_statistics import AudioSetScores, ClipEvidence
from audiodear.layout import Layout

PARAMS = Path(__file__).resolve().parents[1] / "params"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folders", nargs="+", help="feature folders, in pairs: A B [A B ...]")
    ap.add_argument("--experiment", default="default")
    ap.add_argument("--results", default="results", help="results_dir of the finished run")
    ap.add_argument("--metric", default="FD", choices=("FD", "FAD", "IS"))
    a = ap.parse_args()
    if len(a.folders) % 2:
        raise SystemExit(f"folders come in pairs (A B), got {len(a.folders)}: {a.folders}")
    plan = compose(a.experiment, [f"results_dir={a.results}"], params_dir=PARAMS)
    lay = Layout.of(plan)
    reference = Path(lay.features("reference", "classifier")).parent
    evidence = ClipEvidence({f: AudioSetScores.load(f, None) for f in a.folders}, AudioSetScores.load(reference, None))
    boot = plan.eval.bootstrap
    for better, other in zip(a.folders[::2], a.folders[1::2]):
        found = evidence.gain(better, other, a.metric, n_boot=boot.n_boot, seed=boot.seed, level=boot.level)
        if found is None:
            raise SystemExit(f"{better} vs {other}: no {a.metric} features (or under two shared clips) in both")
        g, va, vb = found
        print(f"{a.metric} {better} vs {other}: {va:.1f} vs {vb:.1f}, gain {g.gain:+.1f} [{g.low:+.1f}, {g.high:+.1f}], "
              f"n = {g.n}, clips needed ~{clips_needed(g):.0f}")


if __name__ == "__main__":
    main()
