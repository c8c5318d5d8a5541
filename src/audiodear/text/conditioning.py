"""The conditioning sequence: text-slot tokens plus one CLAP token, or CLAP audio for uncaptioned clips.

At paper scale (IMPACT, AudioDEAR App. J.1): 77 Flan-T5-large tokens (1024-d) and the 512-d
LAION-CLAP text embedding repeated to 1024-d as one more token = 78 tokens; a clip without a
caption is conditioned on its CLAP *audio* embedding, repeated to 1024-d and duplicated 78 times.
The embedded default has the same shape with MiniLM (32 tokens, 384-d) and a 128-d small CLAP
repeated 3 times.

The text-embedding ablation (paper Table 6) keeps the sequence shape and zeroes the slot left out:
``t5+clap`` (both), ``t5`` (CLAP token zeroed) or ``clap`` (text-slot tokens zeroed).

Embeddings are cached per split in one safetensors file keyed by clip id (``TextCache``): the
text-slot tokens, the CLAP text and audio embeddings and the captioned flag; assembly happens at
training and sampling time so every text set reuses one cache.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import torch
from safetensors import safe_open

from ..choices import TextSet, values
from ..errors import ConfigError, ManifestError
from ..utils.atomic import write_tensors

TEXT_SETS = values(TextSet)


def tile(vec: torch.Tensor, dim: int) -> torch.Tensor:
    """Repeat a (B, d) embedding along its features to (B, dim), as the paper turns 512 into 1024."""
    if dim % vec.shape[-1]:
        raise ConfigError(f"CLAP width {vec.shape[-1]} does not divide the text-slot width {dim}")
    return vec.repeat(1, dim // vec.shape[-1])


def assemble(t5: torch.Tensor, clap_text: torch.Tensor, clap_audio: torch.Tensor, captioned: torch.Tensor,
             text_set: str = "t5+clap") -> torch.Tensor:
    """(B, Lt, d) tokens, (B, dc) CLAP text/audio, (B,) bool -> (B, Lt + 1, d) conditioning sequence."""
    if text_set not in TEXT_SETS:
        raise ConfigError(f"text set {text_set!r} is not one of {TEXT_SETS}")
    d = t5.shape[-1]
    clap_tok = tile(clap_text, d).unsqueeze(1)
    if text_set == "t5":
        clap_tok = torch.zeros_like(clap_tok)
    if text_set == "clap":
        t5 = torch.zeros_like(t5)
    seq = torch.cat([t5, clap_tok], dim=1)
    audio_seq = tile(clap_audio, d).unsqueeze(1).expand_as(seq)
    return torch.where(captioned.view(-1, 1, 1), seq, audio_seq)


@dataclass
class TextCache:
    ids: list[str]
    t5: torch.Tensor  # (N, Lt, d)
    clap_text: torch.Tensor  # (N, dc); zeros for uncaptioned clips
    clap_audio: torch.Tensor  # (N, dc)
    captioned: torch.Tensor  # (N,) bool
    captions: list[str]

    def save(self, path: str | Path, meta: dict) -> None:
        tensors = {"t5": self.t5.contiguous(), "clap_text": self.clap_text.contiguous(),
                   "clap_audio": self.clap_audio.contiguous(), "captioned": self.captioned.to(torch.uint8)}
        write_tensors(path, tensors, {"ids": json.dumps(self.ids), "captions": json.dumps(self.captions),
                                      "meta": json.dumps(meta)})

    @classmethod
    def load(cls, path: str | Path) -> "TextCache":
        with safe_open(str(path), framework="pt") as f:
            md = f.metadata()
            t = {k: f.get_tensor(k) for k in f.keys()}
        return cls(json.loads(md["ids"]), t["t5"], t["clap_text"], t["clap_audio"], t["captioned"].bool(),
                   json.loads(md["captions"]))

    def select(self, ids: list[str]) -> "TextCache":
        index = {k: i for i, k in enumerate(self.ids)}
        missing = [i for i in ids if i not in index]
        if missing:
            raise ManifestError(f"text embeddings lack {len(missing)} clip(s), e.g. {missing[:5]}")
        idx = torch.tensor([index[i] for i in ids], dtype=torch.long)
        return TextCache(list(ids), self.t5[idx], self.clap_text[idx], self.clap_audio[idx], self.captioned[idx],
                         [self.captions[i] for i in idx.tolist()])

    def sequence(self, text_set: str = "t5+clap") -> torch.Tensor:
        return assemble(self.t5, self.clap_text, self.clap_audio, self.captioned, text_set)
