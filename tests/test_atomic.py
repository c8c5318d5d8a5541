"""Atomic writes leave finished outputs with the mode any new file gets, not mkstemp's owner-only;
tensor files have the same bytes whenever they hold the same content."""
import hashlib
import os
import stat
import subprocess
import sys

import torch
from safetensors import safe_open

from audiodear.utils.atomic import FILE_MODE, write_tensors, write_text


def test_a_finished_output_gets_the_umask_mode(tmp_path):
    umask = os.umask(0o022)
    os.umask(umask)
    write_text(tmp_path / "table.md", "| a |\n")
    mode = stat.S_IMODE((tmp_path / "table.md").stat().st_mode)
    assert mode == FILE_MODE == 0o666 & ~umask
    assert mode & stat.S_IRGRP or umask & 0o040  # group-readable unless the umask says otherwise
    (tmp_path / "plain.md").write_text("x")
    assert mode == stat.S_IMODE((tmp_path / "plain.md").stat().st_mode)  # as an ordinary new file


def test_a_tensor_file_has_the_same_bytes_in_every_process(tmp_path):
    # safetensors orders metadata by a per-process hash seed: without the sorted header, five
    # processes writing the same 16 entries give (almost surely) several different files.
    code = ("import sys, torch; from audiodear.utils.atomic import write_tensors; "
            "write_tensors(sys.argv[1], {'w': torch.arange(6.).reshape(2, 3), 'ids': torch.ones(5, dtype=torch.uint8)}, "
            "{k: k * 3 + 'é' for k in 'qwertyuiopasdfgh'})")
    digests = set()
    for i in range(5):
        path = tmp_path / f"run{i}.safetensors"
        subprocess.run([sys.executable, "-c", code, str(path)], check=True, timeout=120)
        digests.add(hashlib.sha256(path.read_bytes()).hexdigest())
    assert len(digests) == 1
    with safe_open(str(tmp_path / "run0.safetensors"), framework="pt") as fh:
        assert fh.metadata() == {k: k * 3 + "é" for k in "qwertyuiopasdfgh"}
        assert torch.equal(fh.get_tensor("w"), torch.arange(6.).reshape(2, 3))
    write_tensors(tmp_path / "plain.safetensors", {"w": torch.zeros(2)})  # no metadata at all
    with safe_open(str(tmp_path / "plain.safetensors"), framework="pt") as fh:
        assert fh.metadata() is None and fh.get_tensor("w").shape == (2,)
