"""The latent-extraction stage: audio → log-mel → VAE latent → patch tokens, sharded and resumable.

Storage: safetensors shards of up to ``shard_size`` clips, one tensor per clip keyed by its id
(tokens (N, C) float32), plus ``index.json`` (shards, ids, token grid). safetensors loads by
memory-mapping with no unpickling, so reading every token of a split takes milliseconds.

Resumability: shards are first written atomically to a scratch folder outside the rule's declared
output (Snakemake deletes the outputs of a failed job); a restarted extraction skips every shard
already there and complete, and only at the end moves the shards into the output folder.
"""
from __future__ import annotations

import json
import logging
import os
import shutil
from pathlib import Path

import torch
from safetensors import SafetensorError, safe_open
from tqdm import tqdm

from ..errors import AudioError, ManifestError
from ..utils.atomic import write_json, write_tensors
from .mel import MelConfig
from .patchify import patchify
from .waveforms import load_waveforms, waveforms_to_mel

log = logging.getLogger(__name__)


def _shard_ok(path: Path, ids: list[str]) -> bool:
    try:
        with safe_open(str(path), framework="pt") as f:
            return sorted(f.keys()) == sorted(ids)
    except Exception:  # a truncated or foreign file: redo the shard
        return False


def extract_latents(clips: dict[str, Path], codec, mel: MelConfig, clip_seconds: float, patch: int,
                    out_dir: str | Path, scratch: str | Path, shard_size: int, batch: int = 32) -> dict:
    """Write the tokens of every clip (id -> audio file, in order) into ``out_dir``; return the index."""
    out_dir, scratch = Path(out_dir), Path(scratch)
    scratch.mkdir(parents=True, exist_ok=True)
    items = list(clips.items())
    shards = [items[i:i + shard_size] for i in range(0, len(items), shard_size)]
    grid = None
    done = 0
    for k, shard in enumerate(tqdm(shards, desc="latent shards", unit="shard")):
        path = scratch / f"shard-{k:05d}.safetensors"
        ids = [clip_id for clip_id, _ in shard]
        if _shard_ok(path, ids):
            done += 1
            continue
        try:
            waves = load_waveforms([p for _, p in shard], mel.sample_rate, clip_seconds)
        except AudioError as err:
            raise AudioError(f"latent extraction, shard {k}: {err}") from None
        tensors = {}
        with torch.no_grad():
            for i in range(0, len(shard), batch):
                z = codec.encode(waveforms_to_mel(waves[i:i + batch], mel))
                tokens = patchify(z, patch)
                for j, clip_id in enumerate(ids[i:i + batch]):
                    tensors[clip_id] = tokens[j].contiguous()
        write_tensors(path, tensors, {"latent_shape": json.dumps(list(z.shape[1:])), "patch": str(patch)})
    if done:
        log.info("resumed: %d of %d shards were already extracted", done, len(shards))
    out_dir.mkdir(parents=True, exist_ok=True)
    names = []
    for k in range(len(shards)):
        name = f"shard-{k:05d}.safetensors"
        with safe_open(str(scratch / name), framework="pt") as f:
            grid = json.loads(f.metadata()["latent_shape"])
        os.replace(scratch / name, out_dir / name)
        names.append(name)
    index = {"shards": names, "ids": list(clips), "latent_shape": grid, "patch": patch, "clips": len(clips)}
    write_json(out_dir / "index.json", index)
    shutil.rmtree(scratch, ignore_errors=True)
    return index


def load_latents(folder: str | Path, ids: list[str] | None = None) -> tuple[list[str], torch.Tensor, dict]:
    """(ids, tokens (n, N, C), index) for all clips of a split, or for ``ids`` in that order."""
    folder = Path(folder)
    index = json.loads((folder / "index.json").read_text())
    tensors: dict[str, torch.Tensor] = {}
    for name in index["shards"]:
        try:
            with safe_open(str(folder / name), framework="pt") as f:
                for key in f.keys():
                    tensors[key] = f.get_tensor(key)
        except (SafetensorError, OSError) as err:
            # A truncated or missing shard is refused, never read in part: rerun the extraction.
            raise ManifestError(f"{folder / name}: unreadable latent shard ({err}); delete {folder} "
                                f"and rerun the latent extraction") from None
    ids = index["ids"] if ids is None else ids
    missing = [i for i in ids if i not in tensors]
    if missing:
        raise ManifestError(f"{folder}: no latents for {len(missing)} clip(s), e.g. {missing[:5]}")
    return list(ids), torch.stack([tensors[i] for i in ids]), index
