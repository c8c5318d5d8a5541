"""The shape of the composed configuration ("the plan").

Every group under ``params/`` maps to one dataclass here. Merging the composed YAML into these
structured configs rejects unknown keys and wrong types with a message that names the full key
(``Key 'lr' not in 'TeacherTrain'  full_key: train.lr``). Checks that types cannot express live
in ``validate.py``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from omegaconf import MISSING


@dataclass
class CorpusSizes:
    train: int = 2400
    valid: int = 160
    test: int = 200


@dataclass
class SyntheticCorpus:
    seed: int = 1234
    sizes: CorpusSizes = field(default_factory=CorpusSizes)
    two_event_fraction: float = 0.4
    uncaptioned_fraction: float = 0.2
    kinds: Optional[List[str]] = None  # None: every kind


@dataclass
class RealSource:
    """One captioned corpus the user has on disk (paths relative to ``data.root`` or absolute)."""

    format: str = MISSING  # audiocaps | clotho | wavcaps
    metadata: str = MISSING  # CSV (audiocaps, clotho) or JSON (wavcaps)
    audio_dir: str = MISSING
    split: str = MISSING  # train | valid | test
    # AudioCaps only: how a row's audio file is named on disk (Python format fields of the CSV row)
    audio_name: str = "{youtube_id}_{start_time}.wav"


@dataclass
class Data:
    kind: str = "synthetic"  # synthetic | real
    root: str = "data"
    clip_seconds: float = 2.56
    sample_rate: int = 16000
    synthetic: SyntheticCorpus = field(default_factory=SyntheticCorpus)
    sources: List[RealSource] = field(default_factory=list)
    testset: Optional[str] = None  # versioned test-set definition (CSV: id, caption); None: every test clip
    validation: str = "strict"  # strict | lenient


@dataclass
class Audio:
    """AudioLDM's mel frontend."""

    sample_rate: int = 16000
    n_fft: int = 1024
    hop_length: int = 160
    win_length: int = 1024
    n_mels: int = 64
    fmin: float = 0.0
    fmax: float = 8000.0


@dataclass
class Plan:
    experiment_name: str = MISSING
    seed: int = 0
    device: str = "auto"  # auto | cpu | cuda
    results_dir: str = "results"
    tables_dir: str = "paper_tables"
    data: Data = field(default_factory=Data)
    audio: Audio = field(default_factory=Audio)
