"""Rule extract_latents: one split's clips -> VAE latent tokens (sharded, resumable)."""
from audiodear.audio.from_plan import codec_from_plan
from audiodear.audio.latents import extract_latents
from audiodear.audio.mel import mel_config
from audiodear.data.clips import clip_paths, select
from audiodear.data.manifest import read_manifest
from audiodear.jobs import Job
from audiodear.utils.device import resolve_device

job = Job(snakemake)  # noqa: F821
split = job.wildcards["split"]
rows = select(read_manifest(job.input.manifest), split)
codec = codec_from_plan(job.plan.vae, job.input.vae, resolve_device(job.plan.device))
clips = dict(zip([r["id"] for r in rows], clip_paths(rows, job.input.audio)))
index = extract_latents(clips, codec, mel_config(job.plan.audio), job.plan.data.clip_seconds,
                        job.plan.vae.patch, job.output[0], job.params.scratch, job.plan.vae.shard_size)
job.record(job.output[0], {"clips": index["clips"], "latent_shape": index["latent_shape"]})
