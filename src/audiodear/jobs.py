"""What every DAG job does before its work: logging, threads, seeds and a record of its inputs.

Snakemake runs ``workflow/scripts/*.py`` with a ``snakemake`` object; those scripts wrap it in
``Job`` and call the library. A job logs to the file its rule declares (and to stderr, so progress
shows in the terminal) and reads only the slices of the plan its rule declares (``params.plan``);
it writes, next to its main output, those slices (``config.yaml``) plus a provenance stamp (code version, seed, rule, wildcards, and the precision ``auto``
resolves to on the job's device, with the evidence for it).
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import torch
from omegaconf import DictConfig, OmegaConf

from .utils.atomic import write_json
from .utils.checkpoint_files import files_read
from .utils.device import auto_precision, resolve_device
from .utils.logs import setup_logging
from .utils.provenance import stamp
from .utils.seed import seed_everything


class Job:
    def __init__(self, smk: Any):
        self.smk = smk
        # Only the slices of the plan the rule declares (params.plan, config/slices.py): reading
        # anything else is an error, so what a job reads is what reruns it.
        self.plan: DictConfig = OmegaConf.create(dict(smk.params.plan))
        OmegaConf.set_struct(self.plan, True)
        OmegaConf.set_readonly(self.plan, True)
        self.threads = int(getattr(smk, "threads", 1) or 1)
        self.wildcards = dict(smk.wildcards.items()) if smk.wildcards else {}
        log_file = smk.log[0] if len(smk.log) else None
        setup_logging(log_file)
        torch.set_num_threads(self.threads)
        seed_everything(int(self.plan.seed))
        self.log = logging.getLogger(f"audiodear.{smk.rule}")
        self.device = resolve_device(self.plan.device)
        # Decided once per job, after the thread count is set (the probe runs at the job's threads).
        self.auto_precision = auto_precision(torch.device(self.device).type)
        self.log.info("rule %s %s threads=%d device=%s precision auto=%s (%s; probe %s)", smk.rule, self.wildcards,
                      self.threads, self.device, self.auto_precision.used, self.auto_precision.reason,
                      self.auto_precision.bf16_speedup)

    @property
    def input(self):
        return self.smk.input

    @property
    def output(self):
        return self.smk.output

    @property
    def params(self):
        return self.smk.params

    def record(self, folder: str | Path, extra: dict | None = None) -> None:
        """Write ``config.yaml`` (the slices of the plan the job read) and ``provenance.json`` into ``folder``.

        ``checkpoints`` lists the sha256 of every checkpoint file the job's loaders read.
        """
        from .config import save

        folder = Path(folder)
        save(self.plan, folder / "config.yaml")
        write_json(folder / "provenance.json", {
            **stamp(), "rule": self.smk.rule, "wildcards": self.wildcards, "seed": int(self.plan.seed),
            "experiment": self.plan.experiment_name, "device": self.device,
            "auto_precision": self.auto_precision.as_dict(), "checkpoints": files_read(), **(extra or {})})
