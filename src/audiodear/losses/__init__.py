"""Training losses that are not tied to one model."""
from .energy_score import energy_score_loss, safe_distance

__all__ = ["energy_score_loss", "safe_distance"]
