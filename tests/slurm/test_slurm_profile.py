"""workflow/profiles/slurm as Snakemake reads it: the resources each rule class gets.

A dry run over tests/slurm/rule_classes (one empty rule per rule name the profile sizes, plus one
it does not know) shows what every job would ask SLURM for. No cluster is needed.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROFILE = ROOT / "workflow" / "profiles" / "slurm" / "config.yaml"
RULE_CLASSES = Path(__file__).parent / "rule_classes" / "Snakefile"
JOB = re.compile(r"^rule (\S+):\n((?:    .*\n)*?)    resources: (.*)$", re.M)


# A variant of the shipped profile: every variable of the block at its top edited.
EDITS = [("account", '"proj-42"'), ("cpu_partition", "cpu-long"), ("gpu_partition", "gpu-h100"),
         ("gpu_model", '""'), ("train_gpus", "8")]


def edit_variable(text: str, name: str, value: str) -> str:
    edited, count = re.subn(rf"^(  {name}:\s*)\S+", rf"\g<1>{value}", text, count=1, flags=re.M)
    assert count == 1, f"no variable {name} in {PROFILE}"
    return edited


def start_dry_run(snakemake_in, workdir: Path, profile_text: str):
    (workdir / "profile").mkdir(parents=True)
    (workdir / "profile" / "config.yaml").write_text(profile_text)
    shutil.copy2(RULE_CLASSES, workdir / "Snakefile")
    return snakemake_in(workdir).start("--workflow-profile", "profile", "--dry-run", "--cores", "64")


def jobs_of(run) -> dict[str, dict[str, str]]:
    """rule -> its resources (and threads) as the dry run prints them."""
    assert run.returncode == 0, run.output[-4000:]
    jobs = {}
    for rule, details, resources in JOB.findall(run.output):
        fields = dict(item.split("=", 1) for item in resources.split(", "))
        threads = re.search(r"^    threads: (\d+)$", details, re.M)
        fields["threads"] = threads[1] if threads else "1"
        jobs[rule] = fields
    return jobs


@pytest.fixture(scope="module")
def dry_runs(snakemake_in, tmp_path_factory):
    """Jobs of the shipped profile and of the edited one (run side by side: each start of the
    SLURM plugin asks `scontrol` for the cluster's settings, which takes seconds without one)."""
    edited = PROFILE.read_text()
    for name, value in EDITS:
        edited = edit_variable(edited, name, value)
    root = tmp_path_factory.mktemp("profiles")
    started = [start_dry_run(snakemake_in, root / "shipped", PROFILE.read_text()),
               start_dry_run(snakemake_in, root / "edited", edited)]
    return [jobs_of(snakemake_in.wait(run)) for run in started]


@pytest.fixture(scope="module")
def as_shipped(dry_runs):
    return dry_runs[0]


def test_training_asks_for_gpus_of_the_configured_type(as_shipped):
    teacher = as_shipped["train_teacher"]
    assert (teacher["slurm_partition"], teacher["gpu"], teacher["gpu_model"]) == ("gpu", "4", "a100")
    # One task holding every GPU of the job, 8 cores per GPU, host memory scaled with the GPUs.
    assert (teacher["tasks_per_gpu"], teacher["cpus_per_gpu"], teacher["threads"]) == ("0", "8", "8")
    assert (teacher["mem_mb"], teacher["runtime"]) == ("256000", "2880")
    assert as_shipped["train_student"] == teacher
    for rule in ("train_vae", "train_clap", "train_eval_classifier", "train_eval_frames", "train_eval_clap",
                 "extract_latents", "text_embeddings", "reference_features", "caption_features", "score",
                 "generate_teacher", "generate_student", "generate_student_sweep", "latency"):
        assert (as_shipped[rule]["slurm_partition"], as_shipped[rule]["gpu"]) == ("gpu", "1"), rule
    assert as_shipped["generate_teacher"]["runtime"] == "720"
    assert as_shipped["latency"]["slurm_extra"] == "--exclusive"


def test_cpu_rules_and_unknown_rules_stay_on_cpus(as_shipped):
    for rule in ("ingest", "corpus", "testset", "score_reference", "corpus_table", "unsized"):
        assert as_shipped[rule]["slurm_partition"] == "compute", rule
        assert "gpu" not in as_shipped[rule] and "slurm_account" not in as_shipped[rule], rule
    assert (as_shipped["ingest"]["threads"], as_shipped["ingest"]["mem_mb"]) == ("16", "32000")
    # A rule the profile does not name gets the defaults.
    unsized = as_shipped["unsized"]
    assert (unsized["mem_mb"], unsized["runtime"], unsized["threads"]) == ("8000", "60", "1")


def test_the_variables_block_retargets_every_job(dry_runs):
    jobs = dry_runs[1]
    assert all(job["slurm_account"] == "proj-42" for job in jobs.values())
    assert jobs["train_teacher"]["slurm_partition"] == "gpu-h100"
    assert (jobs["train_teacher"]["gpu"], jobs["train_teacher"]["mem_mb"]) == ("8", "512000")
    assert not any("gpu_model" in job for job in jobs.values())  # "" = any GPU type
    assert jobs["score_reference"]["slurm_partition"] == "cpu-long"
