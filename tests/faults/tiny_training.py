"""One tiny teacher training run, in this process or as a subprocess a test can kill.

Faults are injected around the project's objective, never instead of it: ``pause`` slows each step
(so a kill lands mid-run), ``nan_at`` turns the loss of one step into NaN.

    python tiny_training.py WORKDIR STEPS PAUSE   # the subprocess form
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).parents[1] / "models"))

from audiodear.train.data import TokenData  # noqa: E402
from audiodear.config.schema import Train  # noqa: E402
from audiodear.train.loop import train  # noqa: E402
from audiodear.train.objectives import TeacherObjective  # noqa: E402
from tiny import tiny_data, tiny_model  # noqa: E402

CHECKPOINT_EVERY = 4


class Faulty:
    def __init__(self, objective, pause: float = 0.0, nan_at: int | None = None):
        self.objective, self.pause, self.nan_at = objective, pause, nan_at

    def __call__(self, model, batch, key, autocast):
        loss, logs = self.objective(model, batch, key, autocast)
        if self.pause:
            time.sleep(self.pause)
        if key == self.nan_at:
            loss = loss * float("nan")
        return loss, logs


def run(workdir: str | Path, steps: int, pause: float = 0.0, nan_at: int | None = None):
    """Train the tiny model for ``steps`` steps in ``workdir``; return (model, summary).

    One thread, in the killed subprocess and in the test's process alike: CPU results are
    bit-identical only at a fixed thread count, and other tests may have changed this process's.
    """
    workdir = Path(workdir)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return _run(workdir, steps, pause, nan_at)
    finally:
        torch.set_num_threads(threads)


def _run(workdir: Path, steps: int, pause: float, nan_at: int | None):
    model = tiny_model(seed=0)
    _, tokens, text = tiny_data(16)
    cfg = Train(steps=steps, batch_size=4, lr=1e-3, warmup_steps=2, ema_decay=0.9,
                checkpoint_every=CHECKPOINT_EVERY, log_every=CHECKPOINT_EVERY, precision="fp32")
    objective = Faulty(TeacherObjective(0, 0.1), pause, nan_at)
    summary = train(model, objective, TokenData(tokens, text.sequence()), cfg, workdir / "work",
                    workdir / "loss.jsonl", config_hash="tiny", seed=0)
    return model, summary


if __name__ == "__main__":
    run(sys.argv[1], int(sys.argv[2]), float(sys.argv[3]))
