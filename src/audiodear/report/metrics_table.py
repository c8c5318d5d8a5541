"""Every audio set's metrics in one tidy table, and the headline metrics of the paper's main rows.

Each scored set writes its own ``metrics.csv`` (one row per metric); the report reads them as one
table with the set split into system / variant / setting, so tables and figures select rows by
column instead of parsing paths.
"""
from __future__ import annotations

from typing import Sequence

import pandas as pd

# The rows a reader looks at first (Table 1): the teacher, AudioDEAR, and AudioDEAR without distillation.
HEADLINE_SETS = ("teacher/main/main", "student/main/main", "student/lambda0/main")


def tidy_metrics(audiosets: Sequence[str], tables: Sequence[str]) -> pd.DataFrame:
    """The ``metrics.csv`` of each audio set (``tables``, in the order of ``audiosets``) as one table."""
    if len(audiosets) != len(tables):
        raise ValueError(f"{len(audiosets)} audio sets but {len(tables)} metric tables")
    frames = []
    for audioset, table in zip(audiosets, tables):
        frame = pd.read_csv(table)
        system, variant, setting = (audioset.split("/") + ["", ""])[:3] if "/" in audioset else (audioset, "", "")
        frame.insert(0, "audio", audioset)
        frame.insert(1, "system", system)
        frame.insert(2, "variant", variant)
        frame.insert(3, "setting", setting)
        frame["source"] = table
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def headline_metrics(tidy: pd.DataFrame, audiosets: Sequence[str] = HEADLINE_SETS) -> dict:
    """{set with '/' as '_': {metric: value}} for the headline sets (empty for a set not scored)."""
    out = {}
    for audio in audiosets:
        part = tidy[tidy.audio == audio]
        out[audio.replace("/", "_")] = {m: float(v) for m, v in zip(part.metric, part.value)}
    return out
