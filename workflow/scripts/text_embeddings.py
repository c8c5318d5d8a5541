"""Rule text_embeddings: text-slot tokens and CLAP embeddings for one split, cached per caption."""
from pathlib import Path

from audiodear.data.manifest import read_manifest
from audiodear.data.testset import read_testset
from audiodear.jobs import Job
from audiodear.text.embed import embed_split_from_plan, summary

job = Job(snakemake)  # noqa: F821
split = job.wildcards["split"]
cache = embed_split_from_plan(job.plan, split, read_manifest(job.input.manifest), read_testset(job.input.testset),
                              job.input.audio, job.input.clap, job.device)
info = summary(cache)
cache.save(job.output[0], info)
job.record(Path(job.output[0]).parent / f"{split}_record", info)
job.log.info("%s", info)
