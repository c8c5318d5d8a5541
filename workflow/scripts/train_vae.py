"""Rule train_vae: the embedded default's small AudioLDM-family VAE, trained on the corpus mels."""
from audiodear.audio.mel import mel_config
from audiodear.audio.vae import save_vae
from audiodear.audio.vae_train import train_embedded_vae
from audiodear.audio.waveforms import load_waveforms, waveforms_to_mel
from audiodear.data.clips import clip_paths, select
from audiodear.data.manifest import read_manifest
from audiodear.jobs import Job
from audiodear.utils.atomic import write_json

job = Job(snakemake)  # noqa: F821
plan, mel = job.plan, mel_config(job.plan.audio)
rows = read_manifest(job.input.manifest)
mels = {s: waveforms_to_mel(load_waveforms(clip_paths(select(rows, s), job.input.audio), mel.sample_rate,
                                           plan.data.clip_seconds), mel) for s in ("train", "valid")}
vae, stats = train_embedded_vae(plan.vae, mels["train"], mels["valid"])
save_vae(vae, job.output[0])
write_json(f"{job.output[0]}/training.json", stats)
job.record(job.output[0], stats)
job.log.info("%s", stats)
