"""Launch a training job in this process, or as ``torchrun`` processes (one per GPU).

The training rules call ``train_from_plan``, which writes the job file (``training_job``) and calls
``launch``: with ``nprocs <= 1`` the job runs in process; otherwise
``torchrun --nproc-per-node N`` starts N processes of ``python -m audiodear train JOB`` (gloo on
CPU, NCCL on GPU). The command is an argument list, never a shell string. One node: a job on
several nodes is a design note in workflow/slurm/README.md, not a path this code takes.
"""
from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path
from typing import Mapping

from omegaconf import OmegaConf

from ..config.variants import student_variant
from ..models.generator_file import weights_meta
from ..utils.atomic import write_json
from ..utils.device import resolve_precision

log = logging.getLogger(__name__)


def torchrun_argv(job_file: str | Path, nprocs: int) -> list[str]:
    return [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node", str(nprocs),
            "-m", "audiodear", "train", str(job_file)]


def launch(job: dict, job_file: str | Path, nprocs: int = 1) -> None:
    write_json(job_file, job)
    if nprocs <= 1:
        from .entry import run

        run(json.loads(Path(job_file).read_text()))
        return
    argv = torchrun_argv(job_file, nprocs)
    log.info("launching %s", " ".join(argv))
    subprocess.run(argv, check=True)


def training_job(plan, role: str, variant: str | None, paths: Mapping[str, str | None]) -> dict:
    """The job file of one training rule: role, variant, paths and the plan slices the rule declares.

    A student's variant is resolved here, once, from those slices (``student.base`` and its entry),
    so every torchrun process trains with the same settings. ``paths``: ``latents``, ``text``,
    ``teacher`` (a student's), ``model``, ``loss_log``, ``workdir`` and ``log``.
    """
    if role not in ("teacher", "student") or (role == "student") != (variant is not None):
        raise ValueError(f"a teacher trains without a variant and a student with one; got {role} with {variant!r}")
    return {"role": role, "variant": variant, "variant_settings": student_variant(plan, variant) if variant else None,
            "latents": paths["latents"], "text": paths["text"], "teacher": paths.get("teacher"),
            "model": paths["model"], "loss_log": paths["loss_log"], "workdir": paths["workdir"],
            "log": paths.get("log"), "plan": OmegaConf.to_container(plan)}


def train_from_plan(plan, role: str, variant: str | None, paths: Mapping[str, str | None], nprocs: int = 0,
                    device: str = "cpu") -> dict:
    """Train one model: write ``<workdir>/job.json`` and run it in process or as ``nprocs`` torchrun
    processes. Returns what the job's provenance records: role, variant, process count, the
    precision ``train.precision`` resolves to on ``device``, and the MAR initialisation (what was
    transferred, the checkpoint's sha256), read from the model file, which torchrun processes write too.
    """
    job = training_job(plan, role, variant, paths)
    launch(job, Path(paths["workdir"]) / "job.json", nprocs=nprocs)
    init = weights_meta(paths["model"]).get("init")
    return {"role": role, "variant": variant, "processes": max(1, nprocs),
            "precision": resolve_precision(plan.train.precision, device), **({"init": init} if init else {})}
