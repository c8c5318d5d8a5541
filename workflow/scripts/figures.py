"""Rule figures: quality vs sampling steps, latency vs batch size, metrics vs iterations, CFG curves."""
from pathlib import Path

import pandas as pd

from audiodear.config.variants import student_setting, teacher_setting
from audiodear.jobs import Job
from audiodear.report import figures
from audiodear.report.figure_sets import figure_sets

job = Job(snakemake)  # noqa: F821
plan = job.plan
metrics, latency = pd.read_csv(job.input.metrics), pd.read_csv(job.input.latency)
out = Path(job.output[0]).parent
sets = figure_sets({s: teacher_setting(plan, s) for s in plan.teacher.settings},
                   {s: student_setting(plan, s) for s in plan.student.settings}, set(job.params.available))
figures.quality_vs_steps(metrics, sets["steps"], out / "quality_vs_steps")
figures.latency_vs_batch(latency, out / "latency_vs_batch")
figures.metrics_vs_iterations(metrics, sets["iterations"], latency, out / "metrics_vs_iterations")
figures.cfg_curves(metrics, sets["cfg"], out / "cfg_curves")
