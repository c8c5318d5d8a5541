"""The plan's evaluation backbones, loaded for a job."""
from __future__ import annotations

from ..audio.mel import mel_config


def backbone_from_plan(plan, role: str, path: str, device: str = "cpu"):
    """``path`` is the checkpoint the rule resolved (trained in the DAG, or the user's local file)."""
    kind = plan.eval.backbones[role].kind
    if kind == "small_clap":
        from ..text.clap_small import SmallClapBackbone

        return SmallClapBackbone(path, mel_config(plan.audio), plan.data.clip_seconds)
    from .backbones import load_backbone

    return load_backbone(kind, path, device)
