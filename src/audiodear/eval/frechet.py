"""Fréchet distance between Gaussians fitted to embeddings (FD on classifier embeddings, FAD on
VGGish frame embeddings).

    d² = ‖μ₁ − μ₂‖² + tr(Σ₁) + tr(Σ₂) − 2 tr((Σ₁ Σ₂)^½)

The headline value follows audioldm_eval / pytorch-fid step for step (``scipy.linalg.sqrtm`` of
Σ₁Σ₂, a retry with ε·I added to both covariances when the root is not finite, a small imaginary
part dropped and a large one refused), so numbers are comparable with published tables. A second,
independent route computes tr((Σ₁Σ₂)^½) from eigenvalues of the symmetric matrix Σ₁^½ Σ₂ Σ₁^½;
when the two disagree the result carries both and a warning is logged (scipy's ``sqrtm`` has a
history of silent instabilities: gudgud96/frechet-audio-distance#25, microsoft/fadtk#38).

A third route works from the embeddings themselves: the non-zero eigenvalues of Σ₁Σ₂ are the
squared singular values of X₁ᶜ X₂ᶜᵀ / √((n₁−1)(n₂−1)), so when there are fewer clips than
dimensions (964 clips, 2048 dims) the trace costs an n₁×n₂ SVD instead of a D×D matrix root. The
bootstrap uses it.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import scipy.linalg

from ..errors import InputError

log = logging.getLogger(__name__)

EPS = 1e-6  # added to the covariance diagonals when sqrtm is not finite (audioldm_eval's value)
IMAG_ATOL = 1e-3  # largest imaginary part on the diagonal of sqrtm that is treated as round-off


class FrechetNumericalError(ArithmeticError):
    """The matrix square root has a large imaginary part: the covariances are not usable."""


@dataclass(frozen=True)
class FrechetResult:
    value: float  # scipy sqrtm route, as audioldm_eval computes it
    value_eig: float  # eigenvalue route (cross-check)
    agree: bool  # whether both routes agree within tolerance
    eps_added: bool  # whether the ε·I retry was needed

    def as_dict(self) -> dict:
        return {"value": self.value, "value_eig": self.value_eig, "methods_agree": self.agree,
                "eps_added": self.eps_added}


def gaussian_stats(features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(μ, Σ) exactly as audioldm_eval: ``np.mean(axis=0)`` and ``np.cov(rowvar=False)``.

    The dtype is kept (float32 embeddings give a float32 mean and a float64 covariance, as there).
    """
    features = np.asarray(features)
    if features.ndim != 2:
        raise InputError(f"embeddings must be 2-D (clips or frames, dims), got shape {features.shape}")
    if features.shape[0] < 2:
        raise InputError(f"a covariance needs at least 2 embeddings, got {features.shape[0]}")
    if not np.isfinite(features).all():
        raise InputError("embeddings hold NaN or infinite values")
    return np.mean(features, axis=0), np.cov(features, rowvar=False)


def _check(mu1, sigma1, mu2, sigma2):
    mu1, mu2 = np.atleast_1d(mu1), np.atleast_1d(mu2)
    sigma1, sigma2 = np.atleast_2d(sigma1), np.atleast_2d(sigma2)
    if mu1.shape != mu2.shape:
        raise InputError(f"mean vectors differ in length: {mu1.shape} vs {mu2.shape}")
    if sigma1.shape != sigma2.shape or sigma1.shape != (mu1.shape[0],) * 2:
        raise InputError(f"covariances {sigma1.shape} and {sigma2.shape} do not fit means of length {mu1.shape[0]}")
    return mu1, sigma1, mu2, sigma2


def trace_sqrt_product_sqrtm(sigma1: np.ndarray, sigma2: np.ndarray, eps: float = EPS) -> tuple[float, bool]:
    """tr((Σ₁Σ₂)^½) with scipy's sqrtm, as audioldm_eval; returns (trace, whether ε·I was added)."""
    covmean = scipy.linalg.sqrtm(sigma1.dot(sigma2))
    eps_added = False
    if not np.isfinite(covmean).all():
        log.warning("Fréchet distance: singular covariance product; adding %g to the diagonals", eps)
        offset = np.eye(sigma1.shape[0]) * eps
        covmean = scipy.linalg.sqrtm((sigma1 + offset).dot(sigma2 + offset))
        eps_added = True
    if np.iscomplexobj(covmean):
        if not np.allclose(np.diagonal(covmean).imag, 0, atol=IMAG_ATOL):
            raise FrechetNumericalError(
                f"matrix square root has an imaginary component of {np.max(np.abs(covmean.imag)):.3g}")
        covmean = covmean.real
    return float(np.trace(covmean)), eps_added


