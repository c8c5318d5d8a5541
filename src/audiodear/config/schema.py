"""The shape of the composed configuration ("the plan").

Every group under ``params/`` maps to one dataclass here. Merging the composed YAML into these
structured configs rejects unknown keys and wrong types with a message that names the full key
(``Key 'lr' not in 'TrainGroup'  full_key: train.lr``). Checks that types cannot express live
in ``validate.py``. Variant and setting entries are partial overrides of a ``base`` entry; each is
checked by merging it onto the base (``validate.py``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from omegaconf import MISSING


# --- data ----------------------------------------------------------------------------------------
@dataclass
class CorpusSizes:
    train: int = 2400
    valid: int = 160
    test: int = 120


@dataclass
class SyntheticCorpus:
    seed: int = 1234
    sizes: CorpusSizes = field(default_factory=CorpusSizes)
    two_event_fraction: float = 0.4
    uncaptioned_fraction: float = 0.2
    kinds: Optional[List[str]] = None  # None: every kind


@dataclass
class RealSource:
    """One captioned corpus the user has on disk (paths relative to ``data.root``)."""

    format: str = MISSING  # audiocaps | clotho | wavcaps
    metadata: str = MISSING  # CSV (audiocaps, clotho) or JSON (wavcaps)
    audio_dir: str = MISSING
    split: str = MISSING  # train | valid | test
    audio_name: str = "{youtube_id}_{start_time}.wav"  # AudioCaps: file name from CSV fields
    name: str = ""  # what the corpus is, for logs and the ingest record
    # An optional source whose metadata file is absent is left out (with a warning) instead of
    # stopping the run: the paper's training mix lists corpora a user may not have.
    optional: bool = False


@dataclass
class Data:
    kind: str = "synthetic"  # synthetic | real
    root: str = "data"
    clip_seconds: float = 2.56
    sample_rate: int = 16000
    synthetic: SyntheticCorpus = field(default_factory=SyntheticCorpus)
    sources: List[RealSource] = field(default_factory=list)
    testset: Optional[str] = None  # versioned test-set definition (JSON) under root; None: every test clip
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


# --- representations -----------------------------------------------------------------------------
@dataclass
class VaeTrain:
    steps: int = 1500
    batch_size: int = 32
    crop_frames: int = 64
    lr: float = 1e-3
    kl_weight: float = 1e-6
    seed: int = 0


@dataclass
class Vae:
    kind: str = "embedded"  # embedded (trained by the DAG) | pretrained (diffusers folder)
    path: Optional[str] = None  # pretrained: the VAE folder (config.json + weights)
    block_out_channels: List[int] = field(default_factory=lambda: [16, 32, 64])
    layers_per_block: int = 1
    latent_channels: int = 8
    norm_num_groups: int = 16
    patch: int = 4
    shard_size: int = 256  # clips per latent shard
    train: VaeTrain = field(default_factory=VaeTrain)


@dataclass
class Vocoder:
    kind: str = "griffin_lim"  # griffin_lim | hifigan
    path: Optional[str] = None  # hifigan: the vocoder folder
    n_iter: int = 16  # griffin_lim iterations
    inverse_iterations: int = 25  # griffin_lim: non-negative mel-inverse updates before phase retrieval


@dataclass
class TextSlot:
    kind: str = "minilm"  # minilm | flan_t5
    path: Optional[str] = None  # flan_t5: local folder
    max_tokens: int = 32


@dataclass
class ClapSlot:
    kind: str = "small"  # small (trained by the DAG) | laion (630k-audioset-fusion-best)
    checkpoint: Optional[str] = None  # laion: the .pt file
    roberta: Optional[str] = None  # laion: local roberta-base folder (config + tokenizer)
    embed_dim: int = 128
    epochs: int = 12
    batch_size: int = 64
    lr: float = 2e-3
    seed: int = 0


@dataclass
class Text:
    text_slot: TextSlot = field(default_factory=TextSlot)
    clap_slot: ClapSlot = field(default_factory=ClapSlot)
    text_set: str = "t5+clap"  # what the teacher is conditioned on


# --- models and training -------------------------------------------------------------------------
@dataclass
class Model:
    size: str = "embedded"  # debug | embedded | base | large
    width: Optional[int] = None  # None: the preset's
    encoder_depth: Optional[int] = None
    decoder_depth: Optional[int] = None
    heads: Optional[int] = None
    head_depth: Optional[int] = None
    head_width: Optional[int] = None
    mask_ratio_min: float = 0.7
    attn_dropout: float = 0.1
    proj_dropout: float = 0.1
    cond_drop_prob: float = 0.1
    diffusion_batch_mul: int = 4
    clip_x0: Optional[float] = None  # bound on the diffusion head's x0-hat while sampling (None: MAR's)
    init_from: Optional[str] = None  # a MAR ImageNet checkpoint (LTH14/mar release format)


@dataclass
class Train:
    steps: int = 3000
    batch_size: int = 64
    grad_accum: int = 1
    lr: float = 1e-3
    weight_decay: float = 0.02
    betas: List[float] = field(default_factory=lambda: [0.9, 0.95])
    warmup_steps: int = 100
    ema_decay: float = 0.999
    grad_clip: float = 3.0
    precision: str = "fp32"  # auto | fp32 | bf16 (see utils.device)
    checkpoint_every: int = 250
    log_every: int = 50
    gpus: int = 1  # >1: the training rule launches torchrun with one process per GPU


@dataclass
class SamplingBase:
    """How a generator samples (see ``sampling.mar_sampler``)."""

    iterations: int = 16
    temperature: float = 1.0
    cfg_level: str = "noise"  # none | noise | representation
    cfg_scale: float = 5.0
    cfg_schedule: str = "linear"  # linear | constant
    diffusion_steps: int = 100
    precision: str = "fp32"  # auto | fp32 | bf16: autocast of backbone, head and VAE decoder (see utils.device)


@dataclass
class Teacher:
    batch_size: int = 50  # clips generated per batch
    seed: int = 0
    base: SamplingBase = field(default_factory=SamplingBase)
    settings: Dict[str, Any] = field(default_factory=lambda: {"main": {}})  # name -> overrides of base


@dataclass
class StudentBase:
    objective: str = "energy"  # energy | flow_matching | shortcut | meanflow
    energy_m: int = 2
    energy_alpha: float = 1.0
    head_design: str = "b"  # b: noise main input, h via AdaLN (the paper's); a: swapped
    noise_dim: int = 128
    distill_weight: float = 1000.0  # λ
    freeze_backbone: bool = False
    text_set: str = "t5+clap"


@dataclass
class StudentTrain:
    steps: int = 800
    lr: float = 5e-4
    warmup_steps: int = 50
    batch_size: int = 64
    ema_decay: float = 0.998


@dataclass
class Student:
    train: StudentTrain = field(default_factory=StudentTrain)
    base: StudentBase = field(default_factory=StudentBase)
    variants: Dict[str, Any] = field(default_factory=lambda: {"main": {}})
    sampling: SamplingBase = field(default_factory=lambda: SamplingBase(cfg_level="representation", cfg_scale=4.0))
    settings: Dict[str, Any] = field(default_factory=lambda: {"main": {}})
    sweep_variants: List[str] = field(default_factory=lambda: ["main"])  # variants sampled at every setting
    batch_size: int = 50
    seed: int = 0


@dataclass
class EvalBackbone:
    kind: str = MISSING  # embedded_classifier | embedded_vggish | small_clap | cnn14_16k | vggish | hf_clap
    path: Optional[str] = None  # pretrained: local checkpoint file or folder; embedded: trained by the DAG


@dataclass
class EvalBackbones:
    classifier: EvalBackbone = field(default_factory=lambda: EvalBackbone("embedded_classifier"))
    frames: EvalBackbone = field(default_factory=lambda: EvalBackbone("embedded_vggish"))
    clap: EvalBackbone = field(default_factory=lambda: EvalBackbone("small_clap"))


@dataclass
class EvalTrain:
    epochs: int = 12
    lr: float = 3e-3
    batch_size: int = 32
    seed: int = 0
    embedding_dim: int = 64


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
    batch_sizes: List[int] = field(default_factory=lambda: [1, 2, 4, 8, 16, 32, 64])
    iterations: List[int] = field(default_factory=lambda: [4, 8, 16, 32, 64])
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
    kind: str = "quality"  # quality | speed
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
    reference_name: str = "Ground truth"
    reference_paper: Optional[str] = "Ground truth"
    clips_per_system: int = 30
    seed: int = 2024
    stratify_by: str = "n_events"  # none | n_events | first_kind
    attention_checks: int = 2
    attention_max_failures: int = 0
    require_complete: bool = True
    equalise_duration: bool = True
    loudness_lufs: float = -23.0
    peak_dbtp: float = -1.0
    ratings_dir: str = "data/ratings"
    title: str = "Listening test"


@dataclass
class Plan:
    experiment_name: str = MISSING
    seed: int = 0
    device: str = "auto"  # auto | cpu | cuda
    # per_model: one generation job per trained model samples all of its settings (the model, VAE
    # and vocoder load once: the embedded default, where loading costs as much as a setting);
    # per_setting: one job per audio set, each free to take its own GPU (paper scale)
    generation_jobs: str = "per_model"
    results_dir: str = "results"
    tables_dir: str = "paper_tables"
    data: Data = field(default_factory=Data)
    audio: Audio = field(default_factory=Audio)
    vae: Vae = field(default_factory=Vae)
    vocoder: Vocoder = field(default_factory=Vocoder)
    text: Text = field(default_factory=Text)
    model: Model = field(default_factory=Model)
    train: Train = field(default_factory=Train)
    teacher: Teacher = field(default_factory=Teacher)
    student: Student = field(default_factory=Student)
    subjective: Subjective = field(default_factory=Subjective)
    eval: Eval = field(default_factory=Eval)
    report: Report = field(default_factory=Report)
