"""Rule collect_metrics: every audio set's metrics in one tidy table, plus the headline metrics."""
from audiodear.jobs import Job
from audiodear.report.metrics_table import headline_metrics, tidy_metrics
from audiodear.utils.atomic import write_csv, write_json

job = Job(snakemake)  # noqa: F821
tidy = tidy_metrics(job.params.audiosets, job.input.tables)
write_csv(job.output.tidy, tidy)
write_json(job.output.headline, headline_metrics(tidy))
