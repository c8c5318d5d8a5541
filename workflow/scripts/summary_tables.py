"""Rule summary_tables: event recognition and latency tables."""
from pathlib import Path

import pandas as pd

from audiodear.jobs import Job
from audiodear.report.render import write_table
from audiodear.report.summary import LATENCY_NOTES, RECOGNITION_NOTES, RECOGNITION_TITLE, latency_table, recognition_table

job = Job(snakemake)  # noqa: F821
write_table(recognition_table(pd.read_csv(job.input.metrics)), Path(job.output.recognition).with_suffix(""),
            RECOGNITION_TITLE, RECOGNITION_NOTES)
table, title = latency_table(pd.read_csv(job.input.latency))
write_table(table, Path(job.output.latency).with_suffix(""), title, LATENCY_NOTES)
