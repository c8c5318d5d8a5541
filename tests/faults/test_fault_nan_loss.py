"""NaN injected into the loss stops training; the last good checkpoint stays intact and resumable."""
import pytest
import torch
from safetensors import safe_open

from audiodear.errors import TrainingError
from audiodear.train.loop import CHECKPOINT
from tiny_training import CHECKPOINT_EVERY, run


def test_nan_loss_stops_with_the_last_good_checkpoint_intact(tmp_path):
    bad_step = 2 * CHECKPOINT_EVERY + 1  # one step past the second checkpoint
    with pytest.raises(TrainingError, match=rf"non-finite loss \(nan\) at step {bad_step}; the last good checkpoint"):
        run(tmp_path / "a", 3 * CHECKPOINT_EVERY, nan_at=bad_step)
    with safe_open(str(tmp_path / "a/work" / CHECKPOINT), framework="pt") as f:
        assert int(f.metadata()["step"]) == 2 * CHECKPOINT_EVERY
        saved = {k[6:]: f.get_tensor(k) for k in f.keys() if k.startswith("model.")}
    # The checkpoint holds exactly the weights of a clean run stopped at that step.
    clean, _ = run(tmp_path / "b", 2 * CHECKPOINT_EVERY)
    for k, v in clean.state_dict().items():
        assert torch.equal(saved[k], v), k
    # Rerun without the fault: it resumes from the checkpoint and ends like the clean run continued.
    resumed, summary = run(tmp_path / "a", 3 * CHECKPOINT_EVERY)
    continued, _ = run(tmp_path / "b", 3 * CHECKPOINT_EVERY)
    assert summary["resumed_from"] == 2 * CHECKPOINT_EVERY
    for (k, v), w in zip(resumed.state_dict().items(), continued.state_dict().values()):
        assert torch.equal(v, w), k
