"""The sha256 of the checkpoint files a job read: recorded once, checked against published checksums
where known, written into the job's provenance.json."""
from __future__ import annotations

import json
import logging
from types import SimpleNamespace

from audiodear.config import compose
from audiodear.config.slices import slices
from audiodear.jobs import Job
from audiodear.utils.checkpoint_files import files_read, record_files
from audiodear.utils.hashing import sha256_file


def test_files_are_hashed_and_a_known_checksum_mismatch_warns(tmp_path, caplog):
    path = tmp_path / "vggish-10086976.pth"
    path.write_bytes(b"not the published weights")
    digest = sha256_file(path)
    with caplog.at_level(logging.WARNING, logger="audiodear.utils.checkpoint_files"):
        assert record_files(path, known={path.name: digest}) == {str(path): digest}
        assert not caplog.records
        record_files(path, known={path.name: "0" * 64})
    assert f"{path}: sha256 {digest} differs from the published {'0' * 64}" in caplog.text
    assert files_read()[str(path)] == digest
    path.write_bytes(b"changed")  # a rewritten file is hashed again, not served from the cache
    assert record_files(path)[str(path)] == sha256_file(path) != digest


def test_a_published_prefix_is_checked(tmp_path, caplog):
    # torch.hub's release names carry the first hex digits of the sha256 (vggish-10086976.pth)
    path = tmp_path / "weights.pth"
    path.write_bytes(b"weights")
    digest = sha256_file(path)
    with caplog.at_level(logging.WARNING, logger="audiodear.utils.checkpoint_files"):
        record_files(path, known={path.name: digest[:8]})
        assert not caplog.records
        record_files(path, known={path.name: "10086976"})
    assert "differs from the published 10086976" in caplog.text


def test_job_provenance_lists_the_checkpoints_read(tmp_path):
    path = tmp_path / "Cnn14_16k_mAP=0.438.pth"
    path.write_bytes(b"weights")
    record_files(path)
    # the attributes of Snakemake's ``snakemake`` object that Job reads
    smk = SimpleNamespace(config={}, threads=1, wildcards={}, log=[], rule="score", input=[], output=[],
                          params=SimpleNamespace(plan=slices(compose("smoke"), ())))
    Job(smk).record(tmp_path / "out")
    provenance = json.loads((tmp_path / "out" / "provenance.json").read_text())
    assert provenance["checkpoints"][str(path)] == sha256_file(path)
