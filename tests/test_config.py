"""The plan: Hydra composition with errors that name the key; the composed plan is saved."""
import re
from pathlib import Path

import pytest
from omegaconf import OmegaConf

from audiodear.cli import main as cli
from audiodear.config import compose, load, save
from audiodear.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("experiment", ["smoke", "default", "medium", "paper"])
def test_every_experiment_composes(experiment):
    plan = compose(experiment)
    assert plan.experiment_name == experiment
    assert plan.audio.hop_length == 160 and plan.audio.n_mels == 64


def test_unknown_key_is_named():
    with pytest.raises(ConfigError, match=r"key 'data.synthetic.sizez'"):
        compose("smoke", ["+data.synthetic.sizez=3"])
    with pytest.raises(ConfigError, match=r"key 'data.synthetic.nope'"):
        compose("smoke", ["data.synthetic.nope=3"])


def test_a_key_only_the_schema_sets_can_be_overridden():
    """The group files state what differs from the schema's defaults; the rest is overridable too."""
    assert "steps" not in (ROOT / "params" / "train" / "embedded.yaml").read_text()
    assert compose("smoke", ["vae.train.kl_weight=0.5"]).vae.train.kl_weight == 0.5
    assert compose("default", ["model=base"]).model.size == "base"  # a group choice stays one


def test_wrong_type_is_named():
    with pytest.raises(ConfigError, match=r"key 'data.synthetic.seed'.*could not be converted to Integer"):
        compose("smoke", ["data.synthetic.seed=abc"])


@pytest.mark.parametrize("override,key", [
    ("data.validation=maybe", "data.validation"),
    ("data.synthetic.two_event_fraction=1.5", "data.synthetic.two_event_fraction"),
    ("data.synthetic.sizes.test=0", "data.synthetic.sizes.test"),
    ("data.synthetic.kinds=[beep,cow]", "data.synthetic.kinds[1]"),
    ("audio.fmax=9000", "audio.fmax"),
    ("device=tpu", "device"),
    # choice fields and bounds of every section, declared in the schema, checked at compose time
    ("model.size=huge", "model.size"),
    ("teacher.base.cfg_level=sideways", "teacher.base.cfg_level"),
    ("+student.variants.bad={energy_m: 1}", "student.variants.bad.energy_m"),
    ("+student.settings.bad={cfg_schedule: cosine}", "student.settings.bad.cfg_schedule"),
    ("subjective.loudness_lufs=3.0", "subjective.loudness_lufs"),
    ("subjective.clips_per_system=0", "subjective.clips_per_system"),
    ("subjective.stratify_by=colour", "subjective.stratify_by"),
    ("subjective.reference_name=IMPACT teacher", "subjective.systems"),
])
def test_bad_value_is_named(override, key):
    with pytest.raises(ConfigError, match=re.escape(f"key '{key}'")):
        compose("smoke", [override])


def test_unknown_experiment():
    with pytest.raises(ConfigError, match="experiment/nope"):
        compose("nope")


def test_saved_plan_loads_back_identically(tmp_path):
    plan = compose("smoke", ["data.synthetic.seed=5"])
    save(plan, tmp_path / "plan.yaml")
    again = load(tmp_path / "plan.yaml")
    assert OmegaConf.to_container(again) == OmegaConf.to_container(plan)
    (tmp_path / "bad.yaml").write_text((tmp_path / "plan.yaml").read_text().replace("seed: 5", "seed: five"))
    with pytest.raises(ConfigError, match=r"bad.yaml: key 'data.synthetic.seed'"):
        load(tmp_path / "bad.yaml")


def test_cli_reports_config_errors(capsys):
    assert cli(["config", "--experiment", "smoke", "device=tpu"]) == 2
    assert "key 'device'" in capsys.readouterr().err


def _leaves(node, prefix=""):
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            out.update(_leaves(v, f"{prefix}{k}."))
        return out
    return {prefix[:-1]: node}


def test_medium_differs_from_the_default_only_in_sizes_and_steps():
    """The medium experiment is the default's DAG, grid and models, trained longer on more test clips;
    its two extra students are the default's AudioDEAR and lambda = 0 at the ablation budget."""
    from audiodear.config.variants import student_train_steps, student_variant

    default_plan, medium_plan = compose("default"), compose("medium")
    default = _leaves(OmegaConf.to_container(default_plan, resolve=True))
    medium = _leaves(OmegaConf.to_container(medium_plan, resolve=True))
    variant_keys = lambda keys: {k for k in keys if k.startswith("student.variants.")}  # noqa: E731
    assert set(default) - variant_keys(default) == set(medium) - variant_keys(medium)
    changed = {k for k in set(default) - variant_keys(default) if default[k] != medium[k]}
    assert changed == {"experiment_name", "tables_dir", "data.synthetic.sizes.test", "train.steps",
                       "student.train.steps"}
    assert medium["train.steps"] > default["train.steps"] and medium["data.synthetic.sizes.test"] > 96
    assert set(medium_plan.student.variants) - set(default_plan.student.variants) == {"main_short", "lambda0_short"}
    short = medium_plan.student.train.steps
    for v in default_plan.student.variants:  # the same models; only how long the headline students train
        resolved = student_variant(medium_plan, v)
        assert {**resolved, "train_steps": None} == student_variant(default_plan, v)
        assert student_train_steps(medium_plan, v) == (4 * short if v in ("main", "lambda0", "lambda5000") else short)
    for ref, of in (("main_short", "main"), ("lambda0_short", "lambda0")):
        assert student_variant(medium_plan, ref) == student_variant(default_plan, of)
        assert student_train_steps(medium_plan, ref) == short


def test_snakemake_overrides_given_as_one_string():
    from audiodear.plan import compose as compose_plan

    # Snakemake passes --config values through YAML: an unquoted {a: b} inside a list does not parse
    # and arrives as one string, which must not be split into characters
    with pytest.raises(ConfigError, match=r"key 'overrides': .* is not a YAML list; quote each override"):
        compose_plan("smoke", "[+student.variants.main_seed1={seed:1}]")
    plan = compose_plan("smoke", "+student.variants.main_seed1={seed: 1}")  # one override
    assert plan.student.variants.main_seed1.seed == 1
    assert compose_plan("smoke", ["+student.variants.main_seed1={seed: 1}"]) == plan
