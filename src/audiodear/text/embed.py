"""The text-conditioning stage: text-slot tokens and CLAP embeddings for every clip of a split.

Text embeddings are computed once per distinct caption and shared by the clips that use it.
Every clip also gets its CLAP audio embedding, which conditions the clips trained without a caption.
"""
from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from ..audio.io import read_mono
from ..data.clips import select
from ..data.manifest import resolve
from ..data.testset import scored_rows
from .conditioning import TextCache
from .from_plan import clap_from_plan, text_encoder_from_plan

log = logging.getLogger(__name__)


def embed_split(rows: list[dict], root: str | Path, captions: dict[str, str], text_encoder, clap,
                sample_rate: int, batch_size: int = 64) -> TextCache:
    """``captions`` maps a clip id to the caption it is trained or scored with (absent: uncaptioned)."""
    ids = [r["id"] for r in rows]
    captioned = torch.tensor([i in captions for i in ids], dtype=torch.bool)
    distinct = sorted({captions[i] for i in ids if i in captions})
    log.info("%d clips, %d captioned, %d distinct captions", len(ids), int(captioned.sum()), len(distinct))
    tokens = torch.cat([text_encoder(distinct[i:i + batch_size])[0].cpu() for i in range(0, len(distinct), batch_size)]) \
        if distinct else torch.zeros(0, text_encoder.max_tokens, text_encoder.d_model)
    clap_text = torch.cat([clap.embed_text(distinct[i:i + batch_size]).cpu() for i in range(0, len(distinct), batch_size)]) \
        if distinct else None
    where = {c: k for k, c in enumerate(distinct)}
    audio = []
    for i in tqdm(range(0, len(rows), batch_size), desc="clap audio", unit="batch", mininterval=5.0):
        waves = [read_mono(resolve(root, r), sample_rate) for r in rows[i:i + batch_size]]
        audio.append(clap.embed_audio(waves).cpu())
    clap_audio = torch.cat(audio)
    t5 = torch.zeros(len(ids), tokens.shape[1], tokens.shape[2])
    ct = torch.zeros(len(ids), clap_audio.shape[1])
    for n, clip in enumerate(ids):
        if clip in captions:
            t5[n], ct[n] = tokens[where[captions[clip]]], clap_text[where[captions[clip]]]
    return TextCache(ids, t5, ct, clap_audio, captioned, [captions.get(i, "") for i in ids])


def embed_split_from_plan(plan, split: str, rows: list[dict], testset: list[dict], audio_root: str | Path,
                          clap_inputs, device: str = "cpu") -> TextCache:
    """The text stage of one split with the plan's text-slot encoder and conditioning CLAP.

    ``rows``: the whole manifest; ``testset``: the test-set definition's clips (the caption each
    test clip is scored with); ``clap_inputs``: the rule's CLAP inputs, whose first entry is the
    small CLAP's folder when the plan trains one (a LAION CLAP is named by the plan instead). The
    test split's clips come in the definition's order, so the cache lines up with the scored clips.
    """
    captions = split_captions(rows, split, testset)
    rows = select(rows, split)
    if split == "test":
        rows = scored_rows(rows, testset)
    clap_dir = clap_inputs[0] if plan.text.clap_slot.kind == "small" else None
    return embed_split(rows, audio_root, captions, text_encoder_from_plan(plan, device),
                       clap_from_plan(plan, clap_dir, device), plan.audio.sample_rate)


def split_captions(rows: list[dict], split: str, testset: list[dict] | None) -> dict[str, str]:
    """Which caption each clip of a split is used with: the test-set choice, else the first caption."""
    if split == "test" and testset is not None:
        return {c["id"]: c["caption"] for c in testset}
    return {r["id"]: r["caption"] for r in rows if r["split"] == split and r["captioned"]}


def summary(cache: TextCache) -> dict:
    norms = cache.t5.norm(dim=-1)
    return {"clips": len(cache.ids), "captioned": int(cache.captioned.sum()), "text_tokens": int(cache.t5.shape[1]),
            "text_dim": int(cache.t5.shape[2]), "clap_dim": int(cache.clap_text.shape[1]),
            "mean_nonzero_tokens": float((norms > 0).float().sum(1).mean()),
            "clap_text_audio_cosine": float(np.nan if not cache.captioned.any() else
                                            (cache.clap_text[cache.captioned] * cache.clap_audio[cache.captioned]).sum(-1).mean())}
