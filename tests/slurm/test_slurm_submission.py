"""The smoke scenario's paper_tables, run once locally and once through the SLURM profile.

Every job that is not a local rule must run as a SLURM job (SLURM itself must report it
COMPLETED), and every file the two runs write must be identical, except what legitimately differs
between two runs: the rules' log files (time stamps) and the wall-clock fields of provenance.json.
The jobs and files are derived from what the DAG holds when the test runs, not from a list here.
"""
from __future__ import annotations

import fnmatch
import hashlib
import json
import os
from pathlib import Path

import pytest
import torch

pytestmark = pytest.mark.slurm

TARGET = ("paper_tables", "--config", "experiment=smoke")
# Each SLURM job costs 20-40 s more than the same job run locally (submission, two Snakemake
# start-ups inside the job, status polling), so the limit grows with the DAG.
TIMEOUT_S = 1200
# Fields of JSON records (provenance.json, training and generation reports, safetensors metadata)
# that differ between two runs of the same job: when it ran, and where (the SLURM job and host);
# durations (keys naming "seconds") are set aside too, and so is the bf16 probe's measured speed-up
# (the precision it decided is compared), and the checksums of the files a job read: our own model
# files among them are compared tensor by tensor below, while their bytes still differ between two
# runs.
VOLATILE_PROVENANCE = {"time", "slurm_job_id", "host", "hostname", "bf16_speedup", "checkpoints"}
# Files whose content measures the run itself (wall-clock timings: a latency benchmark, the tables
# that print it, `benchmark:` files), as glob patterns relative to the workflow folder. They must
# exist after both runs; their bytes are not compared: the latency stage and what prints its
# timings (the latency table and figure, Table 1's latency column, the speed claim).
RUN_DEPENDENT_OUTPUTS: tuple[str, ...] = (
    "results/*/latency.csv", "paper_tables/*/latency.*", "paper_tables/*/figures/latency_vs_batch.*",
    "paper_tables/*/table1_main.*", "paper_tables/*/impact_iterations.*", "paper_tables/*/claims.*",
    "paper_tables/*/figures/metrics_vs_iterations.*",
    # resume state of training: its stale-run check hashes the input files, which carry run times
    "results/*/scratch/*",
)


def declared_outputs_and_logs(summary: str) -> tuple[set[str], set[str]]:
    """Outputs present after the run (temp() ones are gone) and log files of every job in the DAG,
    from `snakemake --summary`."""
    outputs, logs = set(), set()
    lines = summary.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("output_file\t"))
    for line in lines[header + 1:]:
        cols = line.split("\t")
        if len(cols) < 5:  # Snakemake's own messages
            continue
        if cols[4] == "ok":
            outputs.add(cols[0])
        logs.update(f.strip() for f in cols[3].split(",") if f.strip() not in ("", "-"))
    return outputs, logs


def stable(record):
    """A JSON record without what differs between two runs of the same job: the VOLATILE_PROVENANCE
    fields and wall-clock durations (keys naming "seconds"), at any depth."""
    if isinstance(record, dict):
        return {k: stable(v) for k, v in record.items()
                if k not in VOLATILE_PROVENANCE and "seconds" not in str(k)}
    if isinstance(record, list):
        return [stable(v) for v in record]
    return record


def _json_or_text(text: str):
    try:
        return stable(json.loads(text))
    except ValueError:
        return text


def digest(path: Path) -> str:
    if path.suffix == ".json":
        return hashlib.sha256(json.dumps(stable(json.loads(path.read_text())), sort_keys=True).encode()).hexdigest()
    if path.suffix == ".safetensors":  # every tensor's bytes, and the metadata without run times
        from safetensors import safe_open

        h = hashlib.sha256()
        with safe_open(str(path), framework="pt") as fh:
            meta = {k: _json_or_text(v) for k, v in (fh.metadata() or {}).items()}
            h.update(json.dumps(meta, sort_keys=True).encode())
            for name in sorted(fh.keys()):
                tensor = fh.get_tensor(name)
                h.update(f"{name}:{tensor.dtype}:{tuple(tensor.shape)}".encode())
                h.update(tensor.contiguous().view(-1).view(torch.uint8).numpy().tobytes())
        return h.hexdigest()
    return hashlib.sha256(path.read_bytes()).hexdigest()


