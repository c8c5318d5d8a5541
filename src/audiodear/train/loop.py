"""One training loop for the teacher and every student.

AdamW with linear warm-up, EMA, gradient clipping, gradient accumulation, bf16 autocast where the
device supports it, and data-parallel training over ``torchrun`` processes (gloo on CPU, NCCL on
GPU). A checkpoint (safetensors, with optimizer and RNG state) is written every
``checkpoint_every`` steps and at the end; a run finding one resumes from it and, on CPU, ends
with the same weights as an uninterrupted run (also after kill -9). A checkpoint a crash left
unreadable is set aside and rebuilt, never read in part. A non-finite loss stops the run with a
clear error and leaves the last good checkpoint in place. Losses go to a JSON-lines log the DAG declares.
"""
from __future__ import annotations

import contextlib
import json
import logging
import time
from pathlib import Path

import torch
import torch.distributed as dist
from torch import nn

from ..config.schema import Train
from ..errors import CheckpointError, TrainingError
from .checkpoint import checkpoint_hash, load_checkpoint, save_checkpoint
from .data import TokenData
from .ema import EMA
from ..utils.atomic import write_text
from ..utils.device import autocast as autocast_for, resolve_precision

log = logging.getLogger(__name__)
CHECKPOINT = "ckpt-last.safetensors"


class _Step(nn.Module):
    """Model + objective as one module, so DDP sees the forward pass it synchronises."""

    def __init__(self, model: nn.Module, objective, autocast):
        super().__init__()
        self.model, self.objective, self.autocast = model, objective, autocast

    def forward(self, batch, key: int):
        return self.objective(self.model, batch, key, self.autocast)


def train_mode(model: nn.Module) -> nn.Module:
    """``model.train()``, except that every submodule whose parameters are all frozen stays in eval
    mode: a frozen backbone is the teacher's network, so its dropout must stay off while the head
    trains (``nn.Module.train`` would switch it back on). Modules without parameters of their own
    (dropout layers) follow their parent."""
    model.train()
    for module in model.modules():
        params = list(module.parameters())
        if params and not any(p.requires_grad for p in params):
            module.eval()
    return model


def lr_at(step: int, cfg: Train) -> float:
    """Linear warm-up, then constant (MAR's schedule after warm-up)."""
    return cfg.lr * min(1.0, (step + 1) / max(1, cfg.warmup_steps))


