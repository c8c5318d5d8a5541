"""Training the embedded default's VAE: AudioLDM's autoencoder family, small, on the corpus mels.

The architecture is diffusers' ``AutoencoderKL`` (AudioLDM's VAE at paper scale) with fewer
channels. AudioLDM trains its VAE with L1 reconstruction + KL + adversarial/perceptual terms; the
embedded VAE uses L1 + a small KL weight only (no discriminator: it would not train in the CPU
budget, and the latent geometry, not mel sharpness, is what the generators depend on). Training
uses random time crops (the model is fully convolutional). Afterwards the latent scaling factor is
set as LDM's ``scale_by_std`` does: 1 / std of the training latents (``train_embedded_vae``).
"""
from __future__ import annotations

import logging
import time
import torch
import torch.nn.functional as F

from ..config.schema import Vae, VaeTrain
from .vae import build_vae, estimate_scaling_factor, set_scaling_factor

log = logging.getLogger(__name__)


def _kl(posterior) -> torch.Tensor:
    return posterior.kl().mean()


def train_vae(vae, mel_train: torch.Tensor, cfg: VaeTrain) -> dict:
    """Train ``vae`` in place on (N, T, F) log-mels; return losses."""
    g = torch.Generator().manual_seed(cfg.seed)
    torch.manual_seed(cfg.seed)
    opt = torch.optim.AdamW(vae.parameters(), lr=cfg.lr, weight_decay=0.0)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=cfg.lr, total_steps=cfg.steps, pct_start=0.05)
    n, t_all, _ = mel_train.shape
    crop = min(cfg.crop_frames, t_all)
    vae.train()
    t0, history = time.time(), []
    for step in range(cfg.steps):
        idx = torch.randint(0, n, (cfg.batch_size,), generator=g)
        starts = torch.randint(0, t_all - crop + 1, (cfg.batch_size,), generator=g)
        x = torch.stack([mel_train[i, s:s + crop] for i, s in zip(idx.tolist(), starts.tolist())]).unsqueeze(1)
        posterior = vae.encode(x).latent_dist
        recon = vae.decode(posterior.sample(generator=g)).sample
        rec = F.l1_loss(recon, x)
        loss = rec + cfg.kl_weight * _kl(posterior)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(vae.parameters(), 1.0)
        opt.step()
        sched.step()
        history.append(rec.item())
        if (step + 1) % 100 == 0 or step + 1 == cfg.steps:
            log.info("vae step %d/%d mel L1 %.4f (%.1f s)", step + 1, cfg.steps, sum(history[-100:]) / len(history[-100:]),
                     time.time() - t0)
    vae.eval()
    return {"steps": cfg.steps, "final_train_l1": sum(history[-100:]) / len(history[-100:]), "seconds": time.time() - t0}


@torch.no_grad()
def reconstruction_l1(vae, mel: torch.Tensor, batch: int = 64) -> float:
    errs = []
    for i in range(0, len(mel), batch):
        x = mel[i:i + batch].unsqueeze(1)
        errs.append((vae.decode(vae.encode(x).latent_dist.mean).sample - x).abs().mean(dim=(1, 2, 3)))
    return float(torch.cat(errs).mean())


def build_embedded_vae(cfg: Vae):
    """The untrained embedded VAE of the plan's ``vae`` section."""
    return build_vae({"block_out_channels": list(cfg.block_out_channels), "layers_per_block": cfg.layers_per_block,
                      "latent_channels": cfg.latent_channels, "norm_num_groups": cfg.norm_num_groups})


def train_embedded_vae(cfg: Vae, mel_train: torch.Tensor, mel_valid: torch.Tensor):
    """The embedded VAE of the plan's ``vae`` section, trained and scaled; returns (vae, stats)."""
    vae = build_embedded_vae(cfg)
    stats = train_vae(vae, mel_train, cfg.train)
    # LDM's scale_by_std on (at most) 256 training clips: enough for a stable std, bounded memory.
    scale = estimate_scaling_factor(vae.encode(mel_train[:256].unsqueeze(1)).latent_dist.mean.detach())
    set_scaling_factor(vae, scale)
    stats.update(scaling_factor=scale, valid_mel_l1=reconstruction_l1(vae, mel_valid))
    return vae, stats
