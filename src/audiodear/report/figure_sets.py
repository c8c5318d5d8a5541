"""Which audio sets each figure plots, chosen from the plan's resolved sampling settings.

Each figure varies one sampling field and holds the others at the main setting's values, so a
point on a curve differs from ``main`` in that field alone.
"""
from __future__ import annotations


def _varies_only(setting: dict, main: dict, varied: tuple[str, ...]) -> bool:
    """``setting`` equals ``main`` in every sampling field but ``varied`` (a field added to the
    sampling settings later is held at main's value without naming it here)."""
    return all(setting[f] == main[f] for f in main if f not in varied)


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
             if _varies_only(c, main_t, ("diffusion_steps",))}
    # sorted: the same plot, byte for byte, whatever the order of the set
    steps.update({a: 1 for a in sorted(available) if a.startswith("student/") and a.endswith("/main")})
    iterations = {c["iterations"]: f"teacher/main/{s}" for s, c in teacher.items()
                  if _varies_only(c, main_t, ("iterations",))}
    noise = {c["cfg_scale"]: f"teacher/main/{s}" for s, c in teacher.items()
             if c["cfg_level"] == "noise" and _varies_only(c, main_t, ("cfg_level", "cfg_scale"))}
    representation = {c["cfg_scale"]: f"teacher/main/{s}" for s, c in teacher.items()
                      if c["cfg_level"] == "representation" and _varies_only(c, main_t, ("cfg_level", "cfg_scale"))}
    students = {c["cfg_scale"]: f"student/main/{s}" for s, c in student.items()
                if _varies_only(c, main_s, ("cfg_scale",)) and f"student/main/{s}" in available}
    cfg = {"teacher, noise level": noise, "teacher, representation level": representation,
           "student, representation level": students}
    return {"steps": steps, "iterations": iterations, "cfg": cfg}
