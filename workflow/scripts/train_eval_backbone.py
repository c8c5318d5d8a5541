"""Rules train_eval_classifier / train_eval_frames: evaluation nets trained on the corpus labels."""
from pathlib import Path

from omegaconf import OmegaConf

from audiodear.eval import train_embedded
from audiodear.jobs import Job

job = Job(snakemake)  # noqa: F821
cfg = OmegaConf.to_object(job.plan.eval.train)  # the schema's EvalTrain
report = getattr(train_embedded, job.params.trainer)(job.input.manifest, job.input.audio, job.output[0], cfg)
job.record(Path(job.output[0]).parent / f"{Path(job.output[0]).stem}_record", report)
