"""The paper's tables from our results, with the paper's numbers beside ours.

Inputs: the tidy metric table of an experiment (one row per audio set and metric, with bootstrap
CI) and the latency table; table definitions come from ``params/report`` and the paper's numbers
from ``paper_numbers.yaml``. For every metric a table shows ours, our 95 % CI, the paper's value
and the difference (ours − paper). At the embedded scale the difference is not meant to be small
(another corpus, other backbones); the claims check compares directions instead.

A table may also list ``supplementary`` metrics the papers do not report (ours only, no paper
column), ``cited`` rows (another system's published numbers, never our measurements, each with its
source and how its protocol differs from ours) and the ``assumptions`` its rows rest on (ids in
docs/assumptions.md, linked from the table's notes). ``experiment_table`` builds a table of the
plan's ``report.tables`` with the notes that say what its numbers were measured with.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from omegaconf import OmegaConf

from ..config.variants import sampling_of, student_train_steps
from ..utils.provenance import code_version

LOWER_IS_BETTER = {"FD", "FAD", "KAD", "KAD_frames", "KL", "latency_s"}
ASSUMPTIONS_DOC = "docs/assumptions.md"
# What a supplementary metric is, for the table's notes (the papers define the others).
SUPPLEMENTARY = {"KAD": "kernel audio distance on FD's clip embeddings",
                 "KAD_frames": "kernel audio distance on FAD's frame embeddings"}


@lru_cache(maxsize=1)
def paper_numbers() -> dict:
    return yaml.safe_load(Path(__file__).with_name("paper_numbers.yaml").read_text(encoding="utf-8"))


def paper_table(key: str | None) -> dict:
    """``"audiodear.table2"`` -> {"title", "source", "rows": {row: {metric: value}}} (empty if unknown)."""
    if not key:
        return {}
    paper, table = key.split(".", 1)
    return paper_numbers().get(paper, {}).get(table, {})


def candidates(row: dict) -> list[str]:
    return list(row["audio"]) if isinstance(row["audio"], (list, tuple)) else [row["audio"]]


# The sampling fields a row may pin: a row about 8 iterations shows the set that decodes in 8.
PINNED_FIELDS = ("iterations", "diffusion_steps")


def pinned(row: dict) -> dict:
    return {f: row[f] for f in PINNED_FIELDS if row.get(f) is not None}


def choose_audio(row: dict, available: set[str], sampling_of=None) -> str | None:
    """The audio set a row shows: its first candidate this experiment produces whose sampling
    setting (``sampling_of(audio)``) has the values the row pins (``iterations``,
    ``diffusion_steps``); None if none does.

    Rows about a number of iterations or steps list the named setting first and ``main`` after
    it, so the row finds the right set whichever value an experiment makes its main one.
    """
    wanted = pinned(row)
    if wanted and sampling_of is None:
        raise ValueError(f"row '{row['label']}' names {', '.join(wanted)}: build_table needs sampling_of")
    for audio in candidates(row):
        if audio != "reference" and audio not in available:
            continue
        if not wanted or all(sampling_of(audio)[f] == v for f, v in wanted.items()):
            return audio
    return None


def metric_lookup(metrics: pd.DataFrame) -> dict:
    """(audio key, metric) -> (value, ci_low, ci_high)."""
    out = {}
    for r in metrics.itertuples(index=False):
        out[(r.audio, r.metric)] = (r.value, r.ci_low, r.ci_high)
    return out


def latency_lookup(latency: pd.DataFrame | None, systems: dict, batch: int = 8) -> dict:
    """audio key -> seconds per batch of ``batch`` at the system's default iterations."""
    if latency is None or latency.empty:
        return {}
    part = latency[(latency.sweep == "batch") & (latency.batch_size == batch)]
    return {audio: float(part[part.system == name].latency_s.iloc[0])
            for name, audio in systems.items() if (part.system == name).any()}


