"""Rule claims: each claim of the papers reproduced, contradicted or undecided beyond noise."""
from pathlib import Path

import pandas as pd

from audiodear.jobs import Job
from audiodear.report.claims import NOTES, claims_from_plan
from audiodear.report.render import write_table

job = Job(snakemake)  # noqa: F821
# The inputs follow params.audiosets (features: classifier and frames of each set in turn, one folder per set).
table = claims_from_plan(job.plan, job.params.audiosets, [str(Path(f).parent) for f in job.input.features[::2]],
                         job.input.per_clip, str(Path(job.input.reference[0]).parent), pd.read_csv(job.input.latency))
job.log.info("\n%s", table[["id", "verdict", "clips needed"]].to_string())
write_table(table.drop(columns=["id"]), Path(job.output.claims).with_suffix(""),
            f"Claims check ({job.plan.experiment_name}): is each claim reproduced beyond noise?", NOTES)
