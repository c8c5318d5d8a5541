"""Rule paper_table: one of the paper's tables from our metrics, with the paper's numbers beside ours."""
from pathlib import Path

import pandas as pd

from audiodear.jobs import Job
from audiodear.report.render import write_table
from audiodear.report.tables import experiment_table

job = Job(snakemake)  # noqa: F821
stem = Path(job.output[0]).with_suffix("")
frame, title, notes, shown = experiment_table(job.plan, job.wildcards["table"], pd.read_csv(job.input.metrics),
                                              pd.read_csv(job.input.latency), set(job.params.available),
                                              stem.parent, job.input.metrics)
write_table(frame, stem, title, notes, display=shown)
