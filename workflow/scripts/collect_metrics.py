"""Rule collect_metrics: every audio set's metrics in one tidy table, plus the headline metrics."""
import pandas as pd

from audiodear.jobs import Job
from audiodear.utils.atomic import write_csv, write_json

job = Job(snakemake)  # noqa: F821
frames = []
for audioset, table in zip(job.params.audiosets, job.input.tables):
    frame = pd.read_csv(table)
    system, variant, setting = (audioset.split("/") + ["", ""])[:3] if "/" in audioset else (audioset, "", "")
    frame.insert(0, "audio", audioset)
    frame.insert(1, "system", system)
    frame.insert(2, "variant", variant)
    frame.insert(3, "setting", setting)
    frame["source"] = table
    frames.append(frame)
tidy = pd.concat(frames, ignore_index=True)
write_csv(job.output.tidy, tidy)
headline = {}
for audio in ("teacher/main/main", "student/main/main", "student/lambda0/main"):
    part = tidy[tidy.audio == audio]
    headline[audio.replace("/", "_")] = {m: float(v) for m, v in zip(part.metric, part.value)}
write_json(job.output.headline, headline)
