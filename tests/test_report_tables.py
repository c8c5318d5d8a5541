"""Table specs beyond the paper's own rows: supplementary metrics, cited reference rows with their
protocol, and links to the assumptions register."""
import re
from pathlib import Path

import pandas as pd
import pytest

from audiodear.config import compose, to_dict
from audiodear.report.tables import build_table

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
