"""The plan a run executes: the configuration composed and validated (``config``), and its claims
resolved against the audio sets it produces (``report.claim_plan``).

Kept above both packages so that ``config`` imports nothing downstream: a claim naming an audio set
the plan does not produce still stops the composition, with the claim and the set named.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

from omegaconf import DictConfig

from . import config
from .errors import ConfigError
from .report.claim_plan import resolve_claims


def compose(experiment: str = "default", overrides: Iterable[str] | str = (),
            params_dir: str | Path | None = None) -> DictConfig:
    if isinstance(overrides, str):  # Snakemake's --config gives a string where YAML did not parse a list
        if overrides.lstrip().startswith("["):
            raise ConfigError(f"key 'overrides': {overrides!r} is not a YAML list; quote each override that holds "
                              "braces, colons or commas, e.g. overrides='[\"+student.variants.main_seed1={seed: 1}\"]'")
        overrides = [overrides]
    overrides = list(overrides)
    plan = config.compose(experiment, overrides, params_dir)
    resolve_claims(plan, " ".join([f"experiment={experiment}", *overrides]))
    return plan


def load(path: str | Path) -> DictConfig:
    plan = config.load(path)
    resolve_claims(plan, str(path))
    return plan
