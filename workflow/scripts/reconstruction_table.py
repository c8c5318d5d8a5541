"""Rule reconstruction_table: mel L1 / SNR of audio -> latent -> audio on test clips."""
from pathlib import Path

from audiodear.audio.reconstruction import reconstruction_from_plan
from audiodear.data.clips import clip_paths
from audiodear.data.manifest import read_manifest
from audiodear.data.testset import read_testset, scored_rows
from audiodear.jobs import Job
from audiodear.report.render import write_table

job = Job(snakemake)  # noqa: F821
rows = scored_rows(read_manifest(job.input.manifest), read_testset(job.input.testset))
frame, title, notes = reconstruction_from_plan(job.plan, clip_paths(rows, job.input.audio), job.input.vae, job.device)
write_table(frame, Path(job.output[0]).with_suffix(""), title, notes)
