"""Backbones that turn audio (and, for CLAP, text) into the features the metrics use.

Paper scale: PANNs Cnn14-16k (FD, KL, IS), VGGish (FAD), HF ``laion/clap-htsat-fused`` (CLAP
score), each loaded from a local checkpoint. Embedded default: a small Cnn14-style classifier and
a small VGGish-style frame embedder trained in the DAG on the corpus labels. ``load_backbone``
picks one by name.
"""
from .base import Backbone
from .load import load_backbone

__all__ = ["Backbone", "load_backbone"]
