"""The MAR backbone shared by the IMPACT teacher and the AudioDEAR student.

An MAE-style encoder/decoder transformer over latent tokens (Li et al. 2024, as IMPACT uses it):

- the conditioning sequence (L tokens: Flan-T5 / MiniLM tokens and one CLAP token tiled to the
  same width, projected by one linear layer) sits before the N audio tokens, where MAR keeps its
  class-embedding buffer;
- the encoder sees the conditioning and only the *unmasked* audio tokens;
- the decoder re-inserts a learned mask token at the masked positions and runs over all L + N
  positions; its audio-position outputs plus a learned position embedding are h, the per-token
  context that the head turns into a token (and that the student distils from the teacher);
- classifier-free guidance replaces the conditioning with a learned "fake" vector (MAR's
  ``fake_latent``), for dropped samples in training and for the unconditional branch at sampling.

Every sample of a batch has the same number of masked tokens (MAR draws one mask ratio per batch),
so the encoder's token gather is a plain reshape.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from .transformer import Block


@dataclass
class BackboneConfig:
    token_dim: int = 128  # C: VAE channels x patch area
    seq_len: int = 64  # N audio tokens
    cond_len: int = 33  # L conditioning tokens (text-slot tokens + 1 CLAP token)
    cond_dim: int = 384  # width of a conditioning token (Flan-T5-large: 1024; CLAP 512 tiled to it)
    width: int = 256
    encoder_depth: int = 3
    decoder_depth: int = 3
    heads: int = 4
    mlp_ratio: float = 4.0
    mask_ratio_min: float = 0.7
    attn_dropout: float = 0.1
    proj_dropout: float = 0.1


class MARBackbone(nn.Module):
    def __init__(self, cfg: BackboneConfig):
        super().__init__()
        self.cfg = cfg
        d, n_all = cfg.width, cfg.cond_len + cfg.seq_len
        self.cond_proj = nn.Linear(cfg.cond_dim, d)
        self.fake_latent = nn.Parameter(torch.zeros(1, d))
        self.z_proj = nn.Linear(cfg.token_dim, d)
        self.z_proj_ln = nn.LayerNorm(d, eps=1e-6)
        self.encoder_pos_embed_learned = nn.Parameter(torch.zeros(1, n_all, d))
        block = lambda: Block(d, cfg.heads, cfg.mlp_ratio, cfg.attn_dropout, cfg.proj_dropout)  # noqa: E731
        self.encoder_blocks = nn.ModuleList([block() for _ in range(cfg.encoder_depth)])
        self.encoder_norm = nn.LayerNorm(d, eps=1e-6)
        self.decoder_embed = nn.Linear(d, d)
        self.mask_token = nn.Parameter(torch.zeros(1, 1, d))
        self.decoder_pos_embed_learned = nn.Parameter(torch.zeros(1, n_all, d))
        self.decoder_blocks = nn.ModuleList([block() for _ in range(cfg.decoder_depth)])
        self.decoder_norm = nn.LayerNorm(d, eps=1e-6)
        self.diffusion_pos_embed_learned = nn.Parameter(torch.zeros(1, cfg.seq_len, d))
        self._init_weights()

    def _init_weights(self) -> None:
        for p in (self.fake_latent, self.mask_token):
            nn.init.normal_(p, std=0.02)
        for p in (self.encoder_pos_embed_learned, self.decoder_pos_embed_learned, self.diffusion_pos_embed_learned):
            nn.init.trunc_normal_(p, std=0.02)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.xavier_uniform_(m.weight)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, nn.LayerNorm) and m.elementwise_affine:
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)

    # --- conditioning ------------------------------------------------------------------------------
    def condition(self, seq: torch.Tensor) -> torch.Tensor:
        """Project the (B, L, cond_dim) conditioning sequence (see ``text.conditioning``) to the width."""
        return self.cond_proj(seq)

    def null_condition(self, batch: int) -> torch.Tensor:
        return self.fake_latent.unsqueeze(1).expand(batch, self.cfg.cond_len, -1)

    # --- masking ---------------------------------------------------------------------------------
    @functools.cached_property
    def mask_ratio_law(self):
        """MAR's mask-ratio law: a normal centred on 1.0 (std 0.25) truncated to [min, 1]. Built on
        first use, and scipy imported then: only training draws ratios, and the import costs every
        job 0.5 s."""
        from scipy import stats

        return stats.truncnorm((self.cfg.mask_ratio_min - 1.0) / 0.25, 0, loc=1.0, scale=0.25)

    def draw_mask_ratio(self, rng: np.random.Generator) -> float:
        return float(self.mask_ratio_law.rvs(1, random_state=rng)[0])

    @staticmethod
    def mask_from_order(order: torch.Tensor, num_masked: int) -> torch.Tensor:
        """Mask the first ``num_masked`` positions of each sample's random order (True = masked)."""
        mask = torch.zeros(order.shape, dtype=torch.bool, device=order.device)
        mask.scatter_(1, order[:, :num_masked], True)
        return mask

    # --- forward ---------------------------------------------------------------------------------
    def forward(self, tokens: torch.Tensor, mask: torch.Tensor, cond: torch.Tensor,
                drop: torch.Tensor | None = None) -> torch.Tensor:
        """tokens (B, N, C), mask (B, N) True = masked, cond (B, L, D) -> h (B, N, D).

        ``drop`` (B,) bool replaces a sample's conditioning by the learned fake latent.
        """
        b, n, _ = tokens.shape
        if drop is not None:
            cond = torch.where(drop.view(b, 1, 1), self.null_condition(b).to(cond.dtype), cond)
        x = torch.cat([cond, self.z_proj(tokens)], dim=1)
        x = self.z_proj_ln(x + self.encoder_pos_embed_learned)
        keep = torch.cat([torch.ones(b, self.cfg.cond_len, dtype=torch.bool, device=mask.device), ~mask], dim=1)
        x = x[keep].reshape(b, -1, x.shape[-1])
        for blk in self.encoder_blocks:
            x = blk(x)
        x = self.decoder_embed(self.encoder_norm(x))
        full = self.mask_token.to(x.dtype).expand(b, keep.shape[1], -1).clone()
        full[keep] = x.reshape(-1, x.shape[-1])
        x = full + self.decoder_pos_embed_learned
        for blk in self.decoder_blocks:
            x = blk(x)
        x = self.decoder_norm(x)[:, self.cfg.cond_len:]
        return x + self.diffusion_pos_embed_learned
