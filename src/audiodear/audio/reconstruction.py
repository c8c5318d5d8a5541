"""How much the representation loses: audio → mel → latent → mel → audio on test clips.

Rows separate the two sources of error: the VAE alone (mel in → mel out), the vocoder alone
(ground-truth mel → audio → re-analysed mel) and the whole round trip. Mel L1 is the mean absolute
log-mel difference (natural-log units); SNR compares waveforms sample by sample, so it is only
meaningful for a vocoder that keeps phase (Griffin-Lim invents phase: expect about 0 dB).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import torch

from .mel import MelConfig, log_mel


def _snr(ref: np.ndarray, est: np.ndarray) -> float:
    n = min(ref.shape[-1], est.shape[-1])
    ref, est = ref[..., :n], est[..., :n]
    return float(np.mean(10 * np.log10((ref ** 2).sum(-1) / np.maximum(((ref - est) ** 2).sum(-1), 1e-12))))


@torch.no_grad()
def reconstruction_table(waves: np.ndarray, mel: MelConfig, codec, vocoder, vae_name: str, vocoder_name: str,
                         batch: int = 16) -> pd.DataFrame:
    rows = {"vae": [], "voc": [], "all": []}
    snr_voc, snr_all = [], []
    for i in range(0, len(waves), batch):
        x = torch.from_numpy(waves[i:i + batch])
        m = log_mel(x, mel)
        m_vae = codec.decode(codec.encode(m)).float()
        y_voc, y_all = vocoder(m).cpu(), vocoder(m_vae).cpu()
        rows["vae"].append((m_vae - m).abs().mean(dim=(1, 2)))
        rows["voc"].append((log_mel(y_voc[:, : x.shape[1]], mel) - m).abs().mean(dim=(1, 2)))
        rows["all"].append((log_mel(y_all[:, : x.shape[1]], mel) - m).abs().mean(dim=(1, 2)))
        snr_voc.append(_snr(x.numpy(), y_voc.numpy()))
        snr_all.append(_snr(x.numpy(), y_all.numpy()))
    l1 = {k: torch.cat(v) for k, v in rows.items()}
    return pd.DataFrame([
        {"path": "audio -> mel -> VAE -> mel", "model": vae_name, "mel_l1": float(l1["vae"].mean()),
         "mel_l1_std": float(l1["vae"].std()), "snr_db": np.nan, "clips": len(waves)},
        {"path": "mel -> vocoder -> audio (re-analysed)", "model": vocoder_name, "mel_l1": float(l1["voc"].mean()),
         "mel_l1_std": float(l1["voc"].std()), "snr_db": float(np.mean(snr_voc)), "clips": len(waves)},
        {"path": "audio -> latent -> audio (full round trip)", "model": f"{vae_name} + {vocoder_name}",
         "mel_l1": float(l1["all"].mean()), "mel_l1_std": float(l1["all"].std()), "snr_db": float(np.mean(snr_all)),
         "clips": len(waves)},
    ])
