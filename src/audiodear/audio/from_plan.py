"""Build the plan's VAE codec and vocoder (embedded or pretrained) for a job."""
from __future__ import annotations

from .mel import MelConfig


def codec_from_plan(plan, vae_folder: str, device: str = "cpu"):
    from .vae import LatentCodec, load_vae

    return LatentCodec(load_vae(vae_folder, device))


def vocoder_from_plan(plan, device: str = "cpu"):
    from .vocoder import build_vocoder

    if plan.vocoder.kind == "hifigan":
        return build_vocoder("hifigan", path=plan.vocoder.path, device=device)
    mel = MelConfig.from_plan(plan.audio)
    return build_vocoder("griffin_lim", n_iter=plan.vocoder.n_iter, inverse_iterations=plan.vocoder.inverse_iterations,
                         **{k: getattr(mel, k) for k in MelConfig.__dataclass_fields__})
