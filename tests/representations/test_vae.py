"""AudioLDM's VAE: published size, shapes at both scales, the folder round trip, the scaling factor.

Published size: diffusers' AudioLDM conversion maps AudioLDM's first-stage ddconfig (ch 128,
ch_mult [1, 2, 4], num_res_blocks 2, z_channels 8, in/out 1) to AutoencoderKL(block_out_channels
(128, 256, 512), layers_per_block 2, latent_channels 8); the same config.json ships in
cvssp/audioldm2/vae. That architecture has 55,376,873 float32 parameters = 221.5 MB, which is the
222 MB of huggingface.co/cvssp/audioldm-s-full-v2/tree/main/vae/diffusion_pytorch_model.safetensors.
"""
import pytest
import torch

from audiodear.audio.vae import (LatentCodec, audioldm_vae_config, build_vae, estimate_scaling_factor, load_vae,
                                 save_vae, set_scaling_factor)
from audiodear.errors import CheckpointError, ConfigError

AUDIOLDM_VAE_PARAMS = 55_376_873
# The embedded default's typical size, and a tinier one of the same family for numeric round trips.
SMALL = dict(block_out_channels=(32, 64, 64), layers_per_block=1, latent_channels=8, norm_num_groups=16)
TINY = dict(block_out_channels=(8, 16, 16), layers_per_block=1, latent_channels=8, norm_num_groups=4)


def small_vae(seed=0, config=TINY):
    torch.manual_seed(seed)
    return build_vae(config).eval()


def test_audioldm_architecture_has_the_published_size():
    with torch.device("meta"):
        vae = build_vae(audioldm_vae_config())
    n = sum(p.numel() for p in vae.parameters())
    assert n == AUDIOLDM_VAE_PARAMS
    assert round(n * 4 / 1e6) == 222  # MB of the published float32 safetensors file


def test_audioldm_architecture_maps_10_24_s_to_256x16x8():
    with torch.device("meta"):
        codec = LatentCodec(build_vae(audioldm_vae_config()))
        z = codec.encode(torch.empty(1, 1024, 64))
        mel = codec.decode(z)
    assert tuple(z.shape) == (1, 8, 256, 16)
    assert tuple(mel.shape) == (1, 1024, 64)
    assert codec.latent_shape(1024, 64) == (8, 256, 16)


@pytest.mark.parametrize("config, frames, latent", [(SMALL, 256, (1, 8, 64, 16)), (TINY, 1024, (1, 8, 256, 16))])
def test_small_vaes_of_the_same_family_give_the_same_shapes(config, frames, latent):
    codec = LatentCodec(small_vae(config=config))
    mel = torch.randn(1, frames, 64)
    z = codec.encode(mel)
    assert tuple(z.shape) == latent
    assert tuple(codec.decode(z).shape) == (1, frames, 64)


def test_saved_folder_loads_back_with_identical_outputs(tmp_path):
    vae = small_vae()
    set_scaling_factor(vae, 0.75)
    save_vae(vae, tmp_path / "vae")
    assert (tmp_path / "vae" / "config.json").is_file()
    assert (tmp_path / "vae" / "diffusion_pytorch_model.safetensors").is_file()
    loaded = load_vae(tmp_path / "vae")
    a, b = LatentCodec(vae), LatentCodec(loaded)
    assert b.scaling_factor == 0.75
    mel = torch.randn(2, 64, 64)
    za, zb = a.encode(mel), b.encode(mel)
    assert torch.equal(za, zb)
    assert torch.equal(a.decode(za), b.decode(zb))


def test_saving_over_an_existing_folder_replaces_it(tmp_path):
    save_vae(small_vae(0), tmp_path / "vae")
    second = small_vae(1)
    save_vae(second, tmp_path / "vae")
    mel = torch.randn(1, 64, 64)
    assert torch.equal(LatentCodec(load_vae(tmp_path / "vae")).encode(mel), LatentCodec(second).encode(mel))
    assert [p.name for p in tmp_path.iterdir()] == ["vae"]


