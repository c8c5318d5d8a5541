"""The full metric row of one generated set against the reference set, from feature files.

Inputs are feature files (or loaded ``FeatureSet``s) by role:

- ``classifier``: Cnn14 (or the embedded classifier) with ``embedding`` and ``logits`` → FD, KAD, KL
  (softmax, and audioldm_eval's sigmoid variant), IS, and event recognition when labels are given;
- ``frames``: VGGish (or the embedded frame embedder) ``frame_embedding`` → FAD, KAD_frames;
- ``clap``: CLAP audio ``embedding``; with ``captions`` (CLAP text embeddings of the test captions)
  → CLAP score of the generated set and of the reference audio (the ground-truth CLAP).

Every number comes with its percentile-bootstrap interval, the set sizes, and the backbone,
checkpoint, resampler and loading convention of the features it was computed from. Generated and
reference features must come from the same backbone and checkpoint.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import InputError
from ..layout import ROLES
from ..utils.atomic import write_csv, write_json
from .bootstrap import bootstrap_mean, bootstrap_sets, frames_of
from .clap_score import clap_score
from .features import FeatureSet, as_feature_set
from .frechet import frechet_distance_fast, frechet_distance_features
from .inception_score import inception_score
from .kad import clip_kernels, counts
from .kl import kl_divergence
from .recognition import event_recognition_accuracy, kinds_by_id

COLUMNS = ["metric", "value", "ci_low", "ci_high", "ci_level", "n", "n_reference", "backbone", "checkpoint",
           "resampler", "loading", "value_check", "note"]


@dataclass(frozen=True)
class BootstrapSpec:
    n_boot: int = 1000
    seed: int = 0
    level: float = 0.95


@dataclass
class MetricReport:
    table: pd.DataFrame  # one row per metric, COLUMNS
    per_clip: pd.DataFrame  # id + per-clip scores (KL, CLAP, recognition)
    summary: dict = field(default_factory=dict)  # JSON-able: {"metrics": {name: row}, "inputs": ...}


def _provenance(gen: FeatureSet, ref: FeatureSet | None, role: str) -> dict:
    if ref is not None:
        for key in ("backbone", "checkpoint", "checkpoint_sha256"):
            if key == "checkpoint_sha256" and not (gen.meta.get(key) and ref.meta.get(key)):
                continue  # recorded only when the checkpoint file was at hand
            if gen.meta.get(key) != ref.meta.get(key):
                raise InputError(f"{role}: generated features use {key} {gen.meta.get(key)!r} "
                                 f"({gen.meta.get('path')}), reference {ref.meta.get(key)!r} ({ref.meta.get('path')})")

    def both(key):
        g = str(gen.meta.get(key, ""))
        r = str(ref.meta.get(key, "")) if ref is not None else g
        return g if g == r else f"generated: {g}; reference: {r}"

    return {"backbone": gen.meta["backbone"], "checkpoint": gen.meta["checkpoint"], "resampler": both("resampler"),
            "loading": both("loading")}


def _row(metric, value, ci, n, n_ref, prov, value_check=None, note="") -> dict:
    return {"metric": metric, "value": float(value), "ci_low": ci.low if ci else np.nan,
            "ci_high": ci.high if ci else np.nan, "ci_level": ci.level if ci else np.nan, "n": int(n),
            "n_reference": int(n_ref) if n_ref is not None else np.nan, **prov,
            "value_check": np.nan if value_check is None else float(value_check), "note": note}


def _restrict(fs: FeatureSet, ids: Sequence[str] | None) -> FeatureSet:
    return fs if ids is None else fs.subset(list(ids))


def _aligned(gen: FeatureSet, ref: FeatureSet) -> tuple[FeatureSet, bool]:
    """The reference rows in the generated set's order when both hold the same ids (paired draws)."""
    if sorted(gen.ids) == sorted(ref.ids):
        return ref.subset(gen.ids), True
    return ref, False


