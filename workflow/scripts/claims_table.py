"""Rule claims: each claim of the papers reproduced, contradicted or undecided beyond noise."""
from pathlib import Path

import pandas as pd

from audiodear.eval.set_statistics import AudioSetScores, ClipEvidence
from audiodear.jobs import Job
from audiodear.report.claim_plan import resolve_claims
from audiodear.report.claims import NOTES, check_claims
from audiodear.report.render import write_table

job = Job(snakemake)  # noqa: F821
sets = {a: AudioSetScores.load(p["features"], p["per_clip"]) for a, p in job.params.audiosets.items()}
reference = AudioSetScores.load(job.params.reference, None)
latency = pd.read_csv(job.input.latency)
b = job.plan.eval.bootstrap
table = check_claims(resolve_claims(job.plan), ClipEvidence(sets, reference), latency,
                     dict(job.plan.report.latency_systems), n_boot=b.n_boot, seed=b.seed, level=b.level)
job.log.info("\n%s", table[["id", "verdict", "clips needed"]].to_string())
write_table(table.drop(columns=["id"]), Path(job.output.claims).with_suffix(""),
            f"Claims check ({job.plan.experiment_name}): is each claim reproduced beyond noise?", NOTES)
