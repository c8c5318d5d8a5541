"""Checks on the plan at compose time, for every section. Each failure names the full key.

The field-level rules (choices, bounds) are read from the schema's field metadata (``schema.choice``
and ``schema.bounded``) for every field of every section, list entry and resolved variant or
setting; the checks written out below relate two fields or name what a kind needs.
"""
from __future__ import annotations

import typing
from dataclasses import fields, is_dataclass

from omegaconf import DictConfig, OmegaConf

from ..errors import ConfigError
from .schema import Plan, SamplingBase, StudentBase

_BOUNDS = {"ge": (lambda v, b: v >= b, ">="), "gt": (lambda v, b: v > b, ">"),
           "le": (lambda v, b: v <= b, "<="), "lt": (lambda v, b: v < b, "<")}


def _fail(where: str, key: str, message: str):
    raise ConfigError(f"{where}: key {key!r}: {message}")


def check_fields(node, cls, where: str, prefix: str = "") -> None:
    """Every choice and bound the schema's ``cls`` declares, on ``node`` and the sections under it."""
    hints = typing.get_type_hints(cls)
    for f in fields(cls):
        key, value = f"{prefix}{f.name}", node[f.name]
        meta = f.metadata
        if value is not None and "choices" in meta and value not in meta["choices"]:
            _fail(where, key, f"{value!r} is not one of {list(meta['choices'])}")
        if value is not None and "each" in meta:
            for i, item in enumerate(value):
                if item not in meta["each"]:
                    _fail(where, f"{key}[{i}]", f"{item!r} is not one of {list(meta['each'])}")
            if len(value) < meta.get("min_len", 0):
                _fail(where, key, f"needs at least {meta['min_len']} entries, got {len(value)}")
        for name, (ok, sign) in _BOUNDS.items():
            if name in meta and value is not None and not ok(value, meta[name]):
                _fail(where, key, f"must be {sign} {meta[name]}, got {value!r}")
        _check_nested(value, hints[f.name], where, key)


def _check_nested(value, hint, where: str, key: str) -> None:
    """Recurse into a section, a list of entries or a dict of entries of a schema type."""
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if is_dataclass(hint) and isinstance(value, DictConfig):
        check_fields(value, hint, where, f"{key}.")
    elif typing.get_origin(hint) in (list, typing.List) and args and is_dataclass(args[0]) and value is not None:
        for i, item in enumerate(value):
            check_fields(item, args[0], where, f"{key}[{i}].")
    elif typing.get_origin(hint) in (dict, typing.Dict) and len(args) == 2 and is_dataclass(args[1]):
        for name, item in value.items():
            check_fields(item, args[1], where, f"{key}.{name}.")
    elif typing.get_origin(hint) is typing.Union and len(args) == 1 and value is not None:
        _check_nested(value, args[0], where, key)


def check_plan(plan: DictConfig, where: str) -> None:
    check_fields(plan, Plan, where)
    data, audio = plan.data, plan.audio
    if data.sample_rate != audio.sample_rate:
        _fail(where, "data.sample_rate", f"{data.sample_rate} differs from audio.sample_rate {audio.sample_rate}")
    if data.kind == "real" and not data.sources:
        _fail(where, "data.sources", "a real-data plan needs at least one source")
    if audio.win_length > audio.n_fft:
        _fail(where, "audio.win_length", f"{audio.win_length} exceeds audio.n_fft {audio.n_fft}")
    if not 0 <= audio.fmin < audio.fmax <= audio.sample_rate / 2:
        _fail(where, "audio.fmax", f"need 0 <= fmin < fmax <= sample_rate/2, got {audio.fmin}, {audio.fmax}")
    _check_paths(plan, where)
    _check_variants(plan, where)
    _check_subjective(plan, where)


def _check_paths(plan: DictConfig, where: str) -> None:
    """What a pretrained kind needs: the local files it loads."""
    for key, needs in (("vae.path", plan.vae.kind == "pretrained"), ("vocoder.path", plan.vocoder.kind == "hifigan"),
                       ("text.text_slot.path", plan.text.text_slot.kind == "flan_t5"),
                       ("text.clap_slot.checkpoint", plan.text.clap_slot.kind == "laion"),
                       ("text.clap_slot.roberta", plan.text.clap_slot.kind == "laion")):
        section, leaf = key.rsplit(".", 1)
        if needs and not OmegaConf.select(plan, section)[leaf]:
            _fail(where, key, "this kind loads local files: give their path")


def _check_variants(plan: DictConfig, where: str) -> None:
    from .variants import NAME, student_setting, student_variant, teacher_setting

    for group, names, resolve, schema in (("teacher.settings", plan.teacher.settings, teacher_setting, SamplingBase),
                                          ("student.variants", plan.student.variants, student_variant, StudentBase),
                                          ("student.settings", plan.student.settings, student_setting, SamplingBase)):
        if "main" not in names:
            _fail(where, group, "needs an entry named 'main' (the default)")
        for name in names:
            if not NAME.match(name):
                _fail(where, f"{group}.{name}", "names may use letters, digits, '_', '.', '+', '-'")
            check_fields(OmegaConf.create(resolve(plan, name)), schema, where, f"{group}.{name}.")
    for name in plan.student.settings:
        if student_setting(plan, name)["cfg_level"] == "noise":
            _fail(where, f"student.settings.{name}.cfg_level", "noise-level CFG needs a diffusion head; use 'representation'")
    for v in plan.student.sweep_variants:
        if v not in plan.student.variants:
            _fail(where, "student.sweep_variants", f"{v!r} is not a student variant")


def _check_subjective(plan: DictConfig, where: str) -> None:
    s = plan.subjective
    names = [s.reference_name, *(system.name for system in s.systems)]
    for i, name in enumerate(names):
        if not str(name).strip():
            _fail(where, "subjective.reference_name" if i == 0 else f"subjective.systems[{i - 1}].name",
                  "must not be empty")
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        _fail(where, "subjective.systems", f"duplicate system name(s) {dup} (the reference is named {s.reference_name!r})")

