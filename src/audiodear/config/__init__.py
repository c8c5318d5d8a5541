"""Configuration: Hydra composition of ``params/`` validated against a typed schema."""
from .compose import compose, load, save, to_dict, validate

__all__ = ["compose", "load", "save", "to_dict", "validate"]
