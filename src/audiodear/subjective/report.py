"""The MOS table in the paper's Table 9 format (ours beside the paper's) and its figure."""
from __future__ import annotations

import json
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd

from ..report.render import save_figure, write_table
from .stats import SCALES, t_interval

NO_RATINGS = "no ratings"
CI_NOTE = ("± is the half-width of the 95 % CI: t distribution over the pooled ratings of each system "
           "(n - 1 degrees of freedom); std and s.e. are over the same ratings. The CSV of the MOS stage "
           "also gives the t interval over per-clip means (ci95_clips).")


@lru_cache(maxsize=1)
def paper_table9() -> dict:
    return json.loads((files("audiodear.subjective") / "paper_table9.json").read_text(encoding="utf-8"))


def _pm(mean: float, half: float) -> str:
    if not np.isfinite(mean):
        return NO_RATINGS
    return f"{mean:.2f} ± {half:.2f}" if np.isfinite(half) else f"{mean:.2f}"


def _paper_cells(paper_name: str | None) -> dict:
    row = paper_table9()["rows"].get(paper_name or "")
    if row is None:
        return {"paper REL": "", "paper OVL": ""}
    return {f"paper {s.upper()}": f"{row[s][0]:.2f} ± {row[s][1]:.2f}" for s in SCALES}


def table9_frame(mos: pd.DataFrame, paper_names: dict[str, str | None]) -> pd.DataFrame:
    rows = []
    for r in mos.itertuples(index=False):
        row = {"System": r.system}
        for s in SCALES:
            row[s.upper()] = _pm(getattr(r, f"{s}_mean"), getattr(r, f"{s}_ci95"))
        for s in SCALES:
            row[f"{s.upper()} std"] = getattr(r, f"{s}_std")
            row[f"{s.upper()} s.e."] = getattr(r, f"{s}_se")
        row.update({"ratings": r.n_ratings, "raters": r.n_raters, "clips": r.n_clips})
        row.update(_paper_cells(paper_names.get(r.system)))
        rows.append(row)
    return pd.DataFrame(rows)


def write_mos_table(mos: pd.DataFrame, stem: str | Path, title: str, paper_names: dict[str, str | None],
                    notes: list[str]) -> list[Path]:
    frame = table9_frame(mos, paper_names)
    paper = paper_table9()
    return write_table(frame, stem, title, notes=[CI_NOTE, *notes, f"paper: {paper['source']}; {paper['spread']}."],
                       floatfmt=".2f")


def write_no_ratings_table(stem: str | Path, title: str, systems: list[str], paper_names: dict[str, str | None],
                           ratings_dir: str) -> list[Path]:
    rows = [{"System": s, "REL": NO_RATINGS, "OVL": NO_RATINGS, **_paper_cells(paper_names.get(s))} for s in systems]
    paper = paper_table9()
    notes = [f"No ratings were collected: no rating files (*.json) in {ratings_dir}. "
             "Send raters the bundle's raters/ folder and put the files they return there.",
             f"paper: {paper['source']}; {paper['spread']}."]
    return write_table(pd.DataFrame(rows), stem, title, notes=notes)


def mos_figure(ratings: pd.DataFrame, systems: list[str], stem: str | Path, title: str) -> list[Path]:
    """Point plot of REL and OVL per system with the table's 95 % t intervals; PNG and PDF."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import seaborn as sns

    long = ratings.melt(id_vars=["system"], value_vars=list(SCALES), var_name="scale", value_name="rating")
    long["scale"] = long["scale"].str.upper()
    sns.set_theme(style="whitegrid", context="paper")
    fig, ax = plt.subplots(figsize=(1.2 + 1.1 * len(systems), 3.2))
    sns.pointplot(data=long, x="system", y="rating", hue="scale", order=systems, hue_order=["REL", "OVL"],
                  errorbar=t_interval, dodge=0.3, linestyle="none", capsize=0.1, markers=["o", "s"], ax=ax)
    ax.set(ylim=(1, 5), xlabel="", ylabel="MOS (1-5), 95 % CI", title=title)
    ax.legend(title="")
    return save_figure(fig, stem)


def no_ratings_figure(stem: str | Path, title: str, message: str = "no ratings collected") -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4, 1.6))
    ax.axis("off")
    ax.text(0.5, 0.5, f"{title}\n{message}", ha="center", va="center")
    return save_figure(fig, stem)
