"""Determinism: one seed for Python, numpy and torch, and deterministic kernels on the CPU."""
from __future__ import annotations

import random

import numpy as np
import torch


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    # Raise on ops without a deterministic implementation instead of silently varying.
    torch.use_deterministic_algorithms(True, warn_only=True)
