"""The conditioning CLAP (LAION-CLAP ``630k-audioset-fusion-best.pt``) loaded offline.

Architecture: laion-clap's ``CLAP`` with HTSAT-tiny audio, RoBERTa-base text and feature fusion
(``aff_2d``). The user provides the checkpoint file and a local ``roberta-base`` folder (its
``config.json`` and tokenizer files). Three offline traps of the laion-clap package are avoided:

* ``CLAP.__init__`` calls ``RobertaModel.from_pretrained('roberta-base')`` (a hub download): while
  the model is built, that name in ``clap_module.model`` is pointed at a builder that makes a
  RoBERTa from the local folder's config (the weights then come from the CLAP checkpoint);
* ``CLAP_Module`` builds ``RobertaTokenizer.from_pretrained('roberta-base')``, which offline
  silently returns a 5-token tokenizer: the tokenizer here comes from the local folder and is
  checked to encode text;
* ``load_ckpt`` unpickles with ``weights_only=False``: here ``torch.load(..., weights_only=True)``.

The published file holds ``{"state_dict": {"module.<name>": tensor}, ...}`` (a DataParallel
prefix); ``text_branch.embeddings.position_ids`` is a constant that newer transformers no longer
store, so it is dropped. All other keys must match exactly.
"""
from __future__ import annotations

import contextlib
import copy
from pathlib import Path

import numpy as np
import torch

from ..audio.io import to_mono_resampled
from ..errors import AudioError, ConfigError
from ..utils.atomic import atomic_path
from ..utils.checkpoint_check import check_config_type, load_state
from ..utils.checkpoint_files import record_files, record_folder
from .flan_t5 import check_captions, check_tokenizer

CLAP_SAMPLE_RATE = 48000
CLAP_MAX_SAMPLES = 480000          # 10 s at 48 kHz: shorter clips are repeat-padded, longer ones fused
TEXT_TOKENS = 77
DROPPED_KEYS = ("text_branch.embeddings.position_ids",)


def _clap_modules():
    import laion_clap  # noqa: F401  (puts laion-clap's ``clap_module`` on sys.path)
    import clap_module.model as clap_model
    from clap_module.factory import _MODEL_CONFIGS
    from laion_clap.training.data import get_audio_features
    return clap_model, _MODEL_CONFIGS, get_audio_features


@contextlib.contextmanager
def _roberta_from(config, device: str | None = None):
    """While CLAP builds, make ``RobertaModel.from_pretrained(...)`` build ``RobertaModel(config)``."""
    from transformers import RobertaModel

    clap_model, _, _ = _clap_modules()

    class LocalRoberta:
        @staticmethod
        def from_pretrained(*_args, **_kwargs):
            with torch.device(device) if device else contextlib.nullcontext():
                return RobertaModel(config)

    saved = clap_model.RobertaModel
    clap_model.RobertaModel = LocalRoberta
    try:
        yield
    finally:
        clap_model.RobertaModel = saved


def load_roberta_folder(folder: str | Path):
    """(RobertaConfig, tokenizer) from a local roberta-base folder; the tokenizer is checked to work."""
    from transformers import AutoTokenizer, RobertaConfig

    folder = Path(folder)
    if not (folder / "config.json").is_file():
        raise ConfigError(f"{folder}: not a RoBERTa folder (config.json missing)")
    check_config_type(folder, "a roberta-base folder", model_type="roberta")
    config = RobertaConfig.from_pretrained(str(folder), local_files_only=True)
    try:
        tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
    except (OSError, ValueError) as err:
        raise ConfigError(f"{folder}: cannot load the RoBERTa tokenizer ({err})") from None
    check_tokenizer(tokenizer, config.vocab_size, folder)
    return config, tokenizer


def build_clap(roberta_config, amodel: str = "HTSAT-tiny", fusion: bool = True, text_device: str | None = None):
    """A randomly initialised laion-clap ``CLAP`` (roberta text branch) and its model config.

    ``text_device="meta"`` builds the text branch without memory, to count parameters (HTSAT's
    torchlibrosa front end cannot be built on the meta device).
    """
    clap_model, configs, _ = _clap_modules()
    if amodel not in configs:
        raise ConfigError(f"CLAP field 'amodel' is {amodel!r}; laion-clap knows {sorted(configs)}")
    if roberta_config.hidden_size != 768:
        # laion-clap hard-codes a 768-wide text projection for RoBERTa.
        raise ConfigError(f"RoBERTa hidden_size is {roberta_config.hidden_size}; laion-clap's CLAP needs 768")
    cfg = copy.deepcopy(configs[amodel])
    cfg["text_cfg"]["model_type"] = "roberta"
    with _roberta_from(roberta_config, text_device):
        model = clap_model.CLAP(**cfg, enable_fusion=fusion, fusion_type="aff_2d" if fusion else "None")
    cfg.update(enable_fusion=fusion, fusion_type="aff_2d" if fusion else "None")
    return model.eval(), cfg


