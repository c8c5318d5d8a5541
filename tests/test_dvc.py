"""DVC: the data round trip through a local remote, and the committed params.yaml stays composed."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

from omegaconf import OmegaConf

from audiodear.config import compose, load
from workflow_helpers import ROOT

DVC = str(Path(sys.executable).with_name("dvc"))


def _run(cwd, *args):
    proc = subprocess.run(list(args), cwd=cwd, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "DVC_NO_ANALYTICS": "1"})
    assert proc.returncode == 0, f"{args}: {proc.stdout}\n{proc.stderr}"
    return proc.stdout


def test_add_push_delete_pull_round_trip(tmp_path):
    repo, remote = tmp_path / "repo", tmp_path / "remote"
    repo.mkdir()
    _run(repo, "git", "init", "-q")
    _run(repo, "git", "config", "user.email", "t@example.org")
    _run(repo, "git", "config", "user.name", "t")
    _run(repo, DVC, "init", "-q")
    _run(repo, DVC, "config", "core.analytics", "false")
    _run(repo, "git", "commit", "-qm", "init")
    data = repo / "data"
    (data / "audiocaps").mkdir(parents=True)
    files = {"audiocaps/test.csv": "audiocap_id,youtube_id,start_time,caption\n1,abc,30,a dog barks\n",
             "testsets/t.json": '{"n": 0}\n'}
    for rel, text in files.items():
        (data / rel).parent.mkdir(parents=True, exist_ok=True)
        (data / rel).write_text(text)
    _run(repo, DVC, "add", "-q", "data")
    assert (repo / "data.dvc").is_file() and "/data" in (repo / ".gitignore").read_text()
    _run(repo, DVC, "remote", "add", "-d", "store", str(remote))
    _run(repo, DVC, "push", "-q")
    _run(repo, "git", "add", "-A")
    _run(repo, "git", "commit", "-qm", "track data")
    shutil.rmtree(data)
    shutil.rmtree(repo / ".dvc" / "cache")
    _run(repo, DVC, "pull", "-q")
    assert {str(p.relative_to(data)): p.read_text() for p in data.rglob("*") if p.is_file()} == files
    assert "up to date" in _run(repo, DVC, "status").lower() or _run(repo, DVC, "status").strip() == ""


def test_committed_params_yaml_is_the_composed_default():
    """dvc repro reads params.yaml; it must equal what params/ composes for the default experiment."""
    on_disk = OmegaConf.to_container(load(ROOT / "params.yaml"))
    assert on_disk == OmegaConf.to_container(compose("default")), \
        "params.yaml is stale: run `audiodear config --experiment default --out params.yaml`"


def test_repository_is_a_dvc_project():
    assert (ROOT / ".dvc" / "config").is_file() and (ROOT / "data.dvc").is_file()
    stages = OmegaConf.load(ROOT / "dvc.yaml").stages
    assert "plan_file=params.yaml" in stages.paper_tables.cmd
