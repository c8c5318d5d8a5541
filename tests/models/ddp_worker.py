"""Run by torchrun in the DDP test: one step's gradients over 2 gloo processes, saved by rank 0."""
import contextlib
import sys

import torch
import torch.distributed as dist
from torch import nn

from audiodear.train.data import TokenData
from audiodear.train.loop import _Step
from audiodear.train.objectives import TeacherObjective
from tiny import tiny_data, tiny_model

dist.init_process_group("gloo")
rank, world = dist.get_rank(), dist.get_world_size()
model = tiny_model(seed=0)
_, tokens, text = tiny_data(16)
step = nn.parallel.DistributedDataParallel(_Step(model, TeacherObjective(0, 0.1), contextlib.nullcontext))
loss, _ = step(TokenData(tokens, text.sequence()).batch(0, 8, rank, world, 0, "cpu"), 0)
loss.backward()
if rank == 0:
    torch.save({n: p.grad.clone() for n, p in model.named_parameters()}, sys.argv[1])
dist.destroy_process_group()
