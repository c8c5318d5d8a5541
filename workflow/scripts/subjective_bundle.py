"""Rule subjective_bundle: the blinded listening-test bundle (raters' folder, answer key, loudness report)."""
from pathlib import Path

from audiodear.jobs import Job
from audiodear.subjective.stages import bundle_stage

job = Job(snakemake)  # noqa: F821 (injected by Snakemake)
out = Path(job.output.key).parent
summary = bundle_stage(out, job.input.manifest, job.input.audio, job.input.testset, list(job.input.systems),
                       job.plan.subjective, job.plan.data.sample_rate)
job.record(out.parent, summary)
job.log.info("bundle %s: %d trials (%d clips x %d systems + %d attention checks); %d peak-limited, %d silent",
             summary["bundle_id"], summary["trials"], summary["clips"], summary["systems"],
             summary["attention_checks"], summary["peak_limited"], summary["silent"])
