"""Read the rating files raters sent back, validate them, and un-blind them with the key.

A rating file, as the page (``page/app.js``) exports it::

    {"format": "audiodear-listening-test-ratings", "version": 1, "bundle_id": "b…", "rater_id": "…",
     "started_at": ISO time, "finished_at": ISO time, "exported_at": ISO time, "n_trials": 40,
     "complete": true, "trials": [{"blinded_id": "t…", "position": 1, "rel": 4, "ovl": 3,
     "play_count": 1, "attention_check": false, "rated_at": ISO time}, …]}

``play_count`` counts playback starts of the trial; ``attention_check`` is informative only (the
key decides which trials are checks).

Every problem becomes a row of the validation report (file, rater, trial, problem, detail, action);
nothing is dropped silently. Problem classes and what they cost:

- ``unreadable_file`` (not UTF-8 JSON), ``wrong_format`` (not a rating export, no rater id),
  ``wrong_bundle`` (made on another bundle), ``duplicate_rater`` (a rater id already seen in an
  earlier file, by file name): the whole file is excluded.
- ``unknown_trial``, ``invalid_value`` (REL/OVL not an integer in 1..5), ``duplicate_trial`` (a
  blinded id rated twice: the first rating counts): the trial is ignored.
- ``incomplete_session``: one row per trial without a valid rating; the rater is excluded when
  ``require_complete`` (the default), else the rater's valid trials are kept.
- ``failed_attention_check``: one row per failed check (pass = both ratings exactly as the check
  asked); the rater is excluded when failures exceed ``max_check_failures``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .config import SCALE_MAX, SCALE_MIN

EXPORT_FORMAT = "audiodear-listening-test-ratings"
PROBLEM_COLUMNS = ["file", "rater_id", "blinded_id", "problem", "detail", "action"]
RATER_COLUMNS = ["file", "rater_id", "status", "reasons", "trials_valid", "trials_expected",
                 "checks_failed", "checks_total"]
RATING_COLUMNS = ["rater_id", "blinded_id", "system", "clip_id", "rel", "ovl", "play_count", "file"]


@dataclass
class Ingested:
    bundle_id: str
    ratings: pd.DataFrame  # included raters, system trials only, un-blinded
    problems: pd.DataFrame  # the validation report
    raters: pd.DataFrame  # one row per file: included or excluded, and why

    @property
    def included(self) -> list[str]:
        return self.raters.loc[self.raters.status == "included", "rater_id"].tolist()

    @property
    def excluded(self) -> pd.DataFrame:
        return self.raters[self.raters.status == "excluded"]


def rating_files(source: str | Path | list) -> list[Path]:
    """The ``*.json`` files of a folder, or a given list of files; sorted by file name."""
    if isinstance(source, (str, Path)):
        folder = Path(source)
        return sorted(folder.glob("*.json")) if folder.is_dir() else []
    return sorted((Path(p) for p in source), key=lambda p: p.name)


def _valid_rating(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and SCALE_MIN <= value <= SCALE_MAX


class _FileCheck:
    """Validation of one rating file against the key; collects problems and accepted trials."""

    def __init__(self, path: Path, key: dict, max_check_failures: int, require_complete: bool):
        self.path, self.key = path, key
        self.max_check_failures, self.require_complete = max_check_failures, require_complete
        self.rater: str | None = None
        self.problems: list[dict] = []
        self.accepted: dict[str, dict] = {}
        self.reasons: list[str] = []
        self.checks_failed = 0

    def problem(self, blinded_id, problem, detail, action):
        self.problems.append({"file": self.path.name, "rater_id": self.rater, "blinded_id": blinded_id,
                              "problem": problem, "detail": detail, "action": action})

    def exclude(self, problem: str, detail: str) -> None:
        self.problem(None, problem, detail, "file excluded")
        self.reasons.append(problem)

    def read(self) -> dict | None:
        try:
            doc = json.loads(self.path.read_bytes().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            self.exclude("unreadable_file", f"not UTF-8 JSON: {err}")
            return None
        if isinstance(doc, dict) and isinstance(doc.get("rater_id"), str) and doc["rater_id"].strip():
            self.rater = doc["rater_id"]
        if not isinstance(doc, dict) or doc.get("format") != EXPORT_FORMAT:
            got = doc.get("format") if isinstance(doc, dict) else type(doc).__name__
            self.exclude("wrong_format", f"field 'format' is {got!r}, expected {EXPORT_FORMAT!r}")
            return None
        if self.rater is None:
            self.exclude("wrong_format", "field 'rater_id' is missing or empty")
            return None
        if not isinstance(doc.get("trials"), list):
            self.exclude("wrong_format", "field 'trials' is missing or not a list")
            return None
        if doc.get("bundle_id") != self.key["bundle_id"]:
            self.exclude("wrong_bundle", f"field 'bundle_id' is {doc.get('bundle_id')!r}, "
                                         f"this test's bundle is {self.key['bundle_id']!r}")
            return None
        return doc

    def check_trials(self, trials: list) -> None:
        known = self.key["trials"]
        for i, entry in enumerate(trials):
            bid = entry.get("blinded_id") if isinstance(entry, dict) else None
            if not isinstance(bid, str):
                self.problem(None, "wrong_format", f"trials[{i}]: not an object with a 'blinded_id'", "trial ignored")
                continue
            if bid not in known:
                self.problem(bid, "unknown_trial", f"trials[{i}]: blinded id not in this bundle", "trial ignored")
                continue
            if bid in self.accepted:
                self.problem(bid, "duplicate_trial", f"trials[{i}]: rated again (the first rating counts)",
                             "trial ignored")
                continue
            bad = [f"field {k!r} is {entry.get(k)!r}" for k in ("rel", "ovl") if not _valid_rating(entry.get(k))]
            if bad:
                self.problem(bid, "invalid_value", f"trials[{i}]: {', '.join(bad)}; expected an integer "
                                                   f"{SCALE_MIN}-{SCALE_MAX}", "trial ignored")
                continue
            self.accepted[bid] = entry

    def check_complete(self) -> None:
        missing = [bid for bid in sorted(self.key["trials"]) if bid not in self.accepted]
        action = "rater excluded" if self.require_complete else "trial missing"
        for bid in missing:
            self.problem(bid, "incomplete_session", f"no valid rating ({len(missing)} of "
                                                    f"{len(self.key['trials'])} trials missing)", action)
        if missing and self.require_complete:
            self.reasons.append("incomplete_session")

    def check_attention(self) -> None:
        failures = []
        for bid, check in sorted(self.key.get("attention_checks", {}).items()):
            entry = self.accepted.get(bid)
            if entry is None:
                continue  # already reported as incomplete
            want = check["expected"]
            if entry["rel"] != want["rel"] or entry["ovl"] != want["ovl"]:
                failures.append((bid, f"asked REL {want['rel']} / OVL {want['ovl']}, "
                                      f"got REL {entry['rel']} / OVL {entry['ovl']}"))
        self.checks_failed = len(failures)
        exclude = len(failures) > self.max_check_failures
        for bid, detail in failures:
            self.problem(bid, "failed_attention_check", detail,
                         "rater excluded" if exclude else f"tolerated (at most {self.max_check_failures})")
        if exclude:
            self.reasons.append("failed_attention_check")


def ingest(source: str | Path | list, key: dict, max_check_failures: int = 0, require_complete: bool = True) -> Ingested:
    """Validate every rating file (a folder's ``*.json`` or a list) against ``key``; un-blind the accepted ones."""
    problems, raters, ratings = [], [], []
    seen: dict[str, str] = {}
    n_checks = len(key.get("attention_checks", {}))
    for path in rating_files(source):
        fc = _FileCheck(path, key, max_check_failures, require_complete)
        doc = fc.read()
        if doc is not None and fc.rater in seen:
            fc.exclude("duplicate_rater", f"rater id {fc.rater!r} already returned file {seen[fc.rater]}")
            doc = None
        if doc is not None:
            seen[fc.rater] = path.name
            fc.check_trials(doc["trials"])
            fc.check_complete()
            fc.check_attention()
        status = "excluded" if fc.reasons else "included"
        problems += fc.problems
        raters.append({"file": path.name, "rater_id": fc.rater, "status": status, "reasons": ";".join(fc.reasons),
                       "trials_valid": len(fc.accepted), "trials_expected": len(key["trials"]),
                       "checks_failed": fc.checks_failed, "checks_total": n_checks})
        if status == "included":
            for bid, entry in fc.accepted.items():
                truth = key["trials"][bid]
                if truth["attention_check"]:
                    continue
                ratings.append({"rater_id": fc.rater, "blinded_id": bid, "system": truth["system"],
                                "clip_id": truth["clip_id"], "rel": entry["rel"], "ovl": entry["ovl"],
                                "play_count": entry.get("play_count"), "file": path.name})
    return Ingested(key["bundle_id"], pd.DataFrame(ratings, columns=RATING_COLUMNS),
                    pd.DataFrame(problems, columns=PROBLEM_COLUMNS), pd.DataFrame(raters, columns=RATER_COLUMNS))
