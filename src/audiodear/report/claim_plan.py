"""Claims are data: each claim of the papers, read from ``report.claims`` in the plan
(``params/report/claims/*.yaml``) and resolved to comparisons of audio sets the plan produces.

A claim names its source (table and row of the paper), the audio sets it compares, the metrics
its source reports for those rows, the metric(s) that decide it (``primary``), the metrics the
source reports as a tie and the tolerance of a tie. Comparisons are written three ways:

- ``{better: A, than: B}``: the source finds audio set A better than B (``metrics`` may narrow the
  claim's metrics for this comparison); A or B may be a list of audio sets, of which the first the
  plan produces is compared (an ablation's reference trained at the ablation budget where the plan
  has one, else the main student);
- ``{chain: [A, B, C]}``: from worst to best, each better than the one before;
- ``{sweep: {of: teacher/main, by: iterations, min: .., max: ..}}``: the plan's own grid — every
  setting of that system/variant that differs from ``main`` only in ``by`` (its values between
  ``min`` and ``max``), ordered by it; each point is better than the one before (``lower: true``
  for the other way). The claim's ``{grid}`` in its text becomes that grid, e.g. "4 < 8 < 16".

Resolution happens when the plan is composed: a claim naming an audio set the plan does not
produce (a renamed or removed variant) is an error naming the claim and the set, never a silent
"not measured"; so is a claim comparing two students trained for different numbers of steps.
"""
from __future__ import annotations

from dataclasses import dataclass

from omegaconf import DictConfig, OmegaConf

from ..choices import ClaimKind, values
from ..errors import ConfigError

KINDS = values(ClaimKind)
METRICS = ("FD", "FAD", "KL", "IS", "CLAP", "recognition", "latency_s")


@dataclass(frozen=True)
class Comparison:
    better: str  # the audio set the source finds better
    than: str
    metrics: tuple[str, ...]


@dataclass(frozen=True)
class Claim:
    id: str
    text: str  # with the plan's grid filled in
    source: str
    kind: str  # quality | speed
    central: bool
    comparisons: tuple[Comparison, ...]
    primary: tuple[str, ...]  # the metrics whose comparisons decide the verdict
    ties: tuple[str, ...]  # metrics the source reports as a tie: the comparison asks for equivalence
    tolerance: float  # a tie: |a - b| <= tolerance * |b|
    paper_ratio: float | None = None  # speed: the source's speed-up


def produced_audiosets(plan: DictConfig) -> list[str]:
    """Every generated audio set the plan produces, as ``<system>/<variant>/<setting>``."""
    from ..config.variants import student_runs

    return [f"teacher/main/{s}" for s in plan.teacher.settings] + [f"student/{v}/{s}" for v, s in student_runs(plan)]


def _setting(plan: DictConfig, system: str, name: str) -> dict:
    from ..config.variants import student_setting, teacher_setting

    return (teacher_setting if system == "teacher" else student_setting)(plan, name)


def _sweep(plan: DictConfig, spec: dict, produced: set[str], where: str) -> tuple[list[str], list]:
    """The audio sets of a sweep over the plan's grid, ordered by the swept value, and the values."""
    of, by = spec.get("of"), spec.get("by")
    if not of or not by or of.count("/") != 1:
        raise ConfigError(f"{where}: a sweep needs 'of: <system>/<variant>' and 'by: <sampling field>', got {spec}")
    system = of.split("/")[0]
    if system not in ("teacher", "student"):
        raise ConfigError(f"{where}: sweep of {of!r}: the system must be teacher or student")
    settings = plan.teacher.settings if system == "teacher" else plan.student.settings
    main = _setting(plan, system, "main")
    if by not in main:
        raise ConfigError(f"{where}: sweep by {by!r}: not a sampling field ({sorted(main)})")
    lo, hi = spec.get("min", float("-inf")), spec.get("max", float("inf"))
    points = []
    for name in settings:
        entry = _setting(plan, system, name)
        others_equal = all(entry[k] == main[k] for k in main if k != by)
        if others_equal and lo <= entry[by] <= hi and f"{of}/{name}" in produced:
            points.append((entry[by], f"{of}/{name}"))
    points.sort()
    if len(points) < 2:
        raise ConfigError(f"{where}: sweep of {of} by {by} in [{lo}, {hi}] finds {len(points)} audio set(s) "
                          "in this plan; a comparison needs 2")
    if spec.get("lower", False):
        points.reverse()
    return [a for _, a in points], [v for v, _ in points]


