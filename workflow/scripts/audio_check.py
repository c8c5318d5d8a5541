"""Rule audio_check: every clip of the manifest is readable, finite, 16 kHz mono and unchanged."""
from audiodear.data.checks import check_audio
from audiodear.data.manifest import read_manifest
from audiodear.jobs import Job
from audiodear.utils.atomic import write_json

job = Job(snakemake)  # noqa: F821
summary = check_audio(read_manifest(job.input.manifest), job.input.audio, job.plan.audio.sample_rate)
write_json(job.output[0], summary)
job.log.info("%s", summary)
