"""Compose, validate and save the configuration ("the plan").

The plan is composed by Hydra from ``params/`` (an experiment plus command-line overrides) or read
from a file that was composed elsewhere (DVC writes ``params.yaml`` from the same tree). Either
way it is validated against ``schema.Plan``: an unknown key or a value of the wrong type fails
with a ConfigError naming the full key.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from ..errors import ConfigError
from ..utils.atomic import write_text
from .schema import Plan
from .validate import check_plan


def default_params_dir() -> Path:
    """``$AUDIODEAR_PARAMS``, else ``params/`` in the current directory or above it."""
    if env := os.environ.get("AUDIODEAR_PARAMS"):
        return Path(env).resolve()
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "params" / "config.yaml").is_file():
            return folder / "params"
    raise ConfigError(f"no params/config.yaml found in {here} or above it; set AUDIODEAR_PARAMS")


def compose(experiment: str = "default", overrides: Iterable[str] = (), params_dir: str | Path | None = None) -> DictConfig:
    """Compose ``params/config.yaml`` with ``experiment=<name>`` and Hydra overrides, then validate."""
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra
    from hydra.errors import HydraException

    params_dir = Path(params_dir).resolve() if params_dir else default_params_dir()
    overrides = [f"experiment={experiment}", *overrides]
    GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(config_dir=str(params_dir), version_base="1.3"):
            cfg = hydra_compose(config_name="config", overrides=[_set_or_add(o, params_dir) for o in overrides])
    except (HydraException, OmegaConfBaseException) as err:
        raise ConfigError(f"{params_dir}: cannot compose {overrides}: {_first_line(err)}") from None
    finally:
        GlobalHydra.instance().clear()
    return validate(OmegaConf.to_container(cfg, resolve=True), where=f"{params_dir} ({' '.join(overrides)})")


def _set_or_add(override: str, params_dir: Path) -> str:
    """``a.b=v`` as ``++a.b=v``: the group files state only what differs from the schema's defaults,
    so a key may be absent from the Hydra tree and still be the plan's; an unknown key is still
    refused (by name) when the plan is merged into the schema. Group choices (``model=base``),
    additions (``+``) and deletions (``~``) pass unchanged."""
    key = override.split("=", 1)[0]
    group = (params_dir / key).is_dir()
    return f"++{override}" if "=" in override and not group and not key.startswith(("+", "~")) else override


def load(path: str | Path) -> DictConfig:
    """Read a composed plan from YAML (for example DVC's ``params.yaml``) and validate it."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: configuration file not found")
    try:
        raw = OmegaConf.to_container(OmegaConf.load(path), resolve=True)
    except OmegaConfBaseException as err:
        raise ConfigError(f"{path}: {_first_line(err)}") from None
    return validate(raw, where=str(path))


def validate(raw: dict, where: str = "configuration") -> DictConfig:
    """Merge into the typed schema (unknown keys, wrong types), then run semantic checks."""
    try:
        plan = OmegaConf.merge(OmegaConf.structured(Plan), raw)
        OmegaConf.to_container(plan, throw_on_missing=True)
    except OmegaConfBaseException as err:
        key = getattr(err, "full_key", None)
        raise ConfigError(f"{where}: key {key!r}: {_first_line(err)}") from None
    check_plan(plan, where)  # every section; the claims are resolved one level up (audiodear.plan)
    OmegaConf.set_readonly(plan, True)
    return plan


def save(plan: DictConfig, path: str | Path) -> None:
    """Write the fully composed plan (what a job ran with) atomically."""
    write_text(path, OmegaConf.to_yaml(plan, resolve=True))


def to_dict(node) -> dict:
    return OmegaConf.to_container(node, resolve=True) if isinstance(node, DictConfig) else dict(node)


def _first_line(err: Exception) -> str:
    """The first two lines of an OmegaConf/Hydra message (the key and the reason), on one line."""
    lines = [ln.strip() for ln in str(err).strip().splitlines() if ln.strip()]
    return " ".join(lines[:2]) if lines else type(err).__name__
