"""Per-token sampling heads p(x | h) and their factory.

Kinds: ``diffusion`` (the IMPACT/MAR teacher head), ``energy`` (AudioDEAR's one-step head) and the
one-step baselines ``flow_matching``, ``shortcut``, ``meanflow``. Every head follows
:class:`~audiodear.models.heads.base.Head` (draw / loss / sample).
"""
from __future__ import annotations

import inspect
from typing import Any

from audiodear.errors import ConfigError

from .adaln_mlp import AdaLNMLP
from .base import Head
from .diffusion_head import DiffusionHead
from .energy_head import EnergyHead
from .flow_heads import FlowMatchingHead, MeanFlowHead, ShortcutHead

HEADS: dict[str, type[Head]] = {
    "diffusion": DiffusionHead,
    "energy": EnergyHead,
    "flow_matching": FlowMatchingHead,
    "shortcut": ShortcutHead,
    "meanflow": MeanFlowHead,
}

_POSITIVE_INTS = ("width", "depth", "diffusion_batch_mul", "num_train_steps", "sampling_steps", "levels",
                  "noise_dim")
_FRACTIONS = ("bootstrap_fraction", "ratio_r_neq_t")


def _check(kind: str, key: str, value: Any, cfg: dict[str, Any]) -> None:
    where = f"head ({kind}): {key}={value!r}"
    if key in _POSITIVE_INTS:
        if value is None and key == "noise_dim":
            return
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ConfigError(f"{where} must be a positive integer")
    elif key in _FRACTIONS:
        if not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
            raise ConfigError(f"{where} must be a number in [0, 1]")
    elif key == "design" and value not in ("a", "b"):
        raise ConfigError(f"{where} must be 'a' (noise drives AdaLN) or 'b' (noise is the main input)")
    elif key == "num_samples" and (isinstance(value, bool) or not isinstance(value, int) or value < 2):
        raise ConfigError(f"{where} must be an integer >= 2 (the energy score needs two samples per target)")
    elif key == "alpha" and (not isinstance(value, (int, float)) or not 0.0 < value < 2.0):
        raise ConfigError(f"{where} must lie in (0, 2), where the energy score is strictly proper")
    elif key in ("adaptive_p", "adaptive_c", "time_sigma") and (not isinstance(value, (int, float)) or value < 0):
        raise ConfigError(f"{where} must be a non-negative number")
    elif key == "time_mu" and not isinstance(value, (int, float)):
        raise ConfigError(f"{where} must be a number")
    if key == "sampling_steps" and value > cfg.get("num_train_steps", 1000):
        raise ConfigError(f"{where} cannot exceed num_train_steps ({cfg.get('num_train_steps', 1000)})")


def build_head(kind: str, token_dim: int, cond_dim: int, **cfg: Any) -> Head:
    """Build a head of ``kind``; ``cfg`` holds that head's constructor options (defaults: paper size,
    depth 3 x width 1024)."""
    if kind not in HEADS:
        raise ConfigError(f"head: kind={kind!r} is unknown; choose one of {sorted(HEADS)}")
    for key, value in (("token_dim", token_dim), ("cond_dim", cond_dim)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ConfigError(f"head ({kind}): {key}={value!r} must be a positive integer")
    cls = HEADS[kind]
    allowed = [p for p in inspect.signature(cls.__init__).parameters if p not in ("self", "token_dim", "cond_dim")]
    for key, value in cfg.items():
        if key not in allowed:
            raise ConfigError(f"head ({kind}): unknown option {key!r}; allowed: {allowed}")
        _check(kind, key, value, cfg)
    return cls(token_dim, cond_dim, **cfg)


__all__ = ["AdaLNMLP", "DiffusionHead", "EnergyHead", "FlowMatchingHead", "HEADS", "Head", "MeanFlowHead",
           "ShortcutHead", "build_head"]
