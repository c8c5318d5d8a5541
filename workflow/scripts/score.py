"""Rules score / score_reference: features of one audio set (one file per backbone) and its metrics."""
from pathlib import Path

from audiodear.data.manifest import read_manifest
from audiodear.data.testset import read_testset
from audiodear.eval.extract import extract_roles
from audiodear.eval.metrics import score_from_plan, write_metrics
from audiodear.jobs import Job
from audiodear.layout import ROLES

job = Job(snakemake)  # noqa: F821
ids = [c["id"] for c in read_testset(job.input.testset)]
reference = {role: job.input[f"ref_{role}"] for role in ROLES}
audioset = job.wildcards["audioset"] if job.smk.rule == "score" else "reference"
generated = reference if audioset == "reference" else extract_roles(job.plan, {r: job.input[r] for r in ROLES},
    job.input.audio, ids, {r: job.output[f"feat_{r}"] for r in ROLES}, audioset, job.device)
report = score_from_plan(job.plan, generated, reference, job.input.captions, ids,
                         read_manifest(job.input.manifest), audioset)
write_metrics(report, job.output.table, job.output.summary, job.output.per_clip)
job.record(Path(job.output.table).parent, {"audioset": audioset, "clips": len(ids)})
