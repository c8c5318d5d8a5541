"""How a training lever moves a generator's quality: train one teacher, or one student from the
run's teacher, with plan overrides on the data of a finished run, generate its test split at the
main setting, score it.

Reuses a finished run's corpus, latents, text conditioning, VAE, vocoder and evaluation backbones
(they do not depend on the levers), and for a student the run's teacher, so one probe costs one
training plus a minute or two of sampling and scoring. Only the sections the levers live in may be
overridden (``train``, ``model``, ``teacher`` for a teacher; ``student`` for a student); anything
upstream would no longer match the reused files. With ``--sample-only`` nothing is trained: the
run's own model is sampled with overrides of its sampling section only (``teacher.base`` or
``student.sampling``), e.g. a guidance scale the run's grid does not hold.

    cd <checkout with a finished run> && python bench/generator_quality.py OUT [--experiment default] \
        [--results results] [--student VARIANT] [--set train.steps=4500 | student.train.lr=5e-4 ...]
    python bench/generator_quality.py OUT --experiment medium --sample-only \
        --set teacher.base.cfg_level=representation teacher.base.cfg_scale=4.0

Prints one JSON line: the overrides, training seconds, and recognition / FD / KL / CLAP / IS of the
main setting (the same metrics as the DAG's ``score`` rule, against the same reference features).
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import torch

from audiodear.config import compose
from audiodear.data.manifest import read_manifest
from audiodear.data.testset import read_testset
from audiodear.eval.extract import extract_roles
from audiodear.eval.metrics import score_from_plan
from audiodear.layout import ROLES, Layout
from audiodear.sampling.generate import generate_from_plan
from audiodear.train.entry import run
from audiodear.train.launch import training_job

LEVER_SECTIONS = {"teacher": ("train.", "model.", "teacher."), "student": ("student.",)}
SAMPLING_SECTIONS = {"teacher": ("teacher.",), "student": ("student.sampling.",)}  # --sample-only
PARAMS = Path(__file__).resolve().parents[1] / "params"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", help="folder for the probe's model and audio")
    ap.add_argument("--experiment", default="default")
    ap.add_argument("--results", default="results", help="results_dir of the finished run to reuse")
    ap.add_argument("--student", metavar="VARIANT", help="train this student variant from the run's teacher "
                    "instead of a teacher")
    ap.add_argument("--set", nargs="*", default=[], help="plan overrides, e.g. train.steps=4500 "
                    "(a teacher) or student.train.steps=1120 (a student)")
    ap.add_argument("--sample-only", action="store_true", help="train nothing: sample the run's own model "
                    "(its teacher, or its student VARIANT) at the main setting with sampling overrides, e.g. "
                    "teacher.base.cfg_scale=4.0")
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    system = "student" if a.student else "teacher"
    sections = (SAMPLING_SECTIONS if a.sample_only else LEVER_SECTIONS)[system]
    bad = [s for s in a.set if not s.startswith(sections)]
    if bad:
        raise SystemExit(f"--set {bad}: only {sections} may change for a {system} probe; "
                         "the reused files would not match")
    torch.set_num_threads(a.threads)
    # The plan of this checkout (its params/), run from the root of the run whose files are reused:
    # the feature files record their checkpoints by the paths the DAG used, relative to that root.
    plan = compose(a.experiment, [*a.set, f"results_dir={a.results}"], params_dir=PARAMS)
    lay, out = Layout.of(plan), Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    if a.sample_only:  # the run's model as trained; only the sampling sections' overrides apply
        model, seconds = lay.model(system, a.student or "main"), 0.0
    else:
        job = training_job(plan, system, a.student, {"latents": lay.latents("train"), "text": lay.text("train"),
                                                     "teacher": lay.model("teacher") if a.student else None,
                                                     "model": str(out / "model.safetensors"),
                                                     "loss_log": str(out / "loss.jsonl"), "workdir": str(out / "work")})
        t0 = time.time()
        run(job)
        seconds, model = time.time() - t0, job["model"]
    audio = out / "audio"
    generate_from_plan(plan, system, {"main": audio}, model, lay.vae, lay.text("test"))
    ids = [c["id"] for c in read_testset(lay.testset)]
    generated = extract_roles(plan, {r: lay.eval_model(r) for r in ROLES}, audio, ids,
                              {r: str(out / f"{r}.safetensors") for r in ROLES}, "probe")
    report = score_from_plan(plan, generated, {r: lay.features("reference", r) for r in ROLES},
                             lay.features("captions", "clap"), ids, read_manifest(lay.manifest), "probe")
    values = report.table.set_index("metric")["value"]
    print(json.dumps({"system": system, "variant": a.student, "set": a.set, "train_s": round(seconds, 1),
                      **{m: round(float(values[m]), 4) for m in ("recognition", "FD", "KL", "CLAP", "IS")}}))


if __name__ == "__main__":
    main()
