"""A small CLAP trained contrastively by the DAG on the embedded corpus.

It stands in for LAION-CLAP at the embedded scale, twice and independently (the paper keeps the
conditioning CLAP and the evaluation CLAP apart to avoid leakage):

- the *conditioning* CLAP (CLAP slot of the teacher/student): text tower = frozen MiniLM sentence
  embedding + MLP;
- the *evaluation* CLAP (CLAP score): text tower trained from scratch on the BERT WordPiece ids,
  another seed, another training run.

Both share the audio tower: a small CNN over our AudioLDM log-mel. Training is symmetric InfoNCE
with a learned temperature, as CLAP does. Embeddings are L2-normalised.
"""
from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from safetensors.torch import load_file
from torch import nn

from ..audio.mel import MelConfig, log_mel, normalize_waveform
from ..utils.atomic import write_json, write_tensors
from ..utils.checkpoint_check import load_state
from ..utils.checkpoint_files import record_files
from .minilm import VOCAB_SIZE, MiniLMEncoder, _load

log = logging.getLogger(__name__)


@dataclass
class ClapConfig:
    embed_dim: int = 128
    text_tower: str = "minilm"  # minilm (frozen sentence embedding + MLP) | scratch (own token encoder)
    channels: tuple = (16, 32, 64, 128)
    text_width: int = 128
    max_tokens: int = 32
    epochs: int = 12
    batch_size: int = 64
    lr: float = 2e-3
    seed: int = 0


class MelEncoder(nn.Module):
    """Conv blocks over (frames, mels), then mean+max pooling over time and frequency.

    The mel is first averaged over pairs of frames (20 ms hop): events last tens of milliseconds
    at least, and it makes the tower six times cheaper, which the CPU budget needs.
    """

    def __init__(self, channels: tuple, out_dim: int):
        super().__init__()
        layers, c_in = [nn.AvgPool2d((2, 1))], 1
        for c in channels:
            layers += [nn.Conv2d(c_in, c, 3, padding=1), nn.BatchNorm2d(c), nn.ReLU(), nn.AvgPool2d(2)]
            c_in = c
        self.conv = nn.Sequential(*layers)
        self.proj = nn.Sequential(nn.Linear(2 * c_in, c_in), nn.ReLU(), nn.Linear(c_in, out_dim))

    def forward(self, mel: torch.Tensor) -> torch.Tensor:
        x = self.conv((mel.unsqueeze(1) + 4.5) / 2.5)  # rough standardisation of the log-mel
        x = torch.cat([x.mean(dim=(2, 3)), x.amax(dim=(2, 3))], dim=-1)
        return self.proj(x)


class ScratchText(nn.Module):
    """A token encoder trained from scratch (evaluation CLAP): embeddings + 2 transformer layers."""

    def __init__(self, width: int, out_dim: int, max_tokens: int):
        super().__init__()
        self.embed = nn.Embedding(VOCAB_SIZE, width)
        self.pos = nn.Parameter(torch.zeros(1, max_tokens, width))
        layer = nn.TransformerEncoderLayer(width, 4, 2 * width, dropout=0.0, batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
        self.proj = nn.Linear(width, out_dim)

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        x = self.encoder(self.embed(ids) + self.pos[:, : ids.shape[1]], src_key_padding_mask=~mask)
        x = (x * mask.unsqueeze(-1)).sum(1) / mask.sum(1, keepdim=True).clamp_min(1)
        return self.proj(x)


class SmallClap(nn.Module):
    def __init__(self, cfg: ClapConfig):
        super().__init__()
        self.cfg = cfg
        self.audio = MelEncoder(tuple(cfg.channels), cfg.embed_dim)
        if cfg.text_tower == "minilm":
            self.text = nn.Sequential(nn.Linear(384, 2 * cfg.embed_dim), nn.ReLU(), nn.Linear(2 * cfg.embed_dim, cfg.embed_dim))
        else:
            self.text = ScratchText(cfg.text_width, cfg.embed_dim, cfg.max_tokens)
        self.logit_scale = nn.Parameter(torch.tensor(float(np.log(1 / 0.07))))

    def text_inputs(self, captions: list[str]) -> tuple[torch.Tensor, ...]:
        """What the text tower consumes: the frozen MiniLM sentence embedding, or token ids."""
        if self.cfg.text_tower == "minilm":
            return (MiniLMEncoder(self.cfg.max_tokens).sentence(captions),)
        tok, _ = _load("cpu")
        batch = tok(list(captions), padding="max_length", truncation=True, max_length=self.cfg.max_tokens, return_tensors="pt")
        return batch["input_ids"], batch["attention_mask"].bool()

    def encode_text(self, *inputs: torch.Tensor) -> torch.Tensor:
        return F.normalize(self.text(*inputs), dim=-1)

    def encode_audio(self, mel: torch.Tensor) -> torch.Tensor:
        return F.normalize(self.audio(mel), dim=-1)


def clip_loss(audio: torch.Tensor, text: torch.Tensor, logit_scale: torch.Tensor) -> torch.Tensor:
    logits = logit_scale.exp().clamp(max=100) * audio @ text.T
    target = torch.arange(len(audio))
    return 0.5 * (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target))


