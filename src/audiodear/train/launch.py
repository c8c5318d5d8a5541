"""Launch a training job in this process, or as ``torchrun`` processes (one per GPU).

The training rules call ``launch``: with ``nprocs <= 1`` the job runs in process; otherwise
``torchrun --nproc-per-node N`` starts N processes of ``python -m audiodear train JOB`` (gloo on
CPU, NCCL on GPU). The command is an argument list, never a shell string. Under SLURM on several
nodes, set ``nnodes`` (``SLURM_NNODES``) and a rendezvous endpoint on the first node and start one
launcher per node (``srun --ntasks-per-node 1``); see docs/cluster.md.
"""
from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

from ..utils.atomic import write_json

log = logging.getLogger(__name__)


def torchrun_argv(job_file: str | Path, nprocs: int, nnodes: int = 1, rdzv_endpoint: str | None = None) -> list[str]:
    argv = [sys.executable, "-m", "torch.distributed.run", "--nproc-per-node", str(nprocs)]
    if nnodes > 1:
        if not rdzv_endpoint:
            raise ValueError("a multi-node launch needs a rendezvous endpoint (host:port of the first node)")
        argv += ["--nnodes", str(nnodes), "--rdzv-backend", "c10d", "--rdzv-endpoint", rdzv_endpoint]
    else:
        argv += ["--standalone"]
    return argv + ["-m", "audiodear", "train", str(job_file)]


def launch(job: dict, job_file: str | Path, nprocs: int = 1, nnodes: int = 1, rdzv_endpoint: str | None = None) -> None:
    write_json(job_file, job)
    if nprocs <= 1 and nnodes <= 1:
        from .entry import run

        run(json.loads(Path(job_file).read_text()))
        return
    argv = torchrun_argv(job_file, nprocs, nnodes, rdzv_endpoint)
    log.info("launching %s", " ".join(argv))
    subprocess.run(argv, check=True)
