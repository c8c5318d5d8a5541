"""Training the embedded default's evaluation networks on the corpus's event-kind labels.

Both trainers read the manifest's train and valid splits (audio loaded with the same convention
as at evaluation time), compute the frozen frontends once (log-mel for the classifier, VGGish
examples for the frame embedder), then train with AdamW on multi-label BCE over the event kinds.
The frame embedder is trained at clip level: a clip's logits are the max over its frames' logits
(multiple-instance learning), so a frame is not forced to contain every event of its clip.
Validation reports event recognition accuracy (``recognition``) and its chance level.

Deterministic on the CPU for a seed (seeded init, dropout and shuffling).
"""
from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from ..data.corpus.events import KIND_NAMES
from ..data.manifest import read_manifest, resolve
from ..config.schema import EvalTrain
from ..errors import ManifestError
from ..utils.atomic import write_json
from .backbones.embedded_io import save_embedded
from .backbones.embedded_models import SmallCnn14, SmallCnn14Config, SmallVGGish, SmallVGGishConfig
from .backbones.vggish import waveform_to_examples
from .extract import load_wave
from .recognition import event_recognition_accuracy, kinds_by_id

log = logging.getLogger(__name__)


@dataclass
class Split:
    ids: list[str]
    kinds: dict[str, list[str]]
    targets: torch.Tensor  # (N, K) multi-hot
    inputs: torch.Tensor  # cached frontend output


def _rows(manifest: str | Path, split: str) -> list[dict]:
    rows = [r for r in read_manifest(manifest) if r["split"] == split]
    if not rows:
        raise ManifestError(f"{manifest}: no clips in split {split!r}")
    return rows


def _targets(kinds: dict[str, list[str]], ids: list[str], classes: tuple[str, ...]) -> torch.Tensor:
    pos = {c: i for i, c in enumerate(classes)}
    y = torch.zeros(len(ids), len(classes))
    for r, cid in enumerate(ids):
        for k in kinds[cid]:
            y[r, pos[k]] = 1.0
    return y


def _waves(rows: list[dict], root: str | Path, sample_rate: int) -> list[np.ndarray]:
    waves = [load_wave(resolve(root, r), sample_rate)[0] for r in rows]
    n = max(len(w) for w in waves)  # training batches need one length; pad the odd clip with silence
    return [np.pad(w, (0, n - len(w))) for w in waves]


def _split(rows, root, classes, frontend, sample_rate) -> Split:
    ids = [r["id"] for r in rows]
    kinds = kinds_by_id(rows)
    inputs = frontend(_waves(rows, root, sample_rate))
    return Split(ids, kinds, _targets(kinds, ids, classes), inputs)


def _fit(model, train: Split, valid: Split, cfg: EvalTrain, logits_fn, classes, what: str) -> dict:
    gen = torch.Generator().manual_seed(cfg.seed)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    steps = cfg.epochs * ((len(train.ids) + cfg.batch_size - 1) // cfg.batch_size)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=cfg.lr, total_steps=steps, pct_start=0.2)
    history = []
    for epoch in range(cfg.epochs):
        model.train()
        order = torch.randperm(len(train.ids), generator=gen)
        total = 0.0
        for s in range(0, len(order), cfg.batch_size):
            idx = order[s:s + cfg.batch_size]
            loss = F.binary_cross_entropy_with_logits(logits_fn(train.inputs[idx]), train.targets[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(idx)
        val = _evaluate(model, valid, logits_fn, classes)
        history.append({"epoch": epoch + 1, "train_loss": total / len(order), **val})
        log.info("%s epoch %d/%d: train loss %.4f, valid loss %.4f, valid recognition %.3f (chance %.3f)",
                 what, epoch + 1, cfg.epochs, total / len(order), val["valid_loss"], val["valid_accuracy"],
                 val["chance"])
    return {"history": history, **history[-1]}


@torch.no_grad()
def _evaluate(model, split: Split, logits_fn, classes) -> dict:
    model.eval()
    logits = torch.cat([logits_fn(split.inputs[s:s + 256]) for s in range(0, len(split.ids), 256)])
    loss = float(F.binary_cross_entropy_with_logits(logits, split.targets))
    rec = event_recognition_accuracy(logits.numpy(), split.ids, split.kinds, classes)
    return {"valid_loss": loss, "valid_accuracy": rec.accuracy, "valid_accuracy_single": rec.accuracy_single,
            "valid_accuracy_double": rec.accuracy_double, "chance": rec.chance, "n_valid": rec.n}


def _run(name, model, frontend, logits_fn, manifest, audio_root, out_path, cfg, classes, sample_rate) -> dict:
    torch.manual_seed(cfg.seed)
    t0, c0 = time.perf_counter(), time.process_time()
    train = _split(_rows(manifest, "train"), audio_root, classes, frontend, sample_rate)
    valid = _split(_rows(manifest, "valid"), audio_root, classes, frontend, sample_rate)
    t1, c1 = time.perf_counter(), time.process_time()
    log.info("%s: frontend on %d train + %d valid clips took %.1f s", name, len(train.ids), len(valid.ids), t1 - t0)
    result = _fit(model, train, valid, cfg, logits_fn, classes, name)
    t2, c2 = time.perf_counter(), time.process_time()
    out_path = Path(out_path)
    save_embedded(model, out_path, name)
    report = {"backbone": name, "weights": out_path.name, "train_config": asdict(cfg),
              "model_config": model.cfg.as_dict(), "n_train": len(train.ids), "frontend_seconds": t1 - t0,
              "train_seconds": t2 - t1, "frontend_cpu_seconds": c1 - c0, "train_cpu_seconds": c2 - c1, "threads": torch.get_num_threads(), **result}
    write_json(out_path.with_suffix(".json"), report)
    return report


def train_embedded_classifier(manifest: str | Path, audio_root: str | Path, out_path: str | Path,
                              cfg: EvalTrain = EvalTrain(), classes: tuple[str, ...] = KIND_NAMES) -> dict:
    """Train the small Cnn14-style classifier; writes ``out_path`` (.safetensors) and its .json report."""
    torch.manual_seed(cfg.seed)
    model = SmallCnn14(SmallCnn14Config(classes=tuple(classes), embedding_dim=cfg.embedding_dim))

    @torch.no_grad()
    def frontend(waves):
        x = torch.from_numpy(np.stack(waves))
        return torch.cat([model.log_mel(x[s:s + 256]) for s in range(0, len(x), 256)])

    return _run("embedded_classifier", model, frontend, lambda m: model.forward_mel(m)["logits"], manifest,
                audio_root, out_path, cfg, tuple(classes), model.cfg.sample_rate)


def train_embedded_vggish(manifest: str | Path, audio_root: str | Path, out_path: str | Path,
                          cfg: EvalTrain = EvalTrain(), classes: tuple[str, ...] = KIND_NAMES) -> dict:
    """Train the small VGGish-style frame embedder; writes ``out_path`` (.safetensors) and its .json report."""
    torch.manual_seed(cfg.seed)
    model = SmallVGGish(SmallVGGishConfig(classes=tuple(classes), embedding_dim=cfg.embedding_dim))

    def frontend(waves):
        return torch.stack([waveform_to_examples(w, model.cfg.sample_rate) for w in waves])  # (N, F, 1, 96, 64)

    return _run("embedded_vggish", model, frontend, model.clip_logits, manifest, audio_root, out_path, cfg,
                tuple(classes), model.cfg.sample_rate)
