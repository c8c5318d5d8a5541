"""Table specs beyond the paper's own rows: supplementary metrics, cited reference rows with their
protocol, and links to the assumptions register."""
import re
from pathlib import Path

import pandas as pd
import pytest

from audiodear.config import compose, to_dict
from audiodear.report.tables import build_table, experiment_table

ROOT = Path(__file__).parents[1]


def _anchors() -> list[str]:
    return re.findall(r'<a id="([^"]+)"></a>', (ROOT / "docs" / "assumptions.md").read_text(encoding="utf-8"))


@pytest.mark.parametrize("experiment", ["default", "paper"])
def test_every_assumption_a_table_links_exists(experiment):
    anchors = _anchors()
    assert len(anchors) == len(set(anchors)) and all(a.startswith("A-") for a in anchors)
    tables = compose(experiment).report.tables
    for name, spec in tables.items():
        missing = set(spec.assumptions) - set(anchors)
        assert not missing, f"{name} links {sorted(missing)}, not in docs/assumptions.md"
    for name in [t for t in tables if t.startswith("table")]:
        assert tables[name].assumptions, f"{name} names no assumptions"
    # The choices every reader of the tables should see are registered.
    for must in ("A-cfg-ramp", "A-noise-dim", "A-distill-positions", "A-train-steps", "A-ema-warmup", "A-bf16",
                 "A-shortcut", "A-meanflow", "A-flan-t5-large", "A-testset-964", "A-data-sources"):
        assert must in anchors, must


def _table1(**metric_values):
    spec = to_dict(compose("default").report.tables.table1_main)
    metrics = pd.DataFrame([{"audio": "student/main/main", "metric": m, "value": v, "ci_low": v - 1, "ci_high": v + 1}
                            for m, v in metric_values.items()])
    return build_table(spec, metrics, {}, {"student/main/main"}, assumptions_doc="../docs/assumptions.md")


def test_table1_shows_kad_as_ours_only_and_cited_rows_as_published_numbers():
    frame, notes = _table1(FD=20.0, KAD=3.0, KAD_frames=4.0)
    assert "KAD_paper" not in frame and "KAD_frames_diff" not in frame  # supplementary: no paper column
    ours = frame.set_index("row").loc["AudioDEAR"]
    assert ours["KAD"] == 3.0 and ours["KAD_frames"] == 4.0 and ours["FD_paper"] == 18.67
    meanaudio = frame.set_index("row").loc["MeanAudio (1 NFE) (cited)"]
    assert (meanaudio[["FD_paper", "FAD_paper", "KL_paper", "IS_paper", "CLAP_paper"]].tolist()
            == [14.30, 1.77, 1.32, 10.02, 0.290])
    assert frame.set_index("row").loc["MeanAudio (25 NFE) (cited)", "FD_paper"] == 13.38
    cited = frame[frame.row.str.endswith("(cited)")]
    assert len(cited) >= 9 and cited[["FD", "KAD"]].isna().all().all() and (cited.audio == "").all()
    text = "\n".join(notes)
    assert "not our measurements" in text and "supplementary" in text
    assert re.search(r"MeanAudio .*\[source O\]: .*964.*CLAP checkpoint", text)
    assert "'AudioTurbo' (cited): probably copied" in text
    assert "[A-cfg-ramp](../docs/assumptions.md#A-cfg-ramp)" in text


def test_an_unknown_cited_row_is_refused():
    spec = {"title": "t", "paper": "audiodear.table1", "metrics": ["FD"], "rows": [],
            "cited": [{"row": "No Such Model", "paper": "meanaudio.audiocaps"}]}
    with pytest.raises(ValueError, match="No Such Model"):
        build_table(spec, pd.DataFrame(columns=["audio", "metric", "value", "ci_low", "ci_high"]), {}, set())


