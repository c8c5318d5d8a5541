"""The two tables the paper has no counterpart of: event recognition per audio set, and latency
against batch size (with IMPACT's V100 column, for the shape of the curve)."""
from __future__ import annotations

import pandas as pd

from .tables import paper_table

RECOGNITION_TITLE = "Event recognition: the share of test clips whose captioned event kinds the evaluation classifier finds"
RECOGNITION_NOTES = ["single-event clips: top-1 = the kind; two-event clips: both kinds in the top-2",
                     "far above chance means the generator learned the text-to-sound mapping"]
LATENCY_NOTES = ["token generation plus decoding (VAE decoder + vocoder); median of the configured repeats",
                 "teacher: diffusion head with noise-level CFG; student: one energy-head pass with representation-level CFG",
                 "paper column: IMPACT Table 8 on a V100 at 64 iterations, for the shape of the curve only"]


def recognition_table(metrics: pd.DataFrame) -> pd.DataFrame:
    """One row per audio set: its recognition rate with CI, from the tidy metric table."""
    rec = metrics[metrics.metric == "recognition"][["audio", "value", "ci_low", "ci_high", "n", "note"]]
    return rec.rename(columns={"value": "recognition"}).sort_values("audio")


def latency_table(latency: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Seconds per batch by batch size and system (and their ratio), beside the paper's; and the title."""
    sweep = latency[latency.sweep == "batch"].pivot_table(index="batch_size", columns="system", values="latency_s")
    if {"teacher", "student"} <= set(sweep.columns):
        sweep["teacher/student"] = sweep["teacher"] / sweep["student"]
    table = sweep.reset_index()
    paper = paper_table("impact.table8").get("rows", {}).get("IMPACT base dec 64", {})
    table["IMPACT base dec 64 (paper, V100)"] = [paper.get(f"b{b}") for b in table.batch_size]
    return table, f"Generation latency (seconds per batch) on {latency.hardware.iloc[0]}"
