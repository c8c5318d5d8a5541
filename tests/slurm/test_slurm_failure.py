"""A job that fails on the cluster, and the rerun after the fix.

tests/slurm/failing_workflow holds two independent jobs: `steady` succeeds; `parse` fails while
its input holds no number. The first run must fail naming the SLURM log of `parse` (which holds the
job's error); after the input is fixed, the rerun must run `parse` alone and leave `steady` be.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.slurm

WORKFLOW = Path(__file__).parent / "failing_workflow"
PROFILE = Path(__file__).resolve().parents[2] / "workflow" / "profiles" / "slurm-local"


@pytest.fixture(scope="module")
def failed_run(slurm_cluster, tmp_path_factory, snakemake_in):
    """The failing workflow's first run, with `parse` given a non-number."""
    workdir = tmp_path_factory.mktemp("failing")
    shutil.copy2(WORKFLOW / "Snakefile", workdir / "Snakefile")
    (workdir / "value.txt").write_text("not a number\n")
    run = snakemake_in(workdir).run("--workflow-profile", str(PROFILE))
    return workdir, run


def test_failed_job_is_reported_with_its_slurm_log(failed_run):
    workdir, run = failed_run
    assert run.returncode != 0
    assert "Error in rule parse:" in run.output
    finished = run.finished_jobs()
    assert sorted(finished.values()) == ["steady"]
    failed = [ids for job, ids in run.slurm_jobs().items() if job not in finished]
    assert len(failed) == 1, run.output[-4000:]
    slurm_id, log = failed[0]
    assert f"SLURM-job '{slurm_id}' failed" in run.output
    # The error report names the job's SLURM log, and that log holds the job's own error message.
    assert f"log: {log} (check log file(s) for error details)" in run.output
    assert log.is_file() and log.parent == workdir / ".snakemake" / "slurm_logs" / "rule_parse"
    assert "value.txt holds no number" in log.read_text()
    # The job that succeeded beside it was kept.
    assert (workdir / "out" / "steady.txt").read_text() == "steady\n"


def test_rerun_after_the_fix_runs_only_the_failed_job(failed_run, snakemake_in):
    workdir, _ = failed_run
    steady = workdir / "out" / "steady.txt"
    steady_mtime = steady.stat().st_mtime_ns
    (workdir / "value.txt").write_text("42\n")
    run = snakemake_in(workdir).run("--workflow-profile", str(PROFILE))
    assert run.returncode == 0, run.output[-4000:]
    submitted_rules = {run.finished_jobs()[job] for job in run.slurm_jobs()}
    assert submitted_rules == {"parse"}
    assert set(run.finished_jobs().values()) == {"parse", "all"}
    assert steady.stat().st_mtime_ns == steady_mtime
    assert (workdir / "out" / "parsed.txt").read_text() == "42\n"
