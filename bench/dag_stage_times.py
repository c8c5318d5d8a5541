"""Stage times of a finished Snakemake run, read from its terminal log.

    snakemake --cores all paper_tables 2>&1 | tee run.log
    python bench/dag_stage_times.py run.log

Prints the wall time of the whole run, of each phase (the chain up to the teacher, the teacher,
everything between the teacher and the tables, the tables), and per rule the number of jobs and
their summed job time (on two cores two jobs run side by side, so summed times exceed the wall).
Snakemake stamps job starts and ends to the second, which is all this needs.
"""
from __future__ import annotations

import re
import sys
from collections import defaultdict
from datetime import datetime

STAMP = re.compile(r"\[(\w{3} \w{3} +\d+ \d\d:\d\d:\d\d \d{4})\]")
START = re.compile(r"^(?:local)?rule (\w+):")
JOBID = re.compile(r"^\s+jobid: (\d+)")
FINISHED = re.compile(r"Finished jobid: (\d+) \(Rule: (\w+)\)")
# Phases in DAG order: the rules that end each one (the last job of these rules closes the phase).
PHASES = [("corpus or ingestion, audio checks, VAE, latents, CLAP, text conditioning", {"corpus", "ingest", "audio_check", "train_vae",
           "extract_latents", "train_clap", "text_embeddings", "testset"}),
          ("IMPACT teacher training", {"train_teacher"}),
          ("students, evaluation backbones, generation, scoring, latency", {"train_student", "generate_teacher", "generate_student_sweep",
           "generate_student", "score", "score_reference", "latency", "train_eval_classifier", "train_eval_frames",
           "train_eval_clap", "reference_features", "caption_features", "reconstruction_table", "subjective_bundle",
           "collect_metrics"}),
          ("tables, figures, claims", {"paper_table", "summary_tables", "figures", "paper_tables", "corpus_table",
           "subjective_table"})]


def parse(lines):
    """(rule, jobid, start, end) per finished job, and the first/last time stamps of the run."""
    now, pending, starts, jobs, first, last = None, None, {}, [], None, None
    for line in lines:
        m = STAMP.search(line)
        if m:
            now = datetime.strptime(re.sub(" +", " ", m.group(1)), "%a %b %d %H:%M:%S %Y")
            first, last = first or now, now
        if (m := START.match(line)) and now:
            pending = (m.group(1), now)
        elif (m := JOBID.match(line)) and pending:
            starts[int(m.group(1))] = pending
            pending = None
        elif (m := FINISHED.search(line)) and now:
            rule, t0 = starts.get(int(m.group(1)), (m.group(2), now))
            jobs.append((rule, int(m.group(1)), t0, now))
    return jobs, first, last


def format_report(jobs, first, last) -> str:
    """The report ``main`` prints, as text."""
    out = [f"whole run: {(last - first).total_seconds() / 60:.1f} min, {len(jobs)} jobs"]
    t_prev = first
    for name, rules in PHASES:
        ends = [end for rule, _, _, end in jobs if rule in rules]
        if ends:
            end = max(ends)
            out.append(f"  until {name}: {max(0.0, (end - t_prev).total_seconds()) / 60:.1f} min")
            t_prev = max(t_prev, end)
    per_rule = defaultdict(lambda: [0, 0.0])
    for rule, _, t0, t1 in jobs:
        per_rule[rule][0] += 1
        per_rule[rule][1] += (t1 - t0).total_seconds()
    out.append(f"\n{'rule':24s} {'jobs':>5s} {'summed min':>11s}")
    for rule, (n, s) in sorted(per_rule.items(), key=lambda kv: -kv[1][1]):
        out.append(f"{rule:24s} {n:5d} {s / 60:11.2f}")
    return "\n".join(out) + "\n"


def main(path: str) -> None:
    with open(path, errors="replace") as fh:
        jobs, first, last = parse(fh)
    if not jobs:
        sys.exit(f"{path}: no finished Snakemake job found")
    sys.stdout.write(format_report(jobs, first, last))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/dev/stdin")
