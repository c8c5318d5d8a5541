"""Checks on the plan that types alone cannot express. Each failure names the full key."""
from __future__ import annotations

from omegaconf import DictConfig

from ..errors import ConfigError
from ..utils.device import PRECISIONS


def _fail(where: str, key: str, message: str):
    raise ConfigError(f"{where}: key {key!r}: {message}")


def _choice(where: str, key: str, value, options) -> None:
    if value not in options:
        _fail(where, key, f"{value!r} is not one of {sorted(options)}")


def _positive(where: str, key: str, value) -> None:
    if not value > 0:
        _fail(where, key, f"must be > 0, got {value!r}")


def _fraction(where: str, key: str, value) -> None:
    if not 0.0 <= value <= 1.0:
        _fail(where, key, f"must lie in [0, 1], got {value!r}")


def check_plan(plan: DictConfig, where: str) -> None:
    _choice(where, "device", plan.device, {"auto", "cpu", "cuda"})
    _choice(where, "generation_jobs", plan.generation_jobs, {"per_model", "per_setting"})
    data = plan.data
    _choice(where, "data.kind", data.kind, {"synthetic", "real"})
    _choice(where, "data.validation", data.validation, {"strict", "lenient"})
    _positive(where, "data.clip_seconds", data.clip_seconds)
    if data.sample_rate != plan.audio.sample_rate:
        _fail(where, "data.sample_rate", f"{data.sample_rate} differs from audio.sample_rate {plan.audio.sample_rate}")
    if data.kind == "synthetic":
        syn = data.synthetic
        for split in ("train", "valid", "test"):
            if syn.sizes[split] < 1:
                _fail(where, f"data.synthetic.sizes.{split}", f"must be >= 1, got {syn.sizes[split]}")
        _fraction(where, "data.synthetic.two_event_fraction", syn.two_event_fraction)
        _fraction(where, "data.synthetic.uncaptioned_fraction", syn.uncaptioned_fraction)
        if syn.kinds is not None:
            from ..data.corpus.events import KIND_NAMES
            for i, kind in enumerate(syn.kinds):
                _choice(where, f"data.synthetic.kinds[{i}]", kind, set(KIND_NAMES))
            if len(syn.kinds) < 2:
                _fail(where, "data.synthetic.kinds", "needs at least 2 kinds (two-event scenes)")
    else:
        if not data.sources:
            _fail(where, "data.sources", "a real-data plan needs at least one source")
        for i, src in enumerate(data.sources):
            _choice(where, f"data.sources[{i}].format", src.format, {"audiocaps", "clotho", "wavcaps"})
            _choice(where, f"data.sources[{i}].split", src.split, {"train", "valid", "test"})
    audio = plan.audio
    for key in ("n_fft", "hop_length", "win_length", "n_mels"):
        _positive(where, f"audio.{key}", audio[key])
    if audio.win_length > audio.n_fft:
        _fail(where, "audio.win_length", f"{audio.win_length} exceeds audio.n_fft {audio.n_fft}")
    if not 0 <= audio.fmin < audio.fmax <= audio.sample_rate / 2:
        _fail(where, "audio.fmax", f"need 0 <= fmin < fmax <= sample_rate/2, got {audio.fmin}, {audio.fmax}")
    check_models(plan, where)
    from ..report.claim_plan import resolve_claims
    resolve_claims(plan, where)  # a claim naming an audio set the plan does not produce stops here


def check_models(plan: DictConfig, where: str) -> None:
    from ..models.build import PRESETS
    from ..text.conditioning import TEXT_SETS
    from .variants import NAME, student_setting, student_variant, teacher_setting

    _choice(where, "vae.kind", plan.vae.kind, {"embedded", "pretrained"})
    if plan.vae.kind == "pretrained" and not plan.vae.path:
        _fail(where, "vae.path", "a pretrained VAE needs the path of its diffusers folder")
    _choice(where, "vocoder.kind", plan.vocoder.kind, {"griffin_lim", "hifigan"})
    if plan.vocoder.kind == "hifigan" and not plan.vocoder.path:
        _fail(where, "vocoder.path", "the HiFi-GAN vocoder needs the path of its folder")
    _choice(where, "text.text_slot.kind", plan.text.text_slot.kind, {"minilm", "flan_t5"})
    if plan.text.text_slot.kind == "flan_t5" and not plan.text.text_slot.path:
        _fail(where, "text.text_slot.path", "Flan-T5 needs the path of its local folder")
    _choice(where, "text.clap_slot.kind", plan.text.clap_slot.kind, {"small", "laion"})
    if plan.text.clap_slot.kind == "laion":
        for key in ("checkpoint", "roberta"):
            if not plan.text.clap_slot[key]:
                _fail(where, f"text.clap_slot.{key}", "LAION-CLAP needs a local checkpoint and roberta-base folder")
    _choice(where, "text.text_set", plan.text.text_set, set(TEXT_SETS))
    _choice(where, "model.size", plan.model.size, set(PRESETS))
    _fraction(where, "model.cond_drop_prob", plan.model.cond_drop_prob)
    _choice(where, "train.precision", plan.train.precision, set(PRECISIONS))
    for key in ("steps", "batch_size", "grad_accum", "gpus"):
        _positive(where, f"train.{key}", plan.train[key])
    for group, names, resolve in (("teacher.settings", plan.teacher.settings, teacher_setting),
                                  ("student.variants", plan.student.variants, student_variant),
                                  ("student.settings", plan.student.settings, student_setting)):
        if "main" not in names:
            _fail(where, group, "needs an entry named 'main' (the default)")
        for name in names:
            if not NAME.match(name):
                _fail(where, f"{group}.{name}", "names may use letters, digits, '_', '.', '+', '-'")
            entry = resolve(plan, name)
            if group.endswith("settings"):
                _choice(where, f"{group}.{name}.cfg_level", entry["cfg_level"], {"none", "noise", "representation"})
                _choice(where, f"{group}.{name}.cfg_schedule", entry["cfg_schedule"], {"linear", "constant"})
                _positive(where, f"{group}.{name}.iterations", entry["iterations"])
                _choice(where, f"{group}.{name}.precision", entry["precision"], set(PRECISIONS))
            else:
                _choice(where, f"{group}.{name}.objective", entry["objective"], {"energy", "flow_matching", "shortcut", "meanflow"})
                _choice(where, f"{group}.{name}.head_design", entry["head_design"], {"a", "b"})
                _choice(where, f"{group}.{name}.text_set", entry["text_set"], set(TEXT_SETS))
                if entry["energy_m"] < 2:
                    _fail(where, f"{group}.{name}.energy_m", f"the energy score needs m >= 2 samples, got {entry['energy_m']}")
    for name in plan.student.settings:
        if student_setting(plan, name)["cfg_level"] == "noise":
            _fail(where, f"student.settings.{name}.cfg_level", "noise-level CFG needs a diffusion head; use 'representation'")
    for v in plan.student.sweep_variants:
        if v not in plan.student.variants:
            _fail(where, "student.sweep_variants", f"{v!r} is not a student variant")
