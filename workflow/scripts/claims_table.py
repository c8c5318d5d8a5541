"""Rule claims: each claim of the papers reproduced, contradicted or undecided beyond noise."""
from pathlib import Path

import pandas as pd

from audiodear.eval.set_statistics import AudioSetScores, ClipEvidence
from audiodear.jobs import Job
from audiodear.report.claim_plan import resolve_claims
from audiodear.report.claims import NOTES, check_claims
from audiodear.report.render import write_table

job = Job(snakemake)  # noqa: F821
# Each audio set's feature files lie in one folder (layout.features); the inputs follow params.audiosets
# (features: classifier and frames of each set in turn).
sets = {a: AudioSetScores.load(Path(features).parent, per_clip)
        for a, features, per_clip in zip(job.params.audiosets, job.input.features[::2], job.input.per_clip)}
reference = AudioSetScores.load(Path(job.input.reference[0]).parent, None)
latency = pd.read_csv(job.input.latency)
b = job.plan.eval.bootstrap
table = check_claims(resolve_claims(job.plan), ClipEvidence(sets, reference), latency,
                     dict(job.plan.report.latency_systems), n_boot=b.n_boot, seed=b.seed, level=b.level)
job.log.info("\n%s", table[["id", "verdict", "clips needed"]].to_string())
write_table(table.drop(columns=["id"]), Path(job.output.claims).with_suffix(""),
            f"Claims check ({job.plan.experiment_name}): is each claim reproduced beyond noise?", NOTES)
