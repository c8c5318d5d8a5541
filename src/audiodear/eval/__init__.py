"""Evaluation: FD, FAD, KL, IS and CLAP score computed as audioldm_eval's cnn14 path does.

Layout: metric formulas (``frechet``, ``kl``, ``inception_score``, ``clap_score``, ``bootstrap``),
the on-disk feature file (``features``), feature extraction from audio (``extract``), the full
metric row of one generated set (``metrics``), event recognition accuracy (``recognition``) and the
backbones that turn audio into features (``backbones``).
"""
