"""kill -9 of a training job mid-step, then a rerun: the same weights as an uninterrupted run, bit for bit."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import torch
from safetensors import safe_open

from audiodear.train.loop import CHECKPOINT
from tiny_training import CHECKPOINT_EVERY, run

HERE = Path(__file__).parent
STEPS = 12


def _start(workdir: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(HERE.parents[1] / "src")}
    # 0.05 s pause per step: the run lasts long enough to be killed between checkpoints.
    return subprocess.Popen([sys.executable, str(HERE / "tiny_training.py"), str(workdir), str(STEPS), "0.05"], env=env)


def test_sigkill_mid_step_then_rerun_equals_uninterrupted(tmp_path):
    killed = tmp_path / "killed"
    proc = _start(killed)
    ckpt = killed / "work" / CHECKPOINT
    deadline = time.time() + 120
    try:
        while not ckpt.is_file():
            assert proc.poll() is None, f"training ended ({proc.returncode}) before its first checkpoint"
            assert time.time() < deadline, "no checkpoint within 120 s"
            time.sleep(0.005)
        time.sleep(0.08)  # about half a step past the checkpoint
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the run finished before it could be killed"
    with safe_open(str(ckpt), framework="pt") as f:
        step = int(f.metadata()["step"])
    assert step % CHECKPOINT_EVERY == 0 and CHECKPOINT_EVERY <= step < STEPS

    resumed, summary = run(killed, STEPS)
    assert summary["resumed_from"] == step
    straight, reference = run(tmp_path / "straight", STEPS)
    for (k, v), w in zip(resumed.state_dict().items(), straight.state_dict().values()):
        assert torch.equal(v, w), k
    for k, v in reference["ema"].items():
        assert torch.equal(summary["ema"][k], v), k
    # The loss log holds each step once, as the uninterrupted run wrote it.
    assert (killed / "loss.jsonl").read_text() == (tmp_path / "straight" / "loss.jsonl").read_text()
