"""Feature extraction: audio files (or captions) through a backbone into one feature file.

Audio-loading conventions (``loading``), recorded in the feature file:

- ``audioldm_eval`` (audioldm_eval's ``WaveDataset``, used for Cnn14 and, in its git HEAD, VGGish):
  first channel only, DC offset removed (x − mean), resampled to the model rate with the recorded
  resampler (torchaudio's sinc/Hann resample with its defaults, which is what audioldm_eval calls),
  zero-padded to at least 2 s;
- ``audioldm_eval_0.0.3_fad`` (the published 0.0.3's FAD loader): read as int16 / 32768, channels
  averaged, no DC removal, no padding, resampy (kaiser_best) when the rate differs;
- ``plain`` (CLAP): channels averaged and resampled with the recorded resampler, nothing else.

Unlike audioldm_eval, a missing, empty or unreadable file stops the run with an error naming the
file (audioldm_eval substitutes the next file or silence). Clips are batched only with clips of
the same length, so zero-padding inside a batch never changes a result.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np
import soundfile as sf
from tqdm import tqdm

from ..audio.io import read_audio, resampler_tag, to_mono_resampled
from ..errors import AudioError, InputError
from ..utils.hashing import sha256_file, sha256_json
from .backbones.base import Backbone
from .features import FeatureSet, save_features
from .from_plan import backbone_from_plan

log = logging.getLogger(__name__)
LOADINGS = ("audioldm_eval", "audioldm_eval_0.0.3_fad", "plain")
MIN_SECONDS = 2.0  # audioldm_eval's pad_short_audio(min_samples=32000) at 16 kHz
AUDIO_SUFFIXES = (".wav", ".flac")


def load_wave(path: str | Path, sample_rate: int, loading: str = "audioldm_eval") -> tuple[np.ndarray, int]:
    """One clip as float32 mono at ``sample_rate`` under a loading convention; (samples, source rate)."""
    if loading == "audioldm_eval_0.0.3_fad":
        return _load_fad_003(Path(path), sample_rate)
    data, sr = read_audio(path)  # names the file when missing, empty, unreadable or non-finite
    if loading == "audioldm_eval":
        first = data[0] - data[0].mean(dtype=np.float32)  # float32, as audioldm_eval's torch mean
        wave = to_mono_resampled(first[None], sr, sample_rate)
        short = int(MIN_SECONDS * sample_rate) - len(wave)
        if short > 0:
            wave = np.pad(wave, (0, short))
        return wave.astype(np.float32), sr
    if loading == "plain":
        return to_mono_resampled(data, sr, sample_rate), sr
    raise InputError(f"unknown audio loading convention {loading!r}; choose one of {LOADINGS}")


def _load_fad_003(path: Path, sample_rate: int) -> tuple[np.ndarray, int]:
    if not path.is_file():
        raise AudioError(f"{path}: audio file not found")
    try:
        data, sr = sf.read(str(path), dtype="int16")
    except Exception as err:  # libsndfile reports corrupt files with several types
        raise AudioError(f"{path}: unreadable or corrupt audio ({err})") from None
    if data.shape[0] == 0:
        raise AudioError(f"{path}: zero-length audio")
    wave = data / 32768.0
    if wave.ndim > 1:
        wave = np.mean(wave, axis=1)
    if sr != sample_rate:
        import resampy

        wave = resampy.resample(wave, sr, sample_rate)
    return wave, sr


def list_audio(audio: str | Path | Sequence | Mapping, ids: Sequence[str] | None = None) -> tuple[list[str], list[Path]]:
    """(ids, paths) from a folder (``<id>.wav``), a list of paths, or a {id: path} mapping.

    With a folder and ``ids``, each id must have ``<folder>/<id>.wav`` (or .flac); a missing one
    is an error naming the file. Without ``ids`` the folder's audio files are taken in sorted order.
    """
    if isinstance(audio, Mapping):
        keys = list(ids) if ids is not None else list(audio)
        missing = [k for k in keys if k not in audio]
        if missing:
            raise InputError(f"no audio path for {len(missing)} id(s), e.g. {missing[:5]}")
        return [str(k) for k in keys], [Path(audio[k]) for k in keys]
    if isinstance(audio, (str, Path)):
        folder = Path(audio)
        if not folder.is_dir():
            raise AudioError(f"{folder}: audio folder not found")
        if ids is None:
            paths = sorted(p for p in folder.iterdir() if p.suffix.lower() in AUDIO_SUFFIXES)
            if not paths:
                raise AudioError(f"{folder}: no audio files ({', '.join(AUDIO_SUFFIXES)})")
            return [p.stem for p in paths], paths
        paths = []
        for cid in ids:
            found = [folder / f"{cid}{s}" for s in AUDIO_SUFFIXES if (folder / f"{cid}{s}").is_file()]
            paths.append(found[0] if found else folder / f"{cid}.wav")  # a missing file fails when read
        return [str(i) for i in ids], paths
    paths = [Path(p) for p in audio]
    keys = [str(i) for i in ids] if ids is not None else [p.stem for p in paths]
    if len(keys) != len(paths):
        raise InputError(f"{len(keys)} ids for {len(paths)} audio paths")
    return keys, paths


def _equal_length_batches(waves: list[np.ndarray], batch_size: int) -> list[list[int]]:
    batches, current = [], []
    for i, w in enumerate(waves):
        if current and (len(current) == batch_size or len(waves[current[0]]) != len(w)):
            batches.append(current)
            current = []
        current.append(i)
    return batches + ([current] if current else [])


def checkpoint_digest(backbone) -> str:
    """sha256 of the backbone's checkpoint file (or of a model folder's files), '' when unknown."""
    recorded = getattr(backbone, "checkpoint_path", None)
    if not recorded:  # Path("") would be the working directory
        return ""
    path = Path(recorded)
    if path.is_file():
        return sha256_file(path)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file())
        return sha256_json({p.name: sha256_file(p) for p in files})
    return ""


def extract_features(backbone: Backbone, audio, ids: Sequence[str] | None = None,
                     out_path: str | Path | None = None, *, batch_size: int = 16, loading: str | None = None,
                     audio_set: str | None = None, progress: bool = True) -> FeatureSet:
    """Run every clip through ``backbone``; write the feature file to ``out_path`` when given."""
    loading = loading or backbone.loading
    keys, paths = list_audio(audio, ids)
    if not paths:
        raise InputError(f"no clips to extract features from ({audio_set or 'empty id list'})")
    rate = backbone.sample_rate
    outputs: dict[str, list] = {}
    source_rates: set[int] = set()
    chunk = max(batch_size, 64)  # read a chunk of files, embed it in equal-length batches
    bar = tqdm(total=len(paths), desc=f"features {backbone.name}", unit="clip", mininterval=2.0, disable=not progress)
    for start in range(0, len(paths), chunk):
        waves = []
        for p in paths[start:start + chunk]:
            wave, sr = load_wave(p, rate, loading)
            waves.append(wave)
            source_rates.add(sr)
        for batch in _equal_length_batches(waves, batch_size):
            out = backbone.embed([waves[i] for i in batch], rate)
            if "frame_clip_index" in out:
                out["frame_clip_index"] = out["frame_clip_index"] + start + batch[0]
            for k, v in out.items():
                outputs.setdefault(k, []).append(v)
            bar.update(len(batch))
    bar.close()
    tensors = {k: np.concatenate(v) for k, v in outputs.items()}
    resampled = sorted(r for r in source_rates if r != rate)
    meta = {
        "kind": "audio", "backbone": backbone.name, "checkpoint": backbone.checkpoint,
        "checkpoint_sha256": checkpoint_digest(backbone), "sample_rate": rate,
        "loading": loading, "source_sample_rates": sorted(source_rates), "resampled": bool(resampled),
        "resampler": ("resampy.resample(kaiser_best)" if loading == "audioldm_eval_0.0.3_fad" else resampler_tag())
        + ("" if resampled else f" (not applied: all files at {rate} Hz)"),
        "source": str(audio_set if audio_set is not None else (audio if isinstance(audio, (str, Path)) else "")),
        "files": [p.name for p in paths],
        "frames": int(len(tensors.get("frame_clip_index", []))), "notes": getattr(backbone, "notes", ""),
        "classes": list(getattr(backbone, "classes", [])),
    }
    fs = FeatureSet(keys, tensors, meta)
    if out_path is not None:
        save_features(out_path, fs)
        log.info("wrote %s: %s", out_path, {k: v.shape for k, v in tensors.items()})
    return fs


def extract_roles(plan, checkpoints: Mapping[str, str | Path], audio, ids: Sequence[str],
                  out_paths: Mapping[str, str | Path], audio_set: str, device: str = "cpu") -> dict[str, FeatureSet]:
    """Features of one audio set through each evaluation backbone of the plan, one file per role.

    ``checkpoints``: role -> the checkpoint the rule resolved (trained in the DAG or the user's
    file); ``out_paths``: role -> the feature file to write. A generated set goes through the
    same backbones as the reference set, so its metrics compare like with like.
    """
    return {role: extract_features(backbone_from_plan(plan, role, path, device), audio, ids, out_paths[role],
                                   audio_set=audio_set) for role, path in checkpoints.items()}


def extract_text_features(backbone, captions: Sequence[str], ids: Sequence[str], out_path: str | Path | None = None,
                          *, batch_size: int = 64, source: str = "") -> FeatureSet:
    """Text embeddings of captions (one per clip id) through a text-audio backbone (CLAP)."""
    if not hasattr(backbone, "embed_text"):
        raise InputError(f"backbone {backbone.name!r} has no text encoder")
    if len(captions) != len(ids):
        raise InputError(f"{len(captions)} captions for {len(ids)} ids")
    empty = [i for i, c in zip(ids, captions) if not str(c).strip()]
    if empty:
        raise InputError(f"{len(empty)} empty caption(s), e.g. for ids {list(empty)[:5]}")
    parts = [backbone.embed_text(list(captions[s:s + batch_size])) for s in range(0, len(captions), batch_size)]
    meta = {"kind": "text", "backbone": backbone.name, "checkpoint": backbone.checkpoint,
            "checkpoint_sha256": checkpoint_digest(backbone),
            "sample_rate": backbone.sample_rate, "resampler": "n/a (text)", "source": str(source)}
    fs = FeatureSet(list(ids), {"embedding": np.concatenate(parts)}, meta)
    if out_path is not None:
        save_features(out_path, fs)
    return fs
