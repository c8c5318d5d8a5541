"""Rule ingest: the user's captioned corpora -> normalised 16 kHz mono audio + one manifest."""
from pathlib import Path

from audiodear.config import to_dict
from audiodear.data.ingest.normalise import ingest
from audiodear.jobs import Job

job = Job(snakemake)  # noqa: F821
data = job.plan.data
rows = ingest([to_dict(s) for s in data.sources], data.root, job.output.audio, job.output.manifest,
              job.output.report, data.sample_rate, data.validation)
job.record(Path(job.output.manifest).parent, {"clips": len(rows)})
