"""Corpus and manifest statistics: the first table the DAG renders."""
from __future__ import annotations

from collections import Counter

import pandas as pd


def manifest_statistics(rows: list[dict]) -> pd.DataFrame:
    """One row per split (and a total): clips, hours, captions, events."""
    frame = pd.DataFrame(rows)
    out = []
    for split, part in list(frame.groupby("split", sort=False)) + [("total", frame)]:
        n = len(part)
        captions = [c for c in part["caption"] if c]
        entry = {
            "split": split, "clips": n, "hours": part["duration"].sum() / 3600.0,
            "mean_seconds": part["duration"].mean(),
            "captioned_pct": 100.0 * part["captioned"].mean(),
            "unique_captions": len(set(captions)),
            "mean_caption_words": sum(len(c.split()) for c in captions) / max(1, len(captions)),
        }
        if "labels" in part and part["labels"].notna().all():
            kinds = Counter(k for labels in part["labels"] for k in labels["kinds"])
            entry["two_event_pct"] = 100.0 * sum(len(lb["kinds"]) == 2 for lb in part["labels"]) / n
            entry["kinds"] = len(kinds)
            entry["rarest_kind_clips"] = min(kinds.values())
        out.append(entry)
    return pd.DataFrame(out)
