"""A data source the user does not have: marked optional it is left out, else the DAG build names it."""
import numpy as np
import pandas as pd
import soundfile as sf

from workflow_helpers import snakemake


def _test_split_only(root):
    """An AudioCaps-format folder with only test.csv (and its audio), as a new user often has."""
    lines = ["audiocap_id,youtube_id,start_time,caption"]
    for i in range(2):
        lines.append(f"{i + 1},clip{i},30,a sound number {i}")
        path = root / "audiocaps" / "audio" / "test" / f"clip{i}_30.wav"
        path.parent.mkdir(parents=True, exist_ok=True)
        sf.write(str(path), np.random.default_rng(i).uniform(-0.2, 0.2, 16000).astype(np.float32), 16000)
    (root / "audiocaps" / "test.csv").write_text("\n".join(lines) + "\n")


def test_missing_required_source_is_named_at_dag_build(workflow_copy):
    _test_split_only(workflow_copy / "data")
    proc = snakemake(workflow_copy, "-n", "--cores", "1", "results/paper/data/manifest.csv",
                     "--config", "experiment=paper", check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "data.sources[0] (audiocaps, split train): metadata file data/audiocaps/train.csv not found" in out
    assert "data.sources[1] (audiocaps, split valid): metadata file data/audiocaps/val.csv not found" in out
    assert "data.sources[2]" not in out and "optional: true" in out
    assert "MissingInputException" not in out


def test_optional_missing_source_is_left_out(workflow_copy):
    _test_split_only(workflow_copy / "data")
    params = workflow_copy / "params/data/paper.yaml"  # the paper preset's sources
    text = params.read_text()
    for split in ("train", "valid"):
        text = text.replace(f"split: {split}}}", f"split: {split}, optional: true}}")
    params.write_text(text)
    snakemake(workflow_copy, "--cores", "1", "results/paper/data/manifest.csv", "--config", "experiment=paper")
    manifest = pd.read_csv(workflow_copy / "results/paper/data/manifest.csv")
    assert sorted(manifest.id) == ["clip0_30", "clip1_30"] and set(manifest.split) == {"test"}
    report = pd.read_csv(workflow_copy / "results/paper/data/ingest_report.csv")
    assert report.empty
