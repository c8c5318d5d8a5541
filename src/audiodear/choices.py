"""The allowed values of the plan's choice fields, named once.

The schema types its choice fields with these (``config.schema.choice``), validation checks against
them,
and the runtime modules that branch on a value read their vocabulary from here, so a new value is
added in one place. This module imports nothing of the project: every package may use it, like
``errors``.
(OmegaConf 2.3 rejects ``Literal`` annotations, so the schema stores these as ``str`` fields with
the ``Literal`` in the field's metadata.)
"""
from __future__ import annotations

from typing import Literal, get_args

Device = Literal["auto", "cpu", "cuda"]
GenerationJobs = Literal["per_model", "per_setting"]  # one generation job per trained model, or per audio set
DataKind = Literal["synthetic", "real"]
Validation = Literal["strict", "lenient"]
SourceFormat = Literal["audiocaps", "clotho", "wavcaps"]
Split = Literal["train", "valid", "test"]
# The embedded corpus's sound-event kinds, in the order its classes are numbered (data.corpus.events).
EventKind = Literal["beep", "chirp", "noise_burst", "clicks", "siren", "hum", "knock", "babble", "bell", "whistle",
                    "drum", "rain", "engine", "birdsong"]
VaeKind = Literal["embedded", "pretrained"]
VocoderKind = Literal["griffin_lim", "hifigan"]
TextSlotKind = Literal["minilm", "flan_t5"]
ClapKind = Literal["small", "laion"]
TextSet = Literal["t5+clap", "t5", "clap"]  # what a generator is conditioned on (text.conditioning)
ModelSize = Literal["debug", "embedded", "base", "large"]  # presets of models.build
Precision = Literal["auto", "fp32", "bf16"]  # see utils.device
CfgLevel = Literal["none", "noise", "representation"]  # see sampling.mar_sampler
CfgSchedule = Literal["linear", "constant"]
Objective = Literal["energy", "flow_matching", "shortcut", "meanflow"]  # student heads (models.heads)
HeadDesign = Literal["a", "b"]  # b: noise main input, h via AdaLN (the paper's); a: swapped
# Evaluation roles (the fields of eval.backbones): the classifier (FD, KL, IS, recognition), the
# frame embedder (FAD), CLAP (the CLAP score).
EvalRole = Literal["classifier", "frames", "clap"]
BackboneKind = Literal["embedded_classifier", "embedded_vggish", "small_clap", "cnn14_16k", "vggish", "hf_clap"]
ClaimKind = Literal["quality", "speed"]
Stratify = Literal["none", "n_events", "first_kind"]  # how the listening test draws its clips


def values(choice) -> tuple[str, ...]:
    """The allowed values of a choice type, in their order."""
    return get_args(choice)
