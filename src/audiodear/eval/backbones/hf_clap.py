"""The evaluation CLAP of the paper: HF ``laion/clap-htsat-fused`` through transformers' ClapModel
and ClapProcessor, loaded from a LOCAL folder (``from_pretrained(dir, local_files_only=True)``).

Audio goes in at 48 kHz (``extract`` resamples with the recorded resampler). Two details of the
HF feature extractor are pinned here so that a clip's embedding depends only on the clip:

- with ``truncation="fusion"``, when no clip of a call is longer than 10 s the extractor marks a
  *random* clip as longer (a training-time trick copied into inference). Each clip is processed on
  its own and ``is_longer`` is set from its true length, as LAION's own inference code does;
- clips longer than 10 s get random crops (fusion) or a random window (rand_trunc); these draws
  come from numpy's global generator, which is seeded per clip (``crop_seed``) and restored after.

Embeddings are L2-normalised (``get_*_features`` already normalises in transformers 5).
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Sequence

import numpy as np
import torch
import torch.nn.functional as F

from ...errors import ConfigError
from ...utils.checkpoint_check import check_config_type, check_facts, from_pretrained, weights_file
from ...utils.checkpoint_files import record_folder
from ...utils.device import resolve_device
from .base import check_rate

SAMPLE_RATE = 48000
WEIGHT_FILES = ("model.safetensors", "model.safetensors.index.json", "pytorch_model.bin")


@contextmanager
def _seeded_numpy(seed: int):
    state = np.random.get_state()
    np.random.seed(seed)
    try:
        yield
    finally:
        np.random.set_state(state)


def _pooled(out) -> torch.Tensor:
    # transformers >= 5 returns a model output whose pooler_output is the projected embedding
    return out if isinstance(out, torch.Tensor) else out.pooler_output


class HFClapBackbone:
    loading = "plain"  # average channels, resample; no DC removal or padding (the processor repeat-pads)

    def __init__(self, model, processor, checkpoint: str, device: torch.device, crop_seed: int = 0):
        self.model = model.to(device).eval()
        self.processor = processor
        self.device = device
        self.checkpoint = checkpoint
        self.name = "hf_clap"
        self.crop_seed = crop_seed
        fe = processor.feature_extractor
        self.sample_rate = int(fe.sampling_rate)
        self.truncation = fe.truncation
        self.max_samples = int(fe.nb_max_samples)
        self.notes = (f"truncation={fe.truncation}, padding={fe.padding}, is_longer from true length "
                      f"(> {fe.max_length_s} s), crop seed {crop_seed}")

    def _features(self, wave: np.ndarray) -> tuple[torch.Tensor, bool]:
        with _seeded_numpy(self.crop_seed):
            feats = self.processor.feature_extractor(np.asarray(wave, dtype=np.float64),
                                                     sampling_rate=self.sample_rate, return_tensors="pt")
        fe = self.processor.feature_extractor
        longer = len(wave) > self.max_samples
        if fe.truncation == "fusion":  # a clip within one hop of 10 s is used whole, not fused
            longer = longer and len(wave) // fe.hop_length != self.max_samples // fe.hop_length
        return feats["input_features"][0], longer

    @torch.no_grad()
    def embed(self, waves: Sequence[np.ndarray], sample_rate: int) -> dict[str, np.ndarray]:
        check_rate(self, sample_rate)
        pairs = [self._features(w) for w in waves]
        features = torch.stack([p[0] for p in pairs]).to(self.device)
        is_longer = torch.tensor([[p[1]] for p in pairs], device=self.device)
        out = _pooled(self.model.get_audio_features(input_features=features, is_longer=is_longer))
        return {"embedding": F.normalize(out.float(), dim=-1).cpu().numpy()}

    @torch.no_grad()
    def embed_text(self, texts: Sequence[str]) -> np.ndarray:
        tok = self.processor.tokenizer(list(texts), padding=True, truncation=True, return_tensors="pt")
        tok = {k: v.to(self.device) for k, v in tok.items() if k in ("input_ids", "attention_mask")}
        out = _pooled(self.model.get_text_features(**tok))
        return F.normalize(out.float(), dim=-1).cpu().numpy()


def load_hf_clap(folder: str | Path, device: str | torch.device | None = "cpu", crop_seed: int = 0,
                 min_vocab: int = 1000, fusion: bool = True) -> HFClapBackbone:
    """ClapModel + ClapProcessor from a local folder (e.g. a snapshot of laion/clap-htsat-fused).

    Every tensor must come from the weights file: a fused config over an unfused model's weights
    would otherwise leave the fusion layers random. The paper's evaluation CLAP is the fused one
    (``fusion``). ``min_vocab`` guards against tokenizers that load silently empty offline
    (RoBERTa's has 50,265).
    """
    from transformers import ClapModel, ClapProcessor

    folder = Path(folder)
    if not (folder / "config.json").is_file():
        raise ConfigError(f"{folder}: not a local CLAP model folder (config.json missing); nothing is downloaded")
    weights = weights_file(folder, WEIGHT_FILES, "CLAP")
    what = f"a ClapModel (fusion={fusion})"
    check_config_type(folder, what, model_type="clap")
    model = from_pretrained(ClapModel, folder, weights, what)
    try:
        processor = ClapProcessor.from_pretrained(str(folder), local_files_only=True)
    except (OSError, ValueError) as err:
        raise ConfigError(f"{folder}: cannot load ClapProcessor ({err})") from None
    check_facts(weights, what, {"audio_config.enable_fusion": bool(model.config.audio_config.enable_fusion)},
                {"audio_config.enable_fusion": fusion})
    vocab = getattr(processor.tokenizer, "vocab_size", 0)
    if vocab < min_vocab:
        raise ConfigError(f"{folder}: tokenizer has only {vocab} tokens; the tokenizer files are missing or broken")
    record_folder(folder, weights)
    backbone = HFClapBackbone(model, processor, folder.name, torch.device(resolve_device(device)), crop_seed)
    backbone.checkpoint_path = str(folder)
    return backbone
