"""A full disk during an output write: no half-written output, no temp file, the old file kept."""
import errno

import pytest
import safetensors.torch
import torch
from safetensors import safe_open

import audiodear.utils.atomic as atomic
from audiodear.train.loop import CHECKPOINT
from audiodear.utils.atomic import write_json
from tiny_training import CHECKPOINT_EVERY, run


def _disk_full(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def test_disk_full_on_flush_keeps_the_old_file_and_no_temp(tmp_path, monkeypatch):
    dest = tmp_path / "out" / "summary.json"
    write_json(dest, {"version": 1})
    monkeypatch.setattr(atomic.os, "fsync", _disk_full)  # the data is in the temp file; flushing it fails
    with pytest.raises(OSError, match="No space left"):
        write_json(dest, {"version": 2, "payload": "x" * 100_000})
    assert dest.read_text() == '{\n  "version": 1\n}\n'
    assert [p.name for p in dest.parent.iterdir()] == ["summary.json"]


def test_disk_full_while_checkpointing_keeps_the_last_checkpoint(tmp_path, monkeypatch):
    real_save = safetensors.torch.save_file  # what utils/atomic.write_tensors calls
    calls = []

    def save_half_then_fail(tensors, filename, metadata=None):
        calls.append(filename)
        if len(calls) < 2:
            return real_save(tensors, filename, metadata=metadata)
        real_save(tensors, filename, metadata=metadata)  # the write runs out of space half way
        with open(filename, "r+b") as fh:
            fh.truncate(fh.seek(0, 2) // 2)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(safetensors.torch, "save_file", save_half_then_fail)
    with pytest.raises(OSError, match="No space left"):
        run(tmp_path, 3 * CHECKPOINT_EVERY)
    work = tmp_path / "work"
    assert sorted(p.name for p in work.iterdir()) == [CHECKPOINT, "loss.jsonl"]  # no temp file left
    with safe_open(str(work / CHECKPOINT), framework="pt") as f:
        assert int(f.metadata()["step"]) == CHECKPOINT_EVERY
    monkeypatch.setattr(safetensors.torch, "save_file", real_save)  # space freed: the rerun resumes
    model, summary = run(tmp_path, 3 * CHECKPOINT_EVERY)
    assert summary["resumed_from"] == CHECKPOINT_EVERY
    assert all(torch.isfinite(p).all() for p in model.parameters())
