"""MOS statistics against a hand-computed example."""
import math

import pandas as pd
import pytest

from audiodear.subjective.stats import mos_table, summarise, t_interval

# Five ratings of system A by three raters on three clips.
RATINGS = pd.DataFrame({
    "rater_id": ["r1", "r2", "r1", "r2", "r3", "r1"],
    "system":   ["A", "A", "A", "A", "A", "B"],
    "clip_id":  ["c1", "c1", "c2", "c2", "c3", "c1"],
    "rel":      [4, 5, 3, 4, 4, 2],
    "ovl":      [2, 3, 5, 3, 2, 5],
})


def test_summarise_by_hand():
    # REL of A: 4 5 3 4 4 -> mean 4; squared deviations 0 1 1 0 0 (sum 2); variance 2/4 = 0.5;
    # std 0.707107; se = 0.707107 / sqrt(5) = 0.316228; t(0.975, 4) = 2.776445 (t table); CI = 0.877989.
    s = summarise([4, 5, 3, 4, 4])
    assert s["n"] == 5
    assert s["mean"] == pytest.approx(4.0)
    assert s["std"] == pytest.approx(0.707107, abs=1e-6)
    assert s["se"] == pytest.approx(0.316228, abs=1e-6)
    assert s["ci95"] == pytest.approx(0.877989, abs=1e-6)
    assert t_interval([4, 5, 3, 4, 4]) == pytest.approx((4 - 0.877989, 4 + 0.877989), abs=1e-6)


def test_mos_table_by_hand():
    mos = mos_table(RATINGS, ["A", "B", "C"]).set_index("system")
    a = mos.loc["A"]
    assert (a.n_ratings, a.n_raters, a.n_clips) == (5, 3, 3)
    assert a.rel_mean == pytest.approx(4.0) and a.rel_ci95 == pytest.approx(0.877989, abs=1e-6)
    # OVL of A: 2 3 5 3 2 -> mean 3; squared deviations 1 0 4 0 1 (sum 6); variance 1.5;
    # std 1.224745; se 0.547723; CI = 2.776445 * 0.547723 = 1.520722.
    assert a.ovl_mean == pytest.approx(3.0)
    assert a.ovl_std == pytest.approx(1.224745, abs=1e-6)
    assert a.ovl_se == pytest.approx(0.547723, abs=1e-6)
    assert a.ovl_ci95 == pytest.approx(1.520722, abs=1e-6)
    # Per-clip means of REL: c1 4.5, c2 3.5, c3 4 -> std 0.5, se 0.288675, t(0.975, 2) = 4.302653,
    # CI = 1.242069. OVL: c1 2.5, c2 4, c3 2 -> std 1.040833, se 0.600925, CI = 2.585573.
    assert a.rel_ci95_clips == pytest.approx(1.242069, abs=1e-6)
    assert a.ovl_ci95_clips == pytest.approx(2.585573, abs=1e-6)
    # One rating: a mean without spread; no rating: nothing.
    b = mos.loc["B"]
    assert b.n_ratings == 1 and b.rel_mean == 2.0 and math.isnan(b.rel_std) and math.isnan(b.rel_ci95)
    c = mos.loc["C"]
    assert c.n_ratings == 0 and math.isnan(c.rel_mean)
    assert list(mos.index) == ["A", "B", "C"]