def _pick(candidates, produced: set[str], here: str) -> str:
    """The audio set of one side of a comparison: a name, or the first of a list the plan produces."""
    names = list(candidates) if isinstance(candidates, (list, tuple)) else [candidates]
    for name in names:
        if name in produced:
            return name
    raise ConfigError(f"{here} names audio set {' or '.join(repr(n) for n in names)}, which this plan does not "
                      "produce (renamed or removed variant/setting? update params/report/claims)")


def _check_equal_budget(plan: DictConfig, c: Comparison, here: str) -> None:
    """Two students are compared only at equal training steps (``student.variants.<v>.train_steps``)."""
    from ..config.variants import student_train_steps

    (sys_a, var_a, _), (sys_b, var_b, _) = c.better.split("/"), c.than.split("/")
    if sys_a == sys_b == "student" and var_a != var_b:
        steps_a, steps_b = student_train_steps(plan, var_a), student_train_steps(plan, var_b)
        if steps_a != steps_b:
            raise ConfigError(f"{here} compares {c.better!r} ({steps_a} training steps) with {c.than!r} "
                              f"({steps_b}): students are compared at equal budgets (list the reference "
                              "trained at the other's budget first)")


def _grid_label(values: list, by: str) -> str:
    shown = [f"{v:g}" if isinstance(v, float) else str(v) for v in values]
    return " < ".join(shown) + f" ({by})"


def resolve_claim(plan: DictConfig, cid: str, spec: dict, produced: set[str], where: str) -> Claim:
    here = f"{where}: claim {cid!r}"
    kind = spec.get("kind", "quality")
    if kind not in KINDS:
        raise ConfigError(f"{here}: kind {kind!r} is not one of {list(KINDS)}")
    metrics = tuple(spec.get("metrics") or ())
    for m in metrics:
        if m not in METRICS:
            raise ConfigError(f"{here}: metric {m!r} is not one of {list(METRICS)}")
    if not metrics:
        raise ConfigError(f"{here}: names no metric")
    comparisons, text = [], spec["text"]
    for item in spec.get("compare") or []:
        item = dict(item)
        its = tuple(item.get("metrics") or metrics)
        if "better" in item:
            comparisons.append(Comparison(_pick(item["better"], produced, here), _pick(item["than"], produced, here), its))
        elif "chain" in item:
            chain = [_pick(c, produced, here) for c in item["chain"]]
            comparisons += [Comparison(b, a, its) for a, b in zip(chain, chain[1:])]
        elif "sweep" in item:
            chain, values = _sweep(plan, dict(item["sweep"]), produced, here)
            comparisons += [Comparison(b, a, its) for a, b in zip(chain, chain[1:])]
            text = text.replace("{grid}", _grid_label(values, item["sweep"]["by"]))
        else:
            raise ConfigError(f"{here}: a comparison is {{better, than}}, {{chain}} or {{sweep}}, got {item}")
    if not comparisons:
        raise ConfigError(f"{here}: compares nothing")
    for c in comparisons:
        _check_equal_budget(plan, c, here)
    if kind == "speed":
        timed = set(plan.report.latency_systems.values())
        for c in comparisons:
            for audio in (c.better, c.than):
                if audio not in timed:
                    raise ConfigError(f"{here} times audio set {audio!r}, which report.latency_systems does not "
                                      f"measure ({sorted(timed)})")
    primary = tuple(spec.get("primary") or metrics[:1])
    if not set(primary) <= set(metrics):
        raise ConfigError(f"{here}: primary {list(primary)} must be among its metrics {list(metrics)}")
    return Claim(cid, text, spec["source"], kind, bool(spec.get("central", False)), tuple(comparisons), primary,
                 tuple(spec.get("ties") or ()), float(spec.get("tolerance", 0.05)), spec.get("paper_ratio"))


def resolve_claims(plan: DictConfig, where: str = "plan") -> list[Claim]:
    """Every claim of ``report.claims``, resolved against the plan (ConfigError naming claim and set)."""
    produced = set(produced_audiosets(plan))
    raw = OmegaConf.to_container(plan.report.claims, resolve=True) if isinstance(plan.report.claims, DictConfig) \
        else dict(plan.report.claims)
    return [resolve_claim(plan, cid, spec, produced, where) for cid, spec in raw.items()]
