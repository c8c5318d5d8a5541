"""Rule corpus_table: statistics of the manifest per split."""
from pathlib import Path

from audiodear.data.manifest import read_manifest
from audiodear.data.stats import manifest_statistics
from audiodear.data.testset import read_testset
from audiodear.jobs import Job
from audiodear.report.render import write_table

job = Job(snakemake)  # noqa: F821
frame = manifest_statistics(read_manifest(job.input.manifest))
n_test = len(read_testset(job.input.testset))
write_table(frame, Path(job.output[0]).with_suffix(""), f"Corpus statistics ({job.plan.experiment_name})",
            notes=[f"data: {job.plan.data.kind}; test set N = {n_test} clips (one caption each)",
                   "captioned_pct: clips trained with their caption; the rest are conditioned on their CLAP audio embedding"],
            floatfmt=".2f")
