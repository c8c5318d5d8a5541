"""The reconstruction table from the plan: its VAE and vocoder on the first test clips."""
import numpy as np
import torch
from omegaconf import OmegaConf

from audiodear.audio.io import write_wav
from audiodear.audio.reconstruction import model_names, reconstruction_from_plan
from audiodear.audio.vae import save_vae
from audiodear.audio.vae_train import build_embedded_vae
from audiodear.config import compose


def test_table_of_the_plans_vae_and_vocoder_on_the_first_clips(tmp_path):
    plan = compose("smoke", ["vae.block_out_channels=[8,16,16]", "vae.norm_num_groups=4", "vocoder.n_iter=2"])
    torch.manual_seed(0)
    save_vae(build_embedded_vae(plan.vae).eval(), tmp_path / "vae")
    t = np.arange(int(2.56 * 16000)) / 16000
    paths = []
    for i, freq in enumerate((220.0, 440.0, 880.0)):
        paths.append(tmp_path / f"clip{i}.wav")
        write_wav(paths[-1], 0.3 * np.sin(2 * np.pi * freq * t), 16000)
    frame, title, notes = reconstruction_from_plan(plan, paths, str(tmp_path / "vae"), max_clips=2)
    assert title == "Reconstruction quality (smoke)" and notes[-1] == "first 2 clips of the test set"
    assert frame.clips.tolist() == [2, 2, 2]
    assert frame.model.tolist() == ["embedded VAE (trained in the DAG)", "Griffin-Lim (2 it.)",
                                    "embedded VAE (trained in the DAG) + Griffin-Lim (2 it.)"]
    assert np.isnan(frame.snr_db[0]) and np.isfinite(frame.snr_db[1:]).all()
    assert (frame.mel_l1 > 0).all() and np.isfinite(frame.mel_l1).all()


def test_pretrained_models_are_named_by_their_paths():
    vae = OmegaConf.create({"kind": "pretrained", "path": "/models/audioldm-vae"})
    vocoder = OmegaConf.create({"kind": "hifigan", "path": "/models/hifigan", "n_iter": 32})
    assert model_names(vae, vocoder) == ("AudioLDM VAE (/models/audioldm-vae)", "HiFi-GAN (/models/hifigan)")
