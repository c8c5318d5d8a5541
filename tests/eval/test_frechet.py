"""Fréchet distance: closed-form cases, the two matrix-root routes, the fast route, bad input."""
from __future__ import annotations

import logging

import numpy as np
import pytest

from audiodear.errors import InputError
from audiodear.eval.frechet import (FrechetNumericalError, frechet_distance, frechet_distance_fast,
                                    frechet_distance_features, gaussian_stats, trace_sqrt_product_eig,
                                    trace_sqrt_product_sqrtm)


def _spd(d, seed):
    a = np.random.default_rng(seed).standard_normal((d, d + 3))
    return a @ a.T / d


def test_identical_sets_give_zero():
    x = np.random.default_rng(0).standard_normal((200, 16)).astype(np.float32)
    res = frechet_distance_features(x, x)
    assert abs(res.value) < 1e-6 and abs(res.value_eig) < 1e-6 and res.agree


def test_one_dimensional_gaussians():
    # d² = (m1 − m2)² + (√s1 − √s2)²
    res = frechet_distance(np.array([1.0]), np.array([[4.0]]), np.array([-2.0]), np.array([[9.0]]))
    assert res.value == pytest.approx(9.0 + 1.0)
    assert res.value_eig == pytest.approx(10.0)


def test_diagonal_gaussians_sum_per_dimension():
    mu1, mu2 = np.array([0.0, 1.0, 2.0]), np.array([1.0, 1.0, 0.0])
    v1, v2 = np.array([1.0, 4.0, 0.25]), np.array([4.0, 1.0, 1.0])
    expected = np.sum((mu1 - mu2) ** 2) + np.sum((np.sqrt(v1) - np.sqrt(v2)) ** 2)
    res = frechet_distance(mu1, np.diag(v1), mu2, np.diag(v2))
    assert res.value == pytest.approx(expected) and res.value_eig == pytest.approx(expected)


@pytest.mark.parametrize("seed", range(5))
def test_sqrtm_and_eigenvalue_routes_agree_on_random_spd(seed):
    s1, s2 = _spd(24, seed), _spd(24, seed + 100)
    tr_sqrtm, eps_added = trace_sqrt_product_sqrtm(s1, s2)
    assert not eps_added
    assert tr_sqrtm == pytest.approx(trace_sqrt_product_eig(s1, s2), rel=1e-8)


@pytest.mark.parametrize("n1,n2,d", [(40, 50, 64), (300, 280, 16)])  # fewer clips than dims, and more
def test_fast_route_equals_the_standard_one(n1, n2, d):
    rng = np.random.default_rng(d)
    x1, x2 = rng.standard_normal((n1, d)), rng.standard_normal((n2, d)) * 1.3 + 0.2
    ref = frechet_distance_features(x1, x2)
    assert frechet_distance_fast(x1, x2) == pytest.approx(ref.value, rel=1e-7)
    assert frechet_distance_fast(x1, x2) == pytest.approx(ref.value_eig, rel=1e-7)


def test_stats_follow_numpy_conventions():
    x = np.random.default_rng(1).standard_normal((30, 5)).astype(np.float32)
    mu, sigma = gaussian_stats(x)
    assert mu.dtype == np.float32 and sigma.dtype == np.float64  # as audioldm_eval gets them
    np.testing.assert_allclose(sigma, np.cov(x.astype(np.float64).T), rtol=1e-6)


def test_disagreeing_routes_are_reported_and_logged(caplog):
    # a non-symmetric "covariance": scipy's sqrtm and the symmetric eigen route must differ
    with caplog.at_level(logging.WARNING, logger="audiodear.eval.frechet"):
        res = frechet_distance(np.zeros(2), np.eye(2), np.zeros(2), np.array([[1.0, 1.0], [0.0, 1.0]]))
    assert not res.agree and res.value != pytest.approx(res.value_eig)
    assert "eigenvalue route" in caplog.text


def test_large_imaginary_component_is_refused():
    with pytest.raises(FrechetNumericalError, match="imaginary"):
        frechet_distance(np.zeros(2), np.diag([1.0, -1.0]), np.zeros(2), np.eye(2))


def test_bad_shapes_are_input_errors():
    with pytest.raises(InputError, match="differ in length"):
        frechet_distance(np.zeros(2), np.eye(2), np.zeros(3), np.eye(3))
    with pytest.raises(InputError, match="at least 2"):
        gaussian_stats(np.zeros((1, 4)))
    with pytest.raises(InputError, match="NaN"):
        gaussian_stats(np.full((3, 2), np.nan))
