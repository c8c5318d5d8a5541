"""The energy-score loss: closed form, relation to the energy distance (checked with dcor),
propriety and unbiasedness in the number of samples m."""
from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import torch
from scipy.spatial.distance import pdist

from audiodear.losses import energy_score_loss


def gaussian(n: int, k: int, seed: int, mean: float = 0.0, std: float = 1.0) -> torch.Tensor:
    return mean + std * torch.randn(n, k, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


def test_m2_alpha1_is_the_audiodear_loss():
    x1, x2, y = torch.tensor([0.0, 0.0]), torch.tensor([3.0, 4.0]), torch.tensor([0.0, 1.0])
    expected = 1.0 + math.sqrt(18.0) - 5.0  # ||x1-y|| + ||x2-y|| - ||x1-x2||
    got = energy_score_loss(torch.stack([x1, x2])[None], y[None])
    assert got.shape == (1,) and got.item() == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize("alpha", [1.0, 0.5, 1.5])
def test_general_m_matches_the_definition(alpha):
    x, y = torch.randn(2, 4, 3, dtype=torch.float64), torch.randn(2, 3, dtype=torch.float64)
    m = 4
    for i in range(2):
        near = sum(torch.linalg.norm(x[i, j] - y[i]) ** alpha for j in range(m)) / m
        between = sum(torch.linalg.norm(x[i, j] - x[i, k]) ** alpha
                      for j, k in itertools.permutations(range(m), 2)) / (2 * m * (m - 1))
        assert energy_score_loss(x, y, alpha)[i].item() == pytest.approx(2 * (near - between).item(), rel=1e-9)


@pytest.mark.parametrize("alpha", [1.0, 0.5])
def test_expectation_is_energy_distance_plus_target_spread(alpha):
    """E loss = 2E d(X,Y) - E d(X,X') = D(P, Q) + E d(Y,Y'); D from dcor's U-statistic,
    E d(Y,Y') from scipy's pairwise distances. Only this comparison needs dcor; the closed-form
    tests run without it."""
    dcor = pytest.importorskip("dcor")
    k, mean, std = 3, 0.7, 1.4
    targets = gaussian(20000, k, 0)
    samples = gaussian(40000, k, 1, mean, std).reshape(20000, 2, k)
    ours = energy_score_loss(samples, targets, alpha).mean().item()
    x, y = gaussian(2500, k, 2, mean, std).numpy(), gaussian(2500, k, 3).numpy()
    distance = dcor.energy_distance(x, y, exponent=alpha, estimation_stat="u_statistic")
    spread = np.mean(pdist(gaussian(2500, k, 4).numpy()) ** alpha)
    assert ours == pytest.approx(distance + spread, abs=0.07)  # about 3.5 Monte-Carlo standard errors
    assert distance > 0.1  # the two distributions differ: the check is not vacuous


def test_minimised_by_the_target_distribution():
    """Common random numbers: the same base noise, shifted or scaled, so the ordering is reliable."""
    n, k = 40000, 2
    targets = gaussian(n, k, 10)
    base = gaussian(2 * n, k, 11).reshape(n, 2, k)
    scores = {name: energy_score_loss(mean + std * base, targets).mean().item()
              for name, mean, std in [("target", 0.0, 1.0), ("shifted", 0.3, 1.0), ("wide", 0.0, 1.3),
                                      ("narrow", 0.0, 0.7), ("point", 0.0, 0.0)]}
    for name, value in scores.items():
        if name != "target":
            assert value > scores["target"] + 0.01, (name, scores)


def test_unbiased_in_the_number_of_samples():
    n, k = 30000, 4
    targets = gaussian(n, k, 20)
    means = [energy_score_loss(gaussian(n * m, k, 21 + m, 0.5, 1.2).reshape(n, m, k), targets).mean().item()
             for m in (2, 3, 5)]
    assert max(means) - min(means) < 0.03, means


def test_gradient_at_equal_samples_is_finite():
    samples = torch.zeros(3, 2, 5, requires_grad=True)
    energy_score_loss(samples, torch.ones(3, 5)).sum().backward()
    assert torch.isfinite(samples.grad).all()
    # Only the pull towards the target acts: d||x - y||/dx = (x - y)/||x - y||.
    torch.testing.assert_close(samples.grad, torch.full((3, 2, 5), -1 / math.sqrt(5)))


def test_rejects_a_single_sample():
    with pytest.raises(ValueError, match="m >= 2"):
        energy_score_loss(torch.zeros(3, 1, 5), torch.zeros(3, 5))
