"""Flan-T5 encoder hidden states for captions, loaded offline from a local folder.

The paper scale conditions on 77 Flan-T5-large encoder states (1024-d) per caption. The user
provides a local copy of ``google/flan-t5-large`` (``config.json``, the weights, and the tokenizer
files); only the encoder is built (``T5EncoderModel``: ``AutoModel`` would return a full T5Model
with a decoder that cannot run on encoder inputs alone).
"""
from __future__ import annotations

from pathlib import Path

import torch

from ..errors import ConfigError, ManifestError
from ..utils.checkpoint_check import check_config_type, from_pretrained, weights_file
from ..utils.checkpoint_files import record_folder

MAX_TOKENS = 77
WEIGHT_FILES = ("model.safetensors", "model.safetensors.index.json", "pytorch_model.bin", "pytorch_model.bin.index.json")
# A caption every real tokenizer splits into ordinary tokens; an empty or broken tokenizer does not.
PROBE_CAPTION = "a dog barks while rain falls on a roof"


def check_tokenizer(tokenizer, vocab_size: int, folder: str | Path) -> None:
    """Refuse tokenizers that load silently but cannot encode text.

    transformers can return a tokenizer that maps every word to <unk> (a SentencePiece file read
    through the wrong class) or to nothing (RobertaTokenizer with no files offline). Ids at or
    beyond the model's embedding table would fail later with an index error instead.
    """
    if len(tokenizer) > vocab_size:
        raise ConfigError(f"{folder}: tokenizer has {len(tokenizer)} tokens but the model's vocab_size is {vocab_size}")
    ids = tokenizer(PROBE_CAPTION, add_special_tokens=False)["input_ids"]
    ordinary = [i for i in ids if i not in set(tokenizer.all_special_ids)]
    if not ordinary:
        raise ConfigError(f"{folder}: tokenizer maps ordinary words to special or unknown tokens only "
                          f"(vocabulary of {len(tokenizer)}); the tokenizer files are missing or unreadable")


def check_captions(captions) -> list[str]:
    if isinstance(captions, str):
        raise ManifestError("captions must be a list of strings, got a single string")
    captions = list(captions)
    for i, caption in enumerate(captions):
        if not isinstance(caption, str) or not caption.strip():
            raise ManifestError(f"caption {i} is {caption!r}: captions must be non-empty strings")
    return captions


class FlanT5Encoder:
    """captions -> (hidden (B, max_tokens, d_model), mask (B, max_tokens) bool).

    Padded positions are set to exactly zero: their encoder states depend on the pad token and
    on the padding length, and zeroing them keeps that content out of the conditioning (the
    mask still says which positions are real).
    """

    def __init__(self, model, tokenizer, max_tokens: int = MAX_TOKENS):
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.max_tokens = int(max_tokens)
        self.d_model = int(model.config.d_model)

    @torch.no_grad()
    def __call__(self, captions) -> tuple[torch.Tensor, torch.Tensor]:
        captions = check_captions(captions)
        batch = self.tokenizer(captions, padding="max_length", truncation=True, max_length=self.max_tokens,
                               return_tensors="pt")
        device = next(self.model.parameters()).device
        ids = batch["input_ids"].to(device)
        mask = batch["attention_mask"].to(device)
        hidden = self.model(input_ids=ids, attention_mask=mask).last_hidden_state
        hidden = hidden * mask.unsqueeze(-1).to(hidden.dtype)
        return hidden, mask.bool()


def load_flan_t5(folder: str | Path, device: str | torch.device = "cpu", max_tokens: int = MAX_TOKENS) -> FlanT5Encoder:
    """Load the encoder and tokenizer from a local folder, never touching the network."""
    from transformers import AutoTokenizer, T5EncoderModel

    folder = Path(folder)
    if not (folder / "config.json").is_file():
        raise ConfigError(f"{folder}: not a Flan-T5 folder (config.json missing)")
    check_config_type(folder, "a T5 encoder", model_type="t5")
    try:
        tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
    except (OSError, ValueError) as err:
        raise ConfigError(f"{folder}: cannot load the tokenizer ({err})") from None
    weights = weights_file(folder, WEIGHT_FILES, "Flan-T5")
    # Every encoder tensor must come from the file; transformers itself sets a full T5's decoder aside.
    model = from_pretrained(T5EncoderModel, folder, weights, "a T5 encoder")
    check_tokenizer(tokenizer, model.config.vocab_size, folder)
    record_folder(folder, weights)
    return FlanT5Encoder(model.to(device), tokenizer, max_tokens)
