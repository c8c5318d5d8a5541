"""Training data held in memory: latent tokens and conditioning sequences, batched reproducibly.

The global batch of a (micro-)step is a slice of an epoch permutation seeded by (seed, epoch);
each process of a DDP run takes its contiguous shard of it. So the batches depend only on the step,
never on how many processes run or whether the run was resumed.
"""
from __future__ import annotations

import torch

from .objectives import Batch
from .randomness import epoch_permutation


class TokenData:
    def __init__(self, tokens: torch.Tensor, cond: torch.Tensor, cond_teacher: torch.Tensor | None = None):
        if len(tokens) != len(cond):
            raise ValueError(f"{len(tokens)} token rows but {len(cond)} conditioning rows")
        self.tokens, self.cond, self.cond_teacher = tokens, cond, cond_teacher
        self._perm: tuple[int, torch.Tensor] | None = None

    def __len__(self) -> int:
        return len(self.tokens)

    def batch(self, key: int, global_batch: int, rank: int, world: int, seed: int, device) -> Batch:
        """The shard of global micro-batch number ``key`` that process ``rank`` of ``world`` trains on."""
        per_epoch = len(self) // global_batch
        if per_epoch == 0:
            raise ValueError(f"batch size {global_batch} exceeds the {len(self)} training clips")
        epoch, j = divmod(key, per_epoch)
        if self._perm is None or self._perm[0] != epoch:
            self._perm = (epoch, epoch_permutation(seed, epoch, len(self)))
        local = global_batch // world
        positions = torch.arange(rank * local, (rank + 1) * local)
        idx = self._perm[1][j * global_batch + positions]
        cond_t = None if self.cond_teacher is None else self.cond_teacher[idx].to(device)
        return Batch(self.tokens[idx].to(device), self.cond[idx].to(device), positions, cond_t)