def cited_rows(spec: dict) -> list[tuple[str, dict, dict]]:
    """(name, numbers, source table) of each cited row: a name of the table's own paper rows, or
    ``{row, paper}`` for a row of another table of ``paper_numbers.yaml``."""
    out = []
    for cited in spec.get("cited", []):
        name, key = (cited, spec.get("paper")) if isinstance(cited, str) else (cited["row"], cited["paper"])
        table = paper_table(key)
        if name not in table.get("rows", {}):
            raise ValueError(f"cited row {name!r} is not in {key} of paper_numbers.yaml")
        out.append((name, table["rows"][name], table))
    return out


def cited_notes(cited: list[tuple[str, dict, dict]]) -> list[str]:
    """Where each cited row comes from and how its protocol differs from ours."""
    if not cited:
        return []
    notes = ["cited rows: the cited papers' published numbers, not our measurements"]
    seen = set()
    for name, numbers, table in cited:
        if table.get("protocol") and table["title"] not in seen:
            seen.add(table["title"])
            notes.append(f"cited from {table['title']} [source {table['source']}]: {table['protocol']}")
        if numbers.get("protocol"):
            notes.append(f"'{name}' (cited): {numbers['protocol']}")
    return notes


def assumption_notes(spec: dict, doc: str = ASSUMPTIONS_DOC) -> list[str]:
    """A note linking the assumptions the table's rows depend on (anchors in ``doc``)."""
    ids = spec.get("assumptions", [])
    if not ids:
        return []
    return ["rests on the assumptions " + ", ".join(f"[{a}]({doc}#{a})" for a in ids)
            + " (choices the paper does not state)"]


def build_table(spec: dict, metrics: pd.DataFrame, latency: dict, available: set[str],
                sampling_of=None, assumptions_doc: str = ASSUMPTIONS_DOC) -> tuple[pd.DataFrame, list[str]]:
    """One paper table: rows in spec order; returns the frame and notes (rows left out, sources).

    ``sampling_of(audio)`` gives an audio set's sampling setting, for rows that pin its fields;
    ``assumptions_doc`` is the assumptions register as linked from where the table is written.
    """
    paper = paper_table(spec.get("paper"))
    paper_rows = paper.get("rows", {})
    supplementary = set(spec.get("supplementary", []))
    values = metric_lookup(metrics)
    notes, rows = [], []
    for row in spec["rows"]:
        key = choose_audio(row, available, sampling_of)
        if key is None:
            wanted = " or ".join(candidates(row))
            if pinned(row):
                wanted += " at " + ", ".join(f"{v} {f.replace('_', ' ')}" for f, v in pinned(row).items())
            notes.append(f"row '{row['label']}' left out: this experiment does not produce {wanted}")
            continue
        out = {"row": row["label"], "audio": key}
        ref = paper_rows.get(row.get("paper") or "", {})
        for m in spec["metrics"]:
            if m == "latency_s":
                ours, lo, hi = latency.get(key, np.nan), np.nan, np.nan
            else:
                ours, lo, hi = values.get((key, m), (np.nan, np.nan, np.nan))
            theirs = ref.get(m, np.nan)
            out[m] = ours
            out[f"{m}_ci"] = f"[{lo:.3g}, {hi:.3g}]" if np.isfinite(lo) else ""
            if m in supplementary:
                continue
            out[f"{m}_paper"] = theirs
            out[f"{m}_diff"] = ours - theirs if np.isfinite(ours) and np.isfinite(theirs) else np.nan
        rows.append(out)
    cited = cited_rows(spec)
    for name, ref, _ in cited:
        rows.append({"row": f"{name} (cited)", "audio": "",
                     **{f"{m}_paper": ref.get(m, np.nan) for m in spec["metrics"] if m not in supplementary}})
    if paper:
        notes.append(f"paper: {paper.get('title', spec.get('paper'))} [source {paper.get('source', '?')}]")
    elif spec.get("paper"):
        notes.append(f"paper: {spec['paper']} — numbers not recovered by our sources; ours only")
    notes.append("ours: mean over the test set with a 95% percentile-bootstrap CI; diff = ours - paper")
    if supplementary:
        notes.append("supplementary, not in the paper (ours only): "
                     + "; ".join(f"{m} = {SUPPLEMENTARY.get(m, m)}" for m in spec["metrics"] if m in supplementary))
    notes += cited_notes(cited) + assumption_notes(spec, assumptions_doc)
    columns = ["row"] + [c for m in spec["metrics"]
                         for c in ((m, f"{m}_ci") if m in supplementary else (m, f"{m}_ci", f"{m}_paper", f"{m}_diff"))]
    columns += ["audio"]
    frame = pd.DataFrame(rows, columns=columns)
    if not paper_rows:  # nothing to compare against: keep the table narrow
        frame = frame.drop(columns=[c for c in frame.columns if c.endswith(("_paper", "_diff"))])
    return frame, notes


