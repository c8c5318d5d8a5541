"""Build the VAE codec and vocoder (embedded or pretrained) from the plan's sections for a job."""
from __future__ import annotations

from dataclasses import fields

from .mel import MelConfig, mel_config


def codec_from_plan(vae, vae_folder: str, device: str = "cpu"):
    """``vae``: the plan's ``vae`` section; ``vae_folder``: the folder the rule resolved."""
    from .vae import LatentCodec, load_vae

    # The latent geometry the plan's patching and token sizes were set for.
    expect = {"latent_channels": int(vae.latent_channels), "block_out_channels": list(vae.block_out_channels)}
    return LatentCodec(load_vae(vae_folder, device, expect))


def vocoder_from_plan(vocoder, audio, device: str = "cpu"):
    """``vocoder`` and ``audio``: the plan's sections of those names."""
    from .vocoder import build_vocoder

    mel = mel_config(audio)
    if vocoder.kind == "hifigan":  # its rate, hop and mel bins must be the plan's frontend's
        return build_vocoder("hifigan", path=vocoder.path, device=device, mel=mel)
    return build_vocoder("griffin_lim", n_iter=vocoder.n_iter, inverse_iterations=vocoder.inverse_iterations,
                         **{f.name: getattr(mel, f.name) for f in fields(MelConfig)})
