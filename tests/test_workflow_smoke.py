"""The whole DAG on the smoke scenario: every stage runs, reruns are minimal, the report builds."""
import json
import re

import pandas as pd
import pytest

from workflow_helpers import snakemake

pytestmark = pytest.mark.slow
SMOKE = ("--config", "experiment=smoke")


def _jobs(dry_run_output: str) -> dict[str, int]:
    """Job counts per rule from a dry run's job table."""
    table = dry_run_output.split("Job stats:")[1].split("total")[0]
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^(\w+)\s+(\d+)$", table, re.M)}


@pytest.fixture(scope="module")
def smoke_run(tmp_path_factory):
    from workflow_helpers import copy_workflow

    wf = copy_workflow(tmp_path_factory.mktemp("smoke") / "wf")
    snakemake(wf, "--cores", "2", "paper_tables", *SMOKE, timeout=1800)
    return wf


def test_every_stage_produced_its_outputs(smoke_run):
    tables = smoke_run / "paper_tables" / "smoke"
    for name in ("corpus_statistics", "reconstruction", "table1_main", "table2_distillation_weight", "claims",
                 "recognition", "latency", "subjective_mos"):
        for ext in (".md", ".tex", ".csv"):
            assert (tables / f"{name}{ext}").is_file(), name + ext
    for fig in ("quality_vs_steps", "latency_vs_batch", "metrics_vs_iterations", "cfg_curves"):
        assert (tables / "figures" / f"{fig}.png").stat().st_size > 1000
    metrics = pd.read_csv(smoke_run / "results/smoke/metrics.csv")
    assert {"teacher/main/main", "student/main/main", "student/lambda0/main", "reference"} <= set(metrics.audio)
    assert {"FD", "FAD", "KL", "IS", "CLAP", "recognition"} <= set(metrics.metric)
    assert metrics.value.notna().all()
    provenance = json.loads((smoke_run / "results/smoke/models/teacher/provenance.json").read_text())
    assert provenance["rule"] == "train_teacher" and provenance["code_version"]
    # the precision `auto` chose on this machine, and the one the teacher trained in, are on record
    assert provenance["auto_precision"]["used"] in ("fp32", "bf16") and provenance["auto_precision"]["reason"]
    assert provenance["precision"] == provenance["auto_precision"]["used"]
    generated = json.loads((smoke_run / "results/smoke/audio/teacher/main/main/provenance.json").read_text())
    assert generated["precision"] == provenance["auto_precision"]["used"]
    latency = pd.read_csv(smoke_run / "results/smoke/latency.csv")
    assert set(latency.precision) == {provenance["auto_precision"]["used"]}
    assert (smoke_run / "results/smoke/models/teacher/config.yaml").is_file()


def test_second_run_does_nothing(smoke_run):
    """A rerun with nothing changed schedules no job and leaves every output untouched. (How long it
    takes is measured by bench/bench_noop_rerun.py, not asserted here.)"""
    outputs = sorted(p for p in (smoke_run / "results").rglob("*") if p.is_file())
    before = {p: p.stat().st_mtime_ns for p in outputs}
    proc = snakemake(smoke_run, "--cores", "2", "paper_tables", *SMOKE)
    assert "Nothing to be done" in proc.stdout + proc.stderr
    assert "rule " not in proc.stdout + proc.stderr   # no job started
    assert {p: p.stat().st_mtime_ns for p in outputs} == before


def test_changing_one_variant_reruns_only_that_variant_and_the_tables(smoke_run):
    change = ("--config", "experiment=smoke", "overrides=[student.variants.lambda0.distill_weight=10.0]")
    proc = snakemake(smoke_run, "-n", "--cores", "2", "paper_tables", *change)
    jobs = _jobs(proc.stdout)
    assert jobs["train_student"] == 1 and jobs["generate_student"] == 1 and jobs["score"] == 1
    assert "student/lambda0" in proc.stdout
    for untouched in ("train_teacher", "generate_teacher", "train_vae", "extract_latents", "corpus", "reference_features"):
        assert untouched not in jobs, untouched
    assert {"collect_metrics", "paper_table", "summary_tables", "claims", "figures"} <= set(jobs)


