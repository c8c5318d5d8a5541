"""The three DAG stages of the listening test, as functions the workflow scripts call.

- ``bundle_stage``: the DAG's test set, manifest and system audio folders -> the bundle.
- ``ratings_stage``: returned rating files + the key -> validation report, raters, ratings, MOS.
- ``table_stage``: MOS (or nothing, when no ratings came back) -> the Table 9-style table and figure.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..data.manifest import read_manifest, resolve
from ..data.testset import read_testset
from ..errors import InputError
from ..utils.atomic import write_csv, write_json
from .bundle import build_bundle, folder_clips, read_key
from .config import SubjectiveConfig, paper_names, system_names
from .ingest import ingest, rating_files
from .report import mos_figure, no_ratings_figure, write_mos_table, write_no_ratings_table
from .select import caption_kinds
from .stats import mos_table


def bundle_stage(out_dir: str | Path, manifest: str | Path, audio_root: str | Path, testset: str | Path,
                 system_folders: list[str | Path], cfg: SubjectiveConfig, sample_rate: int) -> dict:
    """Build the bundle from the test set (captions), the manifest (reference audio) and one folder per system.

    ``system_folders`` follow ``cfg.systems`` in order, each holding ``<clip_id>.wav``.
    """
    if len(system_folders) != len(cfg.systems):
        raise InputError(f"listening test: {len(system_folders)} audio folders for {len(cfg.systems)} systems")
    rows = read_manifest(manifest)
    by_id = {r["id"]: r for r in rows}
    clips = read_testset(testset)
    captions = {c["id"]: c["caption"] for c in clips}
    missing = [c for c in captions if c not in by_id]
    if missing:
        raise InputError(f"{testset}: {len(missing)} test clips are not in {manifest}, e.g. {missing[:3]}")
    sources = {cfg.reference_name: {c: resolve(audio_root, by_id[c]) for c in captions}}
    for spec, folder in zip(cfg.systems, system_folders):
        sources[spec.name] = folder_clips(folder)
    return build_bundle(out_dir, sources, captions, cfg, caption_kinds(rows, cfg.stratify_by), sample_rate=sample_rate)


def ratings_stage(key_path: str | Path, ratings: str | Path | list, out: dict[str, str | Path],
                  cfg: SubjectiveConfig) -> dict:
    """Validate and un-blind the rating files (a folder or a list of files).

    Writes ``out['validation']`` (every problem), ``out['raters']`` (included or excluded, and why),
    ``out['ratings']`` (un-blinded), ``out['mos']`` and ``out['summary']``; returns the summary.
    """
    key = read_key(key_path)
    files = rating_files(ratings)
    got = ingest(files, key, max_check_failures=cfg.attention_max_failures, require_complete=cfg.require_complete)
    mos = mos_table(got.ratings, key["systems"])
    write_csv(out["validation"], got.problems)
    write_csv(out["raters"], got.raters)
    write_csv(out["ratings"], got.ratings)
    write_csv(out["mos"], mos)
    excluded = got.excluded
    summary = {"bundle_id": key["bundle_id"], "files": len(files), "file_names": [p.name for p in files],
               "raters_included": len(got.included),
               "raters_excluded": len(excluded),
               "excluded": [{"file": r.file, "rater_id": r.rater_id, "reasons": r.reasons}
                            for r in excluded.itertuples(index=False)],
               "problems": got.problems.problem.value_counts().sort_index().to_dict(),
               "ratings": len(got.ratings), "systems": key["systems"]}
    write_json(out["summary"], summary)
    return summary


def _rater_note(summary: dict) -> str:
    note = (f"raters: {summary['files']} rating files, {summary['raters_included']} included, "
            f"{summary['raters_excluded']} excluded")
    if summary["excluded"]:
        note += " (" + "; ".join(f"{e['rater_id'] or e['file']}: {e['reasons']}" for e in summary["excluded"]) + ")"
    return note


def table_stage(stem: str | Path, cfg: SubjectiveConfig, ratings_dir: str,
                mos: str | Path | None = None, ratings: str | Path | None = None,
                summary: dict | None = None) -> list[Path]:
    """The MOS table (.md/.tex/.csv) and figure (.png/.pdf) at ``stem``; the 'no ratings' versions without MOS."""
    title = f"Subjective evaluation: {cfg.title}"
    if mos is None:
        paths = write_no_ratings_table(stem, title, system_names(cfg), paper_names(cfg), ratings_dir)
        return paths + no_ratings_figure(stem, title)
    frame = pd.read_csv(mos)
    notes = [f"REL: match to the caption; OVL: overall quality; 1-5 scale; bundle {summary['bundle_id']}"
             if summary else "REL: match to the caption; OVL: overall quality; 1-5 scale",
             "design: every selected clip rated in every system; blinded, loudness-normalised, order randomised per rater"]
    if summary:
        notes.append(_rater_note(summary))
    paths = write_mos_table(frame, stem, title, paper_names(cfg), notes)
    rated = pd.read_csv(ratings)
    if rated.empty:
        return paths + no_ratings_figure(stem, title, "no valid ratings (every rater excluded)")
    return paths + mos_figure(rated, frame.system.tolist(), stem, cfg.title)
