"""Rule subjective_ratings: validate and un-blind the returned rating files; MOS per system."""
from pathlib import Path

from audiodear.jobs import Job
from audiodear.subjective.stages import ratings_stage

job = Job(snakemake)  # noqa: F821
cfg = job.plan.subjective
out = {k: job.output[k] for k in ("validation", "raters", "ratings", "mos", "summary")}
summary = ratings_stage(job.input.key, list(job.input.ratings), out, cfg)
job.record(Path(job.output.mos).parent, {"raters_included": summary["raters_included"],
                                         "raters_excluded": summary["raters_excluded"]})
job.log.info("%d rating files: %d raters included, %d excluded; problems %s", summary["files"],
             summary["raters_included"], summary["raters_excluded"], summary["problems"])
