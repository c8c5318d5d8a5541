"""Rule summary_tables: event recognition and latency tables."""
from pathlib import Path

import pandas as pd

from audiodear.jobs import Job
from audiodear.report.render import write_table
from audiodear.report.tables import latency_lookup, paper_table

job = Job(snakemake)  # noqa: F821
metrics = pd.read_csv(job.input.metrics)
latency = pd.read_csv(job.input.latency)
rec = metrics[metrics.metric == "recognition"][["audio", "value", "ci_low", "ci_high", "n", "note"]]
rec = rec.rename(columns={"value": "recognition"}).sort_values("audio")
write_table(rec, Path(job.output.recognition).with_suffix(""),
            "Event recognition: the share of test clips whose captioned event kinds the evaluation classifier finds",
            ["single-event clips: top-1 = the kind; two-event clips: both kinds in the top-2",
             "far above chance means the generator learned the text-to-sound mapping"])

sweep = latency[latency.sweep == "batch"].pivot_table(index="batch_size", columns="system", values="latency_s")
if {"teacher", "student"} <= set(sweep.columns):
    sweep["teacher/student"] = sweep["teacher"] / sweep["student"]
table = sweep.reset_index()
paper = paper_table("impact.table8").get("rows", {}).get("IMPACT base dec 64", {})
table["IMPACT base dec 64 (paper, V100)"] = [paper.get(f"b{b}") for b in table.batch_size]
write_table(table, Path(job.output.latency).with_suffix(""),
            f"Generation latency (seconds per batch) on {latency.hardware.iloc[0]}",
            ["token generation plus decoding (VAE decoder + vocoder); median of the configured repeats",
             "teacher: diffusion head with noise-level CFG; student: one energy-head pass with representation-level CFG",
             "paper column: IMPACT Table 8 on a V100 at 64 iterations, for the shape of the curve only"])
