"""Claims are data: resolved against the plan when it is composed, decided by paired bootstraps."""
import numpy as np
import pandas as pd
import pytest

from audiodear.plan import compose
from audiodear.errors import ConfigError
from audiodear.eval.features import FeatureSet
from audiodear.eval.set_statistics import AudioSetScores, ClipEvidence
from audiodear.report.claim_plan import Claim, Comparison, produced_audiosets, resolve_claim, resolve_claims
from audiodear.report.claims import check_claims

N = 60
IDS = [f"c{i:03d}" for i in range(N)]
S = "student"


def test_renaming_a_variant_without_updating_its_claim_fails_at_compose_time():
    with pytest.raises(ConfigError, match=r"claim 'lambda_too_large_hurts' names audio set 'student/lambda5000/main'"):
        compose("default", ["~student.variants.lambda5000", "+student.variants.lambda5k={distill_weight: 5000.0}"])


def test_every_experiment_resolves_its_claims_and_the_grid_comes_from_the_plan():
    """The iterations claim compares 4 < 8 < 16 in both plans, though 16 is `main` in the embedded
    default and `iter16` at paper scale (where main decodes in 64); a new grid point joins it."""
    default = {c.id: c for c in resolve_claims(compose("default"))}
    paper = {c.id: c for c in resolve_claims(compose("paper"))}
    assert default.keys() == paper.keys() and sum(c.central for c in default.values()) == 5
    for plan, sixteen in ((default, "teacher/main/main"), (paper, "teacher/main/iter16")):
        claim = plan["iterations_help"]
        assert claim.text.endswith("4 < 8 < 16 (iterations)") and claim.comparisons[-1].better == sixteen
    wider = {c.id: c for c in resolve_claims(compose("default", ["+teacher.settings.iter2={iterations: 2}"]))}
    assert wider["iterations_help"].text.endswith("2 < 4 < 8 < 16 (iterations)")
    assert default["teacher_beats_student"].ties == ("KL",)
    assert default["energy_beats_one_step"].comparisons[0].metrics == ("FD", "IS", "CLAP")
    assert "IMPACT" in default["teacher_repr_cfg_helps"].source
    assert "Table 8" not in default["repr_cfg_up_to_a_point"].source.split(";")[0]


def test_an_ablation_claim_compares_with_the_reference_trained_at_its_budget():
    """A comparison may list audio sets (the first the plan produces); two students trained for
    different numbers of steps are never compared."""
    default = {c.id: c for c in resolve_claims(compose("default"))}
    medium = {c.id: c for c in resolve_claims(compose("medium"))}
    assert default["freeze_worse"].comparisons[0].better == "student/main/main"
    assert medium["freeze_worse"].comparisons[0].better == "student/main_short/main"
    assert medium["energy_beats_one_step"].comparisons[0].better == "student/lambda0_short/main"
    assert medium["text_embeddings_order"].comparisons[-1].better == "student/main_short/main"
    assert medium["distillation_helps"].comparisons[0].better == "student/main/main"  # both at 4x the budget
    with pytest.raises(ConfigError, match=r"compares 'student/m4/main' \(560 training steps\) "
                                          r"with 'student/main/main' \(2240\): students are compared at equal budgets"):
        compose("medium", ["~student.variants.main_short"])
    plan = compose("default")
    spec = {"text": "t", "source": "s", "metrics": ["FD"],
            "compare": [{"better": ["student/main_short/main", "student/main2/main"], "than": "student/m4/main"}]}
    with pytest.raises(ConfigError, match=r"names audio set 'student/main_short/main' or 'student/main2/main', "
                                          r"which this plan does not produce"):
        resolve_claim(plan, "c", spec, set(produced_audiosets(plan)), "plan")


def test_a_speed_claim_must_time_the_sets_it_names():
    with pytest.raises(ConfigError, match=r"claim 'student_faster' times audio set 'teacher/main/main'"):
        compose("smoke", ["report.latency_systems.teacher=teacher/main/iter8"])


META = {"kind": "audio", "backbone": "test", "checkpoint": "test.ckpt", "sample_rate": 16000, "resampler": "none"}


def _features(emb):
    return {"classifier": FeatureSet(IDS, {"embedding": emb}, META)}


CLIP = np.random.default_rng(9).normal(0, 0.2, N)  # per-caption difficulty, shared by every set


def _set(rng, reference, noise, shift=0.0, kl=1.0, clap=0.3):
    """An audio set whose clips follow the reference's (paired) with ``noise``, moved by ``shift``."""
    emb = reference + shift + rng.normal(0, noise, reference.shape)
    clip = CLIP
    per_clip = pd.DataFrame({"kl_softmax": kl + clip + rng.normal(0, 0.005, N),
                             "clap": clap - clip + rng.normal(0, 0.005, N)}, index=pd.Index(IDS, name="id"))
    return AudioSetScores(IDS, _features(emb), per_clip)


@pytest.fixture(scope="module")
def evidence():
    rng = np.random.default_rng(0)
    ref = rng.normal(0, 1, (N, 4))
    sets = {f"{S}/main/main": _set(rng, ref, 0.3),
            f"{S}/lambda0/main": _set(rng, ref, 0.3, shift=1.0),  # clearly worse FD
            f"{S}/lambda5000/main": _set(rng, ref, 0.3),  # the same as main
            f"{S}/design_a/main": _set(rng, ref, 0.05),  # clearly better than main
            "teacher/main/main": _set(rng, ref, 0.05, kl=1.0)}  # better FD, the same KL
    return ClipEvidence(sets, AudioSetScores(IDS, _features(ref), pd.DataFrame()))


