"""Build the listening-test bundle: blinded, loudness-normalised audio plus the rating page.

Layout (``out_dir``)::

    raters/              what raters receive (open raters/index.html; works from a plain folder)
        index.html app.js style.css     the page (package data, copied verbatim)
        trials.js        the trial list as a script (browsers refuse fetch() over file://)
        trials.json      the same trial list as JSON
        instructions.html INSTRUCTIONS.md
        audio/<blinded id>.wav
    key.json             answer key: blinded id -> system, clip id; attention-check answers; loudness
    loudness.csv         per clip: measured loudness, gain, peak reduction (reveals systems)

Blinding: every (system, clip) trial gets a random id; all versions of a clip are trimmed to the
shortest one (optional, on by default) and loudness-normalised the same way (``loudness``), so
neither the level nor the length tells systems apart.

The bundle is a pure function of its inputs and configuration: the same inputs and seed give the
same files byte for byte. Its ``bundle_id`` is a hash of what raters receive, so ratings made on
another version of a bundle are recognised and refused at ingestion. The folder is assembled next
to ``out_dir`` and moved into place when complete.
"""
from __future__ import annotations

import json
import shutil
from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd

from ..audio.io import read_mono, write_wav
from ..errors import InputError
from ..utils.atomic import write_bytes, write_csv, write_json, write_text
from ..utils.hashing import sha256_file, sha256_json
from . import loudness
from .config import SCALE_MAX, SCALE_MIN, SCALES, SubjectiveConfig, system_names
from .instructions import instructions_html, instructions_markdown
from .select import attention_checks, blinded_ids, common_clips, stratified_sample, strata_counts

FORMAT = "audiodear-listening-test"
KEY_FORMAT = "audiodear-listening-test-key"
VERSION = 1
PAGE_FILES = ("index.html", "app.js", "style.css")
DESIGN = "within-clip: every selected clip id is rated in every system, the reference included"


