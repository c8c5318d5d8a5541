"""Rule latency: generation latency and throughput of teacher and student on this machine."""
from audiodear.jobs import Job
from audiodear.sampling.latency import measure_from_plan
from audiodear.utils.atomic import write_csv

job = Job(snakemake)  # noqa: F821
# The rule lists the model files in the order of report.latency_systems.
frame = measure_from_plan(job.plan, job.input.models, job.input.text, job.input.vae, job.device)
write_csv(job.output[0], frame)
job.log.info("\n%s", frame.to_string())
