"""Size presets and the generator = MAR backbone + per-token head.

Presets follow MAR's factory functions. ``base`` and ``large`` are IMPACT's sizes (24 layers at
width 768 / 32 layers at 1024, as MAR-B / MAR-L: half encoder, half decoder) with a 3-block × 1024
head; ``embedded`` is what the 2-core CPU default trains; ``debug`` is for tests.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from torch import nn

from ..choices import ModelSize, values
from ..errors import ConfigError
from .mar import BackboneConfig, MARBackbone

PRESETS = {
    "debug": dict(width=32, encoder_depth=1, decoder_depth=1, heads=2, head_depth=2, head_width=32),
    "embedded": dict(width=128, encoder_depth=2, decoder_depth=2, heads=4, head_depth=2, head_width=192),
    "base": dict(width=768, encoder_depth=12, decoder_depth=12, heads=12, head_depth=3, head_width=1024),
    "large": dict(width=1024, encoder_depth=16, decoder_depth=16, heads=16, head_depth=3, head_width=1024),
}
assert tuple(PRESETS) == values(ModelSize), "models.build.PRESETS and choices.ModelSize differ"


@dataclass
class ModelSpec:
    """Everything needed to rebuild a generator (stored next to its weights)."""

    backbone: dict
    head_kind: str
    head: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


class AudioMAR(nn.Module):
    def __init__(self, backbone: MARBackbone, head: nn.Module):
        super().__init__()
        self.backbone, self.head = backbone, head


def spec_from_preset(size: str, *, token_dim: int, seq_len: int, cond_len: int, cond_dim: int, head_kind: str,
                     head: dict | None = None, **overrides) -> ModelSpec:
    if size not in PRESETS:
        raise ConfigError(f"model size {size!r} is not one of {sorted(PRESETS)}")
    p = {**PRESETS[size], **{k: v for k, v in overrides.items() if v is not None}}
    head_cfg = {"depth": p.pop("head_depth"), "width": p.pop("head_width"), **(head or {})}
    backbone = asdict(BackboneConfig(token_dim=token_dim, seq_len=seq_len, cond_len=cond_len, cond_dim=cond_dim, **p))
    return ModelSpec(backbone, head_kind, head_cfg)


def build_model(spec: ModelSpec) -> AudioMAR:
    from .heads import build_head

    backbone = MARBackbone(BackboneConfig(**spec.backbone))
    head = build_head(spec.head_kind, spec.backbone["token_dim"], spec.backbone["width"], **spec.head)
    return AudioMAR(backbone, head)


def count_parameters(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())
