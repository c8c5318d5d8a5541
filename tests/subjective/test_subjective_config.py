"""The ``subjective`` section of the plan: the Hydra group file and the checks on its keys."""
from pathlib import Path

import pytest
from omegaconf import OmegaConf

from audiodear.errors import ConfigError
from audiodear.subjective.config import SubjectiveConfig, config_from_mapping

GROUP_FILE = Path(__file__).resolve().parents[2] / "params" / "subjective" / "default.yaml"


def test_group_file_builds_the_config():
    raw = OmegaConf.to_container(OmegaConf.load(GROUP_FILE))
    cfg = config_from_mapping(raw, sample_rate=16000)
    assert cfg.clips_per_system == 30 and cfg.seed == 2024 and cfg.loudness_lufs == -23.0
    assert cfg.system_names == ["Ground truth", "IMPACT teacher", "AudioDEAR", "AudioDEAR w/o distillation"]
    assert [s.audio for s in cfg.systems] == ["teacher/main/main", "student/main/main", "student/lambda0/main"]


def test_systems_and_errors():
    cfg = config_from_mapping({"systems": [{"name": "AudioDEAR", "audio": "student/default/onestep",
                                            "paper": "AudioDEAR"}]})
    assert cfg.system_names == ["Ground truth", "AudioDEAR"]
    assert cfg.paper_names() == {"Ground truth": "Ground truth", "AudioDEAR": "AudioDEAR"}
    with pytest.raises(ConfigError, match="unknown key"):
        config_from_mapping({"clips": 3})
    with pytest.raises(ConfigError, match=r"systems\[0\]"):
        config_from_mapping({"systems": [{"audio": "x"}]})
    with pytest.raises(ConfigError, match="loudness_lufs"):
        config_from_mapping({"loudness_lufs": 3.0})
    with pytest.raises(ConfigError, match="clips_per_system"):
        config_from_mapping({"clips_per_system": 0})
