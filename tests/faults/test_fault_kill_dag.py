"""kill -9 of a smoke DAG during generation: the rerun completes and no partial wav is used."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import soundfile as sf

from workflow_helpers import ROOT, snakemake

pytestmark = pytest.mark.slow  # about two minutes: the stages before generation run for real
CLIPS = 16
# The smoke scenario, shrunk further: everything before generation as small as it can be, and
# generation one clip per batch so that a kill lands between two clips.
SHRUNK = ("--config", "experiment=smoke",
          f"overrides=[data.synthetic.sizes.train=16,data.synthetic.sizes.valid=4,data.synthetic.sizes.test={CLIPS},"
          "vae.train.steps=4,text.clap_slot.epochs=1,train.steps=4,train.checkpoint_every=4,teacher.batch_size=1]")
OUT = "results/smoke/audio/teacher/main/main"


def _wavs(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.wav") if not p.name.startswith("."))


def test_killed_generation_is_redone_on_rerun(workflow_copy):
    snakemake(workflow_copy, "--cores", "2", "results/smoke/models/teacher/model.safetensors",
              "results/smoke/text/test.safetensors", *SHRUNK)
    exe = Path(sys.executable).with_name("snakemake")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    # Its own session, so that kill -9 reaches Snakemake and the job it runs, as a crash would.
    proc = subprocess.Popen([str(exe), "--cores", "1", OUT, *SHRUNK], cwd=workflow_copy, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    out = workflow_copy / OUT
    deadline = time.time() + 300
    try:
        while not (out.is_dir() and _wavs(out)):
            assert proc.poll() is None, f"snakemake ended ({proc.returncode}) before generating"
            assert time.time() < deadline, "no generated clip within 300 s"
            time.sleep(0.005)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    partial = len(_wavs(out))
    assert not (out / "generation.json").exists() and partial < CLIPS, "generation finished before the kill"

    # A plain rerun refuses the cut-off set rather than using it.
    snakemake(workflow_copy, "--unlock", *SHRUNK)
    refused = snakemake(workflow_copy, "--cores", "1", OUT, *SHRUNK, check=False)
    assert refused.returncode != 0 and "incomplete" in (refused.stdout + refused.stderr).lower()
    # With --rerun-incomplete (the default profile sets it) the set is generated again, whole.
    started = time.time()
    snakemake(workflow_copy, "--cores", "1", "--rerun-incomplete", OUT, *SHRUNK)
    wavs = _wavs(out)
    assert len(wavs) == CLIPS and (out / "generation.json").is_file()
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == [".snakemake_timestamp"]
    frames = {sf.info(str(p)).frames for p in wavs}
    assert len(frames) == 1 and frames.pop() > 0
    assert all(p.stat().st_mtime >= started - 1 for p in wavs), "a clip of the killed run was kept"
