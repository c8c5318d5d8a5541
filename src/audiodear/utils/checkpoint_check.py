"""No silent random weights: every loader checks what it loaded against the architecture it built.

transformers, diffusers and ``load_state_dict(strict=False)`` all accept a file that lacks some of a
model's tensors and initialise those at random, with at most a warning in a log. A truncated
download, an unfused model under a fused config or a checkpoint of another width then runs on with
random weights. Every loader of the project goes through these functions instead, and any missing,
unexpected or wrong-shaped tensor, or any configuration fact the project depends on (sample rate,
hop, mel bins, fusion, width), is a ``CheckpointError`` naming the file and the first keys at fault.

A loader may name the keys it does not need (``allow_missing``, ``allow_unexpected``: regular
expressions matched at the start of a key), for example the decoder of a full T5 folder read by an
encoder-only model; nothing else is let through.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Iterable

import torch

from ..errors import CheckpointError

SHOWN = 5  # keys quoted per kind of problem: enough to see which module is at fault


def _first(keys: Iterable[str]) -> str:
    keys = sorted(keys)
    more = f" and {len(keys) - SHOWN} more" if len(keys) > SHOWN else ""
    return ", ".join(keys[:SHOWN]) + more


def _allowed(key: str, patterns: Iterable[str]) -> bool:
    return any(re.match(p, key) for p in patterns)


def check_keys(path, what: str, *, missing: Iterable[str] = (), unexpected: Iterable[str] = (),
               mismatched: Iterable = (), allow_missing: Iterable[str] = (),
               allow_unexpected: Iterable[str] = ()) -> None:
    """Refuse the file when a tensor the model uses is absent, unknown to the model or of another shape.

    ``mismatched`` holds ``(key, shape in file, shape in model)`` triples, as transformers reports them.
    """
    missing = [k for k in missing if not _allowed(k, allow_missing)]
    unexpected = [k for k in unexpected if not _allowed(k, allow_unexpected)]
    problems = []
    if missing:
        problems.append(f"{len(missing)} tensor(s) of the model are missing from the file: {_first(missing)}")
    if mismatched:
        shown = sorted((str(k), tuple(a), tuple(b)) for k, a, b in mismatched)
        text = ", ".join(f"{k} {a} in the file vs {b} in the model" for k, a, b in shown[:SHOWN])
        problems.append(f"{len(shown)} tensor(s) have another shape: {text}")
    if unexpected:
        problems.append(f"{len(unexpected)} tensor(s) in the file are not in the model: {_first(unexpected)}")
    if problems:
        raise CheckpointError(f"{path}: not {what}; " + "; ".join(problems))


def check_loading_info(path, what: str, info: dict, *, allow_missing: Iterable[str] = (),
                       allow_unexpected: Iterable[str] = ()) -> None:
    """Check what transformers' or diffusers' ``from_pretrained(..., output_loading_info=True)`` reports."""
    check_keys(path, what, missing=info.get("missing_keys") or (), unexpected=info.get("unexpected_keys") or (),
               mismatched=info.get("mismatched_keys") or (), allow_missing=allow_missing,
               allow_unexpected=allow_unexpected)
    if info.get("error_msgs"):
        raise CheckpointError(f"{path}: not {what}; loading reported: {'; '.join(map(str, info['error_msgs']))}")


def load_state(module: torch.nn.Module, state: dict, path, what: str, *, allow_missing: Iterable[str] = (),
               allow_unexpected: Iterable[str] = ()) -> None:
    """``module.load_state_dict(state)`` after checking every key and shape; nothing is loaded on refusal."""
    own = module.state_dict()
    mismatched = [(k, v.shape, own[k].shape) for k, v in state.items() if k in own and v.shape != own[k].shape]
    check_keys(path, what, missing=[k for k in own if k not in state], unexpected=[k for k in state if k not in own],
               mismatched=mismatched, allow_missing=allow_missing, allow_unexpected=allow_unexpected)
    module.load_state_dict({k: v for k, v in state.items() if k in own}, strict=False)


def check_facts(path, what: str, found: dict, expected: dict) -> None:
    """Refuse a checkpoint whose configuration differs from what the project needs (``expected``)."""
    wrong = [f"{key} is {found.get(key)!r}, the project needs {value!r}" for key, value in expected.items()
             if found.get(key) != value]
    if wrong:
        raise CheckpointError(f"{path}: not {what}; " + "; ".join(wrong))


def check_config_type(folder: Path, what: str, *, model_type=None, class_name: str | None = None) -> None:
    """Refuse a folder whose ``config.json`` declares another model: transformers' ``model_type`` (one
    name, or a tuple of the names transformers versions have written for the class) or diffusers'
    ``_class_name``. Both libraries write the field into every config they save."""
    path = Path(folder) / "config.json"
    try:
        config = json.loads(path.read_text())
    except (OSError, ValueError) as err:
        raise CheckpointError(f"{path}: not a readable config.json ({err})") from None
    for key, expected in (("model_type", model_type), ("_class_name", class_name)):
        allowed = expected if isinstance(expected, tuple) else (expected,)
        if expected is not None and config.get(key) not in allowed:
            need = " or ".join(repr(a) for a in allowed)
            raise CheckpointError(f"{path}: not {what}; {key} is {config.get(key)!r}, the project needs {need}")


def weights_file(folder: Path, names: Iterable[str], what: str) -> Path:
    """The weights file a ``from_pretrained`` folder holds (the first of ``names`` present), for messages
    and checksums; a folder without one is refused before transformers would build a random model."""
    for name in names:
        if (folder / name).is_file():
            return folder / name
    raise CheckpointError(f"{folder}: no {what} weights (expected one of {', '.join(names)})")


def file_shapes(weights: Path) -> dict[str, tuple]:
    """Tensor name -> shape of a weights file (safetensors, a torch state dict or a sharded index),
    read from the headers (safetensors) or memory-mapped (torch), without loading the tensors."""
    weights = Path(weights)
    files = [weights]
    if weights.name.endswith(".index.json"):
        files = [weights.parent / n for n in sorted(set(json.loads(weights.read_text())["weight_map"].values()))]
    shapes = {}
    for f in files:
        if f.suffix == ".safetensors":
            from safetensors import safe_open

            with safe_open(str(f), "pt") as fh:
                shapes.update({k: tuple(fh.get_slice(k).get_shape()) for k in fh.keys()})
        else:
            state = torch.load(str(f), map_location="cpu", weights_only=True, mmap=True)
            shapes.update({k: tuple(v.shape) for k, v in state.items() if torch.is_tensor(v)})
    return shapes


def config_shapes(cls, folder: Path) -> dict[str, tuple]:
    """Tensor name -> shape of the model ``cls`` builds from the folder's ``config.json`` (on the meta
    device: no memory, no weights)."""
    with torch.device("meta"):
        if hasattr(cls, "load_config"):  # diffusers
            model = cls.from_config(cls.load_config(str(folder)))
        else:  # transformers
            model = cls(cls.config_class.from_pretrained(str(folder), local_files_only=True))
    return {k: tuple(v.shape) for k, v in model.state_dict().items()}


def mismatched_shapes(cls, folder: Path, weights: Path) -> list[tuple[str, tuple, tuple]]:
    """(name, shape in the file, shape the config gives) for every tensor whose shapes differ; [] when
    it cannot be told (an unreadable file or config)."""
    try:
        theirs, ours = file_shapes(weights), config_shapes(cls, folder)
    except Exception:  # the caller reports the original loading error instead
        return []
    return [(k, theirs[k], ours[k]) for k in sorted(theirs) if k in ours and theirs[k] != ours[k]]


def from_pretrained(cls, folder: Path, weights: Path, what: str, *, allow_missing: Iterable[str] = (),
                    allow_unexpected: Iterable[str] = (), **kwargs):
    """``cls.from_pretrained(folder)`` offline, its loading report checked; errors name the weights file
    and, for tensors of another shape than the folder's config gives, the first of them."""
    try:
        model, info = cls.from_pretrained(str(folder), local_files_only=True, output_loading_info=True, **kwargs)
    except (OSError, ValueError, RuntimeError, TypeError) as err:  # mismatched sizes raise RuntimeError
        if isinstance(err, RuntimeError):
            check_keys(weights, f"{what} of the shapes its config.json gives",
                       mismatched=mismatched_shapes(cls, folder, weights))
        raise CheckpointError(f"{weights}: cannot be loaded as {what} ({type(err).__name__}: {err})") from None
    check_loading_info(weights, what, info, allow_missing=allow_missing, allow_unexpected=allow_unexpected)
    return model
