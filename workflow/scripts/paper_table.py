"""Rule paper_table: one of the paper's tables from our metrics, with the paper's numbers beside ours."""
import os
from pathlib import Path

import pandas as pd
from omegaconf import OmegaConf

from audiodear.config.variants import sampling_of
from audiodear.jobs import Job
from audiodear.report.render import write_table
from audiodear.report.tables import ASSUMPTIONS_DOC, build_table, display, latency_lookup
from audiodear.utils.provenance import code_version

job = Job(snakemake)  # noqa: F821
spec = OmegaConf.to_container(job.plan.report.tables[job.wildcards["table"]])
metrics = pd.read_csv(job.input.metrics)
latency = latency_lookup(pd.read_csv(job.input.latency), dict(job.plan.report.latency_systems))
# The assumptions register as a link from where the table is written (the workflow runs in the repository root).
doc = os.path.relpath(ASSUMPTIONS_DOC, Path(job.output[0]).parent)
frame, notes = build_table(spec, metrics, latency, set(job.params.available),
                           lambda audio: sampling_of(job.plan, audio), assumptions_doc=doc)
backbones = sorted({f"{r.metric}: {r.backbone}" for r in metrics.itertuples() if r.metric in spec["metrics"]})
notes += [f"backbones: {'; '.join(backbones)}",
          f"test set N = {int(metrics.n.max())}; resampler: {metrics.resampler.dropna().iloc[0] if metrics.resampler.notna().any() else 'n/a'}",
          f"provenance: {job.input.metrics} (per audio set: results/<exp>/metrics/<audio>/), code {code_version()}"]
write_table(frame, Path(job.output[0]).with_suffix(""), spec["title"], notes,
            display=display(frame, [m for m in spec["metrics"] if m in frame]))
