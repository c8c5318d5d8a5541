"""Which audio sets each figure plots, chosen from the plan's resolved sampling settings.

Each figure varies one sampling field and holds the others at the main setting's values, so a
point on a curve differs from ``main`` in that field alone.
"""
from __future__ import annotations


def _same(setting: dict, main: dict, fields: tuple[str, ...]) -> bool:
    return all(setting[f] == main[f] for f in fields)


def figure_sets(teacher: dict[str, dict], student: dict[str, dict], available: set[str]) -> dict:
    """``teacher`` / ``student``: setting name -> resolved sampling setting; ``available``: the
    audio sets this experiment produces. Returns the sets of each figure:

    - ``steps``: audio set -> diffusion steps (the teacher at main iterations and CFG; every
      student variant's main set at 1 step);
    - ``iterations``: decoding iterations -> teacher audio set (main steps and CFG);
    - ``cfg``: curve label -> {CFG scale: audio set}.
    """
    main_t, main_s = teacher["main"], student["main"]
    steps = {f"teacher/main/{s}": c["diffusion_steps"] for s, c in teacher.items()
             if _same(c, main_t, ("iterations", "cfg_level", "cfg_scale", "cfg_schedule", "temperature"))}
    # sorted: the same plot, byte for byte, whatever the order of the set
    steps.update({a: 1 for a in sorted(available) if a.startswith("student/") and a.endswith("/main")})
    iterations = {c["iterations"]: f"teacher/main/{s}" for s, c in teacher.items()
                  if _same(c, main_t, ("diffusion_steps", "cfg_level", "cfg_scale", "cfg_schedule", "temperature"))}
    noise = {c["cfg_scale"]: f"teacher/main/{s}" for s, c in teacher.items() if c["cfg_level"] == "noise"
             and _same(c, main_t, ("iterations", "diffusion_steps", "cfg_schedule", "temperature"))}
    representation = {c["cfg_scale"]: f"teacher/main/{s}" for s, c in teacher.items()
                      if c["cfg_level"] == "representation" and _same(c, main_t, ("temperature",))}
    students = {c["cfg_scale"]: f"student/main/{s}" for s, c in student.items()
                if _same(c, main_s, ("iterations", "cfg_schedule", "temperature")) and f"student/main/{s}" in available}
    cfg = {"teacher, noise level": noise, "teacher, representation level": representation,
           "student, representation level": students}
    return {"steps": steps, "iterations": iterations, "cfg": cfg}
