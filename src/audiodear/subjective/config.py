"""The listening test's settings and rating scales.

The settings are the plan's ``subjective`` section (``config.schema.Subjective``, checked when the
plan is composed); the stages take that section as it is. The scales are defined once here: the
page, the instructions and the ingestion all read them, so a label or range cannot drift between
what raters see and what is checked.
"""
from __future__ import annotations

from typing import Any

from ..choices import Stratify, values
from ..config.schema import Subjective as SubjectiveConfig
from ..config.schema import SubjectiveSystem as SystemSpec

__all__ = ["SCALES", "SCALE_MAX", "SCALE_MIN", "STRATIFY", "SubjectiveConfig", "SystemSpec", "paper_names",
           "system_names"]

# REL follows the papers' "relevance to the caption"; OVL uses the ACR quality labels (ITU-T P.800).
SCALES: dict[str, dict[str, Any]] = {
    "rel": {"name": "REL", "question": "How well does the sound match the text?",
            "labels": ["Not at all", "Slightly", "Moderately", "Mostly", "Completely"]},
    "ovl": {"name": "OVL", "question": "Overall quality of the sound (ignore the text)",
            "labels": ["Bad", "Poor", "Fair", "Good", "Excellent"]},
}
SCALE_MIN, SCALE_MAX = 1, 5
STRATIFY = values(Stratify)


def system_names(cfg: SubjectiveConfig) -> list[str]:
    """Every rated system, the reference first (the order of tables and figures)."""
    return [cfg.reference_name, *(s.name for s in cfg.systems)]


def paper_names(cfg: SubjectiveConfig) -> dict[str, str | None]:
    return {cfg.reference_name: cfg.reference_paper, **{s.name: s.paper for s in cfg.systems}}
