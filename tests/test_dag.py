"""The Snakemake DAG: dry runs for every experiment, lint, and a real run of the data stages."""
import json

import numpy as np
import pytest
import soundfile as sf

from workflow_helpers import snakemake


def _dry_run(workdir, experiment, *extra):
    proc = snakemake(workdir, "-n", "--cores", "1", "paper_tables", "--config", f"experiment={experiment}", *extra)
    return proc.stdout + proc.stderr


@pytest.mark.parametrize("experiment", ["smoke", "default", "medium"])
def test_dry_run_embedded(workflow_copy, experiment):
    out = _dry_run(workflow_copy, experiment)
    for rule in ("corpus", "audio_check", "testset", "corpus_table", "paper_tables"):
        assert f"rule {rule}:" in out, rule


def _write_audiocaps(root, rng):
    """A small AudioCaps-format corpus over generated audio (44.1 kHz stereo, as downloads often are)."""
    for split, n in (("train", 6), ("val", 2), ("test", 3)):
        lines = ["audiocap_id,youtube_id,start_time,caption"]
        for i in range(n):
            yt = f"{split}{i:03d}"
            for k in range(1 if split == "train" else 2):
                lines.append(f"{len(lines)},{yt},30,a sound number {i} caption {k}")
            path = root / "audiocaps" / "audio" / split / f"{yt}_30.wav"
            path.parent.mkdir(parents=True, exist_ok=True)
            sf.write(str(path), rng.uniform(-0.2, 0.2, (44100, 2)).astype(np.float32), 44100)
        (root / "audiocaps" / f"{split}.csv").write_text("\n".join(lines) + "\n")
    clips = [{"id": f"test{i:03d}_30", "caption": f"a sound number {i} caption 1"} for i in range(3)]
    (root / "testsets").mkdir()
    (root / "testsets" / "audiocaps_test_964.json").write_text(json.dumps(
        {"name": "tiny", "version": 1, "n": 3, "protocol": "test", "clips": clips}))


def _checkpoint_paths(workflow_copy):
    """The local checkpoint paths the paper plan names, as empty placeholders: a dry run checks
    that inputs exist and never opens them (loaders are tested on random-weight files elsewhere)."""
    from audiodear.config import compose

    plan = compose("paper")
    files = [plan.text.clap_slot.checkpoint, plan.model.init_from] + [plan.eval.backbones[r].path for r in ("classifier", "frames")]
    folders = [plan.vae.path, plan.vocoder.path, plan.text.text_slot.path, plan.text.clap_slot.roberta,
               plan.eval.backbones.clap.path]
    for f in files:
        (workflow_copy / f).parent.mkdir(parents=True, exist_ok=True)
        (workflow_copy / f).touch()
    for d in folders:
        (workflow_copy / d).mkdir(parents=True, exist_ok=True)


def test_dry_run_paper_over_audiocaps_manifest(workflow_copy):
    _write_audiocaps(workflow_copy / "data", np.random.default_rng(0))
    _checkpoint_paths(workflow_copy)
    out = _dry_run(workflow_copy, "paper")
    for rule in ("ingest", "audio_check", "testset", "corpus_table", "extract_latents", "text_embeddings",
                 "train_teacher", "train_student", "generate_teacher", "score", "paper_table", "paper_tables"):
        assert f"rule {rule}:" in out, rule
    for embedded_only in ("corpus", "train_vae", "train_clap", "train_eval_classifier", "train_eval_clap"):
        assert f"rule {embedded_only}:" not in out, embedded_only


def test_lint_is_clean(workflow_copy):
    proc = snakemake(workflow_copy, "--lint", "--config", "experiment=smoke", check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Lints for" not in proc.stdout + proc.stderr


def test_paper_scale_ingestion_runs(workflow_copy):
    """The data stages of the paper experiment really run on AudioCaps-format input."""
    _write_audiocaps(workflow_copy / "data", np.random.default_rng(0))
    snakemake(workflow_copy, "--cores", "1", "results/paper/data/testset.json", "results/paper/data/audio_check.json",
              "--config", "experiment=paper")
    testset = json.loads((workflow_copy / "results/paper/data/testset.json").read_text())
    assert testset["n"] == 3
