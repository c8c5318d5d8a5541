"""Rule train_vae: the embedded default's small AudioLDM-family VAE, trained on the corpus mels."""
from audiodear.audio.mel import MelConfig
from audiodear.audio.vae import build_vae, estimate_scaling_factor, save_vae, set_scaling_factor
from audiodear.audio.vae_train import reconstruction_l1, train_vae
from audiodear.data.clips import load_waveforms, select, waveforms_to_mel
from audiodear.data.manifest import read_manifest
from audiodear.jobs import Job
from audiodear.utils.atomic import write_json

job = Job(snakemake)  # noqa: F821
plan, mel = job.plan, MelConfig.from_plan(job.plan.audio)
rows = read_manifest(job.input.manifest)
mels = {s: waveforms_to_mel(load_waveforms(select(rows, s), job.input.audio, mel.sample_rate, plan.data.clip_seconds), mel)
        for s in ("train", "valid")}
v = plan.vae
vae = build_vae({"block_out_channels": list(v.block_out_channels), "layers_per_block": v.layers_per_block,
                 "latent_channels": v.latent_channels, "norm_num_groups": v.norm_num_groups})
stats = train_vae(vae, mels["train"], v.train)
codec_scale = estimate_scaling_factor(
    vae.encode(mels["train"][:256].unsqueeze(1)).latent_dist.mean.detach())
set_scaling_factor(vae, codec_scale)
stats.update(scaling_factor=codec_scale, valid_mel_l1=reconstruction_l1(vae, mels["valid"]))
save_vae(vae, job.output[0])
write_json(f"{job.output[0]}/training.json", stats)
job.record(job.output[0], stats)
job.log.info("%s", stats)
