"""The feature file: one safetensors file per (audio set or caption set, backbone).

Tensors (float32 unless noted):

- ``embedding`` (N, D): one vector per clip (Cnn14 "2048", CLAP audio or text embedding, ...);
- ``logits`` (N, C): pre-sigmoid class logits (classifiers only);
- ``frame_embedding`` (F, D) and ``frame_clip_index`` (F,) int64: per-frame embeddings and the row
  of the clip each frame belongs to (VGGish-style models; FAD pools all frames of all clips).

Metadata (one JSON string under the key ``audiodear_features``): ``ids`` in row order, ``count``,
``kind`` ("audio" or "text"), ``backbone``, ``checkpoint``, ``sample_rate`` (model input rate),
``resampler``, ``loading`` (audio-loading convention), ``source`` (audio folder or caption file)
and whatever else the extractor records. Loading validates shapes against the ids, so a stale or
truncated file cannot pass silently. Writes are atomic.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from safetensors import SafetensorError
from safetensors.torch import load_file

from ..errors import InputError
from ..utils.atomic import write_tensors
from .pairing import PairingError, check_unique

META_KEY = "audiodear_features"
FORMAT_VERSION = 1
TENSORS = ("embedding", "logits", "frame_embedding", "frame_clip_index")
REQUIRED_META = ("ids", "count", "kind", "backbone", "checkpoint", "sample_rate", "resampler")


class FeatureFileError(InputError):
    """A feature file is missing, unreadable or inconsistent."""


@dataclass
class FeatureSet:
    ids: list[str]
    tensors: dict[str, np.ndarray]
    meta: dict = field(default_factory=dict)

    def __post_init__(self):
        self.ids = [str(i) for i in self.ids]
        self.meta = {**self.meta, "ids": self.ids, "count": len(self.ids)}
        validate(self, "feature set")

    def __len__(self) -> int:
        return len(self.ids)

    def has(self, name: str) -> bool:
        return name in self.tensors

    def get(self, name: str) -> np.ndarray:
        if name not in self.tensors:
            raise FeatureFileError(f"{self.meta.get('path', 'feature set')}: tensor {name!r} missing "
                                   f"(backbone {self.meta.get('backbone')!r} has {sorted(self.tensors)})")
        return self.tensors[name]

    def describe(self) -> str:
        return f"{self.meta.get('backbone')} features of {self.meta.get('source', '?')} ({len(self)} clips)"

    def subset(self, ids: list[str]) -> "FeatureSet":
        """The rows of ``ids`` in that order; every id must be present."""
        pos = {cid: k for k, cid in enumerate(self.ids)}
        missing = [i for i in ids if i not in pos]
        if missing:
            raise PairingError(f"{self.describe()}: {len(missing)} of {len(ids)} requested id(s) missing, "
                               f"e.g. {missing[:5]}")
        rows = np.array([pos[i] for i in ids], dtype=np.int64)
        tensors = {k: v[rows] for k, v in self.tensors.items() if k in ("embedding", "logits")}
        if "frame_embedding" in self.tensors:
            new_index = np.full(len(self.ids), -1, dtype=np.int64)
            new_index[rows] = np.arange(len(rows))
            old = self.tensors["frame_clip_index"]
            keep = np.concatenate([np.flatnonzero(old == r) for r in rows]) if len(rows) else np.empty(0, int)
            tensors["frame_embedding"] = self.tensors["frame_embedding"][keep]
            tensors["frame_clip_index"] = new_index[old[keep]]
        meta = {**self.meta, "subset_of": self.meta.get("path")}
        if len(meta.get("files") or []) == len(self.ids):
            meta["files"] = [meta["files"][r] for r in rows]
        return FeatureSet(list(ids), tensors, meta)


def validate(fs: FeatureSet, where: str) -> None:
    check_unique(fs.ids, where)
    for key in REQUIRED_META:
        if key not in fs.meta:
            raise FeatureFileError(f"{where}: metadata field {key!r} missing")
    unknown = set(fs.tensors) - set(TENSORS)
    if unknown:
        raise FeatureFileError(f"{where}: unknown tensor(s) {sorted(unknown)}")
    if not fs.tensors:
        raise FeatureFileError(f"{where}: holds no tensors")
    n = len(fs.ids)
    for name in ("embedding", "logits"):
        if name in fs.tensors:
            t = fs.tensors[name]
            if t.ndim != 2 or t.shape[0] != n:
                raise FeatureFileError(f"{where}: tensor {name!r} has shape {t.shape}, expected ({n}, D) for {n} ids")
    if ("frame_embedding" in fs.tensors) != ("frame_clip_index" in fs.tensors):
        raise FeatureFileError(f"{where}: 'frame_embedding' and 'frame_clip_index' come together")
    if "frame_embedding" in fs.tensors:
        fe, fi = fs.tensors["frame_embedding"], fs.tensors["frame_clip_index"]
        if fe.ndim != 2 or fi.ndim != 1 or fe.shape[0] != fi.shape[0]:
            raise FeatureFileError(f"{where}: frame tensors have shapes {fe.shape} and {fi.shape}")
        if fi.size and (fi.min() < 0 or fi.max() >= n):
            raise FeatureFileError(f"{where}: 'frame_clip_index' points outside the {n} clips")
    for name, t in fs.tensors.items():
        if np.issubdtype(t.dtype, np.floating) and not np.isfinite(t).all():
            raise FeatureFileError(f"{where}: tensor {name!r} holds NaN or infinite values")


def save_features(path: str | Path, fs: FeatureSet) -> Path:
    """Write ``fs`` atomically as safetensors; returns the path."""
    path = Path(path)
    meta = {k: v for k, v in fs.meta.items() if k != "path"}
    meta["format_version"] = FORMAT_VERSION
    tensors = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in fs.tensors.items()}
    write_tensors(path, tensors, {META_KEY: json.dumps(meta, sort_keys=True)})
    return path


def load_features(path: str | Path) -> FeatureSet:
    """Read and validate a feature file; errors name the file and the field."""
    path = Path(path)
    if not path.is_file():
        raise FeatureFileError(f"{path}: feature file not found")
    try:
        tensors = load_file(str(path))
        from safetensors import safe_open

        with safe_open(str(path), framework="pt") as fh:
            raw = (fh.metadata() or {}).get(META_KEY)
    except (SafetensorError, OSError, ValueError) as err:
        raise FeatureFileError(f"{path}: unreadable feature file ({err})") from None
    if raw is None:
        raise FeatureFileError(f"{path}: metadata field {META_KEY!r} missing (not a feature file)")
    try:
        meta = json.loads(raw)
    except json.JSONDecodeError as err:
        raise FeatureFileError(f"{path}: metadata is not JSON ({err})") from None
    if meta.get("format_version") != FORMAT_VERSION:
        raise FeatureFileError(f"{path}: field 'format_version' is {meta.get('format_version')!r}, "
                               f"expected {FORMAT_VERSION}")
    if not isinstance(meta.get("ids"), list) or meta.get("count") != len(meta["ids"]):
        raise FeatureFileError(f"{path}: field 'count' does not match the number of 'ids'")
    fs = FeatureSet.__new__(FeatureSet)
    fs.ids = [str(i) for i in meta["ids"]]
    fs.tensors = {k: v.numpy() for k, v in tensors.items()}
    fs.meta = {**meta, "path": str(path)}
    validate(fs, str(path))
    return fs


def as_feature_set(obj: "FeatureSet | str | Path") -> FeatureSet:
    return obj if isinstance(obj, FeatureSet) else load_features(obj)
