"""The ``subjective`` section of the plan: the Hydra group file, and its checks at compose time."""
import re

import pytest

from audiodear.config import compose
from audiodear.errors import ConfigError
from audiodear.subjective.config import SubjectiveConfig, SystemSpec, paper_names, system_names


def test_group_file_builds_the_config():
    cfg = compose("default").subjective
    assert cfg.clips_per_system == 30 and cfg.seed == 2024 and cfg.loudness_lufs == -23.0
    assert system_names(cfg) == ["Ground truth", "IMPACT teacher", "AudioDEAR", "AudioDEAR w/o distillation"]
    assert [s.audio for s in cfg.systems] == ["teacher/main/main", "student/main/main", "student/lambda0/main"]


def test_systems_and_errors():
    cfg = SubjectiveConfig(systems=[SystemSpec(name="AudioDEAR", audio="student/default/onestep", paper="AudioDEAR")])
    assert system_names(cfg) == ["Ground truth", "AudioDEAR"]
    assert paper_names(cfg) == {"Ground truth": "Ground truth", "AudioDEAR": "AudioDEAR"}
    for override, key in (("+subjective.clips=3", "subjective.clips"),
                          ("subjective.systems=[{audio: x}]", "subjective.systems[0].name"),
                          ("subjective.loudness_lufs=3.0", "subjective.loudness_lufs"),
                          ("subjective.clips_per_system=0", "subjective.clips_per_system")):
        with pytest.raises(ConfigError, match=re.escape(f"key '{key}'")):
            compose("smoke", [override])
