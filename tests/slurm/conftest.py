"""Fixtures of the SLURM tests: a cluster that answers, and Snakemake runs against it.

As root, the tests run on the single-node cluster of workflow/slurm/start-local-cluster.sh (which
installs SLURM with apt-get on a fresh machine); otherwise on whatever cluster `sinfo` reaches with
a partition named "debug", and they are skipped when none answers.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SLURM_SCRIPTS = ROOT / "workflow" / "slurm"
PARTITION = "debug"  # the partition of workflow/profiles/slurm-local
SNAKEMAKE = Path(sys.executable).with_name("snakemake")
# What a run of the workflow needs; a Snakefile moved into workflow/ travels with that folder.
WORKFLOW_PARTS = ("Snakefile", "workflow", "params")

SUBMITTED = re.compile(r"^Job (\d+) has been submitted with SLURM jobid (\d+) \(log: (.+)\)\.$", re.M)
FINISHED = re.compile(r"^Finished jobid: (\d+) \(Rule: (\S+)\)$", re.M)
LOCAL_JOB = re.compile(r"^localrule (\S+):\n(?:    .*\n)*?    jobid: (\d+)$", re.M)


def cluster_answers() -> bool:
    """Whether a SLURM controller answers and has a usable node in PARTITION."""
    if shutil.which("sinfo") is None:
        return False
    try:
        proc = subprocess.run(["sinfo", "-h", "-p", PARTITION, "-o", "%T"], capture_output=True,
                              text=True, timeout=30)
    except subprocess.TimeoutExpired:
        return False
    states = proc.stdout.split()
    return proc.returncode == 0 and any(s.rstrip("*") in {"idle", "mixed", "allocated", "completing"}
                                        for s in states)


@pytest.fixture(scope="session")
def slurm_cluster():
    """A cluster for the session. As root, the local cluster of start-local-cluster.sh (started,
    or restarted if half of it died, and stopped again at the end if this session started it);
    otherwise, or where another cluster's slurm.conf is in place, whatever cluster answers."""
    if os.geteuid() == 0:
        t0 = time.monotonic()
        proc = subprocess.run([str(SLURM_SCRIPTS / "start-local-cluster.sh")], capture_output=True,
                              text=True, timeout=900)
        if proc.returncode == 0:
            print(f"\nlocal SLURM cluster ready in {time.monotonic() - t0:.1f} s: {proc.stderr.strip()}")
            yield "local"
            if "already running" not in proc.stderr:
                stop = [str(SLURM_SCRIPTS / "stop-local-cluster.sh")]
                if "started munged" in proc.stderr:
                    stop.append("--with-munge")
                subprocess.run(stop, capture_output=True, timeout=120)
            return
        if not cluster_answers():
            pytest.fail(f"start-local-cluster.sh failed and no cluster answers:\n{proc.stdout}\n{proc.stderr}")
    elif not cluster_answers():
        pytest.skip(f"no SLURM cluster with a '{PARTITION}' partition answers, and starting one needs "
                    "root: run workflow/slurm/start-local-cluster.sh as root first")
    yield "existing"


@dataclass
class Run:
    """A finished Snakemake run: exit status, combined output and wall time."""

    returncode: int
    output: str
    seconds: float

    def slurm_jobs(self) -> dict[int, tuple[str, Path]]:
        """Snakemake job id -> (SLURM job id, SLURM log file) of every job submitted with sbatch."""
        return {int(m[1]): (m[2], Path(m[3])) for m in SUBMITTED.finditer(self.output)}

    def finished_jobs(self) -> dict[int, str]:
        """Snakemake job id -> rule of every job that finished."""
        return {int(m[1]): m[2] for m in FINISHED.finditer(self.output)}

    def local_jobs(self) -> dict[int, str]:
        """Snakemake job id -> rule of every job that ran on the submit host (local rules)."""
        return {int(m[2]): m[1] for m in LOCAL_JOB.finditer(self.output)}


class Snakemake:
    """Starts Snakemake runs in a workflow folder with this checkout's package on PYTHONPATH."""

    def __init__(self, workdir: Path):
        self.workdir = workdir

    def start(self, *args: str) -> tuple[subprocess.Popen, float]:
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "HF_HUB_OFFLINE": "1",
               "TRANSFORMERS_OFFLINE": "1"}
        proc = subprocess.Popen([str(SNAKEMAKE), *args], cwd=self.workdir, env=env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        return proc, time.monotonic()

    @staticmethod
    def wait(started: tuple[subprocess.Popen, float], timeout: float = 600) -> Run:
        proc, t0 = started
        try:
            output, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            # SIGINT lets Snakemake scancel its jobs before it exits.
            proc.send_signal(signal.SIGINT)
            try:
                output, _ = proc.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                output, _ = proc.communicate()
            queue = subprocess.run(["squeue", "--states=all", "-o", "%i %j %T %r"], capture_output=True,
                                   text=True).stdout
            raise AssertionError(f"snakemake ran past {timeout} s; queue:\n{queue}\n{output[-6000:]}")
        return Run(proc.returncode, output, time.monotonic() - t0)

    def run(self, *args: str, timeout: float = 600) -> Run:
        return self.wait(self.start(*args), timeout)


def copy_tree(source: Path, dest: Path, parts: tuple[str, ...]) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for part in parts:
        src = source / part
        if src.is_dir():
            shutil.copytree(src, dest / part, ignore=shutil.ignore_patterns("__pycache__"))
        elif src.exists():
            shutil.copy2(src, dest / part)
    return dest


@pytest.fixture
def workflow_copy(tmp_path: Path):
    """copy(name) -> a fresh copy of the project's workflow in tmp_path/name."""
    return lambda name: copy_tree(ROOT, tmp_path / name, WORKFLOW_PARTS)


@pytest.fixture(scope="session")
def snakemake_in():
    """snakemake_in(workdir) -> a Snakemake runner for that folder."""
    return Snakemake


def squeue_states(job_ids: list[str]) -> dict[str, str]:
    """SLURM's own record of the jobs (squeue keeps finished jobs for MinJobAge seconds)."""
    proc = subprocess.run(["squeue", "-h", "--states=all", "-j", ",".join(job_ids), "-o", "%i %T"],
                          capture_output=True, text=True, timeout=30, check=True)
    return dict(line.split() for line in proc.stdout.splitlines() if line.strip())


@pytest.fixture(scope="session")
def slurm_job_states():
    """slurm_job_states([ids]) -> {id: state} as SLURM reports them."""
    return squeue_states