def _psd_sqrt(sigma: np.ndarray) -> np.ndarray:
    w, v = np.linalg.eigh(sigma)
    return (v * np.sqrt(np.clip(w, 0.0, None))) @ v.T


def trace_sqrt_product_eig(sigma1: np.ndarray, sigma2: np.ndarray) -> float:
    """tr((Σ₁Σ₂)^½) = Σ √λᵢ(Σ₁^½ Σ₂ Σ₁^½): a symmetric PSD eigenproblem, no complex arithmetic."""
    root1 = _psd_sqrt(np.asarray(sigma1, dtype=np.float64))
    inner = root1 @ np.asarray(sigma2, dtype=np.float64) @ root1
    lam = np.linalg.eigvalsh((inner + inner.T) / 2.0)
    return float(np.sqrt(np.clip(lam, 0.0, None)).sum())


def frechet_distance(mu1, sigma1, mu2, sigma2, *, eps: float = EPS, rtol: float = 1e-4,
                     atol: float = 1e-3) -> FrechetResult:
    """Fréchet distance of N(μ₁, Σ₁) and N(μ₂, Σ₂) by both routes; warns when they disagree."""
    mu1, sigma1, mu2, sigma2 = _check(mu1, sigma1, mu2, sigma2)
    diff = mu1 - mu2
    base = diff.dot(diff) + np.trace(sigma1) + np.trace(sigma2)
    tr_sqrtm, eps_added = trace_sqrt_product_sqrtm(sigma1, sigma2, eps)
    value = float(base - 2 * tr_sqrtm)
    value_eig = float(base - 2 * trace_sqrt_product_eig(sigma1, sigma2))
    agree = bool(abs(value - value_eig) <= atol + rtol * abs(value_eig))
    if not agree:
        log.warning("Fréchet distance: sqrtm route gives %.6f, eigenvalue route %.6f; reporting both",
                    value, value_eig)
    return FrechetResult(value, value_eig, agree, eps_added)


def frechet_distance_features(x1: np.ndarray, x2: np.ndarray, **kw) -> FrechetResult:
    """Fréchet distance of two embedding sets (rows are clips or frames)."""
    mu1, s1 = gaussian_stats(x1)
    mu2, s2 = gaussian_stats(x2)
    return frechet_distance(mu1, s1, mu2, s2, **kw)


def frechet_distance_fast(x1: np.ndarray, x2: np.ndarray) -> float:
    """Fréchet distance from embeddings in float64, by the cheaper exact route (for bootstraps)."""
    x1, x2 = np.asarray(x1, dtype=np.float64), np.asarray(x2, dtype=np.float64)
    n1, n2, dim = x1.shape[0], x2.shape[0], x1.shape[1]
    c1, c2 = x1 - x1.mean(axis=0), x2 - x2.mean(axis=0)
    diff = x1.mean(axis=0) - x2.mean(axis=0)
    tr1, tr2 = (c1 * c1).sum() / (n1 - 1), (c2 * c2).sum() / (n2 - 1)
    if min(n1, n2) < dim:
        # non-zero eigenvalues of Σ₁Σ₂ are the squared singular values of c1 c2ᵀ / √((n1-1)(n2-1))
        cross = (c1 @ c2.T) / np.sqrt((n1 - 1) * (n2 - 1))
        tr_sqrt = float(np.linalg.svd(cross, compute_uv=False).sum())
    else:
        tr_sqrt = trace_sqrt_product_eig(c1.T @ c1 / (n1 - 1), c2.T @ c2 / (n2 - 1))
    return float(diff.dot(diff) + tr1 + tr2 - 2 * tr_sqrt)
