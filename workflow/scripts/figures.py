"""Rule figures: quality vs sampling steps, latency vs batch size, metrics vs iterations, CFG curves."""
from pathlib import Path

import pandas as pd

from audiodear.config.variants import student_setting, teacher_setting
from audiodear.jobs import Job
from audiodear.report import figures

job = Job(snakemake)  # noqa: F821
plan = job.plan
metrics = pd.read_csv(job.input.metrics)
latency = pd.read_csv(job.input.latency)
out = Path(job.output[0]).parent
available = set(job.params.available)
teacher = {s: teacher_setting(plan, s) for s in plan.teacher.settings}
student = {s: student_setting(plan, s) for s in plan.student.settings}
main_t = teacher["main"]

steps = {f"teacher/main/{s}": c["diffusion_steps"] for s, c in teacher.items()
         if c["iterations"] == main_t["iterations"] and c["cfg_level"] == main_t["cfg_level"] and c["cfg_scale"] == main_t["cfg_scale"]}
steps.update({a: 1 for a in sorted(available) if a.startswith("student/") and a.endswith("/main")})  # sorted: same plot, same bytes
figures.quality_vs_steps(metrics, steps, out / "quality_vs_steps")
figures.latency_vs_batch(latency, out / "latency_vs_batch")
iters = {c["iterations"]: f"teacher/main/{s}" for s, c in teacher.items()
         if c["diffusion_steps"] == main_t["diffusion_steps"] and c["cfg_level"] == main_t["cfg_level"]
         and c["cfg_scale"] == main_t["cfg_scale"]}
figures.metrics_vs_iterations(metrics, iters, latency, out / "metrics_vs_iterations")
curves = {
    "teacher, noise level": {c["cfg_scale"]: f"teacher/main/{s}" for s, c in teacher.items()
                             if c["cfg_level"] == "noise" and c["iterations"] == main_t["iterations"]
                             and c["diffusion_steps"] == main_t["diffusion_steps"]},
    "teacher, representation level": {c["cfg_scale"]: f"teacher/main/{s}" for s, c in teacher.items()
                                      if c["cfg_level"] == "representation"},
    "student, representation level": {c["cfg_scale"]: f"student/main/{s}" for s, c in student.items()
                                      if c["iterations"] == student["main"]["iterations"] and f"student/main/{s}" in available},
}
figures.cfg_curves(metrics, curves, out / "cfg_curves")
