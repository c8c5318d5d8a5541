"""The latency stage's measurement: one row per system and sweep point, decoding timed once per batch."""
import pytest
import torch

from audiodear.audio.mel import MelConfig
from audiodear.audio.vae import LatentCodec, build_vae
from audiodear.audio.vae import save_vae
from audiodear.audio.vae_train import build_embedded_vae
from audiodear.audio.vocoder import GriffinLimVocoder
from audiodear.config import compose
from audiodear.models.build import build_model, spec_from_preset
from audiodear.models.generator_file import save_weights
from audiodear.sampling.latency import measure, measure_from_plan
from audiodear.sampling.mar_sampler import SamplingConfig
from audiodear.text.conditioning import TextCache

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


def test_plan_systems_are_timed_with_their_audio_sets_settings(tmp_path):
    """The systems of report.latency_systems, each at its audio set's setting, on the plan's VAE."""
    plan = compose("smoke", ["vae.block_out_channels=[8,16,16]", "vae.norm_num_groups=4", "vocoder.n_iter=2",
                             "eval.latency.batch_sizes=[1,2]", "eval.latency.iterations=[2,3]",
                             "teacher.base.iterations=2", "teacher.base.diffusion_steps=3",
                             "teacher.base.precision=fp32", "student.sampling.precision=fp32"])
    assert list(plan.report.latency_systems) == ["teacher", "student"]
    torch.manual_seed(0)
    save_vae(build_embedded_vae(plan.vae).eval(), tmp_path / "vae")
    paths = []
    for name, head_kind in (("teacher", "diffusion"), ("student", "energy")):
        model, meta = generator(head_kind)
        paths.append(str(tmp_path / f"{name}.safetensors"))
        save_weights(paths[-1], model.state_dict(), {**meta, "role": name, "text_set": "t5+clap"})
    n = 3  # t5 (2 tokens of 12) + the CLAP token (4 tiled to 12): the generators' 3 x 12 conditioning
    TextCache([f"c{i}" for i in range(n)], torch.randn(n, 2, 12), torch.randn(n, 4), torch.randn(n, 4),
              torch.ones(n, dtype=torch.bool), ["a caption"] * n).save(tmp_path / "text.safetensors", {})
    frame = measure_from_plan(plan, paths, str(tmp_path / "text.safetensors"), str(tmp_path / "vae"))

    assert frame.system.unique().tolist() == ["teacher", "student"]
    # per system: batch sizes 1 and 2 at the teacher's 2 iterations, and 3 iterations at batch 8
    assert frame[frame.sweep == "batch"].batch_size.tolist() == [1, 2, 1, 2]
    assert frame[frame.sweep == "iterations"].iterations.tolist() == [3, 3]
    per_system = frame.drop_duplicates("system").set_index("system")
    assert per_system.head_steps.to_dict() == {"teacher": 3, "student": 1}
    assert per_system.cfg_level.to_dict() == {"teacher": "noise", "student": "representation"}
    assert set(frame.precision) == {"fp32"}
    with pytest.raises(ValueError, match=r"1 model files for the 2 latency systems"):
        measure_from_plan(plan, paths[:1], str(tmp_path / "text.safetensors"), str(tmp_path / "vae"))
