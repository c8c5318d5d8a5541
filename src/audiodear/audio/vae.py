"""AudioLDM's mel VAE (diffusers ``AutoencoderKL``) and the latent codec both scales share.

The paper scale loads AudioLDM's pretrained autoencoder from a local diffusers folder (for example
``audioldm-s-full-v2/vae/`` with ``config.json`` and ``diffusion_pytorch_model.safetensors``).
The embedded default trains a small autoencoder of the same family and saves it in the same
folder format, so one loader serves both.

AudioLDM feeds the log-mel (time first) as a one-channel image (B, 1, T, F); three blocks halve
time and frequency twice, so 1024 x 64 mel frames become an 8 x 256 x 16 latent. Latents are
multiplied by the VAE's ``scaling_factor`` (AudioLDM's ``scale_by_std``: 1 / std of the unscaled
latents on the first training batch) so the generative model sees roughly unit-variance tokens.
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import torch
# The class's own module: ``from diffusers import AutoencoderKL`` imports every diffusers model
# family first, several seconds of start-up for each job that decodes audio.
from diffusers.models.autoencoders.autoencoder_kl import AutoencoderKL

from ..errors import ConfigError
from ..utils.checkpoint_check import check_config_type, check_facts, from_pretrained, weights_file
from ..utils.checkpoint_files import record_folder

# AudioLDM's first-stage ddconfig (ch 128, ch_mult [1, 2, 4], 2 res blocks, z_channels 8) in
# diffusers' terms, as diffusers' AudioLDM conversion script maps it. The published checkpoints
# carry their own learned scaling_factor in config.json; 1.0 here means "not estimated yet".
AUDIOLDM_VAE = {
    "in_channels": 1,
    "out_channels": 1,
    "down_block_types": ["DownEncoderBlock2D"] * 3,
    "up_block_types": ["UpDecoderBlock2D"] * 3,
    "block_out_channels": [128, 256, 512],
    "layers_per_block": 2,
    "latent_channels": 8,
    "norm_num_groups": 32,
    "act_fn": "silu",
    "sample_size": 1024,
    "scaling_factor": 1.0,
}

WEIGHT_FILES = ("diffusion_pytorch_model.safetensors", "diffusion_pytorch_model.bin")


def audioldm_vae_config() -> dict:
    """The published AudioLDM VAE architecture as ``AutoencoderKL`` keyword arguments."""
    return {k: list(v) if isinstance(v, list) else v for k, v in AUDIOLDM_VAE.items()}


def build_vae(config: dict) -> AutoencoderKL:
    """A randomly initialised autoencoder of AudioLDM's family; ``config`` overrides AudioLDM's values.

    A typical embedded config: block_out_channels (32, 64, 64), layers_per_block 1,
    latent_channels 8, norm_num_groups 16.
    """
    cfg = audioldm_vae_config()
    unknown = set(config) - set(cfg) - {"use_quant_conv", "use_post_quant_conv", "mid_block_add_attention", "force_upcast"}
    if unknown:
        raise ConfigError(f"VAE config has unknown field(s) {sorted(unknown)}")
    cfg.update(config)
    blocks = list(cfg["block_out_channels"])
    cfg["block_out_channels"] = blocks
    cfg["down_block_types"] = ["DownEncoderBlock2D"] * len(blocks)
    cfg["up_block_types"] = ["UpDecoderBlock2D"] * len(blocks)
    bad = [c for c in blocks if c % cfg["norm_num_groups"]]
    if bad:
        raise ConfigError(f"VAE field 'norm_num_groups' ({cfg['norm_num_groups']}) must divide every "
                          f"entry of 'block_out_channels' {blocks}")
    return AutoencoderKL(**cfg)


def load_vae(folder: str | Path, device: str | torch.device = "cpu", expect: dict | None = None) -> AutoencoderKL:
    """Load a diffusers-format VAE folder offline; the model is returned in eval mode.

    Every tensor of the encoder and decoder must come from the file (a truncated download is refused,
    not completed with random weights), and the VAE must read and write one-channel mels. ``expect``
    adds config values the caller depends on (the plan's ``latent_channels``, ``block_out_channels``).
    """
    folder = Path(folder)
    if not (folder / "config.json").is_file():
        raise ConfigError(f"{folder}: not a VAE folder (config.json missing)")
    check_config_type(folder, "an AudioLDM-family VAE", class_name="AutoencoderKL")
    weights = weights_file(folder, WEIGHT_FILES, "VAE")
    vae = from_pretrained(AutoencoderKL, folder, weights, "an AudioLDM-family VAE")
    # AudioLDM's VAE reads the log-mel as a one-channel image; an image VAE (3 channels) is not one.
    found = {k: list(v) if isinstance(v, (list, tuple)) else v for k, v in vae.config.items()}
    check_facts(weights, "an AudioLDM-family VAE", found, {"in_channels": 1, "out_channels": 1, **(expect or {})})
    record_folder(folder, weights)
    return vae.to(device).eval()


def save_vae(vae: AutoencoderKL, folder: str | Path) -> None:
    """Write ``config.json`` + ``diffusion_pytorch_model.safetensors``; the folder appears whole or not at all."""
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        vae.save_pretrained(str(tmp), safe_serialization=True)
        if folder.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{folder.name}.old.", dir=folder.parent))
            folder.rename(old / folder.name)
            tmp.rename(folder)
            shutil.rmtree(old)
        else:
            tmp.rename(folder)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)


def estimate_scaling_factor(unscaled_latents: torch.Tensor) -> float:
    """LDM's ``scale_by_std``: 1 / std of a batch of unscaled latents (all elements pooled).

    LDM measures it once, on the first training batch, on posterior samples: pass latents from
    ``LatentCodec.encode_unscaled(mel, sample=True, generator=...)`` to do the same, or posterior
    means to match the deterministic latents this project caches.
    """
    std = unscaled_latents.detach().float().flatten().std()
    if not torch.isfinite(std) or std <= 0:
        raise ValueError(f"cannot estimate a scaling factor: latent std is {std.item()}")
    return float(1.0 / std)


def set_scaling_factor(vae: AutoencoderKL, value: float) -> None:
    """Record the scaling factor in the VAE's config so that ``save_vae`` stores it."""
    vae.register_to_config(scaling_factor=float(value))


class LatentCodec:
    """Log-mel (B, T, F) <-> scaled latent (B, C, T/d, F/d), d = 2 ** (number of blocks - 1)."""

    def __init__(self, vae: AutoencoderKL, scaling_factor: float | None = None):
        self.vae = vae.eval()
        self.scaling_factor = float(vae.config.scaling_factor if scaling_factor is None else scaling_factor)
        self.downsample = 2 ** (len(vae.config.block_out_channels) - 1)
        self.latent_channels = int(vae.config.latent_channels)

    def latent_shape(self, frames: int, n_mels: int) -> tuple[int, int, int]:
        self._check_mel_size(frames, n_mels)
        return self.latent_channels, frames // self.downsample, n_mels // self.downsample

    def _check_mel_size(self, frames: int, n_mels: int) -> None:
        d = self.downsample
        if frames % d or n_mels % d:
            raise ConfigError(f"mel of {frames} frames x {n_mels} bins: both must be multiples of {d} for this VAE "
                              f"(field 'clip_seconds' should give a frame count divisible by {d})")

    @torch.no_grad()
    def encode_unscaled(self, mel: torch.Tensor, sample: bool = False,
                        generator: torch.Generator | None = None) -> torch.Tensor:
        """The posterior mean (or a draw from it) before scaling; for :func:`estimate_scaling_factor`."""
        if mel.dim() != 3:
            raise ConfigError(f"mel must have shape (batch, frames, n_mels), got {tuple(mel.shape)}")
        self._check_mel_size(mel.shape[1], mel.shape[2])
        param = next(self.vae.parameters())
        posterior = self.vae.encode(mel.to(param).unsqueeze(1)).latent_dist
        return posterior.sample(generator=generator) if sample else posterior.mean

    def encode(self, mel: torch.Tensor, sample: bool = False, generator: torch.Generator | None = None) -> torch.Tensor:
        """Scaled latent. The default is the posterior mean, so a clip always maps to the same latent
        (cached latents are reproducible); AudioLDM itself draws ``sample()`` when it trains its LDM,
        which ``sample=True`` with a seeded ``generator`` reproduces."""
        return self.encode_unscaled(mel, sample, generator) * self.scaling_factor

    @torch.no_grad()
    def decode(self, latent: torch.Tensor) -> torch.Tensor:
        """Scaled latent (B, C, H, W) -> log-mel (B, T, F)."""
        if latent.dim() != 4 or latent.shape[1] != self.latent_channels:
            raise ConfigError(f"latent must have shape (batch, {self.latent_channels}, height, width), "
                              f"got {tuple(latent.shape)}")
        param = next(self.vae.parameters())
        mel = self.vae.decode(latent.to(param) / self.scaling_factor).sample
        return mel.squeeze(1)
