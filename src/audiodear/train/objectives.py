"""Training objectives: masked generative modelling with a per-token head, plus distillation.

Teacher (IMPACT): draw a mask ratio (MAR's truncated normal, min 0.7) and a random order per
sample, mask that share of the tokens, drop the condition with probability p (for CFG), run the
backbone and score the head's loss on the MASKED positions only.

Student (AudioDEAR): the same masked input and condition go through the student and the frozen
teacher backbone; L = L_head + λ · MSE(h_student, h_teacher) over all audio positions.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from .randomness import sample_generator, step_rng


@dataclass
class Batch:
    tokens: torch.Tensor  # (B, N, C) latent tokens (also the targets)
    cond: torch.Tensor  # (B, L, d) conditioning sequence before projection
    index: torch.Tensor  # (B,) position of each sample in the global batch
    # The teacher sees the conditioning it was trained with; the text-set ablation changes only the
    # student's. None: the same sequence as ``cond``.
    cond_teacher: torch.Tensor | None = None


@dataclass
class Draws:
    mask: torch.Tensor  # (B, N) True = masked
    drop: torch.Tensor  # (B,) True = condition replaced by the fake latent
    head: dict  # per masked token, in the row-major order of tokens[mask]


def draw(model, batch: Batch, seed: int, key: int, cond_drop_prob: float) -> Draws:
    """All randomness of one (micro-)step, reproducible per sample (see ``randomness``)."""
    b, n, _ = batch.tokens.shape
    ratio = model.backbone.draw_mask_ratio(step_rng(seed, key))
    num_masked = max(1, min(n, int(math.ceil(n * ratio))))
    orders, drops, head = [], [], []
    for i in batch.index.tolist():
        g = sample_generator(seed, key, i)
        orders.append(torch.randperm(n, generator=g))
        drops.append(bool(torch.rand(1, generator=g).item() < cond_drop_prob))
        head.append(model.head.draw(num_masked, g, "cpu"))
    mask = model.backbone.mask_from_order(torch.stack(orders), num_masked)
    device = batch.tokens.device
    merged = {k: torch.cat([h[k] for h in head]).to(device) for k in head[0]}
    return Draws(mask.to(device), torch.tensor(drops, device=device), merged)


def head_loss(model, batch: Batch, d: Draws, autocast) -> tuple[torch.Tensor, torch.Tensor]:
    """Mean head loss over masked tokens, and h (B, N, D)."""
    with autocast():
        cond = model.backbone.condition(batch.cond)
        h = model.backbone(batch.tokens, d.mask, cond, d.drop)
    per_token = model.head.loss(h[d.mask].float(), batch.tokens[d.mask].float(), d.head)
    return per_token.mean(), h


class TeacherObjective:
    def __init__(self, seed: int, cond_drop_prob: float):
        self.seed, self.cond_drop_prob = seed, cond_drop_prob

    def __call__(self, model, batch: Batch, key: int, autocast) -> tuple[torch.Tensor, dict]:
        d = draw(model, batch, self.seed, key, self.cond_drop_prob)
        loss, _ = head_loss(model, batch, d, autocast)
        return loss, {"loss": loss.item()}


class StudentObjective:
    """Head loss plus λ · MSE to the frozen teacher's final hidden states on the same input."""

    def __init__(self, teacher_backbone, seed: int, cond_drop_prob: float, distill_weight: float):
        self.teacher = teacher_backbone.eval().requires_grad_(False)
        self.seed, self.cond_drop_prob, self.weight = seed, cond_drop_prob, float(distill_weight)

    def __call__(self, model, batch: Batch, key: int, autocast) -> tuple[torch.Tensor, dict]:
        d = draw(model, batch, self.seed, key, self.cond_drop_prob)
        loss_head, h = head_loss(model, batch, d, autocast)
        logs = {"loss_head": loss_head.item()}
        loss = loss_head
        if self.weight > 0:
            with torch.no_grad(), autocast():
                cond_t = batch.cond if batch.cond_teacher is None else batch.cond_teacher
                h_t = self.teacher(batch.tokens, d.mask, self.teacher.condition(cond_t), d.drop)
            distill = F.mse_loss(h.float(), h_t.float())
            loss = loss_head + self.weight * distill
            logs["loss_distill"] = distill.item()
        logs["loss"] = loss.item()
        return loss, logs