def experiment_table(plan, name: str, metrics: pd.DataFrame, latency: pd.DataFrame, available: set[str],
                     out_dir: str | Path, source: str) -> tuple[pd.DataFrame, str, list[str], pd.DataFrame]:
    """Table ``name`` of the plan's ``report.tables`` from an experiment's metric and latency
    tables: (numbers, title, notes, reading version).

    ``available``: the audio sets the experiment produces; each row's set is chosen with the
    sampling settings of the plan. ``out_dir``: the folder the table is written to, relative to the
    repository root (where the workflow runs), so the notes link the assumptions register from
    there. Beyond ``build_table``'s notes, the table names the backbone of each of its metrics, the
    test-set size and resampler, and ``source`` (the metric table) with the code version, so a
    reader of the table alone knows what its numbers were measured with.
    """
    spec = OmegaConf.to_container(plan.report.tables[name])
    doc = os.path.relpath(ASSUMPTIONS_DOC, out_dir)
    frame, notes = build_table(spec, metrics, latency_lookup(latency, dict(plan.report.latency_systems)),
                               set(available), lambda audio: sampling_of(plan, audio), assumptions_doc=doc)
    backbones = sorted({f"{r.metric}: {r.backbone}" for r in metrics.itertuples() if r.metric in spec["metrics"]})
    resampler = metrics.resampler.dropna().iloc[0] if metrics.resampler.notna().any() else "n/a"
    notes += training_notes(plan, frame["audio"])
    notes += [f"backbones: {'; '.join(backbones)}", f"test set N = {int(metrics.n.max())}; resampler: {resampler}",
              f"provenance: {source} (per audio set: results/<exp>/metrics/<audio>/), code {code_version()}"]
    return frame, spec["title"], notes, display(frame, [m for m in spec["metrics"] if m in frame])


def training_notes(plan, audio_sets) -> list[str]:
    """How many steps the table's students trained: an experiment may train its headline students
    longer than its ablations (``student.variants.<v>.train_steps``)."""
    variants = sorted({a.split("/")[1] for a in audio_sets if isinstance(a, str) and a.startswith("student/")})
    by_steps: dict[int, list[str]] = {}
    for v in variants:
        by_steps.setdefault(student_train_steps(plan, v), []).append(v)
    if not by_steps:
        return []
    return ["student training steps: " + "; ".join(f"{n} ({', '.join(vs)})" for n, vs in sorted(by_steps.items()))]


def display(frame: pd.DataFrame, metrics: list[str]) -> pd.DataFrame:
    """The reading version: per metric "ours [CI]", the paper's value and the difference."""
    out = pd.DataFrame({"row": frame["row"]})
    for m in metrics:
        out[f"{m} (ours)"] = [_fmt(v) + (f" {ci}" if isinstance(ci, str) and ci else "")
                              for v, ci in zip(frame[m], frame.get(f"{m}_ci", [""] * len(frame)))]
        if f"{m}_paper" in frame:
            out[f"{m} (paper)"] = [_fmt(v) for v in frame[f"{m}_paper"]]
            out[f"Δ {m}"] = [_fmt(v) for v in frame[f"{m}_diff"]]
    return out


def _fmt(v) -> str:
    return "–" if v is None or (isinstance(v, float) and not np.isfinite(v)) else f"{v:.3g}"


def better(metric: str, a: float, b: float) -> bool:
    """Whether value a is better than value b for this metric."""
    return a < b if metric in LOWER_IS_BETTER else a > b
