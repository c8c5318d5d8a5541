"""Rule text_embeddings: text-slot tokens and CLAP embeddings for one split, cached per caption."""
from pathlib import Path

from audiodear.data.clips import select
from audiodear.data.manifest import read_manifest
from audiodear.data.testset import read_testset
from audiodear.jobs import Job
from audiodear.text.embed import embed_split, split_captions, summary
from audiodear.text.from_plan import clap_from_plan, text_encoder_from_plan
from audiodear.utils.device import resolve_device

job = Job(snakemake)  # noqa: F821
split, device = job.wildcards["split"], resolve_device(job.plan.device)
rows = read_manifest(job.input.manifest)
testset = read_testset(job.input.testset)
captions = split_captions(rows, split, testset)
rows = select(rows, split)
if split == "test":  # the scored clips, in the test-set definition's order
    by_id = {r["id"]: r for r in rows}
    rows = [by_id[c["id"]] for c in testset]
clap_dir = job.input.clap[0] if job.plan.text.clap_slot.kind == "small" else None
cache = embed_split(rows, job.input.audio, captions, text_encoder_from_plan(job.plan, device),
                    clap_from_plan(job.plan, clap_dir, device), job.plan.audio.sample_rate)
info = summary(cache)
cache.save(job.output[0], info)
job.record(Path(job.output[0]).parent / f"{split}_record", info)
job.log.info("%s", info)
