"""Shared fixtures for the evaluation tests: audioldm_eval's own files as a reference, tiny corpora.

audioldm-eval 0.0.3 is installed without its dependencies, so ``import audioldm_eval`` fails
(its ``__init__`` pulls skimage and ssr_eval). Its metric files need only numpy/torch/scipy, so
they are loaded one by one from site-packages; for Cnn14, whose ``models.py`` imports a sibling
through the package path, the package folders are registered as bare namespace modules for the
duration of a test.
"""
from __future__ import annotations

import importlib.util
import os
import sys
import types
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def audioldm_eval_root() -> Path:
    spec = importlib.util.find_spec("audioldm_eval")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("audioldm-eval is not installed")
    return Path(list(spec.submodule_search_locations)[0])


def load_file_module(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def audioldm_metric():
    """``audioldm_metric("fid")`` -> audioldm_eval/metrics/fid.py as a module."""
    root = audioldm_eval_root()
    cache = {}

    def get(name: str):
        if name not in cache:
            cache[name] = load_file_module(f"_audioldm_eval_metrics_{name}", root / "metrics" / f"{name}.py")
        return cache[name]

    return get


@pytest.fixture
def audioldm_panns(monkeypatch):
    """audioldm_eval/feature_extractors/panns/models.py (its Cnn14) as a module."""
    root = audioldm_eval_root()
    for name, sub in (("audioldm_eval", ""), ("audioldm_eval.feature_extractors", "feature_extractors"),
                      ("audioldm_eval.feature_extractors.panns", "feature_extractors/panns")):
        pkg = types.ModuleType(name)
        pkg.__path__ = [str(root / sub)]
        monkeypatch.setitem(sys.modules, name, pkg)
    monkeypatch.delitem(sys.modules, "audioldm_eval.feature_extractors.panns.pytorch_utils", raising=False)
    return load_file_module("audioldm_eval.feature_extractors.panns.models",
                            root / "feature_extractors" / "panns" / "models.py")


@pytest.fixture(scope="session")
def tiny_corpus(tmp_path_factory):
    """A procedurally generated corpus of 96 train, 28 valid and 16 test clips (2.56 s, 16 kHz)."""
    from audiodear.data.corpus.build import build_corpus

    root = tmp_path_factory.mktemp("corpus")
    rows = build_corpus(root / "audio", root / "manifest.csv", seed=7, sizes={"train": 96, "valid": 28, "test": 16},
                        clip_seconds=2.56, sample_rate=16000, two_event_fraction=0.4, uncaptioned_fraction=0.2)
    return {"root": root / "audio", "manifest": root / "manifest.csv", "rows": rows}
