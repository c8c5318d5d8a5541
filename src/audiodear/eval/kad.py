"""Kernel audio distance (KAD): the unbiased squared maximum mean discrepancy between the
generated and the reference embeddings, with a Gaussian RBF kernel.

    MMD² = Σ_{i≠j} k(xᵢ, xⱼ) / (n(n−1)) + Σ_{i≠j} k(yᵢ, yⱼ) / (m(m−1)) − 2 Σ_{i,j} k(xᵢ, yⱼ) / (nm)
    k(a, b) = exp(−‖a − b‖² / (2σ²)),  σ = median pairwise distance within the reference set

As kadtk reports it, KAD = 100 · MMD² (``SCALE``). Unlike FD it assumes no Gaussian, is unbiased
in the set size, and can be slightly negative when two sets come from one distribution. The
estimator assumes two independent sets: a set scored against itself (the ground-truth row) gives
−(200/n)·(1 − k̄), k̄ the mean kernel between its distinct clips, not 0 — visible at a few dozen
clips, about −0.2·(1 − k̄) at 964. It is a supplementary column: the papers report FD and FAD only.

Embeddings may be per clip (the classifier's, beside FD) or per frame (VGGish frames, beside FAD).
The kernel sums are first gathered per pair of clips (``ClipKernels``); a bootstrap draw of clips
is then a weighted sum over those n × m matrices, so the interval costs no kernel evaluations.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial.distance import pdist

from ..errors import InputError

SCALE = 100.0  # kadtk's scale factor: KAD values of order 1
BLOCK = 2048  # rows of a kernel block (bounds memory at BLOCK × frames doubles)


def median_bandwidth(reference: np.ndarray) -> float:
    """σ: the median Euclidean distance over all pairs of reference embeddings."""
    reference = np.asarray(reference, dtype=np.float64)
    if reference.ndim != 2 or len(reference) < 2:
        raise InputError(f"KAD needs at least 2 reference embeddings as a 2-D array, got shape {reference.shape}")
    sigma = float(np.median(pdist(reference)))
    if not sigma > 0:
        raise InputError("KAD: the reference embeddings are all identical (median distance 0)")
    return sigma


def _one_hot(clip_index: np.ndarray, n_clips: int) -> np.ndarray:
    out = np.zeros((len(clip_index), n_clips))
    out[np.arange(len(clip_index)), clip_index] = 1.0
    return out


def _clip_sums(a: np.ndarray, a_hot: np.ndarray, b: np.ndarray, b_hot: np.ndarray, sigma: float) -> np.ndarray:
    """(clips of a) × (clips of b): the sum of k over every frame pair of the two clips."""
    out = np.zeros((a_hot.shape[1], b_hot.shape[1]))
    b_sq = (b * b).sum(axis=1)
    for s in range(0, len(a), BLOCK):
        rows = a[s:s + BLOCK]
        d2 = np.maximum((rows * rows).sum(axis=1)[:, None] + b_sq[None, :] - 2.0 * rows @ b.T, 0.0)
        out += a_hot[s:s + BLOCK].T @ (np.exp(-d2 / (2.0 * sigma * sigma)) @ b_hot)
    return out


@dataclass(frozen=True)
class ClipKernels:
    """Kernel sums per pair of clips, and the frames per clip (1 for per-clip embeddings)."""

    xx: np.ndarray  # (n, n) generated × generated
    yy: np.ndarray  # (m, m) reference × reference
    xy: np.ndarray  # (n, m) generated × reference
    frames_x: np.ndarray  # (n,)
    frames_y: np.ndarray  # (m,)
    sigma: float

    def kad(self, wx: np.ndarray | None = None, wy: np.ndarray | None = None) -> float:
        """KAD when clip i of each set is taken w[i] times (None: once; a bootstrap passes counts).

        A copy of a clip is another sample, so only the pairs of a frame with itself (k = 1) leave
        the within-set sums."""
        wx = np.ones(len(self.frames_x)) if wx is None else np.asarray(wx, dtype=np.float64)
        wy = np.ones(len(self.frames_y)) if wy is None else np.asarray(wy, dtype=np.float64)
        nx, ny = wx @ self.frames_x, wy @ self.frames_y
        if nx < 2 or ny < 2:
            raise InputError(f"KAD needs at least 2 embeddings per set, got {nx:g} and {ny:g}")
        within_x = (wx @ self.xx @ wx - nx) / (nx * (nx - 1))
        within_y = (wy @ self.yy @ wy - ny) / (ny * (ny - 1))
        across = wx @ self.xy @ wy / (nx * ny)
        return float(SCALE * (within_x + within_y - 2.0 * across))


def clip_kernels(generated: np.ndarray, reference: np.ndarray, clip_x: np.ndarray | None = None,
                 clip_y: np.ndarray | None = None, clips: tuple[int, int] | None = None) -> ClipKernels:
    """Kernel sums for embeddings (rows) of the two sets; ``clip_*`` gives each row's clip (default:
    one row per clip) and ``clips`` the number of clips of each set (default: the largest index + 1).
    σ comes from the reference rows."""
    x, y = np.asarray(generated, dtype=np.float64), np.asarray(reference, dtype=np.float64)
    if x.ndim != 2 or y.ndim != 2 or x.shape[1] != y.shape[1]:
        raise InputError(f"KAD needs two 2-D embedding sets of one width, got {x.shape} and {y.shape}")
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise InputError("KAD: embeddings hold NaN or infinite values")
    cx = np.arange(len(x)) if clip_x is None else np.asarray(clip_x, dtype=np.int64)
    cy = np.arange(len(y)) if clip_y is None else np.asarray(clip_y, dtype=np.int64)
    n, m = clips if clips is not None else (int(cx.max()) + 1, int(cy.max()) + 1)
    hx, hy = _one_hot(cx, n), _one_hot(cy, m)
    sigma = median_bandwidth(y)
    return ClipKernels(_clip_sums(x, hx, x, hx, sigma), _clip_sums(y, hy, y, hy, sigma), _clip_sums(x, hx, y, hy, sigma),
                       hx.sum(axis=0), hy.sum(axis=0), sigma)


def kernel_audio_distance(generated: np.ndarray, reference: np.ndarray, clip_x: np.ndarray | None = None,
                          clip_y: np.ndarray | None = None) -> float:
    """KAD of two embedding sets (see the module doc)."""
    return clip_kernels(generated, reference, clip_x, clip_y).kad()


def counts(drawn: np.ndarray, n: int) -> np.ndarray:
    """Clip indices drawn with replacement -> how often each of the n clips was drawn."""
    return np.bincount(drawn, minlength=n).astype(np.float64)
