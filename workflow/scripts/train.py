"""Rules train_teacher / train_student: write the job file, run it in process or under torchrun.

The number of processes comes from the job's resources (`gpu`, set by a cluster profile): more
than one launches torchrun with one process per GPU; on a CPU it runs in this process.
"""
from pathlib import Path

from omegaconf import OmegaConf

from audiodear.config.variants import student_variant
from audiodear.jobs import Job
from audiodear.models.generator_file import weights_meta
from audiodear.train.launch import launch
from audiodear.utils.device import resolve_precision

job = Job(snakemake)  # noqa: F821
role = "teacher" if job.smk.rule == "train_teacher" else "student"
out = Path(job.output.model).parent
variant = job.wildcards.get("variant")
# A student's variant, resolved once, here, from the slices its rule declares (base + its entry).
spec = {"role": role, "variant": variant, "variant_settings": student_variant(job.plan, variant) if variant else None,
        "latents": job.input.latents, "text": job.input.text,
        "teacher": job.input.get("teacher"), "model": job.output.model, "loss_log": job.output.loss_log,
        "workdir": job.params.workdir, "log": job.smk.log[0],
        "plan": OmegaConf.to_container(job.plan)}  # the slices the rule declares
nprocs = int(getattr(job.smk.resources, "gpu", 0) or 0)
launch(spec, Path(job.params.workdir) / "job.json", nprocs=nprocs)
# The MAR initialisation (what was transferred, the file's sha256) is stored in the model file,
# which also covers runs in torchrun processes.
init = weights_meta(job.output.model).get("init")
job.record(out, {"role": role, "variant": spec["variant"], "processes": max(1, nprocs),
                 "precision": resolve_precision(job.plan.train.precision, job.device), **({"init": init} if init else {})})