def _metric_rows(audio, values, backbone, resampler="torchaudio 2.4 (not applied)", n=30):
    return [{"audio": audio, "metric": m, "value": v, "ci_low": v - 1, "ci_high": v + 1, "n": n,
             "backbone": backbone[m], "resampler": resampler} for m, v in values.items()]


def test_experiment_table_says_what_its_numbers_were_measured_with():
    plan = compose("default")
    backbone = {"FD": "embedded_classifier", "FAD": "embedded_vggish", "recognition": "classifier (not shown)"}
    metrics = pd.DataFrame(_metric_rows("student/main/main", {"FD": 20.0, "FAD": 3.0, "recognition": 0.5}, backbone)
                           + _metric_rows("teacher/main/main", {"FD": 15.0}, backbone, resampler=None, n=28))
    latency = pd.DataFrame([{"system": s, "sweep": "batch", "batch_size": b, "latency_s": t}
                            for s, b, t in (("student", 8, 0.5), ("student", 1, 0.1), ("teacher", 8, 4.0))])
    frame, title, notes, shown = experiment_table(plan, "table1_main", metrics, latency,
                                                  {"student/main/main", "teacher/main/main"},
                                                  "paper_tables/default", "results/default/metrics.csv")
    assert title == plan.report.tables.table1_main.title
    rows = frame.set_index("row")
    assert rows.loc["AudioDEAR", "FD"] == 20.0 and rows.loc["IMPACT teacher", "FD"] == 15.0
    assert rows.loc["AudioDEAR", "latency_s"] == 0.5 and rows.loc["IMPACT teacher", "latency_s"] == 4.0  # batch 8
    # only the table's metrics name their backbones; the largest set size; the first recorded resampler
    assert "backbones: FAD: embedded_vggish; FD: embedded_classifier" in notes
    assert "test set N = 30; resampler: torchaudio 2.4 (not applied)" in notes
    assert notes[-1].startswith("provenance: results/default/metrics.csv (per audio set: results/<exp>/metrics/")
    assert "[A-cfg-ramp](../../docs/assumptions.md#A-cfg-ramp)" in "\n".join(notes)  # from the table's folder
    assert shown.columns[0] == "row" and "FD (ours)" in shown and shown.set_index("row").loc["AudioDEAR", "FD (ours)"] == "20 [19, 21]"


def test_experiment_table_without_a_recorded_resampler_says_so():
    metrics = pd.DataFrame(_metric_rows("student/main/main", {"FD": 20.0}, {"FD": "cnn14"}, resampler=None))
    _, _, notes, _ = experiment_table(compose("default"), "table1_main", metrics, pd.DataFrame(),
                                      {"student/main/main"}, "tables", "m.csv")
    assert "test set N = 30; resampler: n/a" in notes


def test_an_ablation_table_shows_the_reference_trained_at_its_budget_and_says_how_long_each_trained():
    """Medium trains AudioDEAR 4x the ablation budget; Table 3 compares the frozen backbone with the
    AudioDEAR trained beside it at 560 steps, where the default (one budget) shows its main student."""
    sets = {"student/main/main", "student/main_short/main", "student/freeze/main"}
    metrics = pd.DataFrame([r for i, a in enumerate(sorted(sets)) for r in _metric_rows(a, {"FD": 10.0 + i}, {"FD": "c"})])
    for experiment, full, steps in (("medium", "student/main_short/main", "student training steps: 560 (freeze, main_short)"),
                                    ("default", "student/main/main", "student training steps: 100 (freeze, main)")):
        available = sets if experiment == "medium" else sets - {"student/main_short/main"}
        frame, _, notes, _ = experiment_table(compose(experiment), "table3_freeze", metrics, pd.DataFrame(),
                                              available, "tables", "m.csv")
        assert frame.set_index("row").loc["full fine-tuning", "audio"] == full
        assert steps in notes
    _, _, notes, _ = experiment_table(compose("medium"), "table1_main", metrics, pd.DataFrame(), sets, "tables", "m.csv")
    assert "student training steps: 2240 (main)" in notes
