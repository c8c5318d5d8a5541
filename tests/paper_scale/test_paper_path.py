"""The paper path end to end: ``snakemake paper_tables --config experiment=paper`` on random-weight
checkpoints in the published formats at the published sizes, over a handful of 10.24 s clips in
AudioCaps' layout. Every stage runs: ingestion -> AudioLDM VAE latents (8 x 256 x 16 -> 256 tokens of
128) -> Flan-T5-large + LAION-CLAP (78 text tokens) -> IMPACT-base teacher -> students -> HiFi-GAN
-> Cnn14 / VGGish / CLAP features -> metrics -> tables.

Only compute is cut (``COMPUTE_ONLY``): training steps and batch, clips, the sampling grid (the
smoke scenario's teacher settings, students and claims; 4 decoding iterations), bootstrap draws,
latency points. No architecture size is touched. The stage times of the run are written to
``stage_times.txt`` next to the run (and to ``$AUDIODEAR_PAPER_PATH_OUT`` when set) and printed.

Run apart: ``pytest -m paper_scale -s`` (about 5 GB of disk for the checkpoints, 12 GB free in all).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from workflow_helpers import ROOT, copy_workflow

pytestmark = [pytest.mark.slow, pytest.mark.paper_scale]

CLIPS = {"train": 4, "val": 2, "test": 10}   # 10 test clips: IS takes 10 splits
COMPUTE_ONLY = [
    # a few training steps at a small batch (the paper: 400k / 100k steps at batch 2048 on 8 GPUs)
    "train.steps=2", "train.batch_size=2", "train.warmup_steps=1", "train.checkpoint_every=2", "train.log_every=1",
    "student.train.steps=2", "student.train.batch_size=2", "student.train.warmup_steps=1",
    # the smallest sampling grid: the smoke scenario's teacher settings, students and claims, 4 iterations
    "teacher=smoke", "student=smoke", "report/claims=smoke", "~student.settings.iter16",
    "teacher.batch_size=4", "student.batch_size=4", "student.sampling.iterations=4",
    "eval.bootstrap.n_boot=20", "eval.latency.batch_sizes=[1]", "eval.latency.iterations=[4]",
    "eval.latency.repeats=1", "eval.latency.warmup=0",
    "subjective.clips_per_system=2", "subjective.attention_checks=1",
]


def prepare(workdir: Path, width: str = "full") -> Path:
    """A copy of the workflow with the fixture checkpoints and AudioCaps-layout clips under data/."""
    from audiodear.fixtures import make_fixtures
    from audiodear.fixtures.audiocaps import write_audiocaps

    wf = copy_workflow(workdir)
    make_fixtures(wf, width)
    write_audiocaps(wf / "data", CLIPS)
    return wf


def snakemake_args() -> list[str]:
    # JSON is YAML: each override stays one string, brackets and all (Snakemake parses --config values as YAML)
    return ["--cores", "2", "paper_tables", "--config", "experiment=paper", f"overrides={json.dumps(COMPUTE_ONLY)}"]


def run_logged(wf: Path, log: Path, timeout: int = 7200) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("snakemake")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    with open(log, "w") as fh:
        return subprocess.run([str(exe), *snakemake_args()], cwd=wf, env=env, stdout=fh, stderr=subprocess.STDOUT,
                              text=True, timeout=timeout)


def stage_times(log: Path) -> str:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from dag_stage_times import format_report, parse
    finally:
        sys.path.pop(0)
    with open(log, errors="replace") as fh:
        jobs, first, last = parse(fh)
    return format_report(jobs, first, last) if jobs else "no finished job in the log\n"


@pytest.fixture(scope="module")
def paper_run(tmp_path_factory):
    if shutil.disk_usage(tmp_path_factory.getbasetemp()).free < 12e9:
        pytest.skip("the paper path needs about 12 GB of free disk (5 GB of checkpoints, model files)")
    wf = prepare(tmp_path_factory.mktemp("paper") / "wf")
    log = wf / "snakemake.log"
    proc = run_logged(wf, log)
    assert proc.returncode == 0, log.read_text(errors="replace")[-8000:]
    report = stage_times(log)
    (wf / "stage_times.txt").write_text(report)
    if os.environ.get("AUDIODEAR_PAPER_PATH_OUT"):
        Path(os.environ["AUDIODEAR_PAPER_PATH_OUT"]).write_text(report)
    print("\npaper path stage times on this machine:\n" + report)
    return wf


def test_latents_are_256_tokens_of_128_from_an_8x256x16_latent(paper_run):
    from audiodear.audio.latents import load_latents

    ids, tokens, index = load_latents(paper_run / "results/paper/latents/train")  # the split the models train on
    assert list(index["latent_shape"]) == [8, 256, 16] and index["patch"] == 4
    assert tuple(tokens.shape) == (CLIPS["train"], 256, 128)


def test_text_conditioning_is_78_tokens_of_flan_t5_large_width(paper_run):
    from audiodear.text.conditioning import TextCache

    cache = TextCache.load(paper_run / "results/paper/text/test.safetensors")
    assert tuple(cache.t5.shape) == (CLIPS["test"], 77, 1024) and cache.clap_text.shape[1] == 512
    assert tuple(cache.sequence("t5+clap").shape) == (CLIPS["test"], 78, 1024)


def test_teacher_and_students_have_impact_base_sizes(paper_run):
    from audiodear.models.generator_file import load_weights

    counts = {}
    for role in ("teacher", "student/main", "student/lambda0"):
        weights, _ = load_weights(paper_run / "results/paper/models" / role / "model.safetensors")
        counts[role] = sum(v.numel() for k, v in weights.items() if v.is_floating_point())
    print(f"\nparameters: {counts}")
    assert round(counts["teacher"] / 1e6) == 193
    assert round(counts["student/main"] / 1e6) == round(counts["student/lambda0"] / 1e6) == 191
    init = json.loads((paper_run / "results/paper/models/teacher/provenance.json").read_text())["init"]
    assert init["transferred"] == 299


def test_generated_audio_is_10_24_s_at_16_khz_through_the_hifigan(paper_run):
    import soundfile as sf

    for audioset in ("teacher/main/main", "student/main/main", "student/lambda0/main"):
        waves = sorted((paper_run / "results/paper/audio" / audioset).glob("*.wav"))
        assert len(waves) == CLIPS["test"], audioset
        info = sf.info(str(waves[0]))
        assert info.samplerate == 16000 and info.frames == 163840
    provenance = json.loads((paper_run / "results/paper/audio/teacher/main/main/provenance.json").read_text())
    assert any(p.endswith("vocoder/model.safetensors") for p in provenance["checkpoints"])


def test_features_metrics_and_tables(paper_run):
    import pandas as pd
    from safetensors import safe_open

    features = paper_run / "results/paper/features/student/main/main"
    widths = {"classifier": ("embedding", 2048), "frames": ("frame_embedding", 128), "clap": ("embedding", 512)}
    for role, (key, width) in widths.items():
        with safe_open(str(features / f"{role}.safetensors"), "pt") as fh:
            assert fh.get_slice(key).get_shape()[-1] == width, role
    metrics = pd.read_csv(paper_run / "results/paper/metrics.csv")
    assert {"FD", "FAD", "KL", "IS", "CLAP"} <= set(metrics.metric)
    for name in ("table1_main", "reconstruction", "latency", "claims"):
        assert (paper_run / "paper_tables/paper" / f"{name}.md").is_file(), name