def train(model: nn.Module, objective, data: TokenData, cfg: Train, workdir: str | Path,
          loss_log: str | Path, config_hash: str, device: str = "cpu", *, seed: int) -> dict:
    """Train in place; return a summary. ``cfg``: the plan's ``train`` section (a student's with its
    ``student.train`` values in place; ``batch_size`` is global, over all processes and accumulation
    steps); ``seed``: the plan's, which draws the batches. ``workdir`` holds the resumable checkpoint."""
    world = dist.get_world_size() if dist.is_initialized() else 1
    rank = dist.get_rank() if dist.is_initialized() else 0
    if cfg.batch_size % (world * cfg.grad_accum):
        raise ValueError(f"batch size {cfg.batch_size} is not divisible by {world} processes x {cfg.grad_accum} accumulation steps")
    micro_global = cfg.batch_size // cfg.grad_accum
    train_mode(model.to(device))
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=cfg.lr, betas=tuple(cfg.betas), weight_decay=cfg.weight_decay)
    ema = EMA(model, cfg.ema_decay)
    precision = resolve_precision(cfg.precision, device)
    log.info("training in %s (precision %s) on %s", precision, cfg.precision, device)
    autocast = lambda: autocast_for(precision, device)  # noqa: E731
    step_module = _Step(model, objective, autocast)
    if world > 1:
        step_module = nn.parallel.DistributedDataParallel(step_module, find_unused_parameters=False)

    workdir = Path(workdir)
    ckpt = workdir / CHECKPOINT
    start = 0
    if ckpt.is_file():
        _set_aside_unusable(ckpt, config_hash)
    if ckpt.is_file():
        start = load_checkpoint(ckpt, model=model, ema=ema.shadow, optimizer=opt, config_hash=config_hash)
        ema.updates = start  # one EMA update per step: the warm-up continues where it stopped
        log.info("resuming from %s at step %d", ckpt, start)
    # The loss log grows in the work folder (it survives a killed run, like the checkpoint) and is
    # copied to the declared output at the end; on resume, lines past the checkpoint are dropped.
    running_log = workdir / "loss.jsonl"
    if rank == 0:
        workdir.mkdir(parents=True, exist_ok=True)
        write_text(running_log, "".join(ln + "\n" for ln in _log_lines_upto(running_log, start)))
    t0, last = time.time(), {}
    for step in range(start, cfg.steps):
        for group in opt.param_groups:
            group["lr"] = lr_at(step, cfg)
        opt.zero_grad(set_to_none=True)
        logs_acc: dict[str, float] = {}
        for micro in range(cfg.grad_accum):
            key = step * cfg.grad_accum + micro
            batch = data.batch(key, micro_global, rank, world, seed, device)
            sync = micro == cfg.grad_accum - 1 or world == 1
            ctx = contextlib.nullcontext() if sync else step_module.no_sync()
            with ctx:
                loss, logs = step_module(batch, key)
                if not torch.isfinite(loss):
                    raise TrainingError(f"non-finite loss ({loss.item()}) at step {step}; the last good checkpoint "
                                        f"is kept at {ckpt if ckpt.is_file() else '(none written yet)'}")
                (loss / cfg.grad_accum).backward()
            for k, v in logs.items():
                logs_acc[k] = logs_acc.get(k, 0.0) + v / cfg.grad_accum
        grad_norm = torch.nn.utils.clip_grad_norm_(params, cfg.grad_clip) if cfg.grad_clip > 0 else torch.tensor(0.0)
        opt.step()
        ema.update(model)
        last = {"step": step + 1, "lr": lr_at(step, cfg), "grad_norm": float(grad_norm), **logs_acc}
        if rank == 0:
            with open(running_log, "a") as fh:
                fh.write(json.dumps(last) + "\n")
            done = step + 1
            if done % cfg.log_every == 0 or done == cfg.steps:
                rate = (done - start) / max(1e-9, time.time() - t0)
                eta = (cfg.steps - done) / max(rate, 1e-9)
                log.info("step %d/%d loss %.4f (%s) %.2f steps/s, ETA %.0fs", done, cfg.steps, last["loss"],
                         ", ".join(f"{k} {v:.4f}" for k, v in logs_acc.items() if k != "loss"), rate, eta)
            if done % cfg.checkpoint_every == 0 or done == cfg.steps:
                save_checkpoint(ckpt, model=model, ema=ema.shadow, optimizer=opt, step=done, config_hash=config_hash)
    if rank == 0:
        write_text(loss_log, running_log.read_text())
    return {"steps": cfg.steps, "resumed_from": start, "precision": precision, "seconds": time.time() - t0, "last": last,
            "ema": ema.shadow, "world_size": world}


def _set_aside_unusable(ckpt: Path, config_hash: str) -> None:
    """Rename a checkpoint this run cannot resume from, and keep it: one written for another
    configuration (the rule reruns because its config changed) or one a crash left unreadable
    (never read; the run starts over and rebuilds it)."""
    try:
        found = checkpoint_hash(ckpt)
    except CheckpointError as err:
        aside = ckpt.with_name("ckpt-unreadable.safetensors")
        ckpt.replace(aside)
        log.warning("%s; kept as %s, starting over", err, aside)
        return
    if found != config_hash:
        stale = ckpt.with_name(f"ckpt-{found[:12]}.safetensors")
        ckpt.rename(stale)
        log.warning("checkpoint %s belongs to another configuration; kept as %s, starting over", ckpt, stale)


def _log_lines_upto(path: Path, step: int) -> list[str]:
    """Loss-log lines up to the resumed step. Lines past it are dropped, and so is a line a kill cut
    short (only the last one can be, and it comes after the checkpoint)."""
    if not step or not path.is_file():
        return []
    kept = []
    for line in path.read_text().splitlines():
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue
        if entry["step"] <= step:
            kept.append(line)
    return kept