def test_adding_a_teacher_setting_does_not_rerun_the_latency_sweep(smoke_run):
    """The sweep reads only the sampling settings of the sets it times (report.latency_systems)."""
    change = ("--config", "experiment=smoke", 'overrides=["+teacher.settings.iter2={iterations: 2}"]')
    jobs = _jobs(snakemake(smoke_run, "-n", "--cores", "2", "paper_tables", *change).stdout)
    assert jobs["generate_teacher"] == 1 and jobs["score"] >= 1
    assert "latency" not in jobs
    change = ("--config", "experiment=smoke", "overrides=[teacher.base.diffusion_steps=12]")
    assert "latency" in _jobs(snakemake(smoke_run, "-n", "--cores", "2", "paper_tables", *change).stdout)


def test_report_is_one_html_file(smoke_run):
    snakemake(smoke_run, "--report", "report.html", *SMOKE)
    html = (smoke_run / "report.html").read_text(errors="replace")
    assert len(html) > 50_000 and "claims" in html.lower()


def _declared_slices(workdir) -> dict[str, tuple[str, str, dict]]:
    """Output path -> (rule, job, the plan slices the job received as params.plan), from Snakemake's
    records of the run (.snakemake/metadata keeps each job's params)."""
    import ast
    import base64

    declared = {}
    for record in (workdir / ".snakemake" / "metadata").rglob("*"):
        if not record.is_file():
            continue
        meta = json.loads(record.read_text())
        path = base64.b64decode(record.name).decode()
        for text in meta.get("params") or []:
            try:
                value = ast.literal_eval(text)
            except (ValueError, SyntaxError):
                continue
            if isinstance(value, dict) and "experiment_name" in value:
                declared[path] = (meta["rule"], meta["job_hash"], value)
    return declared


def _reads(slices: dict, parts: tuple) -> bool:
    node = slices
    for part in parts:
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def _leaves(node, parts=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, (*parts, key))
    else:
        yield parts, node


def test_each_leaf_reruns_exactly_the_jobs_that_read_it(smoke_run):
    """A job sees only the plan slices its rule declares (params.plan), so changing a leaf must rerun
    every job that declared it, and no other job for its params: the others rerun only because an
    input was updated. Enumerating every leaf (one dry run each) is too slow for the suite, so 8
    numeric or boolean leaves are drawn with a fixed seed; a change the plan refuses is skipped.
    AUDIODEAR_ALL_LEAVES=1 checks every such leaf instead (about 100 dry runs)."""
    import os
    import random

    from omegaconf import OmegaConf

    from audiodear.config import compose
    from audiodear.errors import ConfigError

    declared = _declared_slices(smoke_run)
    assert {rule for rule, _, _ in declared.values()} >= {"corpus", "train_teacher", "generate_student", "score"}
    leaves = [(p, v) for p, v in _leaves(OmegaConf.to_container(compose("smoke")))
              if isinstance(v, (bool, int, float)) and not any("." in part for part in p)]
    rng, checked, refused = random.Random(17), 0, 0
    everything = bool(os.environ.get("AUDIODEAR_ALL_LEAVES"))
    for parts, value in rng.sample(leaves, len(leaves)):
        new = (not value) if isinstance(value, bool) else value + 1 if isinstance(value, int) else value * 0.5 or 0.25
        override = f"{'.'.join(parts)}={str(new).lower() if isinstance(new, bool) else new}"
        try:
            compose("smoke", [override])
        except ConfigError:
            refused += 1
            continue  # outside the field's bounds
        # Only the plan's change counts here (not a code change since the run, say).
        proc = snakemake(smoke_run, "-n", "--cores", "2", "paper_tables", "--rerun-triggers", "mtime", "input",
                         "params", "--config", "experiment=smoke", f"overrides=[{override}]")
        reasons = {}  # job -> why it reruns
        for block in re.split(r"^(?=(?:local)?rule \w+:)", proc.stdout, flags=re.M):
            output = re.search(r"^\s+output: ([^,\n]+)", block, flags=re.M)
            if output and output.group(1).strip() in declared:
                reasons[declared[output.group(1).strip()][:2]] = re.search(r"reason: (.*)", block).group(1)
        readers = {(rule, job) for rule, job, slices in declared.values() if _reads(slices, parts)}
        for_params = {job for job, why in reasons.items() if "Params have changed" in why}
        # Snakemake names one reason: a reader below another reader reruns for its updated input.
        assert for_params <= readers, f"{override}: rerun for params it does not read: {sorted(for_params - readers)}"
        assert readers <= set(reasons), f"{override}: read but not rerun: {sorted(readers - set(reasons))}"
        others = {job: why for job, why in reasons.items() if job not in readers}
        assert all(why.startswith("Input files updated") for why in others.values()), f"{override}: {others}"
        checked += 1
        if checked == 8 and not everything:
            break
    assert checked + refused == len(leaves) if everything else checked == 8
    print(f"\n{checked} leaves checked, {refused} changes refused by the plan")


