"""Build the plan's text-slot encoder and conditioning CLAP for a job."""
from __future__ import annotations

from ..audio.mel import mel_config


def text_encoder_from_plan(plan, device: str = "cpu"):
    slot = plan.text.text_slot
    if slot.kind == "flan_t5":
        from .flan_t5 import load_flan_t5

        return load_flan_t5(slot.path, device, slot.max_tokens)
    from .minilm import MiniLMEncoder

    return MiniLMEncoder(slot.max_tokens, device)


def clap_from_plan(plan, clap_folder: str | None = None, device: str = "cpu"):
    """The conditioning CLAP: LAION-CLAP from local files, or the small CLAP trained by the DAG."""
    slot = plan.text.clap_slot
    if slot.kind == "laion":
        from .laion_clap import load_clap

        return load_clap(slot.checkpoint, slot.roberta, device=device)
    from .clap_small import SmallClapEmbedder

    return SmallClapEmbedder(clap_folder, mel_config(plan.audio), plan.data.clip_seconds)