def train_small_clap(mel_train: torch.Tensor, captions_train: list[str], mel_valid: torch.Tensor,
                     captions_valid: list[str], cfg: ClapConfig) -> tuple[SmallClap, dict]:
    """Train on precomputed log-mels; return the model and validation retrieval scores."""
    torch.manual_seed(cfg.seed)
    model = SmallClap(cfg)
    text_train = model.text_inputs(captions_train)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=0.01)
    steps = cfg.epochs * max(1, len(mel_train) // cfg.batch_size)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=cfg.lr, total_steps=steps, pct_start=0.1)
    g = torch.Generator().manual_seed(cfg.seed)
    step = 0
    for epoch in range(cfg.epochs):
        model.train()
        order = torch.randperm(len(mel_train), generator=g)
        losses = []
        for i in range(0, len(order) - cfg.batch_size + 1, cfg.batch_size):
            idx = order[i:i + cfg.batch_size]
            loss = clip_loss(model.encode_audio(mel_train[idx]), model.encode_text(*(t[idx] for t in text_train)),
                             model.logit_scale)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            step += 1
            losses.append(loss.item())
        log.info("clap epoch %d/%d loss %.3f", epoch + 1, cfg.epochs, float(np.mean(losses)))
    scores = retrieval(model, mel_valid, captions_valid)
    log.info("clap validation %s", scores)
    return model, scores


def train_on_corpus(rows: list[dict], audio_root: str | Path, mel: MelConfig, clip_seconds: float,
                    cfg: ClapConfig) -> tuple[SmallClap, dict]:
    """Train on the captioned train clips of a manifest; validate on its captioned valid clips."""
    from ..audio.waveforms import load_waveforms, waveforms_to_mel
    from ..data.clips import clip_paths, select

    sets = {s: select(rows, s, captioned=True) for s in ("train", "valid")}
    mels = {s: waveforms_to_mel(load_waveforms(clip_paths(r, audio_root), mel.sample_rate, clip_seconds), mel)
            for s, r in sets.items()}
    return train_small_clap(mels["train"], [r["caption"] for r in sets["train"]], mels["valid"],
                            [r["caption"] for r in sets["valid"]], cfg)


@torch.no_grad()
def retrieval(model: SmallClap, mel: torch.Tensor, captions: list[str]) -> dict:
    """Text→audio recall@1/@5 over the set, and the mean matched cosine."""
    model.eval()
    a = model.encode_audio(mel)
    t = model.encode_text(*model.text_inputs(captions))
    sim = t @ a.T
    rank = (sim > sim.diag().unsqueeze(1)).sum(1)
    return {"t2a_r1": float((rank < 1).float().mean()), "t2a_r5": float((rank < 5).float().mean()),
            "matched_cosine": float(sim.diag().mean()), "clips": len(captions)}


def save_clap(model: SmallClap, folder: str | Path, extra: dict | None = None) -> None:
    folder = Path(folder)
    write_tensors(folder / "model.safetensors", {k: v.contiguous() for k, v in model.state_dict().items()})
    write_json(folder / "clap.json", {"config": asdict(model.cfg), **(extra or {})})


def load_clap(folder: str | Path) -> SmallClap:
    folder = Path(folder)
    cfg = ClapConfig(**json.loads((folder / "clap.json").read_text())["config"])
    model = SmallClap(cfg)
    load_state(model, load_file(str(folder / "model.safetensors")), folder / "model.safetensors",
               "a small CLAP of the config in clap.json")
    record_files(folder / "clap.json", folder / "model.safetensors")
    return model.eval()


class SmallClapEmbedder:
    """The CLAP interface the rest of the workflow uses: text and 16 kHz audio -> unit vectors."""

    def __init__(self, folder: str | Path, mel: MelConfig, clip_seconds: float):
        self.model = load_clap(folder)
        self.mel, self.clip_samples = mel, int(round(clip_seconds * mel.sample_rate))
        self.dim = self.model.cfg.embed_dim
        self.name = f"small CLAP ({self.model.cfg.text_tower} text tower) {Path(folder).name}"

    @torch.no_grad()
    def embed_text(self, captions: list[str]) -> torch.Tensor:
        return self.model.encode_text(*self.model.text_inputs(list(captions)))

    @torch.no_grad()
    def embed_audio(self, waves: list[np.ndarray]) -> torch.Tensor:
        batch = np.stack([normalize_waveform(w, self.clip_samples) for w in waves])
        return self.model.encode_audio(log_mel(torch.from_numpy(batch), self.mel))


class SmallClapBackbone(SmallClapEmbedder):
    """The small CLAP as an evaluation backbone (the CLAP score of the embedded default)."""

    loading = "plain"

    def __init__(self, folder: str | Path, mel: MelConfig, clip_seconds: float):
        super().__init__(folder, mel, clip_seconds)
        self.checkpoint = str(Path(folder) / "model.safetensors")
        self.checkpoint_path = self.checkpoint  # the weights alone identify it (not the folder's logs)
        self.sample_rate = mel.sample_rate

    def embed(self, waves, sample_rate: int) -> dict:
        if sample_rate != self.sample_rate:
            raise ValueError(f"{self.name}: audio at {sample_rate} Hz, the model takes {self.sample_rate} Hz")
        return {"embedding": self.embed_audio(list(waves)).numpy()}

    def embed_text(self, captions: list[str]) -> np.ndarray:  # numpy, as the other evaluation backbones
        return super().embed_text(captions).numpy()
