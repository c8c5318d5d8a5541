"""Settings of the listening test (the ``subjective`` section of the plan) and the rating scales.

The scales are defined once here: the page, the instructions and the ingestion all read them, so a
label or range cannot drift between what raters see and what is checked.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from omegaconf import DictConfig, OmegaConf

from ..errors import ConfigError

# REL follows the papers' "relevance to the caption"; OVL uses the ACR quality labels (ITU-T P.800).
SCALES: dict[str, dict[str, Any]] = {
    "rel": {"name": "REL", "question": "How well does the sound match the text?",
            "labels": ["Not at all", "Slightly", "Moderately", "Mostly", "Completely"]},
    "ovl": {"name": "OVL", "question": "Overall quality of the sound (ignore the text)",
            "labels": ["Bad", "Poor", "Fair", "Good", "Excellent"]},
}
SCALE_MIN, SCALE_MAX = 1, 5
STRATIFY = ("none", "n_events", "first_kind")


@dataclass(frozen=True)
class SystemSpec:
    """A system under test: its label in tables (never shown to raters) and where its audio lies."""

    name: str
    audio: str = ""  # "<system>/<variant>/<setting>" under results/<experiment>/audio/
    paper: str | None = None  # the paper's Table 9 row to show beside ours


@dataclass(frozen=True)
class SubjectiveConfig:
    systems: tuple[SystemSpec, ...] = ()
    reference_name: str = "Ground truth"
    reference_paper: str | None = "Ground truth"
    clips_per_system: int = 30
    seed: int = 2024
    stratify_by: str = "n_events"
    attention_checks: int = 2
    attention_max_failures: int = 0
    require_complete: bool = True
    equalise_duration: bool = True  # trim every version of a clip to the shortest one
    loudness_lufs: float = -23.0
    peak_dbtp: float = -1.0
    sample_rate: int = 16000
    ratings_dir: str = "data/ratings"
    title: str = "Listening test"

    def __post_init__(self) -> None:
        where = "subjective"
        names = [self.reference_name, *(s.name for s in self.systems)]
        for i, name in enumerate(names):
            if not str(name).strip():
                raise ConfigError(f"{where}: key 'systems[{i - 1}].name': must not be empty")
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ConfigError(f"{where}: key 'systems': duplicate system name(s) {dup} "
                              f"(the reference is named {self.reference_name!r})")
        if self.clips_per_system < 1:
            raise ConfigError(f"{where}: key 'clips_per_system': must be >= 1, got {self.clips_per_system}")
        if self.stratify_by not in STRATIFY:
            raise ConfigError(f"{where}: key 'stratify_by': {self.stratify_by!r} is not one of {list(STRATIFY)}")
        if self.attention_checks < 0:
            raise ConfigError(f"{where}: key 'attention_checks': must be >= 0, got {self.attention_checks}")
        if self.attention_max_failures < 0:
            raise ConfigError(f"{where}: key 'attention_max_failures': must be >= 0, got {self.attention_max_failures}")
        if not -70.0 < self.loudness_lufs < 0.0:
            raise ConfigError(f"{where}: key 'loudness_lufs': must lie in (-70, 0) LUFS, got {self.loudness_lufs}")
        if not self.peak_dbtp <= 0.0:
            raise ConfigError(f"{where}: key 'peak_dbtp': must be <= 0 dBTP, got {self.peak_dbtp}")
        if self.sample_rate < 1:
            raise ConfigError(f"{where}: key 'sample_rate': must be >= 1, got {self.sample_rate}")

    @property
    def system_names(self) -> list[str]:
        """Every rated system, the reference first (the order of tables and figures)."""
        return [self.reference_name, *(s.name for s in self.systems)]

    def paper_names(self) -> dict[str, str | None]:
        return {self.reference_name: self.reference_paper, **{s.name: s.paper for s in self.systems}}


_SYSTEM_KEYS = {"name", "audio", "paper"}


def config_from_mapping(raw: Mapping[str, Any], sample_rate: int | None = None) -> SubjectiveConfig:
    """Build the config from the plan's ``subjective`` section (a dict or DictConfig)."""
    if isinstance(raw, DictConfig):
        raw = OmegaConf.to_container(raw, resolve=True)
    raw = dict(raw)
    systems = []
    for i, entry in enumerate(raw.pop("systems", None) or []):
        entry = dict(entry)
        unknown = set(entry) - _SYSTEM_KEYS
        if unknown or "name" not in entry:
            raise ConfigError(f"subjective: key 'systems[{i}]': needs 'name' (and 'audio', optional 'paper'); "
                              f"unknown keys {sorted(unknown)}")
        systems.append(SystemSpec(name=str(entry["name"]), audio=str(entry.get("audio") or ""),
                                  paper=entry.get("paper")))
    known = set(SubjectiveConfig.__dataclass_fields__) - {"systems", "sample_rate"}
    unknown = set(raw) - known
    if unknown:
        raise ConfigError(f"subjective: unknown key(s) {sorted(unknown)}; known: {sorted(known)}")
    kwargs = {k: raw[k] for k in known if k in raw}
    if sample_rate is not None:
        kwargs["sample_rate"] = int(sample_rate)
    return SubjectiveConfig(systems=tuple(systems), **kwargs)
