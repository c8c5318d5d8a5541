"""Rule corpus: render the embedded corpus and its manifest."""
from pathlib import Path

from audiodear.data.corpus.build import build_corpus
from audiodear.jobs import Job

job = Job(snakemake)  # noqa: F821 (injected by Snakemake)
data = job.plan.data
rows = build_corpus(job.output.audio, job.output.manifest, seed=data.synthetic.seed,
                    sizes=dict(data.synthetic.sizes), clip_seconds=data.clip_seconds,
                    sample_rate=data.sample_rate, two_event_fraction=data.synthetic.two_event_fraction,
                    uncaptioned_fraction=data.synthetic.uncaptioned_fraction,
                    kinds=list(data.synthetic.kinds) if data.synthetic.kinds else None)
job.record(Path(job.output.manifest).parent, {"clips": len(rows)})
job.log.info("wrote %d clips", len(rows))
