"""Training randomness that does not depend on how a batch is split across processes or runs.

Every random choice of a training step is drawn from generators seeded by (run seed, step, global
sample index): the batch's mask ratio from (seed, step), each sample's generation order,
condition drop and head noise from (seed, step, index). Consequences we rely on:

- DDP over P processes computes exactly the gradients one process computes on the whole batch;
- a run resumed from a checkpoint draws what the uninterrupted run would have drawn;
- teacher and student see identical masks for the same step (the distillation target).
"""
from __future__ import annotations

import numpy as np
import torch


def _seed(*parts: int) -> int:
    return int(np.random.SeedSequence([int(p) for p in parts]).generate_state(1, dtype=np.uint64)[0]) & ((1 << 63) - 1)


def step_rng(seed: int, step: int) -> np.random.Generator:
    return np.random.default_rng(_seed(seed, step, 0xB47C))


def sample_generator(seed: int, step: int, index: int) -> torch.Generator:
    g = torch.Generator()
    g.manual_seed(_seed(seed, step, index, 0x5A3))
    return g


def epoch_permutation(seed: int, epoch: int, n: int) -> torch.Tensor:
    g = torch.Generator()
    g.manual_seed(_seed(seed, epoch, 0xE90C))
    return torch.randperm(n, generator=g)