def claim(cid, better, than, metrics=("FD", "KL", "CLAP"), ties=(), **kw):
    return Claim(cid, cid, "test", kw.get("kind", "quality"), kw.get("central", False),
                 (Comparison(better, than, metrics),), ("FD",) if "FD" in metrics else metrics[:1], ties, 0.05,
                 kw.get("paper_ratio"))


def test_verdicts_follow_the_paired_bootstrap(evidence):
    claims = [claim("clear", f"{S}/main/main", f"{S}/lambda0/main"),
              claim("none", f"{S}/main/main", f"{S}/lambda5000/main"),
              claim("reversed", f"{S}/main/main", f"{S}/design_a/main"),
              claim("tie", "teacher/main/main", f"{S}/main/main", ties=("KL",), central=True)]
    table = check_claims(claims, evidence, n_boot=300).set_index("id")
    assert table.index[0] == "tie"  # central claims first
    assert table.loc["clear", "verdict"] == "reproduced" and table.loc["clear", "clips needed"] == "–"
    assert table.loc["reversed", "verdict"] == "contradicted"
    assert table.loc["none", "verdict"] == "undecided"
    assert table.loc["none", "clips needed"].startswith(("> ", "~")) and table.loc["none", "clips needed"] != f"~{N}"
    assert table.loc["tie", "verdict"] == "reproduced"
    assert "KL tie within" in table.loc["tie", "evidence"] and ": reproduced" in table.loc["tie", "evidence"]
    assert table.loc["clear", "evidence"].startswith("FD main vs lambda0:")
    assert "the paper's way beyond noise" in table.loc["clear", "other metrics"]


def test_a_claim_without_its_sets_in_the_evidence_is_not_measured(evidence):
    table = check_claims([claim("gone", f"{S}/m4/main", f"{S}/main/main")], evidence, n_boot=50)
    assert table.verdict.iloc[0] == "not measured"


def _latency(teacher_runs, student_runs, flops=(40e9, 10e9)):
    rows = []
    for batch, t_runs, s_runs in zip((1, 8, 64), teacher_runs, student_runs):
        for system, runs, f in (("teacher", t_runs, flops[0]), ("student", s_runs, flops[1])):
            med = float(np.median(runs))
            rows.append({"system": system, "sweep": "batch", "batch_size": batch, "latency_s": med,
                         "tokens_s": med - 0.1, "latency_runs_s": ";".join(map(str, runs)), "gen_flops": f * batch})
    return pd.DataFrame(rows)


SYSTEMS = {"teacher": "teacher/main/main", "student": f"{S}/main/main"}


def test_the_speed_claim_reports_measured_flop_predicted_and_paper_ratios(evidence):
    fast = claim("speed", f"{S}/main/main", "teacher/main/main", ("latency_s",), kind="speed", paper_ratio=8.5)
    latency = _latency([[2.0, 2.1, 1.9], [4.0, 4.2, 3.9], [20, 21, 19]],
                       [[0.5, 0.55, 0.5], [1.0, 1.1, 0.9], [9, 9.5, 9]])
    row = check_claims([fast], evidence, latency, SYSTEMS, n_boot=200).iloc[0]
    assert row.verdict == "reproduced"
    assert "batch 8: measured 4.00x" in row.evidence and "FLOP-predicted 4.0x" in row.evidence
    assert "paper 8.5x" in row.evidence and "over 9 timing pairs" in row.evidence
    slow = _latency([[1.0, 1.3, 0.8]] * 3, [[1.1, 0.9, 1.2]] * 3)
    row = check_claims([fast], evidence, slow, SYSTEMS, n_boot=200).iloc[0]
    assert row.verdict == "undecided" and row["clips needed"].endswith("timing pairs")
    few = _latency([[2.0], [4.0], [20.0]], [[0.5], [1.0], [9.0]])  # one repeat, 3 batch sizes: 3 pairs
    row = check_claims([fast], evidence, few, SYSTEMS, n_boot=200).iloc[0]
    assert row.verdict == "undecided" and row["clips needed"] == "~5 timing pairs"


def test_set_level_metrics_are_recomputed_on_the_shared_clips():
    """FAD pools every frame of the drawn clips; IS takes the drawn logits; the full-set values are
    the metrics themselves."""
    from audiodear.eval.frechet import frechet_distance_fast
    from audiodear.eval.inception_score import inception_score

    rng = np.random.default_rng(4)
    index = np.repeat(np.arange(N), 3)

    def scores(shift):
        frames = FeatureSet(IDS, {"frame_embedding": rng.normal(shift, 1, (3 * N, 4)), "frame_clip_index": index},
                            META)
        classifier = FeatureSet(IDS, {"embedding": rng.normal(0, 1, (N, 4)), "logits": rng.normal(shift, 1, (N, 6))}, META)
        return AudioSetScores(IDS, {"frames": frames, "classifier": classifier}, pd.DataFrame())

    ref, a, b = scores(0.0), scores(0.0), scores(2.0)
    ev = ClipEvidence({"a": a, "b": b}, ref)
    g, va, vb = ev.gain("a", "b", "FAD", n_boot=100)
    ref_frames = ref.features["frames"].get("frame_embedding")
    assert va == pytest.approx(frechet_distance_fast(a.features["frames"].get("frame_embedding"), ref_frames))
    assert g.low > 0  # b's frames are shifted by 2: a is closer to the reference beyond noise
    _, va, _ = ev.gain("a", "b", "IS", n_boot=20)
    assert va == pytest.approx(inception_score(a.features["classifier"].get("logits")).mean)
