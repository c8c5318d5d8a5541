"""Rules train_eval_classifier / train_eval_frames: evaluation nets trained on the corpus labels."""
from pathlib import Path

from audiodear.config.schema import EvalTrain
from audiodear.eval import train_embedded
from audiodear.jobs import Job

job = Job(snakemake)  # noqa: F821
cfg = EvalTrain(**job.plan.eval.train)  # the plan's section as the schema's object
report = getattr(train_embedded, job.params.trainer)(job.input.manifest, job.input.audio, job.output[0], cfg)
job.record(Path(job.output[0]).parent / f"{Path(job.output[0]).stem}_record", report)
