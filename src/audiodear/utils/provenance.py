"""Where a result came from: code version, configuration hash, machine."""
from __future__ import annotations

import os
import platform
import subprocess
import time
from functools import lru_cache
from pathlib import Path

import torch

from .. import __version__


@lru_cache(maxsize=1)
def code_version() -> str:
    """``git describe --always --dirty`` of the checkout the package runs from, else the package version."""
    here = Path(__file__).resolve().parent
    try:
        out = subprocess.run(["git", "describe", "--always", "--dirty", "--abbrev=12"], cwd=here,
                             capture_output=True, text=True, timeout=10, check=True)
        return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return f"audiodear {__version__}"


def hardware() -> str:
    if torch.cuda.is_available():
        return f"{torch.cuda.get_device_name(0)} (CUDA {torch.version.cuda})"
    return f"CPU {platform.processor() or platform.machine()}, {torch.get_num_threads()} threads"


def stamp() -> dict:
    return {"code_version": code_version(), "audiodear": __version__, "torch": torch.__version__,
            "python": platform.python_version(), "hardware": hardware(), "host": platform.node(),
            "slurm_job_id": os.environ.get("SLURM_JOB_ID"),
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
