"""Rule score_real_halves: FD, FAD and KAD between two disjoint halves of the real test audio."""
from pathlib import Path

from audiodear.data.testset import read_testset
from audiodear.eval.metrics import BootstrapSpec, score_real_halves, write_metrics
from audiodear.jobs import Job

job = Job(snakemake)  # noqa: F821
b = job.plan.eval.bootstrap
ids = [c["id"] for c in read_testset(job.input.testset)]
report = score_real_halves({"classifier": job.input.ref_classifier, "frames": job.input.ref_frames}, ids,
                           bootstrap=BootstrapSpec(b.n_boot, b.seed, b.level), seed=b.seed)
write_metrics(report, job.output.table, job.output.summary, job.output.per_clip)
job.record(Path(job.output.table).parent, {"audioset": "reference_halves", "clips": len(ids)})
