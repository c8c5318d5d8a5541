"""Checks on the plan that types alone cannot express. Each failure names the full key."""
from __future__ import annotations

from omegaconf import DictConfig

from ..errors import ConfigError


def _fail(where: str, key: str, message: str) -> None:
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
