"""The paper's figures from our results (seaborn), each with the paper's numbers in its own panel.

Every figure is written as PNG and PDF. Our numbers and the paper's come from different data and
backbones, so they share a figure but never an axis.
"""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

from .render import save_figure  # noqa: E402
from .tables import paper_table  # noqa: E402

sns.set_theme(style="whitegrid", context="paper")


def _value(metrics: pd.DataFrame, audio: str, metric: str) -> float:
    part = metrics[(metrics.audio == audio) & (metrics.metric == metric)]
    return float(part.value.iloc[0]) if len(part) else np.nan


def _paper_frame(key: str, x: str, metrics: list[str], levels: tuple[str, ...] | None = None) -> pd.DataFrame:
    """The paper's points of one table; ``levels``: only rows of these CFG levels (``cfg_level``)."""
    rows = []
    for name, vals in paper_table(key).get("rows", {}).items():
        if levels is not None and vals.get("cfg_level") not in levels:
            continue
        for m in metrics:
            if x in vals and m in vals:
                rows.append({"row": name, x: vals[x], "metric": m, "value": vals[m]})
    return pd.DataFrame(rows)


def quality_vs_steps(metrics: pd.DataFrame, steps: dict[str, int], stem) -> list[Path]:
    """Paper Fig. 1 style: FD against the number of sampling steps of the per-token head."""
    ours = pd.DataFrame([{"system": a, "steps": s, "FD": _value(metrics, a, "FD")} for a, s in steps.items()])
    paper = pd.DataFrame([{"system": n, "steps": v["steps"], "FD": v["FD"]}
                          for n, v in paper_table("audiodear.table1").get("rows", {}).items() if "steps" in v and "FD" in v])
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    for ax, frame, title in ((axes[0], ours, "ours (this experiment)"), (axes[1], paper, "AudioDEAR Table 1 (AudioCaps)")):
        if len(frame):
            sns.scatterplot(frame, x="steps", y="FD", hue="system", s=60, ax=ax, legend=False)
            for r in frame.itertuples():
                ax.annotate(r.system, (r.steps, r.FD), fontsize=6, xytext=(3, 3), textcoords="offset points")
        ax.set_xscale("log")
        ax.set(title=title, xlabel="sampling steps of the head (log)", ylabel="FD (lower is better)")
    return save_figure(fig, stem)


def latency_vs_batch(latency: pd.DataFrame, stem) -> list[Path]:
    ours = latency[latency.sweep == "batch"]
    paper = []
    for name, vals in paper_table("impact.table8").get("rows", {}).items():
        paper += [{"system": name, "batch_size": int(k[1:]), "latency_s": v} for k, v in vals.items()]
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    if len(ours):
        sns.lineplot(ours, x="batch_size", y="latency_s", hue="system", marker="o", ax=axes[0])
        hw = ours.hardware.iloc[0]
        axes[0].set(title=f"ours ({hw})", xscale="log", yscale="log", xlabel="batch size", ylabel="seconds per batch")
    if paper:
        sns.lineplot(pd.DataFrame(paper), x="batch_size", y="latency_s", hue="system", marker="o", ax=axes[1])
        axes[1].set(title="IMPACT Table 8 (V100 32 GB)", xscale="log", yscale="log", xlabel="batch size",
                    ylabel="seconds per batch")
        axes[1].legend(fontsize=6)
    return save_figure(fig, stem)


def metrics_vs_iterations(metrics: pd.DataFrame, sets: dict[int, str], latency: pd.DataFrame | None, stem) -> list[Path]:
    rows = [{"iterations": t, "metric": m, "value": _value(metrics, a, m)} for t, a in sets.items() for m in ("FD", "FAD", "KL")]
    ours = pd.DataFrame(rows).dropna()
    paper = _paper_frame("impact.figure2", "iterations", ["FAD", "KL"])
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    if len(ours):
        sns.lineplot(ours, x="iterations", y="value", hue="metric", marker="o", ax=axes[0])
        axes[0].set(title="ours: teacher", xscale="log", xlabel="decoding iterations", ylabel="metric (lower is better)")
    if len(paper):
        sns.lineplot(paper, x="iterations", y="value", hue="metric", marker="o", ax=axes[1])
        axes[1].set(title="IMPACT Fig. 2", xscale="log", xlabel="decoding iterations", ylabel="metric")
    return save_figure(fig, stem)


def cfg_curves(metrics: pd.DataFrame, curves: dict[str, dict[float, str]], stem) -> list[Path]:
    rows = [{"curve": c, "scale": s, "metric": m, "value": _value(metrics, a, m)}
            for c, pts in curves.items() for s, a in pts.items() for m in ("FD", "CLAP")]
    ours = pd.DataFrame(rows).dropna()
    # The seed's Table 8 is on the IMPACT teacher: its no-CFG row is the w = 1 point of the
    # representation-level curve, its noise-level row a point of its own (not w = 5 of that curve).
    seed = "audiodear.seed_table8"
    paper = pd.concat([
        _paper_frame("impact.table7", "cfg_scale", ["FAD", "CLAP"]).assign(curve="IMPACT Table 7, noise level"),
        _paper_frame(seed, "cfg_scale", ["FAD", "CLAP"], ("none", "representation"))
        .assign(curve="IMPACT, seed Table 8, representation level"),
        _paper_frame(seed, "cfg_scale", ["FAD", "CLAP"], ("noise",)).assign(curve="IMPACT, seed Table 8, noise level")])
    fig, axes = plt.subplots(2, 2, figsize=(10, 7))
    for j, m in enumerate(("FD", "CLAP")):
        part = ours[ours.metric == m]
        if len(part):
            sns.lineplot(part, x="scale", y="value", hue="curve", marker="o", ax=axes[0, j])
        axes[0, j].set(title=f"ours: {m}", xlabel="CFG scale", ylabel=m)
        p = paper[paper.metric == (m if m == "CLAP" else "FAD")] if len(paper) else paper
        if len(p):
            sns.lineplot(p, x="cfg_scale", y="value", hue="curve", marker="o", ax=axes[1, j])
        axes[1, j].set(title=f"paper: {'CLAP' if m == 'CLAP' else 'FAD'}", xlabel="CFG scale", ylabel="value")
    return save_figure(fig, stem)
