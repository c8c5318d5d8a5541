"""The tidy metric table: every audio set's metrics.csv as rows with system / variant / setting."""
import pandas as pd
import pytest

from audiodear.report.metrics_table import headline_metrics, tidy_metrics


def _write(path, values):
    pd.DataFrame({"metric": list(values), "value": list(values.values())}).to_csv(path, index=False)
    return str(path)


def test_tidy_table_splits_the_audio_set_and_keeps_every_row(tmp_path):
    a = _write(tmp_path / "a.csv", {"FD": 12.5, "CLAP": 0.4})
    b = _write(tmp_path / "b.csv", {"FD": 20.0})
    r = _write(tmp_path / "r.csv", {"FD": 0.0})
    tidy = tidy_metrics(["teacher/main/main", "student/lambda0/repr1.5", "reference"], [a, b, r])
    assert list(tidy.columns[:4]) == ["audio", "system", "variant", "setting"]
    assert len(tidy) == 4
    row = tidy[(tidy.audio == "student/lambda0/repr1.5")].iloc[0]
    assert (row.system, row.variant, row.setting, row.value, row.source) == ("student", "lambda0", "repr1.5", 20.0, b)
    ref = tidy[tidy.audio == "reference"].iloc[0]
    assert (ref.system, ref.variant, ref.setting) == ("reference", "", "")
    head = headline_metrics(tidy)
    assert head["teacher_main_main"] == {"FD": 12.5, "CLAP": 0.4}
    assert head["student_main_main"] == {}  # not scored in this table


def test_tables_must_match_the_audio_sets(tmp_path):
    with pytest.raises(ValueError, match="2 audio sets but 1 metric tables"):
        tidy_metrics(["teacher/main/main", "reference"], [_write(tmp_path / "a.csv", {"FD": 1.0})])
