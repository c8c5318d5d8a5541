# Loads the plan and defines the paths and input functions the rule files share.
import os
import re

from audiodear.config import compose, load, to_dict
from audiodear.config.variants import student_runs, student_setting, student_variant, teacher_setting


def _load_plan():
    if config.get("plan_file"):
        return load(config["plan_file"])
    return compose(config.get("experiment", "default"), config.get("overrides") or [])


PLAN = _load_plan()
# Jobs read the full plan from snakemake.config; params carry only the sections a rule depends on,
# so that changing one variant reruns only that variant's jobs.
config["plan"] = to_dict(PLAN)

R = f"{PLAN.results_dir}/{PLAN.experiment_name}"  # results of this experiment
T = PLAN.tables_dir  # rendered tables and figures
LOGS = f"{R}/logs"
CONDA_ENV = "../envs/audiodear.yaml"  # documents the stack; used only with --sdm conda


def section(*keys):
    """A plain-dict copy of plan sections, for rule params (rerun triggers)."""
    return {k: to_dict(PLAN[k]) if hasattr(PLAN[k], "keys") else PLAN[k] for k in keys}