def _fd_rows(gen, ref, prov, bs) -> list[dict]:
    xg, xr = gen.get("embedding"), ref.get("embedding")
    fd = frechet_distance_features(xg, xr)
    ref_b, paired = _aligned(gen, ref)
    xr_b = ref_b.get("embedding")
    ci = bootstrap_sets(lambda i, j: frechet_distance_fast(xg[i], xr_b[j]), [len(xg), len(xr_b)], paired=paired,
                        **bs.__dict__)
    note = f"dims {xg.shape[1]}; value_check = eigenvalue route" + ("" if fd.agree else " (DISAGREES)")
    return [_row("FD", fd.value, ci, len(gen), len(ref), prov, fd.value_eig, note),
            _kad_row("KAD", xg, xr_b, None, paired, prov, bs, "FD's clip embeddings")]


def _fad_rows(gen, ref, prov, bs) -> list[dict]:
    fg, fr = gen.get("frame_embedding"), ref.get("frame_embedding")
    fad = frechet_distance_features(fg, fr)
    ref_b, paired = _aligned(gen, ref)
    fr_b = ref_b.get("frame_embedding")
    rows_g = frames_of(gen.get("frame_clip_index"), len(gen))
    rows_r = frames_of(ref_b.get("frame_clip_index"), len(ref_b))
    ci = bootstrap_sets(lambda i, j: frechet_distance_fast(fg[rows_g(i)], fr_b[rows_r(j)]), [len(gen), len(ref_b)],
                        paired=paired, **bs.__dict__)
    note = (f"{len(fg)} vs {len(fr)} frames pooled; value_check = eigenvalue route"
            + ("" if fad.agree else " (DISAGREES)"))
    frames = (gen.get("frame_clip_index"), ref_b.get("frame_clip_index"), len(gen), len(ref_b))
    kad = _kad_row("KAD_frames", fg, fr_b, frames, paired, prov, bs,
                   "FAD's frame embeddings, all frames pooled; a clip is drawn with all its frames")
    return [_row("FAD", fad.value, ci, len(gen), len(ref), prov, fad.value_eig, note), kad]


def _kad_row(metric, xg, xr, frames, paired, prov, bs, features) -> dict:
    """Kernel audio distance on the features of FD or FAD (supplementary: the papers report none).
    ``frames``: (clip index of each generated row, of each reference row, clips, clips) for frame
    embeddings; None when every row is a clip."""
    cx, cy, n, m = frames if frames is not None else (None, None, len(xg), len(xr))
    kernels = clip_kernels(xg, xr, cx, cy, (n, m))
    ci = bootstrap_sets(lambda i, j: kernels.kad(counts(i, n), counts(j, m)), [n, m], paired=paired, **bs.__dict__)
    return _row(metric, kernels.kad(), ci, n, m, prov, note=f"supplementary: 100 x unbiased MMD^2, RBF kernel, "
                f"sigma = median reference distance {kernels.sigma:.4g}; on {features}")


def listing_order(fs: FeatureSet) -> np.ndarray:
    """Rows in audioldm_eval's order: file names sorted (IS's shuffle and splits depend on it)."""
    names = fs.meta.get("files") or [f"{i}.wav" for i in fs.ids]
    if len(names) != len(fs.ids):  # a subset keeps the ids only
        names = [f"{i}.wav" for i in fs.ids]
    return np.array(sorted(range(len(names)), key=lambda k: names[k]), dtype=np.int64)


def _kl_is_rows(gen, ref, prov, bs, per_clip: dict) -> list[dict]:
    kl = kl_divergence(ref.get("logits"), ref.ids, gen.get("logits"), gen.ids)
    per_clip["kl_softmax"] = dict(zip(kl.ids, kl.per_clip_softmax))
    per_clip["kl_sigmoid"] = dict(zip(kl.ids, kl.per_clip_sigmoid))
    logits = gen.get("logits")[listing_order(gen)]
    isr = inception_score(logits)
    is_ci = bootstrap_sets(lambda i: inception_score(logits[i]).mean, [len(logits)], **bs.__dict__)
    return [
        _row("KL", kl.kl_softmax, bootstrap_mean(kl.per_clip_softmax, **bs.__dict__), kl.n, kl.n, prov,
             note="softmax KL(reference||generated), summed over classes, mean over clips paired by id"),
        _row("KL_sigmoid", kl.kl_sigmoid, bootstrap_mean(kl.per_clip_sigmoid, **bs.__dict__), kl.n, kl.n, prov,
             note="audioldm_eval's sigmoid variant: positive-class terms only, not a Bernoulli KL"),
        _row("IS", isr.mean, is_ci, isr.n, None, prov, note=f"softmax, 10 splits, shuffle seed 2020; std over "
             f"splits {isr.std:.4f}"),
        _row("IS_std", isr.std, None, isr.n, None, prov, note="std of IS over the 10 splits"),
    ]


