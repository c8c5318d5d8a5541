"""Rules train_teacher / train_student: write the job file, run it in process or under torchrun.

The number of processes comes from the job's resources (`gpu`, set by a cluster profile): more
than one launches torchrun with one process per GPU; on a CPU it runs in this process.
"""
from pathlib import Path

from audiodear.jobs import Job
from audiodear.train.launch import train_from_plan

job = Job(snakemake)  # noqa: F821
role = "teacher" if job.smk.rule == "train_teacher" else "student"
paths = {"latents": job.input.latents, "text": job.input.text, "teacher": job.input.get("teacher"),
         "model": job.output.model, "loss_log": job.output.loss_log, "workdir": job.params.workdir,
         "log": job.smk.log[0]}
record = train_from_plan(job.plan, role, job.wildcards.get("variant"), paths,
                         int(getattr(job.smk.resources, "gpu", 0) or 0), job.device)
job.record(Path(job.output.model).parent, record)
