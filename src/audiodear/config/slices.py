"""The slices of the plan a job reads: named by dotted keys, passed as the rule's ``params.plan``.

A job sees only these (``audiodear.jobs.Job``), and Snakemake reruns a job when its params change,
so a job reruns exactly when something it reads changed: the rerun triggers are right by
construction.
"""
from __future__ import annotations

from omegaconf import DictConfig, ListConfig, OmegaConf

# What every job reads: its provenance names the experiment, it seeds everything with the plan's
# seed, and it runs on the plan's device.
JOB_KEYS = ("experiment_name", "seed", "device")


def slices(plan: DictConfig, keys) -> dict:
    """``{"data": {"clip_seconds": 2.56}, ...}`` for ``keys`` like ``"data.clip_seconds"`` (or a
    tuple of parts, for names with dots: ``("teacher", "settings", "repr2.0")``), in the plan's shape
    (plain values, so Snakemake can compare them between runs)."""
    out: dict = {}
    for key in (*JOB_KEYS, *keys):
        parts = key.split(".") if isinstance(key, str) else list(key)
        node = plan
        for part in parts:
            if part not in node:
                raise KeyError(f"plan key {'.'.join(parts)!r} does not exist")
            node = node[part]
        value = OmegaConf.to_container(node, resolve=True) if isinstance(node, (DictConfig, ListConfig)) else node
        *parents, leaf = parts
        here = out
        for part in parents:
            here = here.setdefault(part, {})
        here[leaf] = value
    return out