def _clap_rows(gen_audio, ref_audio, text, prov, bs, per_clip: dict) -> list[dict]:
    rows = []
    for metric, audio, key in (("CLAP", gen_audio, "clap"), ("CLAP_ground_truth", ref_audio, "clap_ground_truth")):
        if audio is None:
            continue
        res = clap_score(text.get("embedding"), text.ids, audio.get("embedding"), audio.ids)
        per_clip[key] = dict(zip(res.ids, res.per_clip))
        rows.append(_row(metric, res.mean, bootstrap_mean(res.per_clip, **bs.__dict__), res.n, None, prov,
                         note=f"mean cosine(text, audio) paired by id; captions: {text.meta.get('source', '')}"))
    return rows


def score_generated_set(generated: Mapping[str, FeatureSet | str | Path],
                        reference: Mapping[str, FeatureSet | str | Path], *,
                        captions: FeatureSet | str | Path | None = None, ids: Sequence[str] | None = None,
                        kinds: Mapping[str, Sequence[str]] | None = None, bootstrap: BootstrapSpec = BootstrapSpec(),
                        label: str = "") -> MetricReport:
    """Every metric the given roles allow (see module doc); ``ids`` restricts both sets to the test set."""
    unknown = (set(generated) | set(reference)) - set(ROLES)
    if unknown:
        raise InputError(f"unknown feature role(s) {sorted(unknown)}; use classifier, frames, clap")
    gen = {k: _restrict(as_feature_set(v), ids) for k, v in generated.items()}
    ref = {k: _restrict(as_feature_set(v), ids) for k, v in reference.items()}
    rows, per_clip = [], {}
    if "classifier" in gen and "classifier" in ref:
        prov = _provenance(gen["classifier"], ref["classifier"], "classifier")
        rows += _fd_rows(gen["classifier"], ref["classifier"], prov, bootstrap)
        rows += _kl_is_rows(gen["classifier"], ref["classifier"], prov, bootstrap, per_clip)
    if "classifier" in gen and kinds is not None:
        g = gen["classifier"]
        classes = g.meta.get("classes")
        if not classes:
            raise InputError(f"{g.meta.get('path')}: recognition needs the classifier's class names (field 'classes')")
        rec = event_recognition_accuracy(g.get("logits"), g.ids, kinds, classes)
        per_clip["recognised"] = dict(zip(rec.ids, rec.per_clip))
        rows.append(_row("recognition", rec.accuracy, bootstrap_mean(rec.per_clip, **bootstrap.__dict__), rec.n, None,
                         _provenance(g, None, "classifier"),
                         note=f"chance {rec.chance:.4f}; single-event {rec.accuracy_single:.3f} (n={rec.n_single}), "
                              f"two-event {rec.accuracy_double:.3f} (n={rec.n_double})"))
    if "frames" in gen and "frames" in ref:
        rows += _fad_rows(gen["frames"], ref["frames"], _provenance(gen["frames"], ref["frames"], "frames"), bootstrap)
    if captions is not None and ("clap" in gen or "clap" in ref):
        text = _restrict(as_feature_set(captions), ids)
        audio = gen.get("clap") or ref.get("clap")
        if "clap" in gen and "clap" in ref:
            _provenance(gen["clap"], ref["clap"], "clap")
        prov = _provenance(audio, text, "clap")
        rows += _clap_rows(gen.get("clap"), ref.get("clap"), text, prov, bootstrap, per_clip)
    if not rows:
        raise InputError("no metric can be computed from the given feature roles")
    table = pd.DataFrame(rows, columns=COLUMNS)
    clip_frame = pd.DataFrame(per_clip).rename_axis("id").reset_index() if per_clip else pd.DataFrame({"id": []})
    summary = {"label": label, "bootstrap": bootstrap.__dict__,
               "metrics": {r["metric"]: {k: _jsonable(v) for k, v in r.items() if k != "metric"} for r in rows},
               "inputs": {f"{side}.{role}": fs.meta.get("path") or fs.describe()
                          for side, sets in (("generated", gen), ("reference", ref)) for role, fs in sets.items()}}
    return MetricReport(table, clip_frame, summary)


