"""Validation of returned rating files: every problem class reported by rater and trial."""
import json

import pandas as pd
import pytest

from audiodear.subjective.bundle import KEY_FORMAT
from audiodear.subjective.config import SubjectiveConfig, SystemSpec
from audiodear.subjective.ingest import EXPORT_FORMAT, ingest
from audiodear.subjective.stages import ratings_stage, table_stage

KEY = {
    "format": KEY_FORMAT, "bundle_id": "bTEST", "systems": ["S1", "S2"],
    "trials": {
        "t1": {"system": "S1", "clip_id": "c1", "attention_check": False},
        "t2": {"system": "S2", "clip_id": "c1", "attention_check": False},
        "t3": {"system": "S1", "clip_id": "c2", "attention_check": False},
        "t4": {"system": "S2", "clip_id": "c2", "attention_check": False},
        "tc": {"system": None, "clip_id": "c1", "attention_check": True},
    },
    "attention_checks": {"tc": {"expected": {"rel": 2, "ovl": 4}, "source_clip": "c1"}},
}
GOOD = {"t1": (5, 4), "t2": (3, 2), "t3": (4, 4), "t4": (2, 1), "tc": (2, 4)}


def export(rater, values=GOOD, bundle="bTEST", extra_trials=()):
    trials = [{"blinded_id": bid, "rel": rel, "ovl": ovl, "play_count": 1, "attention_check": bid == "tc"}
              for bid, (rel, ovl) in values.items()]
    return {"format": EXPORT_FORMAT, "version": 1, "bundle_id": bundle, "rater_id": rater,
            "trials": trials + list(extra_trials)}


@pytest.fixture
def folder(tmp_path):
    d = tmp_path / "ratings"
    d.mkdir()
    files = {
        "a_alice.json": export("alice"),
        "b_bob.json": export("bob", {**GOOD, "tc": (3, 4)}),
        "c_carol.json": export("carol", {**GOOD, "t2": (7, 2)}),
        "d_dave.json": export("dave", extra_trials=[{"blinded_id": "t1", "rel": 1, "ovl": 1},
                                                     {"blinded_id": "tzzz", "rel": 3, "ovl": 3}]),
        "e_erin.json": export("erin", {k: v for k, v in GOOD.items() if k != "t4"}),
        "f_frank.json": export("frank", bundle="bOTHER"),
        "h_wrong.json": {"hello": 1},
        "z_alice_again.json": export("alice"),
    }
    for name, doc in files.items():
        (d / name).write_text(json.dumps(doc))
    (d / "g_garbage.json").write_text("{not json")
    return d


def rows(problems, problem):
    return problems[problems.problem == problem][["file", "rater_id", "blinded_id", "action"]].values.tolist()


def test_every_problem_class_is_reported_by_rater_and_trial(folder):
    got = ingest(folder, KEY)
    p = got.problems
    assert rows(p, "failed_attention_check") == [["b_bob.json", "bob", "tc", "rater excluded"]]
    assert rows(p, "invalid_value") == [["c_carol.json", "carol", "t2", "trial ignored"]]
    assert "'rel' is 7" in p[p.problem == "invalid_value"].detail.item()
    assert ["c_carol.json", "carol", "t2", "rater excluded"] in rows(p, "incomplete_session")
    assert rows(p, "duplicate_trial") == [["d_dave.json", "dave", "t1", "trial ignored"]]
    assert rows(p, "unknown_trial") == [["d_dave.json", "dave", "tzzz", "trial ignored"]]
    assert ["e_erin.json", "erin", "t4", "rater excluded"] in rows(p, "incomplete_session")
    assert rows(p, "wrong_bundle") == [["f_frank.json", "frank", None, "file excluded"]]
    assert rows(p, "unreadable_file") == [["g_garbage.json", None, None, "file excluded"]]
    assert rows(p, "wrong_format") == [["h_wrong.json", None, None, "file excluded"]]
    assert rows(p, "duplicate_rater") == [["z_alice_again.json", "alice", None, "file excluded"]]


def test_excluded_raters_are_counted_and_listed(folder):
    got = ingest(folder, KEY)
    assert sorted(got.included) == ["alice", "dave"]
    assert len(got.raters) == 9 and len(got.excluded) == 7
    reasons = dict(zip(got.excluded.file, got.excluded.reasons))
    assert reasons == {"b_bob.json": "failed_attention_check", "c_carol.json": "incomplete_session",
                       "e_erin.json": "incomplete_session", "f_frank.json": "wrong_bundle",
                       "g_garbage.json": "unreadable_file", "h_wrong.json": "wrong_format",
                       "z_alice_again.json": "duplicate_rater"}
    # Un-blinded ratings of included raters only, attention checks left out; dave's first t1 counts.
    r = got.ratings
    assert len(r) == 8 and set(r.rater_id) == {"alice", "dave"}
    dave_t1 = r[(r.rater_id == "dave") & (r.blinded_id == "t1")]
    assert (dave_t1.system.item(), dave_t1.clip_id.item(), dave_t1.rel.item()) == ("S1", "c1", 5)


