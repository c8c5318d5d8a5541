"""Exponential moving average of trainable weights (MAR evaluates its EMA weights).

The decay warms up as min(decay, (1 + n) / (10 + n)) after n updates, so short runs are not
dominated by the initial weights (with a fixed 0.999, 37 % of a 1000-step EMA would still be the
initialisation).
"""
from __future__ import annotations

import torch


class EMA:
    def __init__(self, model: torch.nn.Module, decay: float):
        self.decay = decay
        self.updates = 0
        self.shadow = {k: v.detach().clone().float() for k, v in model.state_dict().items()}

    @torch.no_grad()
    def update(self, model: torch.nn.Module) -> None:
        self.updates += 1
        decay = min(self.decay, (1 + self.updates) / (10 + self.updates))
        for k, v in model.state_dict().items():
            if v.dtype.is_floating_point:
                self.shadow[k].mul_(decay).add_(v.detach().float(), alpha=1 - decay)
            else:
                self.shadow[k].copy_(v)
