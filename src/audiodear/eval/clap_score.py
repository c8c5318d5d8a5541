"""CLAP score: mean cosine similarity between the text embedding of a clip's caption and the audio
embedding of the clip, paired by clip id (never by file-listing order).

Which CLAP produced the embeddings changes the scale of the score completely (LAION-630k ≈ 0.3,
MS-CLAP ≈ 0.6, ×100 tables ≈ 25), so the checkpoint is written next to every score by the caller.
Any embedder with ``embed_text(texts)`` and ``embed(waves, sample_rate)["embedding"]`` can be used
(the paper's HF ``laion/clap-htsat-fused`` or the project's own small CLAP).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..errors import InputError
from .pairing import pair_by_id


@dataclass(frozen=True)
class ClapScoreResult:
    mean: float
    ids: list[str]
    per_clip: np.ndarray  # cosine similarity per paired clip

    @property
    def n(self) -> int:
        return len(self.ids)


def _unit_rows(x, what: str) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2:
        raise InputError(f"{what}: embeddings must be 2-D, got shape {x.shape}")
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    if not np.isfinite(x).all() or (norms == 0).any():
        raise InputError(f"{what}: embeddings hold NaN, infinite or all-zero rows")
    return x / norms


def clap_score(text_embedding, text_ids: Sequence[str], audio_embedding,
               audio_ids: Sequence[str]) -> ClapScoreResult:
    """Cosine similarity of each (caption, audio) pair with the same id, and its mean."""
    text = _unit_rows(text_embedding, "text")
    audio = _unit_rows(audio_embedding, "audio")
    if text.shape[1] != audio.shape[1]:
        raise InputError(f"text embeddings have {text.shape[1]} dims, audio embeddings {audio.shape[1]}")
    if text.shape[0] != len(text_ids) or audio.shape[0] != len(audio_ids):
        raise InputError("embeddings and id lists differ in length")
    t_idx, a_idx, ids = pair_by_id(text_ids, audio_ids, "CLAP score (captions vs audio)")
    per_clip = np.sum(text[t_idx] * audio[a_idx], axis=1)
    return ClapScoreResult(float(per_clip.mean()), ids, per_clip)