def read_clap_state_dict(path: str | Path) -> dict:
    """The model weights of a laion-clap checkpoint, without executing pickled code."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: CLAP checkpoint not found")
    try:
        ckpt = torch.load(str(path), map_location="cpu", weights_only=True)
    except Exception as err:  # unpickling errors come in many types
        raise ConfigError(f"{path}: not a weights-only torch checkpoint ({err})") from None
    state = ckpt.get("state_dict", ckpt) if isinstance(ckpt, dict) else None
    if not isinstance(state, dict) or not state:
        raise ConfigError(f"{path}: no state_dict in the CLAP checkpoint")
    state = {k[len("module."):] if k.startswith("module.") else k: v for k, v in state.items()}
    return {k: v for k, v in state.items() if k not in DROPPED_KEYS}


def save_clap_checkpoint(model, path: str | Path) -> None:
    """Save in the published layout: {"state_dict": {"module.<name>": tensor}} (atomically)."""
    state = {"module." + k: v.detach().cpu() for k, v in model.state_dict().items()}
    with atomic_path(path) as tmp:
        torch.save({"state_dict": state}, str(tmp))


@contextlib.contextmanager
def _numpy_seed(seed: int):
    # laion-clap picks fusion chunks and crops with numpy's global generator; pin it, then restore it.
    state = np.random.get_state()
    np.random.seed(seed)
    try:
        yield
    finally:
        np.random.set_state(state)


class ClapEncoder:
    """L2-normalised 512-d CLAP embeddings of captions and of 16 kHz (or any-rate) waveforms."""

    def __init__(self, model, model_cfg: dict, tokenizer, seed: int = 0):
        self.model = model.eval()
        self.model_cfg = model_cfg
        self.tokenizer = tokenizer
        self.fusion = bool(model_cfg.get("enable_fusion", False))
        self.seed = int(seed)

    @property
    def device(self) -> torch.device:
        return next(self.model.parameters()).device

    @torch.no_grad()
    def embed_text(self, captions) -> torch.Tensor:
        captions = check_captions(captions)
        tokens = self.tokenizer(captions, padding="max_length", truncation=True, max_length=TEXT_TOKENS,
                                return_tensors="pt")
        data = {"input_ids": tokens["input_ids"], "attention_mask": tokens["attention_mask"]}
        return self.model.get_text_embedding(data).float()

    @torch.no_grad()
    def embed_audio(self, waves, sample_rate: int = 16000) -> torch.Tensor:
        """A list (or (B, samples) array) of mono waveforms -> (B, 512).

        As laion-clap's ``get_audio_embedding_from_data``: resample to 48 kHz (with the project's
        recorded resampler), quantise to 16 bits, repeat-pad clips shorter than 10 s; longer clips
        use feature fusion (fusion model) or a crop, with laion-clap's random choices seeded.
        """
        _, _, get_audio_features = _clap_modules()
        if isinstance(waves, (np.ndarray, torch.Tensor)) and np.ndim(waves) == 1:
            raise AudioError("embed_audio expects a batch of waveforms, got a single 1-D waveform")
        samples = []
        for i, wave in enumerate(waves):
            wave = np.asarray(wave.detach().cpu() if isinstance(wave, torch.Tensor) else wave, dtype=np.float32)
            if wave.ndim != 1 or wave.size == 0 or not np.isfinite(wave).all():
                raise AudioError(f"waveform {i}: expected a non-empty finite mono waveform, got shape {wave.shape}")
            wave48 = to_mono_resampled(wave[None], sample_rate, CLAP_SAMPLE_RATE)
            quantised = (np.clip(wave48, -1.0, 1.0) * 32767.0).astype(np.int16) / 32767.0
            with _numpy_seed(self.seed):
                samples.append(get_audio_features(
                    {}, torch.from_numpy(quantised.astype(np.float32)), CLAP_MAX_SAMPLES,
                    data_truncating="fusion" if self.fusion else "rand_trunc", data_filling="repeatpad",
                    audio_cfg=self.model_cfg["audio_cfg"]))
        return self.model.get_audio_embedding(samples).float()


def load_clap(checkpoint: str | Path, roberta_folder: str | Path, amodel: str = "HTSAT-tiny", fusion: bool = True,
              device: str | torch.device = "cpu", seed: int = 0) -> ClapEncoder:
    """Build the CLAP from the local RoBERTa folder and load the checkpoint's weights (strictly)."""
    config, tokenizer = load_roberta_folder(roberta_folder)
    model, cfg = build_clap(config, amodel, fusion)
    state = read_clap_state_dict(checkpoint)
    # An unfused checkpoint lacks the fusion layers of a fused model (and the reverse): refused.
    load_state(model, state, checkpoint, f"a {amodel} / roberta CLAP (fusion={fusion})")
    record_files(checkpoint)
    record_folder(Path(roberta_folder), Path(roberta_folder) / "config.json")
    return ClapEncoder(model.to(device), cfg, tokenizer, seed)
