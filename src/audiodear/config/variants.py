"""Named variants and settings: partial overrides of a base entry, resolved to full entries.

A teacher sampling setting, a student training variant or a student sampling setting is one line
of ``params/`` that becomes a Snakemake wildcard; adding one is adding a line.
"""
from __future__ import annotations

import re

from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from ..errors import ConfigError
from .schema import SamplingBase, StudentBase

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.+-]*$")


def _resolve(schema, base: DictConfig, override, where: str) -> dict:
    try:
        merged = OmegaConf.merge(OmegaConf.structured(schema), base, override or {})
    except OmegaConfBaseException as err:
        key = getattr(err, "full_key", "")
        raise ConfigError(f"key '{where}.{key}': {str(err).splitlines()[0]}") from None
    return OmegaConf.to_container(merged, resolve=True)


def teacher_setting(plan: DictConfig, name: str) -> dict:
    return _resolve(SamplingBase, plan.teacher.base, plan.teacher.settings[name], f"teacher.settings.{name}")


def student_variant(plan: DictConfig, name: str) -> dict:
    return _resolve(StudentBase, plan.student.base, plan.student.variants[name], f"student.variants.{name}")


def train_steps_of(plan: DictConfig, variant: dict) -> int:
    """The training steps of a resolved student variant: its own ``train_steps``, else ``student.train.steps``."""
    steps = variant.get("train_steps")
    return int(plan.student.train.steps if steps is None else steps)


def student_train_steps(plan: DictConfig, name: str) -> int:
    """The training steps of student variant ``name``."""
    return train_steps_of(plan, student_variant(plan, name))


def student_setting(plan: DictConfig, name: str) -> dict:
    return _resolve(SamplingBase, plan.student.sampling, plan.student.settings[name], f"student.settings.{name}")


def sampling_of(plan: DictConfig, audio: str) -> dict:
    """The resolved sampling setting of a generated audio set ``<system>/<variant>/<setting>``."""
    system, _, setting = audio.split("/")
    return (teacher_setting if system == "teacher" else student_setting)(plan, setting)


def student_runs(plan: DictConfig) -> list[tuple[str, str]]:
    """(variant, setting) pairs to generate: every variant at ``main``, the sweep variants at every setting."""
    runs = [(v, "main") for v in plan.student.variants]
    runs += [(v, s) for v in plan.student.sweep_variants for s in plan.student.settings if s != "main"]
    return runs
