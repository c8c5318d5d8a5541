"""The embedded default's evaluation networks: small stand-ins for Cnn14 and VGGish, trained in the
DAG on the procedural corpus's event-kind labels.

- ``SmallCnn14``: Cnn14's recipe, made small enough to train on two CPU cores in about a minute:
  log-mel (the project's FFT frontend, 64 bins from 50 to 8000 Hz like Cnn14-16k, at a 20 ms
  hop), bn0 over mel bins, conv-BN-ReLU blocks with average pooling, mean over frequency, max +
  mean over time, fc1 + ReLU = the embedding, a linear layer = the logits. The embedding is small
  (128-d by default) so that FD is well defined with ~200 test clips. Used for FD, KL and IS.
- ``SmallVGGish``: VGGish's recipe at a fraction of its width (torchvggish's 0.96 s log-mel
  examples, conv + max-pool stacks, fully connected layers). ``embed_frames`` returns the last
  linear layer before its ReLU, as FAD uses VGGish; a classification head on top (training only)
  predicts the clip's kinds, with the clip's logits taken as the max over its frames.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

from ...audio.mel import MelConfig, log_mel


@dataclass(frozen=True)
class SmallCnn14Config:
    classes: tuple[str, ...]
    widths: tuple[int, ...] = (16, 32, 64, 128)
    embedding_dim: int = 128
    sample_rate: int = 16000
    n_fft: int = 512
    hop_length: int = 320  # 20 ms
    n_mels: int = 64
    fmin: float = 50.0
    fmax: float = 8000.0
    pool0: tuple[int, int] = (2, 2)  # average-pool (time, mel) before the convs: 40 ms x 32 bands
    dropout: float = 0.1

    def as_dict(self) -> dict:
        return asdict(self)

    def mel(self) -> MelConfig:
        return MelConfig(sample_rate=self.sample_rate, n_fft=self.n_fft, hop_length=self.hop_length,
                         win_length=self.n_fft, n_mels=self.n_mels, fmin=self.fmin, fmax=self.fmax)


def conv_bn_relu(c_in: int, c_out: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU(inplace=True))


class SmallCnn14(nn.Module):
    def __init__(self, cfg: SmallCnn14Config):
        super().__init__()
        self.cfg = cfg
        self.bn0 = nn.BatchNorm2d(cfg.n_mels)
        chans = (1, *cfg.widths)
        self.blocks = nn.ModuleList(conv_bn_relu(chans[i], chans[i + 1]) for i in range(len(cfg.widths)))
        self.fc1 = nn.Linear(cfg.widths[-1], cfg.embedding_dim)
        self.fc_out = nn.Linear(cfg.embedding_dim, len(cfg.classes))

    def log_mel(self, wave: torch.Tensor) -> torch.Tensor:
        """(B, samples) -> (B, 1, frames, n_mels) with the project's mel frontend; frozen, so cacheable."""
        return log_mel(wave, self.cfg.mel()).unsqueeze(1)

    def forward_mel(self, mel: torch.Tensor) -> dict[str, torch.Tensor]:
        x = self.bn0(mel.transpose(1, 3)).transpose(1, 3)  # normalise per mel bin, as Cnn14's bn0
        x = F.avg_pool2d(x, self.cfg.pool0)
        for block in self.blocks:
            x = F.dropout(F.avg_pool2d(block(x), 2), p=self.cfg.dropout, training=self.training)
        x = torch.mean(x, dim=3)
        x = torch.max(x, dim=2).values + torch.mean(x, dim=2)
        embedding = F.relu(self.fc1(x))
        return {"embedding": embedding, "logits": self.fc_out(embedding)}

    def forward(self, wave: torch.Tensor) -> dict[str, torch.Tensor]:
        return self.forward_mel(self.log_mel(wave))


@dataclass(frozen=True)
class SmallVGGishConfig:
    classes: tuple[str, ...]
    widths: tuple[int, ...] = (16, 32, 64)
    hidden_dim: int = 256
    embedding_dim: int = 128
    sample_rate: int = 16000
    example_frames: int = 96  # torchvggish examples: 96 frames of 10 ms x 64 mel bands
    mel_bands: int = 64
    pool0: tuple[int, int] = (2, 2)  # average-pool (time, mel) before the convs, for CPU speed

    def as_dict(self) -> dict:
        return asdict(self)


class SmallVGGish(nn.Module):
    def __init__(self, cfg: SmallVGGishConfig):
        super().__init__()
        self.cfg = cfg
        self.bn0 = nn.BatchNorm2d(cfg.mel_bands)
        layers, c_in = [], 1
        for width in cfg.widths:
            layers += [nn.Conv2d(c_in, width, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(2, 2)]
            c_in = width
        self.features = nn.Sequential(*layers)
        frames, bands = cfg.example_frames // cfg.pool0[0], cfg.mel_bands // cfg.pool0[1]
        pooled = (frames >> len(cfg.widths)) * (bands >> len(cfg.widths))
        self.embeddings = nn.Sequential(nn.Linear(c_in * pooled, cfg.hidden_dim), nn.ReLU(inplace=True),
                                        nn.Linear(cfg.hidden_dim, cfg.embedding_dim))
        self.head = nn.Linear(cfg.embedding_dim, len(cfg.classes))

    def embed_frames(self, examples: torch.Tensor) -> torch.Tensor:
        """(F, 1, 96, 64) log-mel examples -> (F, embedding_dim), before the final ReLU."""
        x = self.bn0(examples.transpose(1, 3)).transpose(1, 3)
        x = self.features(F.avg_pool2d(x, self.cfg.pool0))
        return self.embeddings(x.flatten(1))

    def clip_logits(self, examples: torch.Tensor) -> torch.Tensor:
        """(B, frames, 1, 96, 64) -> (B, classes): max over frames of each frame's logits."""
        b, f = examples.shape[:2]
        frame_logits = self.head(F.relu(self.embed_frames(examples.flatten(0, 1))))
        return frame_logits.view(b, f, -1).max(dim=1).values