def json_differences(a: Path, b: Path) -> dict | str:
    """The top-level fields two JSON records disagree on (after ``stable``), to name a failure's cause."""
    if a.suffix != ".json":
        return "bytes"
    ra, rb = stable(json.loads(a.read_text())), stable(json.loads(b.read_text()))
    return {k: (ra.get(k), rb.get(k)) for k in sorted(set(ra) | set(rb)) if ra.get(k) != rb.get(k)}


def written_files(root: Path, sources: set[str], logs: set[str]) -> dict[str, str]:
    """Hash of every file a run wrote (Snakemake's own .snakemake/ and the workflow sources aside)."""
    skip = {".snakemake", *sources}
    return {rel: digest(path) for path in sorted(root.rglob("*")) if path.is_file()
            and (rel := path.relative_to(root).as_posix()).split("/")[0] not in skip
            and rel not in logs}


def test_paper_tables_through_slurm_equal_a_local_run(slurm_cluster, workflow_copy, snakemake_in,
                                                      slurm_job_states):
    local_dir, slurm_dir = workflow_copy("local"), workflow_copy("slurm")
    sources = {p.name for p in local_dir.iterdir()}
    cpus = str(len(os.sched_getaffinity(0)))
    # Both runs at once: the SLURM run spends most of its time waiting on the scheduler.
    local = snakemake_in(local_dir).start("--workflow-profile", "workflow/profiles/default",
                                          "--cores", cpus, *TARGET)
    slurm = snakemake_in(slurm_dir).start("--workflow-profile", "workflow/profiles/slurm-local", *TARGET)
    local_run = snakemake_in.wait(local, TIMEOUT_S)
    assert local_run.returncode == 0, local_run.output[-6000:]
    summary = snakemake_in(local_dir).run("--summary", *TARGET)
    assert summary.returncode == 0, summary.output[-4000:]
    slurm_run = snakemake_in.wait(slurm, TIMEOUT_S)
    assert slurm_run.returncode == 0, slurm_run.output[-6000:]
    print(f"\nlocal run {local_run.seconds:.1f} s, SLURM run {slurm_run.seconds:.1f} s (side by side)")

    # Every job ran, either as a SLURM job or as a local rule on the submit host.
    finished, submitted, local_jobs = (slurm_run.finished_jobs(), slurm_run.slurm_jobs(),
                                       slurm_run.local_jobs())
    assert submitted, "no job was submitted to SLURM"
    assert set(finished) == set(submitted) | set(local_jobs), (finished, submitted, local_jobs)
    assert not set(submitted) & set(local_jobs)
    slurm_ids = [slurm_id for slurm_id, _ in submitted.values()]
    assert len(set(slurm_ids)) == len(slurm_ids)
    states = slurm_job_states(slurm_ids)
    for job, (slurm_id, log) in submitted.items():
        rule = finished[job]
        assert states.get(slurm_id) == "COMPLETED", (rule, slurm_id, states)
        # The plugin's per-job log: .snakemake/slurm_logs/rule_<rule>/[<wildcards>/]<id>.log
        assert log.is_file() and log.name == f"{slurm_id}.log", log
        assert f"rule_{rule}" in log.relative_to(slurm_dir / ".snakemake" / "slurm_logs").parts
        assert f"rule {rule}:" in log.read_text(), f"{log} does not show rule {rule} running"

    # Jobs that stamp their SLURM job id into provenance.json name a job submitted for their rule.
    slurm_rule = {slurm_id: finished[job] for job, (slurm_id, _) in submitted.items()}
    for stamp_file in slurm_dir.rglob("provenance.json"):
        stamp = json.loads(stamp_file.read_text())
        if stamp.get("slurm_job_id") is not None:
            assert slurm_rule.get(str(stamp["slurm_job_id"])) == stamp["rule"], stamp_file

    # Same files, same bytes.
    outputs, logs = declared_outputs_and_logs(summary.output)
    assert outputs, summary.output[-2000:]
    local_files = written_files(local_dir, sources, logs)
    slurm_files = written_files(slurm_dir, sources, logs)
    for output in outputs:  # a directory output counts when it holds files
        for files in (local_files, slurm_files):
            assert any(f == output or f.startswith(output + "/") for f in files), output
    assert sorted(local_files) == sorted(slurm_files)
    differing = [f for f in local_files if local_files[f] != slurm_files[f]
                 and not any(fnmatch.fnmatch(f, pattern) for pattern in RUN_DEPENDENT_OUTPUTS)]
    assert not differing, ("outputs differ between the local and the SLURM run: "
                           f"{ {f: json_differences(local_dir / f, slurm_dir / f) for f in differing} }")
