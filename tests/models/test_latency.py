"""The latency stage's measurement: one row per system and sweep point, decoding timed once per batch."""
import torch

from audiodear.audio.mel import MelConfig
from audiodear.audio.vae import LatentCodec, build_vae
from audiodear.audio.vocoder import GriffinLimVocoder
from audiodear.models.build import build_model, spec_from_preset
from audiodear.sampling.latency import measure
from audiodear.sampling.mar_sampler import SamplingConfig

# 16 mel frames -> a (8, 4, 16) latent -> 4 patches of 4 x 4 x 8 = 128 dims.
VAE = dict(block_out_channels=(8, 16, 16), layers_per_block=1, latent_channels=8, norm_num_groups=4)
META = {"latent_shape": [8, 4, 16], "patch": 4}


def generator(head_kind):
    torch.manual_seed(0)
    head = {"diffusion_batch_mul": 1} if head_kind == "diffusion" else {}
    spec = spec_from_preset("debug", token_dim=128, seq_len=4, cond_len=3, cond_dim=12, head_kind=head_kind, head=head)
    return build_model(spec).eval(), {**META, "spec": spec.to_dict()}


def test_rows_cover_every_sweep_point_and_decoding_is_shared_per_batch():
    torch.manual_seed(0)
    codec = LatentCodec(build_vae(VAE).eval())
    vocoder = GriffinLimVocoder(MelConfig(), n_iter=2, inverse_iterations=2)
    teacher, teacher_meta = generator("diffusion")
    student, student_meta = generator("energy")
    systems = {
        "teacher": (teacher, teacher_meta, SamplingConfig(precision="fp32", iterations=2, cfg_level="noise", cfg_scale=3.0, diffusion_steps=4)),
        "student": (student, student_meta, SamplingConfig(precision="fp32", iterations=2, cfg_level="representation", cfg_scale=3.0)),
    }
    cond = torch.randn(3, 3, 12)
    frame = measure(systems, cond, codec, vocoder, batch_sizes=[1, 2], iterations=[1, 2, 4], default_iterations=2)

    assert len(frame) == 2 * (2 + 2)  # per system: 2 batch sizes + the 2 non-default iteration counts
    assert sorted(frame[frame.sweep == "iterations"].iterations.unique()) == [1, 4]
    assert (frame[frame.sweep == "iterations"].batch_size == 8).all()
    assert (frame[frame.system == "teacher"].head_steps == 4).all()
    assert (frame[frame.system == "student"].head_steps == 1).all()
    # every repeat is kept (the speed claim bootstraps them) and the FLOPs the sizes predict
    assert (frame.latency_runs_s.str.split(";").str.len() == 1).all()
    at1 = frame[(frame.sweep == "batch") & (frame.batch_size == 1)].set_index("system")
    assert at1.gen_flops["teacher"] > at1.gen_flops["student"] > 0
    for _, rows in frame.groupby("batch_size"):
        assert rows.decode_s.nunique() == 1
    assert (frame.tokens_s > 0).all() and (frame.decode_s > 0).all()
    torch.testing.assert_close(torch.tensor(frame.latency_s.values), torch.tensor((frame.tokens_s + frame.decode_s).values))
    torch.testing.assert_close(torch.tensor(frame.clips_per_s.values), torch.tensor((frame.batch_size / frame.latency_s).values))
