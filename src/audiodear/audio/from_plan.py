"""Build the plan's VAE codec and vocoder (embedded or pretrained) for a job."""
from __future__ import annotations

from .mel import MelConfig


def codec_from_plan(plan, vae_folder: str, device: str = "cpu"):
    from .vae import LatentCodec, load_vae

    # The latent geometry the plan's patching and token sizes were set for.
    expect = {"latent_channels": int(plan.vae.latent_channels), "block_out_channels": list(plan.vae.block_out_channels)}
    return LatentCodec(load_vae(vae_folder, device, expect))


def vocoder_from_plan(plan, device: str = "cpu"):
    from .vocoder import build_vocoder

    mel = MelConfig.from_plan(plan.audio)
    if plan.vocoder.kind == "hifigan":  # its rate, hop and mel bins must be the plan's frontend's
        return build_vocoder("hifigan", path=plan.vocoder.path, device=device, mel=mel)
    return build_vocoder("griffin_lim", n_iter=plan.vocoder.n_iter, inverse_iterations=plan.vocoder.inverse_iterations,
                         **{k: getattr(mel, k) for k in MelConfig.__dataclass_fields__})