def score_from_plan(plan, generated: Mapping[str, FeatureSet | str | Path],
                    reference: Mapping[str, FeatureSet | str | Path], captions, ids: Sequence[str],
                    rows: Sequence[Mapping], label: str) -> MetricReport:
    """``score_generated_set`` with the plan's ``eval.bootstrap``; event recognition is scored when
    every manifest row (``rows``) carries its event labels (the synthetic corpus's do)."""
    kinds = kinds_by_id(rows) if all(r.get("labels") for r in rows) else None
    b = plan.eval.bootstrap
    return score_generated_set(generated, reference, captions=captions, ids=ids, kinds=kinds,
                               bootstrap=BootstrapSpec(b.n_boot, b.seed, b.level), label=label)


def real_halves(ids: Sequence[str], seed: int) -> tuple[list[str], list[str]]:
    """Two disjoint halves of the test ids, drawn by a seeded permutation, each in listing order."""
    order = np.random.default_rng(seed).permutation(len(ids))
    half = len(ids) // 2
    if half < 2:
        raise InputError(f"real-vs-real halves need at least 4 test clips, got {len(ids)}")
    return [ids[k] for k in sorted(order[:half])], [ids[k] for k in sorted(order[half:2 * half])]


def score_real_halves(reference: Mapping[str, FeatureSet | str | Path], ids: Sequence[str], *,
                      bootstrap: BootstrapSpec = BootstrapSpec(), seed: int = 0) -> MetricReport:
    """Real audio against real audio: FD, KAD, FAD and KAD_frames between two disjoint halves of the
    test set — the floor a distribution metric can reach with nothing generated. Each half holds
    half the clips of a generated set, and Fréchet distances grow as sets shrink, so the floor is
    an upper bound of what the full set would give. Paired metrics (KL) and the text-audio CLAP
    score have no real-vs-real form: the reference row gives KL 0 and the ground-truth CLAP."""
    ref = {k: as_feature_set(v) for k, v in reference.items()}
    first, second = real_halves(list(ids), seed)
    rows = []
    note = f"real vs real: disjoint halves of {len(first)} and {len(second)} test clips (seed {seed})"
    if "classifier" in ref:
        a, b = ref["classifier"].subset(first), ref["classifier"].subset(second)
        rows += _fd_rows(a, b, _provenance(a, b, "classifier"), bootstrap)
    if "frames" in ref:
        a, b = ref["frames"].subset(first), ref["frames"].subset(second)
        rows += _fad_rows(a, b, _provenance(a, b, "frames"), bootstrap)
    if not rows:
        raise InputError("real-vs-real halves need classifier or frames features")
    for row in rows:
        row["note"] = f"{note}; {row['note']}"
    table = pd.DataFrame(rows, columns=COLUMNS)
    summary = {"label": "reference_halves", "bootstrap": bootstrap.__dict__, "halves": [first, second],
               "metrics": {r["metric"]: {k: _jsonable(v) for k, v in r.items() if k != "metric"} for r in rows},
               "inputs": {f"reference.{role}": fs.meta.get("path") or fs.describe() for role, fs in ref.items()}}
    return MetricReport(table, pd.DataFrame({"id": []}), summary)


def _jsonable(v):
    if isinstance(v, (float, np.floating)):
        return None if np.isnan(v) else float(v)
    return v.item() if hasattr(v, "item") else v


def write_metrics(report: MetricReport, table_csv: str | Path, summary_json: str | Path,
                  per_clip_csv: str | Path | None = None) -> None:
    """Write the metric table (CSV), the summary (JSON) and the per-clip scores (CSV), atomically."""
    write_csv(table_csv, report.table)
    write_json(summary_json, report.summary)
    if per_clip_csv is not None:
        write_csv(per_clip_csv, report.per_clip)

