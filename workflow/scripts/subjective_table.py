"""Rule subjective_table: the MOS table (Table 9 format) and figure, or the 'no ratings collected' versions."""
import json
from pathlib import Path

from audiodear.jobs import Job
from audiodear.subjective.stages import table_stage

job = Job(snakemake)  # noqa: F821
cfg = job.plan.subjective
stem = Path(job.output.table[0]).with_suffix("")
inputs = dict(job.input.items())
if "mos" in inputs:
    summary = json.loads(Path(inputs["summary"]).read_text(encoding="utf-8"))
    table_stage(stem, cfg, job.params.ratings_dir, mos=inputs["mos"], ratings=inputs["ratings"], summary=summary)
    job.log.info("MOS table from %d raters", summary["raters_included"])
else:
    table_stage(stem, cfg, job.params.ratings_dir)
    job.log.info("no rating files in %s: wrote the 'no ratings collected' table", job.params.ratings_dir)
