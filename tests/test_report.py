"""Paper tables, from metric tables written in the results' format (the claims check: test_claims.py)."""
import numpy as np
import pandas as pd
import pytest

from audiodear.report.render import write_table
from audiodear.report.tables import build_table, latency_lookup, paper_numbers, paper_table


def _metrics(values: dict) -> pd.DataFrame:
    rows = [{"audio": a, "metric": m, "value": v, "ci_low": v - 1, "ci_high": v + 1} for (a, m), v in values.items()]
    return pd.DataFrame(rows)


def test_paper_numbers_are_data_with_sources():
    t1 = paper_table("audiodear.table1")
    assert t1["source"] == "D" and t1["rows"]["AudioDEAR (191M)"]["FD"] == 18.67
    assert paper_table("impact.table7")["rows"]["5.0"]["FAD"] == 1.13
    assert paper_table("audiodear.seed_table8")["source"] == "S"
    for paper in paper_numbers().values():
        for name, table in paper.items():
            if name != "not_recovered":
                assert table["source"] in {"P", "D", "W", "R", "S", "O"} and table["rows"], name


def test_table_sets_ours_beside_the_paper_and_leaves_out_missing_sets():
    spec = {"title": "t", "paper": "audiodear.table2", "metrics": ["FD", "CLAP"],
            "rows": [{"label": "lambda = 0", "audio": "student/lambda0/main", "paper": "lambda = 0"},
                     {"label": "lambda = 1000", "audio": "student/main/main", "paper": "lambda = 1000"},
                     {"label": "lambda = 5000", "audio": "student/lambda5000/main", "paper": "lambda = 5000"}]}
    m = _metrics({("student/lambda0/main", "FD"): 30.0, ("student/main/main", "FD"): 20.0,
                  ("student/lambda0/main", "CLAP"): 0.2, ("student/main/main", "CLAP"): 0.3})
    frame, notes = build_table(spec, m, {}, {"student/lambda0/main", "student/main/main"})
    assert list(frame.row) == ["lambda = 0", "lambda = 1000"]
    assert frame.loc[1, "FD"] == 20.0 and frame.loc[1, "FD_paper"] == 18.67
    assert frame.loc[1, "FD_diff"] == pytest.approx(20.0 - 18.67)
    assert frame.loc[0, "FD_ci"] == "[29, 31]"
    assert any("lambda5000" in n for n in notes) and any("[source D]" in n for n in notes)


def test_iteration_rows_take_the_set_that_decodes_in_that_many_iterations():
    """`main` fills the 16-iteration row where main decodes in 16 (embedded), the named setting
    where main decodes in 64 (paper scale); a row no set fits is left out with a note."""
    spec = {"title": "t", "paper": None, "metrics": ["FD"],
            "rows": [{"label": "16 iterations", "audio": ["teacher/main/iter16", "teacher/main/main"], "iterations": 16},
                     {"label": "64 iterations", "audio": ["teacher/main/iter64", "teacher/main/main"], "iterations": 64},
                     {"label": "32 iterations", "audio": ["teacher/main/iter32", "teacher/main/main"], "iterations": 32}]}
    m = _metrics({("teacher/main/main", "FD"): 1.0, ("teacher/main/iter16", "FD"): 2.0, ("teacher/main/iter64", "FD"): 3.0})
    embedded = {"main": {"iterations": 16}, "iter64": {"iterations": 64}}
    frame, notes = build_table(spec, m, {}, {"teacher/main/main", "teacher/main/iter64"},
                               lambda a: embedded[a.split("/")[-1]])
    assert list(zip(frame.row, frame.audio)) == [("16 iterations", "teacher/main/main"), ("64 iterations", "teacher/main/iter64")]
    assert any("32 iterations' left out" in n and "at 32 iterations" in n for n in notes)
    paper = {"main": {"iterations": 64}, "iter16": {"iterations": 16}}
    frame, _ = build_table(spec, m, {}, {"teacher/main/main", "teacher/main/iter16"}, lambda a: paper[a.split("/")[-1]])
    assert list(zip(frame.row, frame.audio, frame.FD)) == [("16 iterations", "teacher/main/iter16", 2.0),
                                                           ("64 iterations", "teacher/main/main", 1.0)]


