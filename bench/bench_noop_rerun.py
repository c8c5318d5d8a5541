"""Benchmark: how long a rerun takes when nothing changed (prints, asserts nothing).

Run it in a checkout whose experiment is complete (for example after
`snakemake --cores all paper_tables --config experiment=smoke`). It times, in one run:
Snakemake's start-up alone (interpreter, Snakemake and its executor plugins), the whole no-op rerun
`snakemake --cores 2 paper_tables`, and their difference (parsing the workflow, composing the plan,
building and checking the DAG), median of ``--repeats``.

On a machine with SLURM's client tools but no reachable controller, the SLURM executor plugin asks
`scontrol show config` at import and waits up to its 10 s timeout: that lands in start-up, on every
Snakemake command, and is reported separately.

    python bench/bench_noop_rerun.py [--experiment smoke] [--repeats 3]
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SNAKEMAKE = Path(sys.executable).with_name("snakemake")


def timed(args: list[str]) -> tuple[float, str]:
    t0 = time.perf_counter()
    proc = subprocess.run(args, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"{' '.join(args)} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return elapsed, proc.stdout + proc.stderr


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--experiment", default="smoke")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()

    rerun = [str(SNAKEMAKE), "--cores", "2", "paper_tables", "--config", f"experiment={args.experiment}"]
    _, dry = timed([*rerun, "--dry-run"])
    if "Nothing to be done" not in dry:
        sys.exit(f"experiment {args.experiment!r} is not complete; run `snakemake {' '.join(rerun[1:])}` first")

    startup = [sys.executable, "-c", "import snakemake.cli"]
    t_start = statistics.median(timed(startup)[0] for _ in range(args.repeats))
    t_rerun = statistics.median(timed(rerun)[0] for _ in range(args.repeats))
    scontrol = shutil.which("scontrol")
    t_scontrol = None
    if scontrol:
        t0 = time.perf_counter()
        subprocess.run([scontrol, "show", "config"], capture_output=True, timeout=30)
        t_scontrol = time.perf_counter() - t0

    print(f"== no-op rerun of experiment {args.experiment!r}, median of {args.repeats}")
    print(f"Snakemake start-up (import, executor plugins) {t_start:6.2f} s")
    print(f"whole no-op rerun                             {t_rerun:6.2f} s")
    print(f"workflow: parse, plan, DAG (difference)       {t_rerun - t_start:6.2f} s")
    print(f"start-up share of the rerun                   {t_start / t_rerun:6.2f}")
    if t_scontrol is not None:
        print(f"`scontrol show config` (asked by the SLURM plugin at import) {t_scontrol:.2f} s")
    else:
        print("no scontrol on PATH: the SLURM plugin's start-up query costs nothing here")


if __name__ == "__main__":
    main()
