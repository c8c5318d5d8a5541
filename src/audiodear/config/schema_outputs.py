"""The shape of the plan's evaluation, report and listening-test sections, and their defaults
(part of ``schema.Plan``; see ``schema.py``)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from omegaconf import MISSING

from .. import choices as C
from .fields import bounded, choice


@dataclass
class EvalBackbone:
    kind: str = choice(MISSING, C.BackboneKind)
    path: Optional[str] = None  # pretrained: local checkpoint file or folder; embedded: trained by the DAG


@dataclass
class EvalBackbones:
    classifier: EvalBackbone = field(default_factory=lambda: EvalBackbone("embedded_classifier"))
    frames: EvalBackbone = field(default_factory=lambda: EvalBackbone("embedded_vggish"))
    clap: EvalBackbone = field(default_factory=lambda: EvalBackbone("small_clap"))


@dataclass
class EvalTrain:
    """Training of the embedded evaluation backbones (eval/train_embedded.py)."""

    epochs: int = bounded(12, ge=1)
    lr: float = bounded(3e-3, gt=0)
    batch_size: int = bounded(32, ge=1)
    seed: int = 0
    embedding_dim: int = bounded(64, ge=1)
    weight_decay: float = 1e-4


@dataclass
class EvalClap:
    embed_dim: int = 128
    epochs: int = 6
    batch_size: int = 64
    lr: float = 2e-3
    seed: int = 1


@dataclass
class Bootstrap:
    n_boot: int = 200
    seed: int = 0
    level: float = 0.95


@dataclass
class Latency:
    # Up to 16 on the CPU: five sizes are the five timing pairs the speed claim needs (report.claims),
    # the paper's batch 8 among them; 32 and 64 took 60 % of the sweep's time (params/eval/paper.yaml
    # times up to 64 on a GPU).
    batch_sizes: List[int] = field(default_factory=lambda: [1, 2, 4, 8, 16])
    iterations: List[int] = field(default_factory=lambda: [4, 8, 16, 32])
    repeats: int = 1
    warmup: int = 1


@dataclass
class Eval:
    backbones: EvalBackbones = field(default_factory=EvalBackbones)
    train: EvalTrain = field(default_factory=EvalTrain)
    clap: EvalClap = field(default_factory=EvalClap)
    bootstrap: Bootstrap = field(default_factory=Bootstrap)
    latency: Latency = field(default_factory=Latency)


@dataclass
class ReportRow:
    label: str = MISSING
    # "<system>/<variant>/<setting>" or "reference"; or a list of them: the first this experiment
    # produces (and that samples with `iterations` / `diffusion_steps`, when given) fills the row
    audio: Any = MISSING
    paper: Optional[str] = None  # row of the paper's table
    iterations: Optional[int] = None  # decoding iterations the row is about (its label says so)
    diffusion_steps: Optional[int] = None  # diffusion steps the row is about (its label says so)


@dataclass
class ReportTable:
    title: str = MISSING
    paper: Optional[str] = None  # "<paper>.<table>" in report/paper_numbers.yaml
    metrics: List[str] = field(default_factory=list)
    rows: List[ReportRow] = field(default_factory=list)
    # Rows of published numbers, never ours: a row name of `paper`, or {row, paper} for a row of
    # another table of paper_numbers.yaml (checked when the table is built).
    cited: List[Any] = field(default_factory=list)
    supplementary: List[str] = field(default_factory=list)  # metrics the paper lacks: ours only
    assumptions: List[str] = field(default_factory=list)  # ids in docs/assumptions.md


@dataclass
class ClaimSpec:
    """One claim of the papers (``params/report/claims``; resolved in ``report.claim_plan``)."""

    text: str = MISSING  # "{grid}" becomes the plan's grid of a sweep
    source: str = MISSING  # paper, table and rows the claim comes from
    compare: List[Any] = field(default_factory=list)  # {better, than} | {chain: [...]} | {sweep: {...}}
    metrics: List[str] = field(default_factory=list)  # the metrics the source reports for these rows
    primary: List[str] = field(default_factory=list)  # the metric(s) that decide; default: the first
    ties: List[str] = field(default_factory=list)  # metrics the source reports as a tie
    tolerance: float = 0.05  # a tie: |a - b| <= tolerance * |b|
    kind: str = choice("quality", C.ClaimKind)
    central: bool = False  # one of the claims the paper rests on (listed first)
    paper_ratio: Optional[float] = None  # speed: the source's speed-up


@dataclass
class Report:
    tables: Dict[str, ReportTable] = field(default_factory=dict)
    claims: Dict[str, ClaimSpec] = field(default_factory=dict)
    latency_systems: Dict[str, str] = field(default_factory=lambda: {"teacher": "teacher/main/main",
                                                                      "student": "student/main/main"})


@dataclass
class SubjectiveSystem:
    name: str = MISSING  # table label (never shown to raters)
    audio: str = MISSING  # "<system>/<variant>/<setting>" under results/<exp>/audio/
    paper: Optional[str] = None  # row of the paper's Table 9 to show beside ours


@dataclass
class Subjective:
    systems: List[SubjectiveSystem] = field(default_factory=list)
    reference_name: str = "Ground truth"  # the test-set reference audio from the manifest, rated like a system
    reference_paper: Optional[str] = "Ground truth"
    # the same clip ids in every system (IMPACT: 30 clips; AudioDEAR: 90 samples in all)
    clips_per_system: int = bounded(30, ge=1)
    seed: int = 2024  # clip selection, blinded ids, attention checks
    stratify_by: str = choice("n_events", C.Stratify)  # caption kind from the manifest's labels
    # instruction trials ("rate REL 2 and OVL 4"); pass = both exactly as asked
    attention_checks: int = bounded(2, ge=0)
    attention_max_failures: int = bounded(0, ge=0)  # a rater failing more checks than this is excluded
    require_complete: bool = True  # exclude raters who did not rate every trial
    equalise_duration: bool = True  # trim every version of a clip to the shortest (lengths would tell systems apart)
    loudness_lufs: float = bounded(-23.0, gt=-70.0, lt=0.0)  # ITU-R BS.1770-4 integrated loudness target (EBU R 128)
    peak_dbtp: float = bounded(-1.0, le=0.0)  # true-peak ceiling after the gain
    ratings_dir: str = "data/ratings"  # rating files: <ratings_dir>/<experiment_name>/*.json
    title: str = "Listening test"
