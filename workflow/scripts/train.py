"""Rules train_teacher / train_student: write the job file, run it in process or under torchrun.

The number of processes comes from the job's resources (`gpu`, set by a cluster profile): more
than one launches torchrun with one process per GPU; on a CPU it runs in this process.
"""
from pathlib import Path

from audiodear.jobs import Job
from audiodear.models.generator_file import weights_meta
from audiodear.train.launch import launch
from audiodear.utils.device import resolve_precision

job = Job(snakemake)  # noqa: F821
role = "teacher" if job.smk.rule == "train_teacher" else "student"
out = Path(job.output.model).parent
# A student's variant is the one its rule resolved (params.variant, a rerun trigger), not resolved again.
spec = {"role": role, "variant": job.wildcards.get("variant"), "variant_settings": job.params.get("variant"),
        "latents": job.input.latents, "text": job.input.text,
        "teacher": job.input.get("teacher"), "model": job.output.model, "loss_log": job.output.loss_log,
        "workdir": job.params.workdir, "log": job.smk.log[0], "plan": job.smk.config["plan"]}
nprocs = int(getattr(job.smk.resources, "gpu", 0) or 0)
launch(spec, Path(job.params.workdir) / "job.json", nprocs=nprocs)
# The MAR initialisation (what was transferred, the file's sha256) is stored in the model file,
# which also covers runs in torchrun processes.
init = weights_meta(job.output.model).get("init")
job.record(out, {"role": role, "variant": spec["variant"], "processes": max(1, nprocs),
                 "precision": resolve_precision(job.plan.train.precision, job.device), **({"init": init} if init else {})})
