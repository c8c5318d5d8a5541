"""Launch a training job in this process, or as ``torchrun`` processes (one per GPU).

The training rules call ``launch``: with ``nprocs <= 1`` the job runs in process; otherwise
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

from ..utils.atomic import write_json

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