def folder_clips(folder: str | Path) -> dict[str, Path]:
    """``<clip_id>.wav`` files of a system's audio folder, by clip id."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"{folder}: system audio folder not found")
    return {p.stem: p for p in sorted(folder.glob("*.wav"))}


def page_asset(name: str) -> bytes:
    return (files("audiodear.subjective") / "page" / name).read_bytes()


def build_bundle(out_dir: str | Path, sources: dict[str, dict[str, Path]], captions: dict[str, str],
                 cfg: SubjectiveConfig, kinds: dict[str, str] | None = None, *, sample_rate: int) -> dict:
    """Write the bundle to ``out_dir``; return a summary (bundle id, counts). ``sample_rate``: the
    plan's (``data.sample_rate``), which every system's audio must have."""
    out_dir = Path(out_dir)
    names = system_names(cfg)
    if set(sources) != set(names):
        raise InputError(f"listening test: audio given for systems {sorted(sources)}, "
                         f"but the configuration rates {names}")
    available, lacking = common_clips(sources, captions)
    selected = stratified_sample(available, kinds or {}, cfg.clips_per_system, cfg.seed)
    pairs = [(system, clip) for system in names for clip in selected]
    checks = attention_checks(cfg.attention_checks, selected, cfg.seed)
    ids = blinded_ids(len(pairs) + len(checks), cfg.seed)

    staging = out_dir.parent / f".{out_dir.name}.partial"
    if staging.exists():
        shutil.rmtree(staging)
    audio_dir = staging / "raters" / "audio"
    audio_dir.mkdir(parents=True)

    audio = {pair: read_mono(sources[pair[0]][pair[1]], sample_rate) for pair in pairs}
    trimmed = equalise_durations(audio, sample_rate) if cfg.equalise_duration else {}
    trials, key_trials, loud_rows, durations = [], {}, [], []
    normalised: dict[tuple[str, str], Path] = {}
    for bid, (system, clip) in zip(ids, pairs):
        samples = audio[(system, clip)]
        y, result = loudness.normalise(samples, sample_rate, cfg.loudness_lufs, cfg.peak_dbtp)
        dest = audio_dir / f"{bid}.wav"
        write_wav(dest, y, sample_rate)
        normalised[(system, clip)] = dest
        durations.append(len(samples) / sample_rate)
        trials.append({"id": bid, "audio": f"audio/{bid}.wav", "caption": captions[clip], "attention_check": False})
        key_trials[bid] = {"system": system, "clip_id": clip, "attention_check": False}
        loud_rows.append({"blinded_id": bid, "system": system, "clip_id": clip,
                          "trimmed_s": round(trimmed.get((system, clip), 0) / sample_rate, 4), **result.as_dict()})

    key_checks = {}
    for bid, check in zip(ids[len(pairs):], checks):
        # An attention check plays a (normalised) reference clip under its own blinded id.
        src = normalised[(cfg.reference_name, check["source_clip"])]
        write_bytes(audio_dir / f"{bid}.wav", src.read_bytes())
        trials.append({"id": bid, "audio": f"audio/{bid}.wav", "caption": check["caption"], "attention_check": True})
        key_checks[bid] = {"expected": check["expected"], "source_clip": check["source_clip"],
                           "caption": check["caption"]}
        key_trials[bid] = {"system": None, "clip_id": check["source_clip"], "attention_check": True}
    trials.sort(key=lambda t: t["id"])

    audio_hashes = {t["id"]: sha256_file(audio_dir / f"{t['id']}.wav") for t in trials}
    bundle_id = "b" + sha256_json({"format": FORMAT, "version": VERSION, "title": cfg.title, "scales": SCALES,
                                   "trials": trials, "audio": audio_hashes})[:12]
    doc = {"format": FORMAT, "version": VERSION, "bundle_id": bundle_id, "title": cfg.title,
           "scales": SCALES, "scale_min": SCALE_MIN, "scale_max": SCALE_MAX, "trials": trials}
    _write_rater_files(staging / "raters", doc, len(checks), float(np.mean(durations)))

    key = {"format": KEY_FORMAT, "version": VERSION, "bundle_id": bundle_id, "reference": cfg.reference_name,
           "systems": names, "design": DESIGN,
           "selection": {"requested": cfg.clips_per_system, "available": len(available), "clips": selected,
                         "strata": strata_counts(selected, kinds or {}), "stratify_by": cfg.stratify_by,
                         "clips_lacking_per_system": lacking, "seed": cfg.seed},
           "trials": key_trials, "attention_checks": key_checks,
           "attention_pass_rule": "both ratings equal the requested values",
           "attention_max_failures": cfg.attention_max_failures,
           "loudness": {"method": loudness.METHOD, "target_lufs": cfg.loudness_lufs,
                        "peak_ceiling_dbtp": cfg.peak_dbtp},
           "audio_sha256": audio_hashes}
    write_json(staging / "key.json", key)
    write_csv(staging / "loudness.csv", pd.DataFrame(loud_rows))
    _move_into_place(staging, out_dir)
    return {"bundle_id": bundle_id, "clips": len(selected), "systems": len(names), "trials": len(trials),
            "attention_checks": len(checks), "available": len(available),
            "peak_limited": sum(r["peak_reduction_db"] > 0 for r in loud_rows),
            "silent": sum(r["method"].startswith("silent") for r in loud_rows)}


def equalise_durations(audio: dict[tuple[str, str], np.ndarray], sample_rate: int) -> dict[tuple[str, str], int]:
    """Trim every version of a clip to the shortest one (in place); return the samples cut per pair.

    Different lengths per system (e.g. 10 s references, 10.24 s generations) would let raters tell
    systems apart from the player's time display. A trimmed clip gets a 10 ms fade-out so that
    the cut does not click.
    """
    shortest: dict[str, int] = {}
    for (_, clip), x in audio.items():
        shortest[clip] = min(shortest.get(clip, x.size), x.size)
    fade = max(1, int(0.01 * sample_rate))
    cut = {}
    for pair, x in audio.items():
        n = shortest[pair[1]]
        if x.size > n:
            y = x[:n].astype(np.float64)
            k = min(fade, n)
            y[n - k:] *= 0.5 * (1.0 + np.cos(np.linspace(0.0, np.pi, k)))
            audio[pair] = y
            cut[pair] = x.size - n
    return cut


def _write_rater_files(folder: Path, doc: dict, n_checks: int, clip_seconds: float) -> None:
    write_json(folder / "trials.json", doc)
    # ASCII-only JSON is also valid JavaScript (no raw U+2028/U+2029 line separators).
    blob = json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=True)
    write_text(folder / "trials.js", f"// The trial list of this listening test (generated).\n"
                                     f"window.AUDIODEAR_TRIALS = {blob};\n")
    for name in PAGE_FILES:
        write_bytes(folder / name, page_asset(name))
    n = len(doc["trials"])
    write_text(folder / "INSTRUCTIONS.md", instructions_markdown(doc["title"], n, n_checks, clip_seconds))
    write_text(folder / "instructions.html", instructions_html(doc["title"], n, n_checks, clip_seconds))


def _move_into_place(staging: Path, out_dir: Path) -> None:
    old = out_dir.parent / f".{out_dir.name}.old"
    if old.exists():
        shutil.rmtree(old)
    if out_dir.exists():
        out_dir.rename(old)
    staging.rename(out_dir)
    if old.exists():
        shutil.rmtree(old)


def read_key(path: str | Path) -> dict:
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: listening-test key not found")
    try:
        key = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InputError(f"{path}: unreadable key ({err})") from None
    if key.get("format") != KEY_FORMAT or "trials" not in key or "bundle_id" not in key:
        raise InputError(f"{path}: field 'format' is {key.get('format')!r}, expected {KEY_FORMAT!r}")
    return key