def test_policies_tolerate_when_configured(folder):
    got = ingest(folder, KEY, max_check_failures=1, require_complete=False)
    assert sorted(got.included) == ["alice", "bob", "carol", "dave", "erin"]
    p = got.problems
    assert rows(p, "failed_attention_check")[0][3].startswith("tolerated")
    assert ["e_erin.json", "erin", "t4", "trial missing"] in rows(p, "incomplete_session")


def test_ratings_stage_writes_report_and_table(folder, tmp_path):
    key_path = tmp_path / "key.json"
    key_path.write_text(json.dumps(KEY))
    out = {k: tmp_path / "out" / f"{k}.{'json' if k == 'summary' else 'csv'}"
           for k in ("validation", "raters", "ratings", "mos", "summary")}
    summary = ratings_stage(key_path, folder, out, SubjectiveConfig(systems=[SystemSpec("S2")], reference_name="S1"))
    assert summary["raters_excluded"] == 7 and summary["raters_included"] == 2 and summary["files"] == 9
    report = pd.read_csv(out["validation"])
    assert set(report.problem) == {"failed_attention_check", "invalid_value", "incomplete_session", "duplicate_trial",
                                   "unknown_trial", "wrong_bundle", "unreadable_file", "wrong_format",
                                   "duplicate_rater"}
    mos = pd.read_csv(out["mos"]).set_index("system")
    # S1: alice 5, 4 and dave 5, 4 -> REL mean 4.5; S2: 3, 2, 3, 2 -> 2.5.
    assert mos.loc["S1", "rel_mean"] == pytest.approx(4.5) and mos.loc["S2", "rel_mean"] == pytest.approx(2.5)
    cfg = SubjectiveConfig(systems=[SystemSpec("S2", paper="AudioDEAR")], reference_name="S1",
                           reference_paper="Ground truth")
    stem = tmp_path / "tables" / "subjective_mos"
    table_stage(stem, cfg, str(folder), mos=out["mos"], ratings=out["ratings"], summary=summary)
    md = stem.with_suffix(".md").read_text()
    assert "4.50 ± " in md and "4.45 ± 0.09" in md and "4.27 ± 0.04" in md
    assert "7 excluded" in md and "bob: failed_attention_check" in md
    assert stem.with_suffix(".png").stat().st_size > 1000 and stem.with_suffix(".pdf").is_file()


def test_no_ratings_table(tmp_path):
    cfg = SubjectiveConfig(systems=[SystemSpec("S2")], reference_name="S1")
    stem = tmp_path / "subjective_mos"
    table_stage(stem, cfg, "data/ratings/default")
    md = stem.with_suffix(".md").read_text()
    assert "No ratings were collected" in md and "data/ratings/default" in md
    csv = pd.read_csv(stem.with_suffix(".csv"))
    assert csv.System.tolist() == ["S1", "S2"] and set(csv.REL) == {"no ratings"}
    assert stem.with_suffix(".tex").is_file() and stem.with_suffix(".png").is_file()


@pytest.mark.parametrize("name,doc,problem,blinded,action", [
    ("x_outside.json", export("xavier", extra_trials=[{"blinded_id": "t_other", "rel": 3, "ovl": 3}]),
     "unknown_trial", "t_other", "trial ignored"),
    ("x_twice.json", export("xavier", extra_trials=[{"blinded_id": "t3", "rel": 1, "ovl": 1}]),
     "duplicate_trial", "t3", "trial ignored"),
    ("x_range.json", export("xavier", {**GOOD, "t4": (2, 0)}), "invalid_value", "t4", "trial ignored"),
    ("x_bool.json", export("xavier", {**GOOD, "t4": (True, 2)}), "invalid_value", "t4", "trial ignored"),
    ("x_bundle.json", export("xavier", bundle="bOTHER"), "wrong_bundle", None, "file excluded"),
])
def test_a_bad_file_is_named_and_loses_nothing_already_ingested(tmp_path, name, doc, problem, blinded, action):
    d = tmp_path / "ratings"
    d.mkdir()
    (d / "a_alice.json").write_text(json.dumps(export("alice")))
    (d / "b_dave.json").write_text(json.dumps(export("dave", {**GOOD, "t1": (1, 2)})))
    before = ingest(d, KEY)
    (d / name).write_text(json.dumps(doc))
    after = ingest(d, KEY)
    got = after.problems[after.problems.file == name]
    assert [problem, blinded, action] in got[["problem", "blinded_id", "action"]].values.tolist()
    assert (got.rater_id == "xavier").all()
    # The ratings of the files ingested before are all still there, unchanged.
    kept = after.ratings[after.ratings.file != name].reset_index(drop=True)
    pd.testing.assert_frame_equal(kept, before.ratings.reset_index(drop=True))
    assert before.problems.empty and set(after.included) >= {"alice", "dave"}
