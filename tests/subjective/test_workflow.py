"""The listening-test rules run by Snakemake on a tiny DAG: bundle, 'no ratings' table, then MOS."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from omegaconf import OmegaConf

from audiodear.audio.io import write_wav
from audiodear.config.schema import Plan
from audiodear.data.corpus.build import build_corpus
from audiodear.data.testset import resolve_testset, write_testset
from audiodear.subjective.ingest import EXPORT_FORMAT

REPO = Path(__file__).resolve().parents[2]
EXP = "t"
# A stand-in for workflow/rules/common.smk that defines the same names from a plan given as config.
SNAKEFILE = f"""
import os
from omegaconf import OmegaConf

from audiodear.config.slices import slices
from audiodear.layout import Layout

PLAN = OmegaConf.create(config["plan"])
P = Layout.of(PLAN)
CONDA_ENV = "{REPO}/workflow/envs/audiodear.yaml"


def plan(*keys):
    return slices(PLAN, keys)


include: "{REPO}/workflow/rules/subjective.smk"
"""
# A plan's sections are complete (the schema's defaults fill what a test leaves out).
PLAN = OmegaConf.to_container(OmegaConf.merge(OmegaConf.structured(Plan), {
    "experiment_name": EXP, "seed": 0, "results_dir": "results", "tables_dir": "tables",
    "subjective": {"systems": [{"name": "One-step", "audio": "student/base/onestep", "paper": "AudioDEAR"}],
                   "reference_name": "Ground truth", "clips_per_system": 3, "seed": 5, "attention_checks": 1,
                   "ratings_dir": "ratings"},
}))
TABLE = "tables/subjective_mos.md"
KEY = f"results/{EXP}/subjective/bundle/key.json"


def snakemake(wd: Path, *args: str) -> str:
    env = {**os.environ, "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
           "HF_HUB_OFFLINE": "1"}
    cmd = [sys.executable, "-m", "snakemake", "-s", str(wd / "Snakefile"), "--directory", str(wd),
           "--configfile", str(wd / "plan.yaml"), "--cores", "2", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout + proc.stderr


def setup_workdir(wd: Path) -> None:
    data = wd / "results" / EXP / "data"
    rows = build_corpus(data / "audio", data / "manifest.csv", seed=1, sizes={"train": 1, "valid": 1, "test": 4},
                        clip_seconds=1.28, sample_rate=16000, two_event_fraction=0.5, uncaptioned_fraction=0.0)
    write_testset(data / "testset.json", resolve_testset(rows, None), "every test clip")
    t = np.arange(int(1.28 * 16000)) / 16000
    for i, row in enumerate(r for r in rows if r["split"] == "test"):
        write_wav(wd / "results" / EXP / "audio" / "student" / "base" / "onestep" / f"{row['id']}.wav",
                  0.2 * np.sin(2 * np.pi * (200 + 50 * i) * t), 16000)
    (wd / "Snakefile").write_text(SNAKEFILE)
    (wd / "plan.yaml").write_text(yaml.safe_dump({"plan": PLAN}))


def rating_file(key: dict, rater: str, answers: dict) -> dict:
    trials = []
    for bid, truth in sorted(key["trials"].items()):
        if truth["attention_check"]:
            want = key["attention_checks"][bid]["expected"]
            rel, ovl = want["rel"], want["ovl"]
        else:
            rel, ovl = answers[truth["system"]]
        trials.append({"blinded_id": bid, "rel": rel, "ovl": ovl, "play_count": 1,
                       "attention_check": truth["attention_check"]})
    return {"format": EXPORT_FORMAT, "version": 1, "bundle_id": key["bundle_id"], "rater_id": rater, "trials": trials}


@pytest.mark.slow  # three Snakemake runs, four jobs (about a minute on two cores)
def test_rules_bundle_then_no_ratings_then_mos(tmp_path):
    wd = tmp_path / "wd"
    setup_workdir(wd)
    snakemake(wd, KEY, TABLE)
    assert "No ratings were collected" in (wd / TABLE).read_text()
    assert (wd / "tables" / "subjective_mos.pdf").is_file()
    key = json.loads((wd / KEY).read_text())
    assert key["systems"] == ["Ground truth", "One-step"] and len(key["trials"]) == 3 * 2 + 1
    raters = wd / "results" / EXP / "subjective" / "bundle" / "raters"
    assert (raters / "index.html").is_file() and len(list((raters / "audio").glob("*.wav"))) == 7
    assert "Nothing to be done" in snakemake(wd, "-n", KEY, TABLE)

    folder = wd / "ratings" / EXP
    folder.mkdir(parents=True)
    for name, rater, answers in (("r1.json", "ann", {"Ground truth": (5, 4), "One-step": (3, 2)}),
                                 ("r2.json", "ben", {"Ground truth": (4, 4), "One-step": (4, 3)})):
        (folder / name).write_text(json.dumps(rating_file(key, rater, answers)))
    stale = rating_file(key, "cat", {"Ground truth": (1, 1), "One-step": (1, 1)})
    (folder / "r3.json").write_text(json.dumps({**stale, "bundle_id": "b-old"}))
    key_mtime = (wd / KEY).stat().st_mtime_ns
    assert "subjective_ratings" in snakemake(wd, TABLE)
    assert (wd / KEY).stat().st_mtime_ns == key_mtime  # the bundle was not rebuilt
    table = pd.read_csv(wd / "tables" / "subjective_mos.csv").set_index("System")
    assert table.loc["Ground truth", "REL"].startswith("4.50 ± ") and table.loc["One-step", "OVL"].startswith("2.50 ± ")
    assert table.loc["One-step", "paper REL"] == "4.27 ± 0.04" and table.loc["Ground truth", "raters"] == 2
    assert "1 excluded (cat: wrong_bundle)" in (wd / TABLE).read_text()
    report = pd.read_csv(wd / "results" / EXP / "subjective" / "ratings" / "validation.csv")
    assert report[["file", "problem"]].values.tolist() == [["r3.json", "wrong_bundle"]]
