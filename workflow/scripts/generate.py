"""Rules generate_teacher / generate_student(_sweep): the test split at each sampling setting of one model."""
from pathlib import Path

from audiodear.jobs import Job
from audiodear.sampling.generate import generate_from_plan

job = Job(snakemake)  # noqa: F821
system = "teacher" if job.smk.rule == "generate_teacher" else "student"
out_dirs = {Path(out).name: out for out in job.output}  # one folder per setting, named by it
summaries = generate_from_plan(job.plan, system, out_dirs, job.input.model, job.input.vae, job.input.text, job.device)
for setting, out in out_dirs.items():
    job.record(out, {"setting": setting, "variant": job.wildcards.get("variant"),
                     "precision": summaries[setting]["precision"]})
