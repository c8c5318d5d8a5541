# Loads the plan and defines the paths and input functions the rule files share.
import os
import re

from audiodear.config.slices import slices
from audiodear.plan import compose, load
from audiodear.config.variants import student_runs
from audiodear.layout import ROLES, Layout
from audiodear.report.claim_plan import resolve_claims
from audiodear.data.ingest.present import metadata_inputs


def _load_plan():
    if config.get("plan_file"):
        return load(config["plan_file"])
    return compose(config.get("experiment", "default"), config.get("overrides") or [])


PLAN = _load_plan()
config["experiment_name"] = PLAN.experiment_name  # for the report's caption only; jobs get params.plan

P = Layout.of(PLAN)  # every path of the run (audiodear/layout.py)
CONDA_ENV = "../envs/audiodear.yaml"  # documents the stack; used only with --sdm conda
# Threads of the rules that come many jobs at a time (student training, generation). On a 2-core
# machine two one-thread jobs side by side do more work than one two-thread job (measured in the
# default run); the serial stages (VAE, teacher training) keep 2. Cluster profiles set their own
# (set-threads).
MANY_JOBS_THREADS = 1
# Scheduling order among ready jobs (higher first). The chain to the teacher (VAE, latents, text
# conditioning, teacher training) goes before the evaluation backbones, which are needed only once
# audio is generated; student training goes before generation, so the run ends on short jobs.
TEACHER_PATH_PRIORITY = 20
STUDENT_PRIORITY = 10


def plan(*keys):
    """The slices of the plan a rule's job reads (dotted keys), for its ``params.plan``: the job sees
    only these (audiodear.jobs.Job), so they are its rerun triggers, and changing one variant
    reruns only that variant's jobs."""
    return slices(PLAN, keys)


# --- inputs shared by several rule files -------------------------------------------------------
EMBEDDED_EVAL = {"classifier": "embedded_classifier", "frames": "embedded_vggish", "clap": "small_clap"}
AUDIOSET = r"(teacher|student)/[^/]+/[^/]+"  # wildcard of a generated audio set
# the real test audio scored like a system, and two disjoint halves of it scored against each other
REAL_AUDIOSETS = ["reference", "reference_halves"]


def embedded_eval(role):
    """Whether the DAG trains this evaluation backbone itself (the embedded default)."""
    b = PLAN.eval.backbones[role]
    return b.kind == EMBEDDED_EVAL[role] and not b.path


def vae_folder():
    return P.vae if PLAN.vae.kind == "embedded" else ancient(PLAN.vae.path)


def clap_inputs():
    c = PLAN.text.clap_slot
    return [P.clap_cond] if c.kind == "small" else [ancient(c.checkpoint), ancient(c.roberta)]


def text_slot_inputs():
    t = PLAN.text.text_slot
    return [ancient(t.path)] if t.kind == "flan_t5" else []


def generated_audiosets():
    """Every generated audio set as <system>/<variant>/<setting>."""
    return [f"teacher/main/{s}" for s in PLAN.teacher.settings] + [f"student/{v}/{s}" for v, s in student_runs(PLAN)]


def claim_audiosets():
    """The audio sets the claims compare (resolved when the plan was composed)."""
    return sorted({a for c in resolve_claims(PLAN) for cmp in c.comparisons for a in (cmp.better, cmp.than)})


def eval_backbone(role):
    """The checkpoint of an evaluation backbone: trained by the DAG, or the user's local file."""
    if embedded_eval(role):
        return P.eval_model(role)
    return ancient(PLAN.eval.backbones[role].path)


def latency_sampling_keys():
    """The plan slices that resolve the sampling setting of each system the latency sweep times."""
    keys = []
    for audio in PLAN.report.latency_systems.values():
        system, _, setting = audio.split("/")
        keys += ["teacher.base" if system == "teacher" else "student.sampling", (system, "settings", setting)]
    return keys


def generator_model(audioset):
    """The model file that generated an audio set <system>/<variant>/<setting>."""
    system, variant, _ = audioset.split("/")
    return P.model(system, variant)