def test_scaling_factor_round_trip():
    vae = small_vae()
    codec = LatentCodec(vae)
    mel = torch.randn(4, 64, 64) * 2.0 - 5.0
    unscaled = codec.encode_unscaled(mel)
    factor = estimate_scaling_factor(unscaled)
    assert factor == pytest.approx(1.0 / unscaled.std().item(), rel=1e-6)
    set_scaling_factor(vae, factor)
    scaled_codec = LatentCodec(vae)
    z = scaled_codec.encode(mel)
    assert z.std().item() == pytest.approx(1.0, rel=1e-4)
    assert torch.allclose(z, unscaled * factor)
    # decode divides by the same factor: it equals the raw decoder on the unscaled latent
    assert torch.allclose(scaled_codec.decode(z), vae.decode(unscaled).sample.squeeze(1), atol=1e-5)


def test_mean_is_deterministic_and_sampling_is_seeded():
    codec = LatentCodec(small_vae())
    mel = torch.randn(1, 64, 64)
    assert torch.equal(codec.encode(mel), codec.encode(mel))
    s1 = codec.encode(mel, sample=True, generator=torch.Generator().manual_seed(3))
    s2 = codec.encode(mel, sample=True, generator=torch.Generator().manual_seed(3))
    assert torch.equal(s1, s2)
    assert not torch.equal(s1, codec.encode(mel))


def test_bad_inputs_are_refused(tmp_path):
    codec = LatentCodec(small_vae())
    with pytest.raises(ConfigError, match="multiples of 4"):
        codec.encode(torch.randn(1, 250, 64))
    with pytest.raises(ConfigError, match="config.json"):
        load_vae(tmp_path)
    with pytest.raises(ConfigError, match="norm_num_groups"):
        build_vae(dict(block_out_channels=(24, 64), norm_num_groups=16))
    with pytest.raises(ConfigError, match="unknown"):
        build_vae(dict(channels=3))


def _drop_tensors(weights, prefix):
    from safetensors.torch import load_file, save_file
    state = load_file(str(weights))
    save_file({k: v for k, v in state.items() if not k.startswith(prefix)}, str(weights), metadata={"format": "pt"})


def test_a_vae_without_its_decoder_is_refused(tmp_path):
    """A truncated download: diffusers would build the decoder at random and say so in a warning."""
    save_vae(small_vae(), tmp_path / "vae")
    weights = tmp_path / "vae" / "diffusion_pytorch_model.safetensors"
    _drop_tensors(weights, "decoder.")
    with pytest.raises(CheckpointError, match=rf"{weights}: not an AudioLDM-family VAE; \d+ tensor\(s\) of the model "
                                              r"are missing from the file: decoder\.conv_in\.bias"):
        load_vae(tmp_path / "vae")


def test_an_image_vae_or_another_latent_geometry_is_refused(tmp_path):
    from diffusers import AutoencoderKL
    # Stable Diffusion's VAE family: RGB in and out, 4 latent channels
    image_vae = AutoencoderKL(in_channels=3, out_channels=3, block_out_channels=(8, 16), layers_per_block=1,
                              latent_channels=4, norm_num_groups=4,
                              down_block_types=["DownEncoderBlock2D"] * 2, up_block_types=["UpDecoderBlock2D"] * 2)
    image_vae.save_pretrained(str(tmp_path / "sd"))
    with pytest.raises(CheckpointError, match="in_channels is 3, the project needs 1; out_channels is 3"):
        load_vae(tmp_path / "sd")
    save_vae(small_vae(), tmp_path / "vae")
    with pytest.raises(CheckpointError, match=r"latent_channels is 8, the project needs 4"):
        load_vae(tmp_path / "vae", expect={"latent_channels": 4, "block_out_channels": list(TINY["block_out_channels"])})
    load_vae(tmp_path / "vae", expect={"latent_channels": 8, "block_out_channels": list(TINY["block_out_channels"])})


def test_the_files_read_are_recorded_with_their_sha256(tmp_path):
    from audiodear.utils.checkpoint_files import files_read
    from audiodear.utils.hashing import sha256_file
    save_vae(small_vae(), tmp_path / "vae")
    load_vae(tmp_path / "vae")
    for name in ("config.json", "diffusion_pytorch_model.safetensors"):
        path = tmp_path / "vae" / name
        assert files_read()[str(path)] == sha256_file(path)
