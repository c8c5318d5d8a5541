"""A training job, as the DAG's training rules run it (in process, or as ``torchrun`` processes).

The rule writes a job file (JSON: role, variant, input/output paths, the composed plan) and either
calls ``run`` directly or launches ``torchrun ... -m audiodear train <job file>`` with one process
per GPU. Each process builds the same model and data; ``train.loop`` handles the rest.
"""
from __future__ import annotations

import dataclasses
import json
import logging
import os
from pathlib import Path

import torch
import torch.distributed as dist
from omegaconf import OmegaConf

from ..audio.latents import load_latents
from ..models.build import ModelSpec, build_model, spec_from_preset
from ..models.generator_file import load_generator, save_weights
from ..text.conditioning import TextCache
from ..utils.device import resolve_device
from ..utils.hashing import sha256_file, sha256_json
from .data import TokenData
from ..config.schema import Train
from ..config.variants import train_steps_of
from .loop import train
from .objectives import StudentObjective, TeacherObjective

log = logging.getLogger(__name__)


def head_options(plan, role: str, variant: dict | None) -> tuple[str, dict]:
    if role == "teacher":
        return "diffusion", {"diffusion_batch_mul": plan.model.diffusion_batch_mul, "clip_x0": plan.model.clip_x0}
    kind = variant["objective"]
    if kind == "energy":
        return "energy", {"num_samples": variant["energy_m"], "alpha": variant["energy_alpha"],
                          "design": variant["head_design"], "noise_dim": variant["noise_dim"]}
    return kind, {}


def model_spec(plan, role: str, variant: dict | None, tokens: torch.Tensor, cond: torch.Tensor) -> ModelSpec:
    kind, head = head_options(plan, role, variant)
    m = plan.model
    return spec_from_preset(m.size, token_dim=tokens.shape[-1], seq_len=tokens.shape[1], cond_len=cond.shape[1],
                            cond_dim=cond.shape[-1], head_kind=kind, head=head, width=m.width,
                            encoder_depth=m.encoder_depth, decoder_depth=m.decoder_depth, heads=m.heads,
                            head_depth=m.head_depth, head_width=m.head_width, mask_ratio_min=m.mask_ratio_min,
                            attn_dropout=m.attn_dropout, proj_dropout=m.proj_dropout)


def _train_config(plan, role: str, variant: dict | None = None) -> Train:
    """The plan's ``train`` section; a student trains with the ``student.train`` values in its place,
    for as many steps as its resolved ``variant`` says (its ``train_steps``, else ``student.train.steps``)."""
    cfg = Train(**OmegaConf.to_container(plan.train, resolve=True))
    if role == "student":
        s = plan.student.train
        steps = s.steps if variant is None else train_steps_of(plan, variant)
        cfg = dataclasses.replace(cfg, steps=steps, lr=s.lr, warmup_steps=s.warmup_steps, batch_size=s.batch_size,
                                  ema_decay=s.ema_decay, checkpoint_every=min(cfg.checkpoint_every, steps))
    return cfg


def run(job: dict) -> dict:
    """Train one model as ``job`` describes; rank 0 writes the model file. Returns a summary."""
    plan = OmegaConf.create(job["plan"])
    device = resolve_device(plan.device)
    if int(os.environ.get("WORLD_SIZE", "1")) > 1 and not dist.is_initialized():
        backend = "nccl" if device == "cuda" else "gloo"
        dist.init_process_group(backend)
        if device == "cuda":
            torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", "0")))
    role, variant, init = job["role"], None, None
    text = TextCache.load(job["text"])
    ids, tokens, index = load_latents(job["latents"], text.ids)
    text_set, seed = plan.text.text_set, plan.seed
    if role == "student":
        variant = dict(job["variant_settings"])  # resolved once, in launch.training_job
        text_set = variant["text_set"]
        seed = plan.seed if variant["seed"] is None else variant["seed"]
    cond = text.sequence(text_set)
    cond_teacher = text.sequence(plan.text.text_set) if text_set != plan.text.text_set else None
    spec = model_spec(plan, role, variant, tokens, cond)
    torch.manual_seed(seed)
    model = build_model(spec)
    if role == "teacher":
        objective = TeacherObjective(seed, plan.model.cond_drop_prob)
        if plan.model.init_from:
            from ..models.mar_checkpoint import load_mar_checkpoint

            init = load_mar_checkpoint(model.backbone, plan.model.init_from)
            log.info("initialised from MAR checkpoint %s: %d tensors transferred; not transferred by design: %s",
                     init["checkpoint"], init["transferred"], init["not_transferred"])
    else:
        teacher, _ = load_generator(job["teacher"], "cpu")
        model.backbone.load_state_dict(teacher.backbone.state_dict())  # the student starts from the teacher
        if variant["freeze_backbone"]:
            model.backbone.requires_grad_(False)  # train.loop.train_mode keeps it in eval mode
        objective = StudentObjective(teacher.backbone.to(device), seed, plan.model.cond_drop_prob,
                                     variant["distill_weight"])
    cfg = _train_config(plan, role, variant)
    # A checkpoint may be resumed only by the same job on the same inputs (a retrained teacher or
    # re-extracted latents start the run over).
    inputs = {k: sha256_file(job[k]) for k in ("text", "teacher") if job.get(k)}
    inputs["latents"] = sha256_file(Path(job["latents"]) / "index.json")
    if init is not None:
        inputs["init_from"] = init["sha256"]
    config_hash = sha256_json({"job": {k: v for k, v in job.items() if k not in ("plan", "log")}, "spec": spec.to_dict(),
                               "train": cfg.__dict__, "variant": variant, "inputs": inputs})
    summary = train(model, objective, TokenData(tokens, cond, cond_teacher), cfg, job["workdir"], job["loss_log"],
                    config_hash, device, seed=seed)
    if not dist.is_initialized() or dist.get_rank() == 0:
        weights = summary.pop("ema")
        if variant is not None and variant["freeze_backbone"]:  # a frozen backbone is the teacher's, bit for bit
            weights.update({f"backbone.{k}": v for k, v in model.backbone.state_dict().items()})
        # No run time in the file (it is in the training log): the model file's bytes, and so the
        # sha256 that jobs reading it record in their provenance, depend only on what was trained.
        trained = {k: v for k, v in summary.items() if k != "seconds"}
        meta = {"spec": spec.to_dict(), "role": role, "variant": job.get("variant"), "text_set": text_set,
                "latent_shape": index["latent_shape"], "patch": index["patch"], "train": {**trained, "clips": len(ids)}}
        if init is not None:  # the MAR initialisation travels with the model file into provenance
            meta["init"] = init
        save_weights(job["model"], weights, meta)
    else:
        summary.pop("ema")
    if dist.is_initialized():
        dist.barrier()
        dist.destroy_process_group()
    return summary


def main(job_file: str) -> None:
    from ..utils.logs import setup_logging

    job = json.loads(Path(job_file).read_text())
    setup_logging(job.get("log"))
    run(job)
