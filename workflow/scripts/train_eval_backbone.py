"""Rules train_eval_classifier / train_eval_frames: evaluation nets trained on the corpus labels."""
from pathlib import Path

from audiodear.eval import train_embedded
from audiodear.eval.train_embedded import TrainConfig
from audiodear.jobs import Job

job = Job(snakemake)  # noqa: F821
t = job.plan.eval.train
cfg = TrainConfig(epochs=t.epochs, lr=t.lr, batch_size=t.batch_size, seed=t.seed, embedding_dim=t.embedding_dim)
report = getattr(train_embedded, job.params.trainer)(job.input.manifest, job.input.audio, job.output[0], cfg)
job.record(Path(job.output[0]).parent / f"{Path(job.output[0]).stem}_record", report)
