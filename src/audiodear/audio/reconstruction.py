"""How much the representation loses: audio → mel → latent → mel → audio on test clips.

Rows separate the two sources of error: the VAE alone (mel in → mel out), the vocoder alone
(ground-truth mel → audio → re-analysed mel) and the whole round trip. Mel L1 is the mean absolute
log-mel difference (natural-log units); SNR compares waveforms sample by sample, so it is only
meaningful for a vocoder that keeps phase (Griffin-Lim invents phase: expect about 0 dB).
``reconstruction_from_plan`` runs it with the plan's VAE and vocoder on the first test clips.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import torch

from .from_plan import codec_from_plan, vocoder_from_plan
from .mel import MelConfig, log_mel, mel_config
from .waveforms import load_waveforms

MAX_CLIPS = 64  # enough for stable means; the vocoder dominates the cost
NOTES = ["mel_l1: mean |log-mel difference| (natural log units) against the input clip's mel",
         "snr_db: waveform SNR; a vocoder that invents phase (Griffin-Lim) scores about 0 dB by construction"]


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


def model_names(vae, vocoder) -> tuple[str, str]:
    """How the table names the plan's ``vae`` and ``vocoder`` sections: what was trained or loaded."""
    vae_name = "embedded VAE (trained in the DAG)" if vae.kind == "embedded" else f"AudioLDM VAE ({vae.path})"
    voc_name = f"Griffin-Lim ({vocoder.n_iter} it.)" if vocoder.kind == "griffin_lim" else f"HiFi-GAN ({vocoder.path})"
    return vae_name, voc_name


def reconstruction_from_plan(plan, paths, vae_folder: str, device: str = "cpu",
                             max_clips: int = MAX_CLIPS) -> tuple[pd.DataFrame, str, list[str]]:
    """The reconstruction table of the plan's VAE (``vae_folder``) and vocoder on the first
    ``max_clips`` of ``paths`` (the test clips' files, in the test set's order): (frame, title, notes).

    The clips are cut or padded to the plan's clip length, as the VAE was trained on them.
    """
    mel = mel_config(plan.audio)
    paths = list(paths)[:max_clips]
    waves = load_waveforms(paths, mel.sample_rate, plan.data.clip_seconds)
    frame = reconstruction_table(waves, mel, codec_from_plan(plan.vae, vae_folder, device),
                                 vocoder_from_plan(plan.vocoder, plan.audio, device),
                                 *model_names(plan.vae, plan.vocoder))
    notes = NOTES + [f"first {len(paths)} clips of the test set"]
    return frame, f"Reconstruction quality ({plan.experiment_name})", notes