def test_step_rows_take_the_set_with_that_many_diffusion_steps():
    """The embedded teacher's main setting takes 50 diffusion steps and the paper's 100: each
    experiment's step rows find main for its own count and the named ablation setting for the other."""
    spec = {"title": "t", "paper": None, "metrics": ["FD"],
            "rows": [{"label": "50 steps", "audio": ["teacher/main/steps50", "teacher/main/main"], "diffusion_steps": 50},
                     {"label": "100 steps", "audio": ["teacher/main/steps100", "teacher/main/main"], "diffusion_steps": 100}]}
    m = _metrics({("teacher/main/main", "FD"): 1.0, ("teacher/main/steps50", "FD"): 2.0, ("teacher/main/steps100", "FD"): 3.0})
    settings = {"main": {"iterations": 16, "diffusion_steps": 50}, "steps100": {"iterations": 16, "diffusion_steps": 100}}
    frame, _ = build_table(spec, m, {}, {"teacher/main/main", "teacher/main/steps100"}, lambda a: settings[a.split("/")[-1]])
    assert list(zip(frame.row, frame.audio, frame.FD)) == [("50 steps", "teacher/main/main", 1.0),
                                                           ("100 steps", "teacher/main/steps100", 3.0)]
    settings = {"main": {"iterations": 64, "diffusion_steps": 100}, "steps50": {"iterations": 64, "diffusion_steps": 50}}
    frame, notes = build_table(spec, m, {}, {"teacher/main/main"}, lambda a: settings[a.split("/")[-1]])
    assert list(frame.audio) == ["teacher/main/main"]
    assert any("'50 steps' left out" in n and "at 50 diffusion steps" in n for n in notes)
    with pytest.raises(ValueError, match="diffusion_steps"):
        build_table(spec, m, {}, {"teacher/main/main"})


def test_latency_column_comes_from_the_latency_stage():
    lat = pd.DataFrame([{"system": "teacher", "sweep": "batch", "batch_size": 8, "latency_s": 4.0},
                        {"system": "teacher", "sweep": "iterations", "batch_size": 8, "latency_s": 9.0},
                        {"system": "student", "sweep": "batch", "batch_size": 8, "latency_s": 1.0}])
    assert latency_lookup(lat, {"teacher": "teacher/main/main", "student": "student/main/main"}) == \
        {"teacher/main/main": 4.0, "student/main/main": 1.0}


def test_tables_are_written_in_three_formats(tmp_path):
    frame = pd.DataFrame({"row": ["a <b>", "c"], "FD": [1.23456, np.nan]})
    paths = write_table(frame, tmp_path / "t", "A & B", ["note"])
    assert [p.suffix for p in paths] == [".md", ".tex", ".csv"]
    assert "| a <b>" in paths[0].read_text() and "1.235" in paths[0].read_text()
    assert r"A \& B" in paths[1].read_text() or "A & B" in paths[1].read_text()
    assert pd.read_csv(paths[2]).shape == (2, 2)


def test_summary_tables_recognition_and_latency():
    from audiodear.report.summary import latency_table, recognition_table

    metrics = pd.DataFrame({"audio": ["teacher/main/main", "reference", "teacher/main/main"],
                            "metric": ["recognition", "recognition", "FD"], "value": [0.2, 0.9, 30.0],
                            "ci_low": [0.1, 0.8, 1.0], "ci_high": [0.3, 1.0, 2.0], "n": [16, 16, 16], "note": ["", "", ""]})
    rec = recognition_table(metrics)
    assert rec.audio.tolist() == ["reference", "teacher/main/main"] and rec.recognition.tolist() == [0.9, 0.2]
    latency = pd.DataFrame({"sweep": ["batch"] * 4, "batch_size": [1, 1, 8, 8], "system": ["teacher", "student"] * 2,
                            "latency_s": [2.0, 1.0, 8.0, 2.0], "hardware": ["cpu"] * 4})
    table, title = latency_table(latency)
    assert table["teacher/student"].tolist() == [2.0, 4.0] and title.endswith("on cpu")
    assert "IMPACT base dec 64 (paper, V100)" in table


def test_cfg_figure_keeps_the_seeds_noise_level_row_off_the_representation_curve():
    from audiodear.report.figures import _paper_frame

    seed = "audiodear.seed_table8"
    representation = _paper_frame(seed, "cfg_scale", ["FAD"], ("none", "representation"))
    noise = _paper_frame(seed, "cfg_scale", ["FAD"], ("noise",))
    assert sorted(representation.cfg_scale) == [1.0, 1.1, 1.5]
    assert list(noise.cfg_scale) == [5.0] and list(noise.value) == [1.26]