def test_per_setting_generation_writes_the_same_audio(smoke_run, tmp_path):
    """One generation job per audio set (paper scale) writes the same audio as one job per model
    (the default): regenerate every set the per_setting way in a copy of the run and compare."""
    import hashlib
    import shutil

    run = shutil.copytree(smoke_run, tmp_path / "wf", symlinks=True)
    audio = run / "results/smoke/audio"
    sets = sorted(p.parent.relative_to(run) for p in audio.rglob("generation.json"))

    def digests():
        return {p.relative_to(audio): hashlib.sha256(p.read_bytes()).hexdigest() for p in audio.rglob("*.wav")}

    before = digests()
    per_setting = ("--config", "experiment=smoke", "overrides=[generation_jobs=per_setting]")
    proc = snakemake(run, "--cores", "2", *map(str, sets), "--forcerun", "generate_teacher", "generate_student",
                     *per_setting)
    ran = re.findall(r"^(?:local)?rule (\w+):", proc.stdout + proc.stderr, re.M)
    assert ran.count("generate_teacher") + ran.count("generate_student") == len(sets) > 3
    assert digests() == before


def test_dvc_experiment_over_the_hydra_params(smoke_run):
    """`dvc exp run -S ...` composes params.yaml with Hydra, reruns the changed variant, and
    `dvc exp show` lists its metrics; `dvc repro` then finds nothing left to do."""
    import os
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    from workflow_helpers import ROOT

    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ["PATH"], "PYTHONPATH": str(ROOT / "src")}

    def run(*args):
        proc = subprocess.run(list(args), cwd=smoke_run, env=env, capture_output=True, text=True, timeout=1800)
        assert proc.returncode == 0, f"{args}: {proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        return proc.stdout

    for name in ("dvc.yaml", ".gitignore", ".dvcignore"):
        shutil.copy2(ROOT / name, smoke_run / name)
    shutil.copytree(ROOT / ".dvc", smoke_run / ".dvc", ignore=shutil.ignore_patterns("cache", "tmp", "tmp*"))
    shutil.copytree(ROOT / "src" / "audiodear", smoke_run / "src" / "audiodear", ignore=shutil.ignore_patterns("__pycache__"))
    run("audiodear", "config", "--experiment", "smoke", "--out", "params.yaml")
    run("git", "init", "-q")
    run("git", "add", "-A")
    run("git", "-c", "user.email=t@example.org", "-c", "user.name=t", "commit", "-qm", "smoke")
    run("dvc", "exp", "run", "-S", "experiment=smoke", "-S", "student.variants.lambda0.distill_weight=10.0")
    shown = run("dvc", "exp", "show", "--no-pager", "--json")
    assert "headline.json" in shown and "distill_weight" in shown
    assert "up to date" in run("dvc", "status").lower()  # the applied experiment is what dvc.lock records
    metrics = run("dvc", "metrics", "show")
    assert "student_main_main" in metrics
